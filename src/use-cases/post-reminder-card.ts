import type { WebClient } from '@slack/web-api';
import type { Kysely } from 'kysely';
import {
  countPriorReminders,
  currentDraft,
  getReminder,
  listDraftVersions,
  lockReminder,
  type ReminderRow,
} from '../adapters/db/dunning-queries.js';
import { getReminderFacts, recordReminderMessage } from '../adapters/db/reminder-cards.js';
import type { DB } from '../adapters/db/schema.js';
import { getSlackSettings, type SlackDefaults } from '../adapters/db/slack-settings.js';
import type { HandlerOutcome, KindItem } from '../adapters/outbox/outbox-worker.js';
import { slackTime } from '../adapters/slack/blocks/kit.js';
import { buildReminderCard, draftDiff, escapeMrkdwn } from '../adapters/slack/blocks/reminder-card.js';
import type { findPostedMessage, postMetadata } from '../adapters/slack/post-once.js';
import type { slackFailure } from '../adapters/slack/slack-failure.js';

/**
 * `slack.reminder_card`: the approval card (posted once, then updated) and a line in its thread saying what
 * happened. Idempotent on the outbox item: a retry looks for what an earlier attempt may have posted.
 */
export interface ReminderCardDeps {
  readonly db: Kysely<DB>;
  readonly client: WebClient;
  readonly slackDefaults: SlackDefaults;
  /**
   * Gap between posts to one channel from this process (default 1,100 ms): chat.postMessage allows about one
   * message per second per channel, and a morning's cards would otherwise turn into a wall of 429s.
   */
  readonly minPostIntervalMs?: number;
  /** Slack's side of posting once (adapters/slack/post-once.ts, slack-failure.ts), handed in by the composer. */
  readonly once: {
    readonly findPostedMessage: typeof findPostedMessage;
    readonly postMetadata: typeof postMetadata;
    readonly slackFailure: typeof slackFailure;
  };
}

export type CardItem = KindItem<'slack.reminder_card'>;

/** Spaces posts per channel; a 429 from another instance's posts still comes back through the outbox. */
export function createChannelPacer(
  minIntervalMs: number,
  sleep = (ms: number) => new Promise((r) => setTimeout(r, ms)),
) {
  const last = new Map<string, number>();
  return async (channel: string): Promise<void> => {
    const wait = (last.get(channel) ?? 0) + minIntervalMs - Date.now();
    if (wait > 0) await sleep(wait);
    last.set(channel, Date.now());
  };
}

export async function postReminderCard(
  deps: ReminderCardDeps,
  item: CardItem,
  pace: (channel: string) => Promise<void>,
): Promise<HandlerOutcome> {
  const { client, db } = deps;
  const reminderId = item.payload.reminderId;
  const reminder = await getReminder(db, reminderId);
  if (!reminder) return { status: 'failed', error: `reminder ${reminderId} no longer exists` };
  const [facts, draft, priorReminders] = await Promise.all([
    getReminderFacts(db, reminderId),
    currentDraft(db, reminderId),
    countPriorReminders(db, reminder),
  ]);
  if (!facts || !draft) return { status: 'failed', error: `reminder ${reminderId} has no draft yet` };
  const card = buildReminderCard({ ...reminder, priorReminders }, facts, draft);
  try {
    let channel = reminder.slackChannel;
    let ts = reminder.slackTs;
    if (!channel || !ts) {
      const settings = await getSlackSettings(db, reminder.orgId, deps.slackDefaults);
      if (!settings.queueChannel) {
        return { status: 'failed', error: 'no queue channel is set for this organisation' };
      }
      // Post under a row lock so two workers holding two card items for one reminder never post two cards.
      const posted = await db.transaction().execute(async (trx) => {
        const row = await lockReminder(trx, reminderId);
        if (row.slackChannel && row.slackTs)
          return { channel: row.slackChannel, ts: row.slackTs, fresh: false };
        const cardKey = `card:${reminderId}`;
        // A retry may follow an answer that hid a successful post (a 5xx, a timeout): look before posting again.
        const found =
          item.attempts > 1
            ? await deps.once.findPostedMessage(client, {
                channel: settings.queueChannel!,
                key: cardKey,
                since: item.createdAt,
              })
            : null;
        if (found) {
          await recordReminderMessage(trx, reminderId, settings.queueChannel!, found);
          return { channel: settings.queueChannel!, ts: found, fresh: false };
        }
        await pace(settings.queueChannel!);
        const res = await client.chat.postMessage({
          channel: settings.queueChannel!,
          text: card.text,
          blocks: card.blocks,
          unfurl_links: false,
          metadata: deps.once.postMetadata(cardKey),
        });
        await recordReminderMessage(trx, reminderId, res.channel ?? settings.queueChannel!, res.ts!);
        return { channel: res.channel ?? settings.queueChannel!, ts: res.ts!, fresh: true };
      });
      channel = posted.channel;
      ts = posted.ts;
      if (!posted.fresh) await client.chat.update({ channel, ts, text: card.text, blocks: card.blocks });
    } else {
      await client.chat.update({ channel, ts, text: card.text, blocks: card.blocks });
    }
    const thread = await threadText(db, item, reminder);
    if (thread) {
      const lineKey = `${item.idempotencyKey}:thread`;
      const already =
        item.attempts > 1
          ? await deps.once.findPostedMessage(client, {
              channel,
              key: lineKey,
              since: item.createdAt,
              threadTs: ts,
            })
          : null;
      if (!already) {
        await pace(channel);
        await client.chat.postMessage({
          channel,
          thread_ts: ts,
          text: thread,
          unfurl_links: false,
          metadata: deps.once.postMetadata(lineKey),
        });
      }
    }
    return { status: 'done', result: { channel, ts } };
  } catch (err) {
    return deps.once.slackFailure(err);
  }
}

