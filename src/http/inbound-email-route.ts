import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { NO_SLACK_DEFAULTS } from '../adapters/db/slack-settings.js';
import { parseInboundEmail } from '../adapters/mail/inbound-email.js';
import type { AppContext } from '../context.js';
import { errorMessage } from '../errors.js';
import { captureReply } from '../use-cases/capture-reply.js';
import { type HttpRoute, readRawBody, sendJson } from './routes.js';

export const INBOUND_EMAIL_PATH = '/inbound/email';
/** The header carrying hex HMAC-SHA256 of the raw body, keyed with INBOUND_EMAIL_SECRET (`sha256=` optional). */
export const INBOUND_SIGNATURE_HEADER = 'x-signature-sha256';
export const MAX_INBOUND_EMAIL_BYTES = 10 * 1024 * 1024;

export function signInboundEmail(secret: string, raw: Buffer): string {
  return createHmac('sha256', secret).update(raw).digest('hex');
}

export function isValidInboundSignature(secret: string, raw: Buffer, header: string | undefined): boolean {
  if (!header) return false;
  const hex = header.trim().replace(/^sha256=/i, '');
  if (!/^[0-9a-f]{64}$/i.test(hex)) return false;
  const given = Buffer.from(hex, 'hex');
  const expected = Buffer.from(signInboundEmail(secret, raw), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * POST /inbound/email (issue #18): for teams whose mail provider forwards replies to a webhook instead of being
 * read over IMAP. The body is the raw MIME message; the header `X-Signature-SHA256` is the hex HMAC-SHA256 of
 * those exact bytes with INBOUND_EMAIL_SECRET. A forged or missing signature is 401, a body over 10 MB 413, a body
 * that is not an email 400; otherwise 200 with `{status: 'stored' | 'duplicate', replyId}`. A replayed request
 * is harmless: the same message is stored once (by Message-ID) and answered 'duplicate'. Without
 * INBOUND_EMAIL_SECRET the route does not exist (404).
 */
export function inboundEmailRoutes(ctx: AppContext): HttpRoute[] {
  const secret = ctx.config.inboundEmail?.secret;
  if (!secret) return [];
  const log = ctx.log.child({ component: 'inbound-email' });
  const route: HttpRoute = {
    path: INBOUND_EMAIL_PATH,
    method: 'POST',
    handler: (req, res) => {
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > MAX_INBOUND_EMAIL_BYTES) {
        sendJson(res, 413, { error: 'too_large', limitBytes: MAX_INBOUND_EMAIL_BYTES });
        req.resume();
        return;
      }
      readRawBody(req, MAX_INBOUND_EMAIL_BYTES)
        .then(async (raw) => {
          if (!raw) {
            sendJson(res, 413, { error: 'too_large', limitBytes: MAX_INBOUND_EMAIL_BYTES });
            return;
          }
          const header = req.headers[INBOUND_SIGNATURE_HEADER];
          if (!isValidInboundSignature(secret, raw, Array.isArray(header) ? header[0] : header)) {
            log.warn(
              { code: 'INBOUND_EMAIL_FORGED', bytes: raw.length },
              'inbound email with a bad signature',
            );
            sendJson(res, 401, { error: 'bad_signature' });
            return;
          }
          const parsed = await parseInboundEmail(raw);
          if (!parsed.ok) {
            sendJson(res, 400, { error: 'unreadable', reason: parsed.reason });
            return;
          }
          const now = ctx.clock.now();
          const outcome = await captureReply(
            {
              db: ctx.database.db,
              slack: ctx.config.slack !== null,
              slackDefaults: ctx.config.slack?.defaults ?? NO_SLACK_DEFAULTS,
              sha256: (text) => createHash('sha256').update(text).digest('hex'),
            },
            { channel: 'webhook', email: parsed.email, receivedAt: now, now },
          );
          if (outcome.kind === 'rejected') {
            sendJson(res, 400, { error: 'rejected', reason: outcome.reason });
            return;
          }
          if (outcome.kind === 'stored') {
            log.info(
              { code: 'REPLY_CAPTURED', replyId: outcome.replyId, match: outcome.match.method },
              'reply captured',
            );
          }
          if (outcome.kind === 'bounce') {
            log.info(
              { code: 'REPLY_BOUNCE', reminderId: outcome.reminderId, recorded: outcome.recorded },
              'a delivery status notification',
            );
            sendJson(res, 200, {
              status: 'bounce',
              reminderId: outcome.reminderId,
              recorded: outcome.recorded,
            });
            return;
          }
          sendJson(res, 200, { status: outcome.kind, replyId: outcome.replyId });
        })
        .catch((err) => {
          log.error(
            { err: errorMessage(err), code: 'INBOUND_EMAIL_FAILED' },
            'inbound email could not be stored',
          );
          if (!res.headersSent) sendJson(res, 500, { error: 'internal' });
        });
    },
  };
  return [route];
}
