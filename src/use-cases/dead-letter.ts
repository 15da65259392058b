import type { Kysely } from 'kysely';
import type { DB } from '../adapters/db/schema.js';
import { getSlackSettings, type SlackDefaults } from '../adapters/db/slack-settings.js';
import type { OutboxItem } from '../adapters/outbox/outbox-store.js';
import { escapeMrkdwn, section } from '../adapters/slack/blocks/kit.js';
import {
  OUTBOX_REMINDER_CARD,
  OUTBOX_SEND_REMINDER,
  OUTBOX_SLACK_POST,
  OUTBOX_XERO_NOTE,
} from '../domain/outbox-kinds.js';
import type { Logger } from '../logger.js';
import { markFailed } from './send-reminder.js';
import { enqueueSlackPost } from './slack-posts.js';
export interface DeadLetterDeps {
  readonly db: Kysely<DB>;
  readonly defaults: SlackDefaults;
  readonly now: () => Date;
  readonly log: Logger;
}

const WHAT: Record<string, string> = {
  [OUTBOX_SEND_REMINDER]: 'send a reminder email',
  [OUTBOX_REMINDER_CARD]: 'post a reminder card',
  [OUTBOX_XERO_NOTE]: 'write a History note to Xero',
  'xero.refresh': 'refresh records Xero announced',
  [OUTBOX_SLACK_POST]: 'post to Slack',
};

/**
 * An outbox item gave up (its retry budget is spent, or the other side refused for good). People must hear of
 * it: a reminder that was approved becomes "Not sent" on its card with the reason, and the organisation's
 * escalation channel gets one alert with what failed and how to retry it. An alert that cannot itself be posted
 * is only logged (no alert about an alert).
 */
export async function reportDeadOutboxItem(
  deps: DeadLetterDeps,
  item: OutboxItem,
  error: string,
): Promise<void> {
  if (item.kind === OUTBOX_SEND_REMINDER && typeof item.payload.reminderId === 'string') {
    await markFailed({ db: deps.db, now: deps.now }, item.payload.reminderId, error);
  }
  if (!item.orgId || item.idempotencyKey.startsWith('dead-letter:')) return;
  const settings = await getSlackSettings(deps.db, item.orgId, deps.defaults);
  const channel = settings.escalationChannel ?? settings.queueChannel ?? settings.digestChannel;
  if (!channel) {
    deps.log.warn(
      { code: 'DEAD_LETTER_NO_CHANNEL', outboxId: item.id },
      'no channel to report a dead-lettered item to',
    );
    return;
  }
  const what = WHAT[item.kind] ?? `run ${item.kind}`;
  const text = `:warning: AR Copilot could not ${what} (outbox item ${item.id}): ${escapeMrkdwn(error.slice(0, 500))}`;
  await enqueueSlackPost(deps.db, {
    orgId: item.orgId,
    key: `dead-letter:${item.id}`,
    channel,
    message: {
      text,
      blocks: [
        section(text),
        section(
          `After fixing the cause, an operator can retry it: \`npm run cli -- outbox retry ${item.id}\`.`,
        ),
      ],
    },
    now: deps.now(),
  });
}
