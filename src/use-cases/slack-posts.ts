import { latestReminderWithCard, reminderCardMessage } from '../adapters/db/customer-replies.js';
import type { Queryable } from '../adapters/db/schema.js';
import { getSlackSettings, type SlackDefaults } from '../adapters/db/slack-settings.js';
import { enqueueOutbox } from '../adapters/outbox/outbox-store.js';
import type { SlackMessage } from '../adapters/slack/blocks/kit.js';
import { OUTBOX_SLACK_POST, type OutboxPayload } from '../domain/outbox-kinds.js';

/** A channel message posted by the outbox (digests, escalations): paced per channel, at most once per key. */
export type SlackPostPayload = OutboxPayload<'slack.post'>;

export async function enqueueSlackPost(
  db: Queryable,
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
    payload,
    now: input.now,
    ...(input.notBefore ? { notBefore: input.notBefore } : {}),
  });
  return created;
}

/** Where a post about a customer goes: `threadTs` set when it is a card's thread, absent for the queue channel. */
export interface CustomerThread {
  readonly channel: string;
  readonly threadTs?: string;
}

/**
 * Where collectors follow a customer: the thread of the reminder card named (the one a reply answered), else of
 * the customer's latest card, else the queue channel; null when none is set up.
 */
export async function customerThread(
  db: Queryable,
  orgId: string,
  customer: { readonly contactId: string | null; readonly reminderId?: string | null },
  slackDefaults: SlackDefaults,
): Promise<CustomerThread | null> {
  const card = customer.reminderId
    ? await reminderCardMessage(db, customer.reminderId)
    : customer.contactId
      ? await latestReminderWithCard(db, orgId, customer.contactId)
      : null;
  if (card) return { channel: card.channel, threadTs: card.ts };
  const queue = (await getSlackSettings(db, orgId, slackDefaults)).queueChannel;
  return queue ? { channel: queue } : null;
}
