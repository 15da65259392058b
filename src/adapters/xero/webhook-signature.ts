import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Xero signs each webhook POST: x-xero-signature = base64(HMAC-SHA256(raw body bytes, webhook key)).
 * The HMAC must run over the exact bytes received, never a re-serialised JSON (reference/xero-api.md §10).
 */
export function signWebhookBody(key: string, rawBody: Buffer): string {
  return createHmac('sha256', key).update(rawBody).digest('base64');
}

export function isValidWebhookSignature(
  key: string,
  rawBody: Buffer,
  header: string | undefined | null,
): boolean {
  if (!header) return false;
  const expected = Buffer.from(signWebhookBody(key, rawBody), 'base64');
  const given = Buffer.from(header.trim(), 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
