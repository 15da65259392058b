import { setTimeout as sleep } from 'node:timers/promises';
import { WebAPIPlatformError, WebAPIRateLimitedError, type WebClient } from '@slack/web-api';
import type { Kysely } from 'kysely';
import { errorMessage } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { type Clock, systemClock } from '../clock.js';
import type { DB } from '../db/schema.js';
import { findSlackPost, recordSlackPost, reserveChannelSlot } from '../db/slack-surface-queries.js';
import type { HandlerOutcome, KindHandler } from '../outbox/outbox-worker.js';
import { findPostedMessage, postMetadata } from './post-once.js';

/** Slack's chat.postMessage allowance: about one message per second per channel (slack-platform.md §4). */
export const CHANNEL_POST_INTERVAL_MS = 1_100;
/** Waits shorter than this happen inside the handler; longer ones go back to the outbox. */
const INLINE_WAIT_MS = 2_500;

/** Errors a retry cannot fix: the message or the channel is wrong, or the token is. */
const PERMANENT = new Set([
  'invalid_blocks',
  'invalid_blocks_format',
  'msg_blocks_too_long',
  'msg_too_long',
  'no_text',
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  'missing_scope',
  'restricted_action',
]);

export interface SlackPosterOptions {
  readonly db: Kysely<DB>;
  readonly client: WebClient;
  readonly clock: Clock;
  readonly log: Logger;
  readonly minIntervalMs?: number;
  /** Pacing is about Slack's real seconds, whatever the business clock says (NOW=… in demos). */
  readonly wallClock?: Clock;
}

/**
 * The `slack.post` outbox handler. Exactly-once as far as Slack allows: a post is recorded by key the moment
 * Slack returns its ts, and a retried or re-claimed item with a recorded post completes without posting. The
 * only window left is a crash between Slack's reply and that insert (milliseconds).
 */
export function createSlackPostHandler(o: SlackPosterOptions): KindHandler<'slack.post'> {
  const interval = o.minIntervalMs ?? CHANNEL_POST_INTERVAL_MS;
  const wall = o.wallClock ?? systemClock;
  return async (item, signal): Promise<HandlerOutcome> => {
    const p = item.payload;
    const already = await findSlackPost(o.db, item.idempotencyKey);
    if (already)
      return { status: 'done', result: { channel: already.channel, ts: already.ts, reused: true } };

    let threadTs: string | null = p.threadTs ?? null;
    if (p.threadKey) {
      const parent = await findSlackPost(o.db, p.threadKey);
      if (!parent)
        return { status: 'retry', error: `thread parent ${p.threadKey} not posted yet`, retryAfterMs: 2_000 };
      threadTs = parent.ts;
    }
    // Parts of one thread in order: part N waits for part N−1, whichever worker holds which.
    if (p.afterKey && !(await findSlackPost(o.db, p.afterKey))) {
      return {
        status: 'retry',
        error: `waiting for ${p.afterKey} to be posted first`,
        retryAfterMs: 1_000,
        rateLimited: true,
      };
    }
    // A retry may follow an answer that hid a successful post (a 5xx, a timeout): look before posting again.
    if (item.attempts > 1) {
      try {
        const ts = await findPostedMessage(o.client, {
          channel: p.channel,
          key: item.idempotencyKey,
          since: item.createdAt,
          threadTs,
        });
        if (ts) {
          await recordSlackPost(
            o.db,
            { idempotencyKey: item.idempotencyKey, orgId: item.orgId, channel: p.channel, ts, threadTs },
            o.clock.now(),
          );
          return { status: 'done', result: { channel: p.channel, ts, found: true } };
        }
      } catch (err) {
        return { status: 'retry', error: `could not check whether it was posted: ${errorMessage(err)}` };
      }
    }

    for (;;) {
      const wait = await reserveChannelSlot(o.db, p.channel, wall.now(), interval);
      if (wait === 0) break;
      if (wait > INLINE_WAIT_MS)
        return { status: 'retry', error: 'channel posting slot busy', retryAfterMs: wait };
      await sleep(wait, undefined, { signal }).catch(() => undefined);
      if (signal.aborted) return { status: 'retry', error: 'stopped while waiting for a posting slot' };
    }

    try {
      const res = await o.client.chat.postMessage({
        channel: p.channel,
        text: p.text,
        blocks: p.blocks as never,
        ...(threadTs ? { thread_ts: threadTs } : {}),
        unfurl_links: false,
        unfurl_media: false,
        metadata: postMetadata(item.idempotencyKey),
      });
      const ts = res.ts as string;
      const channel = (res.channel as string | undefined) ?? p.channel;
      await recordSlackPost(
        o.db,
        { idempotencyKey: item.idempotencyKey, orgId: item.orgId, channel, ts, threadTs },
        o.clock.now(),
      );
      return { status: 'done', result: { channel, ts } };
    } catch (err) {
      if (err instanceof WebAPIRateLimitedError) {
        return {
          status: 'retry',
          error: 'rate limited by Slack',
          retryAfterMs: err.retryAfter * 1000,
          rateLimited: true,
        };
      }
      if (err instanceof WebAPIPlatformError) {
        const code = String(err.data.error);
        if (PERMANENT.has(code)) {
          o.log.error(
            { code: 'SLACK_POST_REJECTED', slackError: code, key: item.idempotencyKey },
            'slack rejected a post',
          );
          return { status: 'failed', error: `slack: ${code}` };
        }
        return { status: 'retry', error: `slack: ${code}` };
      }
      return { status: 'retry', error: errorMessage(err) };
    }
  };
}
