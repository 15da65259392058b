import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HTTPReceiver } from '@slack/bolt';
import { readRawBody } from '../../http/routes.js';
import type { Logger } from '../../logger.js';
import { checkSlackRequest, type SlackRequestVerdict } from './slack-request-check.js';

/** Slack's payloads are small; a body past this is not Slack. */
export const SLACK_MAX_BODY_BYTES = 1_000_000;

export interface SlackGateOptions {
  readonly signingSecret: string;
  readonly log: Logger;
  /** Wall clock, seconds. */
  readonly nowSeconds?: () => number;
  /** Told of every refused request (for the audit log); must not throw. */
  readonly onRefused?: (refusal: Extract<SlackRequestVerdict, { kind: 'refused' }>, path: string) => void;
}

function answer(res: ServerResponse, status: number): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-length': 0 });
  res.end();
}

/**
 * Puts `checkSlackRequest` in front of Bolt's HTTP receiver for POSTs to /slack/events: it reads the body once,
 * answers 401 or 400 itself, and hands Bolt a verified, NUL-free body (as `rawBody`, which Bolt reads instead of
 * the stream). Bolt's own signature check is then off: it would verify the body before we cleaned it, and it
 * accepts timestamps from the future. Every other route goes to Bolt untouched.
 */
export function gateSlackRequests(receiver: HTTPReceiver, o: SlackGateOptions): void {
  const bolt = receiver.requestListener;
  const nowSeconds = o.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  const log = o.log.child({ component: 'slack', lib: 'gate' });
  receiver.requestListener = (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (req.method !== 'POST' || path !== '/slack/events') {
      bolt(req, res);
      return;
    }
    readRawBody(req, SLACK_MAX_BODY_BYTES).then(
      (raw) => {
        if (raw === null) {
          answer(res, 413);
          return;
        }
        const verdict = checkSlackRequest({
          rawBody: raw,
          headers: req.headers,
          contentType: String(req.headers['content-type'] ?? ''),
          signingSecret: o.signingSecret,
          nowSeconds: nowSeconds(),
        });
        if (verdict.kind === 'refused') {
          // The reason and detail never quote the body.
          log.warn(
            {
              code: 'SLACK_REQUEST_REFUSED',
              status: verdict.status,
              reason: verdict.reason,
              detail: verdict.detail,
            },
            'slack request refused',
          );
          o.onRefused?.(verdict, path);
          answer(res, verdict.status);
          return;
        }
        if (verdict.cleaned)
          log.info({ payloadType: verdict.payloadType }, 'NUL characters removed from a slack payload');
        (req as IncomingMessage & { rawBody?: Buffer }).rawBody = Buffer.from(verdict.body);
        bolt(req, res);
      },
      (err: unknown) => {
        log.warn({ err, code: 'SLACK_REQUEST_UNREADABLE' }, 'slack request body could not be read');
        answer(res, 400);
      },
    );
  };
}
