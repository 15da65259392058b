import { describe, expect, it } from 'vitest';
import { interruptedSendVerdict, SENT_COPY_WAIT_MS } from './interrupted-send.js';

const started = new Date('2026-12-07T09:00:00Z');
const later = (ms: number) => new Date(started.getTime() + ms);

describe('an interrupted send, resolved by looking', () => {
  it('is sent when its copy is in the Sent folder, whoever files copies', () => {
    for (const copies of ['server', 'append'] as const)
      expect(
        interruptedSendVerdict({ lookup: 'found', copies, attemptStartedAt: started, now: later(1) }),
      ).toEqual({ kind: 'sent' });
  });

  it('waits for a server that files copies, then sends again once the wait is over', () => {
    expect(
      interruptedSendVerdict({
        lookup: 'absent',
        copies: 'server',
        attemptStartedAt: started,
        now: later(30_000),
      }),
    ).toEqual({ kind: 'wait', ms: SENT_COPY_WAIT_MS - 30_000 });
    expect(
      interruptedSendVerdict({
        lookup: 'absent',
        copies: 'server',
        attemptStartedAt: started,
        now: later(SENT_COPY_WAIT_MS),
      }),
    ).toEqual({ kind: 'resend' });
  });

  it('asks a person when an absent copy proves nothing (we file copies ourselves) or there is no mailbox', () => {
    expect(
      interruptedSendVerdict({
        lookup: 'absent',
        copies: 'append',
        attemptStartedAt: started,
        now: later(10 ** 9),
      }),
    ).toEqual({ kind: 'ask' });
    expect(
      interruptedSendVerdict({
        lookup: null,
        copies: 'server',
        attemptStartedAt: started,
        now: later(10 ** 9),
      }),
    ).toEqual({ kind: 'ask' });
  });

  it('tries again later when the mailbox cannot be searched, never sends on a guess', () => {
    expect(
      interruptedSendVerdict({
        lookup: 'unknown',
        copies: 'server',
        attemptStartedAt: started,
        now: later(10 ** 9),
      }).kind,
    ).toBe('retry');
  });
});
