import { ErrorCode } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import type { KindItem } from '../../adapters/outbox/outbox-worker.js';
import { slackFailure } from '../../adapters/slack/slack-failure.js';
import type { NoteWriteOutcome, XeroNoteWriter } from '../../adapters/xero/history-notes.js';
import { senderIdentity } from '../../config.js';
import { createChannelPacer } from '../../use-cases/post-reminder-card.js';
import { writeXeroNote } from './xero-history-note.js';

type NoteItem = KindItem<'xero.history_note'>;
const item = (payload: NoteItem['payload'], orgId: string | null = 'org-1'): NoteItem => ({
  id: 1,
  orgId,
  kind: 'xero.history_note',
  idempotencyKey: 'note:sent:r1:invoice:i-1',
  payload,
  status: 'running',
  attempts: 1,
  maxAttempts: 8,
  nextAttemptAt: new Date(0),
  lastError: null,
  result: null,
  createdAt: new Date(0),
  completedAt: null,
});

const writer = (answer: NoteWriteOutcome | Error, seen: unknown[][] = []): XeroNoteWriter => ({
  async addNotes(...args) {
    seen.push(args);
    if (answer instanceof Error) throw answer;
    return answer;
  },
});

const note = {
  documentType: 'invoice' as const,
  documentId: 'i-1',
  details: 'Reminder 1 (friendly) emailed…',
};

describe('writeXeroNote', () => {
  it('passes the outbox key as the Idempotency-Key and maps each Xero answer to an outbox outcome', async () => {
    const seen: unknown[][] = [];
    expect(await writeXeroNote(writer({ kind: 'written' }, seen), item(note))).toEqual({
      status: 'done',
      result: { documentType: 'invoice', documentId: 'i-1' },
    });
    expect(seen).toEqual([['org-1', 'invoice', 'i-1', [note.details], 'note:sent:r1:invoice:i-1']]);
    expect(
      await writeXeroNote(writer({ kind: 'rate-limited', retryAfterMs: 42_000, error: '429' }), item(note)),
    ).toEqual({ status: 'retry', error: '429', retryAfterMs: 42_000, rateLimited: true });
    expect(await writeXeroNote(writer({ kind: 'retryable', error: '503' }), item(note))).toEqual({
      status: 'retry',
      error: '503',
    });
    expect(await writeXeroNote(writer({ kind: 'rejected', error: '404 invoice gone' }), item(note))).toEqual({
      status: 'failed',
      error: '404 invoice gone',
    });
    expect(await writeXeroNote(writer(new Error('socket hang up')), item(note))).toEqual({
      status: 'retry',
      error: 'socket hang up',
    });
  });

  // A malformed payload never reaches the handler (the worker checks it against outbox-kinds.ts); an item
  // without an organisation is the one thing left to refuse here.
  it('fails an item without an organisation without calling Xero', async () => {
    const seen: unknown[][] = [];
    expect(await writeXeroNote(writer({ kind: 'written' }, seen), item(note, null))).toEqual({
      status: 'failed',
      error: 'history note without an organisation',
    });
    expect(seen).toEqual([]);
  });
});

describe('slackFailure', () => {
  it('waits for Retry-After on a 429, retries transient answers, and gives up on refusals', () => {
    expect(
      slackFailure(Object.assign(new Error('rl'), { code: ErrorCode.RateLimitedError, retryAfter: 7 })),
    ).toEqual({
      status: 'retry',
      error: 'Slack rate limited (retry after 7s)',
      retryAfterMs: 7000,
      rateLimited: true,
    });
    const platform = (error: string) =>
      Object.assign(new Error(error), { code: ErrorCode.PlatformError, data: { ok: false, error } });
    expect(slackFailure(platform('internal_error'))).toEqual({
      status: 'retry',
      error: 'Slack: internal_error',
    });
    expect(slackFailure(platform('not_in_channel'))).toEqual({
      status: 'failed',
      error: 'Slack refused: not_in_channel',
    });
    expect(slackFailure(Object.assign(new Error('HTTP 502'), { code: ErrorCode.HTTPError }))).toEqual({
      status: 'retry',
      error: 'HTTP 502',
    });
  });
});

describe('senderIdentity', () => {
  it('takes the Message-ID domain and signature from MAIL_FROM, else the public URL', () => {
    const base = { publicUrl: 'https://ar.example.com', mail: null } as never;
    expect(senderIdentity(base)).toEqual({ messageDomain: 'ar.example.com', senderName: 'Accounts team' });
    expect(
      senderIdentity({
        publicUrl: 'x',
        mail: { smtpUrl: 's', from: 'Harbour Foods <ar@harbour.example>', replyTo: null },
      } as never),
    ).toEqual({ messageDomain: 'harbour.example', senderName: 'Harbour Foods' });
    expect(
      senderIdentity({
        publicUrl: 'x',
        mail: { smtpUrl: 's', from: 'ar@harbour.example', replyTo: null },
      } as never),
    ).toEqual({ messageDomain: 'harbour.example', senderName: 'Accounts team' });
  });
});

describe('createChannelPacer', () => {
  it('spaces posts to one channel and leaves other channels alone', async () => {
    const slept: number[] = [];
    const pace = createChannelPacer(1_000, async (ms) => {
      slept.push(ms);
    });
    await pace('C1');
    await pace('C2');
    await pace('C1');
    expect(slept).toHaveLength(1);
    expect(slept[0]).toBeGreaterThan(900);
    expect(slept[0]).toBeLessThanOrEqual(1_000);
  });
});
