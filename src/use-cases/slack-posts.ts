import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../adapters/db/schema.js';
import { enqueueOutbox } from '../adapters/outbox/outbox-store.js';
import type { SlackMessage } from '../adapters/slack/blocks/kit.js';

/** A channel message posted by the outbox (digests, escalations): paced per channel, at most once per key. */
export const OUTBOX_SLACK_POST = 'slack.post';

export interface SlackPostPayload {
  readonly channel: string;
  readonly text: string;
  readonly blocks: readonly unknown[];
  /** Idempotency key of the message this one replies to in its thread. */
  readonly threadKey: string | null;
  /** The ts of a message posted outside `slack_posts` (a reminder card) this one replies to in its thread. */
  readonly threadTs?: string | null;
  /** Idempotency key of the message that must be posted before this one (the previous part of a thread). */
  readonly afterKey?: string | null;
}

export async function enqueueSlackPost(
  db: Kysely<DB> | Transaction<DB>,
  input: {
    orgId: string | null;
    key: string;
    channel: string;
    message: SlackMessage;
    threadKey?: string | null;
    threadTs?: string | null;
    afterKey?: string | null;
    now: Date;
    notBefore?: Date;
  },
): Promise<boolean> {
  const payload: SlackPostPayload = {
    channel: input.channel,
    text: input.message.text,
    blocks: input.message.blocks,
    threadKey: input.threadKey ?? null,
    ...(input.threadTs ? { threadTs: input.threadTs } : {}),
    ...(input.afterKey ? { afterKey: input.afterKey } : {}),
  };
  const { created } = await enqueueOutbox(db, {
    orgId: input.orgId,
    kind: OUTBOX_SLACK_POST,
    idempotencyKey: input.key,
    payload: payload as unknown as Record<string, unknown>,
    now: input.now,
    ...(input.notBefore ? { notBefore: input.notBefore } : {}),
  });
  return created;
}