const hhmm = slackTime;

/** What happened, for the card's thread: who did what, when (edits with a diff). */
async function threadText(db: Kysely<DB>, item: CardItem, r: ReminderRow): Promise<string | null> {
  const runEvent = item.payload.event ?? null;
  const when = hhmm(item.createdAt);
  const by = escapeMrkdwn(r.decidedByName ?? 'someone');
  if (runEvent) {
    if (runEvent.startsWith('resurfaced'))
      return `:alarm_clock: Snooze ended (${when}): this reminder needs a decision again.`;
    if (runEvent === 'bounced')
      return `:warning: Bounced (${when}): ${escapeMrkdwn(item.payload.detail ?? 'an address')} could not be reached. No reminder goes there again until someone gives another address (Xero, or the card's Edit).`;
    if (runEvent === 'superseded')
      return `:arrows_counterclockwise: Superseded (${when}) by a later step for this customer.`;
    return null;
  }
  const event = item.idempotencyKey.split(':')[2];
  switch (event) {
    case 'approved':
      return `:white_check_mark: Approved by ${by} at ${when}.`;
    case 'skipped':
      return `:fast_forward: Skipped by ${by} at ${when}.`;
    case 'snoozed':
      return `:zzz: Snoozed by ${by} at ${when} until ${r.snoozedUntil}.`;
    case 'escalated':
      return `:rotating_light: Escalated by ${by} at ${when}: a manager decides now.`;
    case 'sent':
      return r.channel === 'xero_email'
        ? `:email: Sent by Xero with your Xero invoice email template, to the contact's addresses in Xero, at ${hhmm(r.sentAt ?? item.createdAt)}.`
        : `:email: Sent to ${escapeMrkdwn(r.recipients.join(', '))} at ${hhmm(r.sentAt ?? item.createdAt)}.`;
    case 'failed':
      return `:warning: Not sent (${when}): ${escapeMrkdwn(r.lastError ?? 'unknown error')}`;
    case 'redrafted': {
      const changes = item.payload.changes ?? [];
      const who = escapeMrkdwn(item.payload.by ?? 'someone');
      const what = changes.map((c) => `• ${escapeMrkdwn(c)}`).join('\n');
      return item.payload.closed === true
        ? `:no_entry_sign: Not sent: ${who} approved at ${when}, but nothing on this card is left to chase:\n${what}`
        : `:arrows_counterclockwise: Not sent: ${who} approved at ${when}, but the card was out of date:\n${what}\nIt now shows today's figures; check it and approve again.`;
    }
    case 'edit': {
      const version = item.payload.editedVersion;
      if (version === undefined) return null;
      const versions = await listDraftVersions(db, r.id);
      const after = versions.find((v) => v.version === version);
      const before = versions.find((v) => v.version === version - 1);
      if (!after) return null;
      const who = escapeMrkdwn(after.authorName ?? 'someone');
      const diff = before ? `\n\`\`\`\n${escapeMrkdwn(draftDiff(before, after))}\n\`\`\`` : '';
      return `:pencil2: ${who} edited the draft at ${when} (v${version - 1} → v${version}).${diff}`;
    }
    default:
      return null;
  }
}
