import { describe, expect, it } from 'vitest';
import { signSlackRequest } from '../../sandbox/slack/signed-client.js';
import { checkSlackRequest, withoutNul } from './slack-request-check.js';

const SECRET = 'check-secret';
const NOW = 1_800_000_000;
const FORM = 'application/x-www-form-urlencoded';
const command = new URLSearchParams({
  command: '/ar',
  text: 'top 5',
  user_id: 'U1',
  channel_id: 'C1',
  team_id: 'T1',
}).toString();

function check(body: string, ts: number, contentType = FORM, secret = SECRET) {
  return checkSlackRequest({
    rawBody: Buffer.from(body),
    headers: {
      'x-slack-signature': signSlackRequest(secret, ts, body),
      'x-slack-request-timestamp': String(ts),
    },
    contentType,
    signingSecret: SECRET,
    nowSeconds: NOW,
  });
}

describe('checkSlackRequest', () => {
  it.each([
    [-299, 'ok'],
    [299, 'ok'],
    [-300, 'stale-timestamp'],
    [-301, 'stale-timestamp'],
    [300, 'future-timestamp'],
    [301, 'future-timestamp'],
    [86_400, 'future-timestamp'],
    [10 * 365 * 86_400, 'future-timestamp'],
  ])('a timestamp %i s from our clock: %s', (offset, expected) => {
    const v = check(command, NOW + offset);
    expect(v.kind === 'ok' ? 'ok' : v.reason).toBe(expected);
  });

  it('refuses a forged signature before reading anything', () => {
    expect(check(command, NOW, FORM, 'other-secret')).toMatchObject({ status: 401, reason: 'bad-signature' });
  });

  it('passes a good command on, and removes NUL characters from it', () => {
    const v = check(command.replace('top+5', 'top%005'), NOW);
    expect(v).toMatchObject({ kind: 'ok', cleaned: true, payloadType: 'command' });
    expect(v.kind === 'ok' && new URLSearchParams(v.body).get('text')).toBe('top5');
  });

  it('removes NUL from keys and values at any depth', () => {
    expect(withoutNul({ 'a\u0000': ['x\u0000y', { z: '\u0000' }], n: 5 })).toEqual({
      value: { a: ['xy', { z: '' }], n: 5 },
      cleaned: true,
    });
  });
});
