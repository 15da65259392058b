import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * OAuth `state`: a random nonce with an expiry, signed with HMAC-SHA256 (key derived from the encryption key).
 * The nonce is also set as a cookie on /xero/connect and compared on /xero/callback, so a state minted for one
 * browser cannot finish a consent in another (login CSRF). The callback also records the nonce's first use
 * (`oauth_state_uses`), so one state completes one connection.
 */
export const STATE_TTL_MS = 10 * 60_000;

export interface IssuedState {
  readonly state: string;
  readonly nonce: string;
  readonly expiresAt: Date;
}

export type StateCheck =
  | { readonly kind: 'valid'; readonly nonce: string; readonly expiresAt: Date }
  | {
      readonly kind: 'rejected';
      readonly reason: 'malformed' | 'bad-signature' | 'expired' | 'not-this-browser' | 'already-used';
    };

const b64url = (buf: Buffer) => buf.toString('base64url');

function sign(key: Buffer, payload: string): Buffer {
  return createHmac('sha256', key).update(payload).digest();
}

export function issueState(key: Buffer, now: Date, ttlMs = STATE_TTL_MS): IssuedState {
  const nonce = b64url(randomBytes(18));
  const exp = now.getTime() + ttlMs;
  const payload = `${nonce}.${exp}`;
  return { state: `${payload}.${b64url(sign(key, payload))}`, nonce, expiresAt: new Date(exp) };
}

export function verifyState(key: Buffer, state: string, now: Date, cookieNonce: string | null): StateCheck {
  const parts = state.split('.');
  if (parts.length !== 3) return { kind: 'rejected', reason: 'malformed' };
  const [nonce, expText, mac] = parts as [string, string, string];
  const given = Buffer.from(mac, 'base64url');
  const expected = sign(key, `${nonce}.${expText}`);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { kind: 'rejected', reason: 'bad-signature' };
  }
  const exp = Number(expText);
  if (!Number.isFinite(exp) || now.getTime() > exp) return { kind: 'rejected', reason: 'expired' };
  // No cookie, or another one: the consent was started elsewhere (or the link was forwarded).
  const a = Buffer.from(cookieNonce ?? '');
  const b = Buffer.from(nonce);
  if (a.length !== b.length || !timingSafeEqual(a, b))
    return { kind: 'rejected', reason: 'not-this-browser' };
  return { kind: 'valid', nonce, expiresAt: new Date(exp) };
}
