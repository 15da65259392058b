import { describe, expect, it } from 'vitest';
import { issueState, verifyState } from './oauth-state.js';
import { isValidWebhookSignature, signWebhookBody } from './webhook-signature.js';
import { normaliseXeroError } from './xero-errors.js';

const KEY = Buffer.alloc(32, 3);
const T = new Date('2026-11-21T09:00:00Z');

describe('OAuth state', () => {
  it('accepts its own state in the same browser within 10 minutes', () => {
    const s = issueState(KEY, T);
    expect(verifyState(KEY, s.state, new Date(T.getTime() + 9 * 60_000), s.nonce)).toEqual({
      kind: 'valid',
      nonce: s.nonce,
      expiresAt: s.expiresAt,
    });
  });
  it.each([
    ['expired', (s: string) => s, 11 * 60_000, (n: string) => n],
    // Flip the MAC's first character: the last base64url character of a 32-byte MAC carries padding bits, so
    // changing it may leave the decoded bytes unchanged.
    [
      'bad-signature',
      (s: string) => {
        const [nonce, exp, mac] = s.split('.') as [string, string, string];
        return `${nonce}.${exp}.${mac.startsWith('A') ? 'B' : 'A'}${mac.slice(1)}`;
      },
      0,
      (n: string) => n,
    ],
    ['bad-signature', (s: string) => s.replace(/^[^.]+/, 'other'), 0, (n: string) => n],
    ['malformed', () => 'garbage', 0, (n: string) => n],
    ['not-this-browser', (s: string) => s, 0, () => 'someone-else'],
  ])('rejects: %s', (reason, mutate, laterMs, cookie) => {
    const s = issueState(KEY, T);
    expect(verifyState(KEY, mutate(s.state), new Date(T.getTime() + laterMs), cookie(s.nonce))).toEqual({
      kind: 'rejected',
      reason,
    });
  });
  it('rejects a missing cookie and a state signed with another key', () => {
    const s = issueState(KEY, T);
    expect(verifyState(KEY, s.state, T, null)).toMatchObject({ reason: 'not-this-browser' });
    expect(verifyState(Buffer.alloc(32, 4), s.state, T, s.nonce)).toMatchObject({ reason: 'bad-signature' });
  });
});

describe('webhook signature', () => {
  const body = Buffer.from('{"events":[],"firstEventSequence":0,"lastEventSequence":0,"entropy":"X"}');
  it('verifies base64 HMAC-SHA256 over the raw bytes', () => {
    const sig = signWebhookBody('key', body);
    expect(isValidWebhookSignature('key', body, sig)).toBe(true);
    expect(isValidWebhookSignature('other', body, sig)).toBe(false);
    // Re-serialised JSON (a space) is different bytes: must fail.
    expect(isValidWebhookSignature('key', Buffer.from(body.toString().replace(':[]', ': []')), sig)).toBe(
      false,
    );
    expect(isValidWebhookSignature('key', body, undefined)).toBe(false);
    expect(isValidWebhookSignature('key', body, 'short')).toBe(false);
  });
});

describe('normaliseXeroError', () => {
  it('reads xero-node JSON-string errors: a 429 with an empty body and lowercase headers', () => {
    const err = JSON.stringify({
      response: {
        statusCode: 429,
        body: '',
        headers: { 'retry-after': '37', 'x-rate-limit-problem': 'Minute', 'x-daylimit-remaining': '812' },
      },
      body: '',
    });
    expect(normaliseXeroError(err)).toEqual({
      kind: 'rate-limited',
      status: 429,
      retryAfterMs: 37_000,
      rateLimitProblem: 'minute',
      dayLimitRemaining: '812',
      message: 'HTTP 429',
    });
  });
  it('reads a validation error and a network failure (status 0)', () => {
    const v = normaliseXeroError(
      JSON.stringify({
        response: {
          statusCode: 400,
          body: { Type: 'ValidationException', Message: 'A validation exception occurred' },
          headers: {},
        },
      }),
    );
    expect(v).toMatchObject({
      kind: 'client',
      status: 400,
      message: 'HTTP 400: ValidationException: A validation exception occurred',
    });
    const n = normaliseXeroError(
      JSON.stringify({ response: { statusCode: 0, body: 'timeout of 300ms exceeded', headers: {} } }),
    );
    expect(n).toMatchObject({ kind: 'network', status: 0, message: 'network: timeout of 300ms exceeded' });
  });
  it('reads axios errors and fetch errors', () => {
    expect(
      normaliseXeroError({
        isAxiosError: true,
        message: 'x',
        response: { status: 503, headers: { 'Retry-After': '5' }, data: '' },
      }),
    ).toMatchObject({ kind: 'server', status: 503, retryAfterMs: 5_000 });
    const reset = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } });
    expect(normaliseXeroError(reset)).toMatchObject({
      kind: 'network',
      message: 'network: fetch failed / ECONNRESET',
    });
    expect(normaliseXeroError(new DOMException('signal timed out', 'TimeoutError'))).toMatchObject({
      kind: 'network',
    });
    expect(normaliseXeroError({ response: { status: 401, data: { error: 'invalid_token' } } })).toMatchObject(
      {
        kind: 'unauthorized',
      },
    );
  });
});
