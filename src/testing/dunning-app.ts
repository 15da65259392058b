import { WebClient } from '@slack/web-api';
import { FixedClock } from '../adapters/clock.js';
import { createSecretBox } from '../adapters/crypto/secret-box.js';
import { type OutboxHandler, OutboxWorker } from '../adapters/outbox/outbox-worker.js';
import { createBoltLogger } from '../adapters/slack/bolt-logger.js';
import type { XeroNoteWriter } from '../adapters/xero/history-notes.js';
import { xeroRoutes } from '../adapters/xero/xero-routes.js';
import { parseConfig } from '../config.js';
import { type AppContext, createContext } from '../context.js';
import type { OutboxKind } from '../domain/outbox-kinds.js';
import { healthRoutes } from '../http/health-routes.js';
import type { HttpRoute } from '../http/routes.js';
import { registerDunningListeners } from '../listeners/dunning.js';
import { registerListeners } from '../listeners/index.js';
import { createLogger, type Logger } from '../logger.js';
import { createOutboxHandlers } from '../outbox-handlers.js';
import { type SmtpSink, startSmtpSink } from '../sandbox/mail/smtp-sink.js';
import { SANDBOX_DEFAULTS } from '../sandbox/slack/index.js';
import { runDunning } from '../use-cases/run-dunning.js';
import { DUNNING_ORG_ID, dunningLedger, MONDAY_9AM_AUCKLAND } from './dunning-fixtures.js';
import { insertLedger } from './ledger-fixtures.js';
import { HARNESS_SIGNING_SECRET, type SlackHarness, startSlackHarness } from './slack-harness.js';
import type { TestDatabase } from './test-database.js';

/** Someone in the workspace who is on no AR team. */
export const OUTSIDER = {
  id: 'U_OUTSIDER',
  name: 'olive',
  real_name: 'Olive Outsider',
  email: 'olive@example.com',
};
export const DUNNING_APP_XERO_WEBHOOK_KEY = 'dunning-app-webhook-key';
export const DUNNING_APP_SMTP = { user: 'ar-mailbox', password: 'smtp-password-do-not-log' };

export interface DunningApp {
  readonly harness: SlackHarness;
  readonly ctx: AppContext;
  readonly clock: FixedClock;
  readonly sink: SmtpSink;
  /** History notes as written, by document id. */
  readonly notes: Map<string, string[]>;
  /**
   * The kinds the app's outbox worker runs: the dunning loop's (cards, sends, notes, thank-yous, webhook refreshes);
   * a harness built on this one adds what it needs (startReplyApp adds Slack posts and reply reading).
   */
  readonly handlers: Map<string, OutboxHandler>;
  /** Runs the outbox until nothing it can handle is waiting. */
  drain(): Promise<void>;
  close(): Promise<void>;
}

const DUNNING_APP_KINDS: readonly OutboxKind[] = [
  'slack.reminder_card',
  'reminder.send',
  'xero.history_note',
  'promise.thank_you',
  'xero.refresh',
];

/**
 * The whole product around the dunning fixtures, as production wires it: every Slack listener on Bolt's real
 * receiver (signed requests), the outbox handlers with mail through nodemailer into an SMTP sink (with a login),
 * health and Xero routes on the same server, and this morning's dunning run with its cards posted.
 */
export async function startDunningApp(
  database: TestDatabase,
  options: { log?: Logger } = {},
): Promise<DunningApp> {
  const routes: HttpRoute[] = [];
  // The routes need the context, which needs the sandbox's URL: the harness serves what this list holds later.
  const liveRoutes: HttpRoute[] = ['/healthz', '/readyz', '/xero/webhooks'].map((path) => ({
    path,
    method: path === '/xero/webhooks' ? 'POST' : 'GET',
    handler: (req, res) => routes.find((r) => r.path === path)?.handler(req, res),
  }));
  const log = options.log ?? createLogger({ level: 'silent' });
  const harness = await startSlackHarness({
    sandbox: {
      rateLimits: false,
      users: [...Object.values(SANDBOX_DEFAULTS.users), OUTSIDER],
      usergroups: Object.values(SANDBOX_DEFAULTS.usergroups),
    },
    customRoutes: liveRoutes,
    logger: log,
  });
  const sink = await startSmtpSink(DUNNING_APP_SMTP);
  const parsed = parseConfig({
    NODE_ENV: 'test',
    SLACK_BOT_TOKEN: harness.sandbox.botToken,
    SLACK_SIGNING_SECRET: HARNESS_SIGNING_SECRET,
    SLACK_API_URL: harness.sandbox.apiUrl,
    SLACK_COLLECTORS: SANDBOX_DEFAULTS.usergroups.collectors.id,
    SLACK_MANAGERS: SANDBOX_DEFAULTS.users.manager.id,
    SLACK_QUEUE_CHANNEL: SANDBOX_DEFAULTS.channels.queue.id,
    XERO_WEBHOOK_KEY: DUNNING_APP_XERO_WEBHOOK_KEY,
    // The sink's URL carries the login it demands.
    SMTP_URL: sink.url,
    MAIL_FROM: 'Harbour Foods <ar@harbour.example>',
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  const clock = new FixedClock(MONDAY_9AM_AUCKLAND);
  const notes = new Map<string, string[]>();
  const xeroNotes: XeroNoteWriter = {
    async addNotes(_org, _type, documentId, details) {
      notes.set(documentId, [...(notes.get(documentId) ?? []), ...details]);
      return { kind: 'written' as const };
    },
  };
  const ctx = await createContext(parsed.config, {
    xeroNotes,
    sentMailbox: sink.sentMailbox(),
    database,
    clock,
    log,
    secrets: createSecretBox(Buffer.alloc(32, 7)),
    slackClient: new WebClient(harness.sandbox.botToken, {
      slackApiUrl: harness.sandbox.apiUrl,
      retryConfig: { retries: 0 },
      logger: createBoltLogger(log),
    }),
  });
  routes.push(...healthRoutes(ctx), ...xeroRoutes(ctx));
  const handlers = new Map(createOutboxHandlers(ctx, { minPostIntervalMs: 0, only: DUNNING_APP_KINDS }));
  registerListeners(harness.app, ctx);
  registerDunningListeners(harness.app, ctx);
  await insertLedger(database.db, DUNNING_ORG_ID, dunningLedger());
  await runDunning(
    { db: database.db, drafter: null, hashInputs: () => 'h' },
    {
      orgId: DUNNING_ORG_ID,
      now: clock.now(),
      messageDomain: 'harbour.example',
      senderName: 'Mere Collector',
    },
  );
  const worker = new OutboxWorker({
    db: database.db,
    clock,
    log: ctx.log,
    handlers,
    random: () => 0,
  });
  const drain = async () => {
    for (let i = 0; i < 20; i++) {
      const s = await worker.runOnce();
      if (s.claimed === 0) return;
      clock.advance(60_000);
    }
  };
  await drain();
  return {
    harness,
    ctx,
    clock,
    sink,
    notes,
    handlers,
    drain,
    async close() {
      await ctx.destroy();
      await harness.close();
      await sink.close();
    },
  };
}
