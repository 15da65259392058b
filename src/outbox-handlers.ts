import { NO_SLACK_DEFAULTS } from './adapters/db/slack-settings.js';
import { hashReplyInput } from './adapters/llm/reply-reader.js';
import { handlerMap, type OutboxHandler, type OutboxHandlerTable } from './adapters/outbox/outbox-worker.js';
import { createSlackChartHandler } from './adapters/slack/chart-poster.js';
import { findPostedMessage, postMetadata } from './adapters/slack/post-once.js';
import { slackFailure } from './adapters/slack/slack-failure.js';
import { createSlackPostHandler } from './adapters/slack/slack-poster.js';
import { createGatewayContactGroupWriter } from './adapters/xero/contact-groups.js';
import { xeroFailureOutcome } from './adapters/xero/xero-errors.js';
import type { AppContext } from './context.js';
import type { OutboxKind } from './domain/outbox-kinds.js';
import { contactGroupTiersHandler } from './jobs/contact-group-tiers.js';
import { promiseThankYouHandler } from './jobs/outbox/promise-thank-you.js';
import { reminderCardHandler } from './jobs/outbox/reminder-card.js';
import { replyReadHandler } from './jobs/outbox/reply-read.js';
import { sendReminderHandler } from './jobs/outbox/send-reminder.js';
import { xeroHistoryNoteHandler } from './jobs/outbox/xero-history-note.js';
import { xeroRefreshHandler } from './jobs/outbox/xero-refresh.js';
import { xeroSyncRequestHandler } from './jobs/outbox/xero-sync-request.js';

export interface OutboxHandlerOptions {
  /** Gap between posts to one channel from this process (tests: 0); see slack-poster.ts. */
  readonly minPostIntervalMs?: number;
  /** Only these kinds (a CLI command that runs its own side effects and leaves the rest to the service). */
  readonly only?: readonly OutboxKind[];
}

/**
 * The outbox handlers a process runs, one per kind, built from the context's services. Without Slack the Slack
 * kinds are left out, so their items wait in the outbox for a process that has it instead of dying.
 */
export function createOutboxHandlers(
  ctx: AppContext,
  options: OutboxHandlerOptions = {},
): ReadonlyMap<string, OutboxHandler> {
  const db = ctx.database.db;
  const now = () => ctx.clock.now();
  const slackDefaults = ctx.config.slack?.defaults ?? NO_SLACK_DEFAULTS;
  const slack = ctx.slack;
  const pacing = options.minPostIntervalMs !== undefined ? { minIntervalMs: options.minPostIntervalMs } : {};
  const table: OutboxHandlerTable = {
    'reminder.send': sendReminderHandler({
      db,
      mail: ctx.mail,
      now,
      sentMailbox: ctx.sentMailbox,
      xeroEmail: ctx.xeroEmail,
    }),
    'promise.thank_you': promiseThankYouHandler({ db, mail: ctx.mail, now, ...ctx.sender }),
    'xero.history_note': xeroHistoryNoteHandler(ctx.xeroNotes),
    'reply.read': replyReadHandler({
      db,
      claude: ctx.replyReader,
      hashInput: hashReplyInput,
      slack: slack !== null,
      slackDefaults,
      now,
      onlineInvoices: () => ctx.onlineInvoices(),
    }),
    'xero.refresh': xeroRefreshHandler({
      db,
      xero: ctx.xero,
      clock: ctx.clock,
      log: ctx.log.child({ component: 'xero-refresh' }),
      failureOutcome: xeroFailureOutcome,
    }),
    'xero.sync_request': xeroSyncRequestHandler(ctx),
    'xero.contact_groups.sync': contactGroupTiersHandler(
      {
        db,
        writerFor: (org, signal) =>
          createGatewayContactGroupWriter(ctx.xero.tenantApi(org, 'background', signal)),
        limits: ctx.xero.limits,
        wallMs: Date.now,
      },
      now,
    ),
    ...(slack
      ? {
          'slack.reminder_card': reminderCardHandler({
            db,
            client: slack.client,
            slackDefaults,
            once: { findPostedMessage, postMetadata, slackFailure },
            ...(options.minPostIntervalMs !== undefined
              ? { minPostIntervalMs: options.minPostIntervalMs }
              : {}),
          }),
          'slack.post': createSlackPostHandler({
            db,
            client: slack.client,
            clock: ctx.clock,
            log: ctx.log.child({ component: 'slack-poster' }),
            ...pacing,
          }),
          'slack.chart': createSlackChartHandler({
            db,
            client: slack.client,
            clock: ctx.clock,
            log: ctx.log.child({ component: 'slack-charts' }),
          }),
        }
      : {}),
  };
  const all = handlerMap(table);
  if (!options.only) return all;
  const only = new Set<string>(options.only);
  return new Map([...all].filter(([kind]) => only.has(kind)));
}
