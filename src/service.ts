import { createHash } from 'node:crypto';
import type { Server } from 'node:http';
import type { App } from '@slack/bolt';
import { migrateToLatest } from './adapters/db/migrate.js';
import { NO_SLACK_DEFAULTS } from './adapters/db/slack-settings.js';
import { openImapInbox } from './adapters/mail/imap-inbox.js';
import { parseInboundEmail } from './adapters/mail/inbound-email.js';
import { type OutboxHandler, OutboxWorker } from './adapters/outbox/outbox-worker.js';
import { type BoltAppOptions, type BoltService, createBoltApp } from './adapters/slack/bolt-app.js';
import { xeroRoutes } from './adapters/xero/xero-routes.js';
import type { AppContext } from './context.js';
import { AppError } from './errors.js';
import { healthRoutes } from './http/health-routes.js';
import { inboundEmailRoutes } from './http/inbound-email-route.js';
import type { HttpRoute } from './http/routes.js';
import { createRouteServer, listen } from './http/server.js';
import { ReplyMailboxPoller } from './jobs/reply-mailbox.js';
import { Scheduler } from './jobs/scheduler.js';
import { registerXeroJobs } from './jobs/xero-jobs.js';
import { createOutboxHandlers } from './outbox-handlers.js';
import { reportDeadOutboxItem } from './use-cases/dead-letter.js';

export interface RunningService {
  readonly port: number;
  readonly url: string;
  readonly outbox: OutboxWorker;
  /** The Bolt app when Slack is configured (its HTTPReceiver is then the one HTTP server). */
  readonly slack: BoltService | null;
  readonly scheduler: Scheduler;
  /** Reads customers' replies from the collections mailbox (IMAP_URL); null without it. */
  readonly replyMailbox: ReplyMailboxPoller | null;
  /** Graceful: stop taking work, finish in-flight outbox items, close HTTP, then the pool. Idempotent. */
  stop(): Promise<void>;
}

export interface ServiceOptions {
  port?: number;
  /** The interface to listen on (default: HOST, else every interface). */
  host?: string | null;
  /** Registers Slack listeners on the Bolt app before it starts listening. */
  registerSlackListeners?: (app: App) => void;
  /** Tests only: reply after listeners finish, and Web API client overrides (e.g. no retries). */
  slack?: Pick<BoltAppOptions, 'processBeforeResponse' | 'clientOptions'>;
  /** Scheduled jobs beyond the Xero ones (digest, dunning). */
  registerJobs?: (scheduler: Scheduler) => void;
  /** The outbox handlers this process runs (default: only Xero's webhook refreshes; main.ts passes them all). */
  outboxHandlers?: ReadonlyMap<string, OutboxHandler>;
  /** More HTTP routes on the same server (the demo workspace). */
  extraRoutes?: readonly HttpRoute[];
}

/** Migrates, then starts HTTP and the background workers on an existing context. */
export async function startService(ctx: AppContext, options: ServiceOptions = {}): Promise<RunningService> {
  const log = ctx.log.child({ component: 'service' });
  const report = await migrateToLatest(ctx.database.db);
  if (report.error) {
    throw new AppError(
      'MIGRATION_FAILED',
      `migration ${report.error.migration ?? '(unknown)'} failed; nothing after it was applied`,
      { cause: report.error.cause },
    );
  }
  if (report.applied.length > 0) log.info({ applied: report.applied }, 'database migrated');

  const routes = [
    ...healthRoutes(ctx),
    ...xeroRoutes(ctx),
    ...inboundEmailRoutes(ctx),
    ...(options.extraRoutes ?? []),
  ];
  const wantedPort = options.port ?? ctx.config.port;
  const host = options.host !== undefined ? options.host : ctx.config.host;
  // One HTTP server either way: with Slack configured it is Bolt's receiver, serving our routes as customRoutes.
  let server: Server | null = null;
  let slack: BoltService | null = null;
  let port: number;
  if (ctx.config.slack) {
    slack = await createBoltApp({
      botToken: ctx.config.slack.botToken,
      signingSecret: ctx.config.slack.signingSecret,
      slackApiUrl: ctx.config.slack.apiUrl,
      appToken: ctx.config.slack.appToken,
      customRoutes: routes,
      logger: ctx.log,
      httpPort: wantedPort,
      onListening: (s) => ctx.requests.track(s),
      ...options.slack,
    });
    options.registerSlackListeners?.(slack.app);
    port = await slack.start(wantedPort, host);
    log.info({ mode: slack.mode, botUserId: slack.identity.botUserId }, 'slack connected');
  } else {
    server = createRouteServer(routes);
    ctx.requests.track(server);
    port = await listen(server, wantedPort, host);
  }

  const outbox = new OutboxWorker({
    db: ctx.database.db,
    clock: ctx.clock,
    log: ctx.log.child({ component: 'outbox' }),
    handlers: options.outboxHandlers ?? createOutboxHandlers(ctx, { only: ['xero.refresh'] }),
    onDead: (item, error) =>
      reportDeadOutboxItem(
        {
          db: ctx.database.db,
          defaults: ctx.config.slack?.defaults ?? NO_SLACK_DEFAULTS,
          now: () => ctx.clock.now(),
          log: ctx.log,
        },
        item,
        error,
      ),
  });
  outbox.start();

  // Xero: sync every 15 minutes and reconcile nightly, per organisation (claimed from scheduled_jobs).
  const scheduler = registerXeroJobs(new Scheduler(ctx));
  options.registerJobs?.(scheduler);
  scheduler.start();
  const replyMailbox = createReplyMailboxPoller(ctx);
  replyMailbox?.start();

  let stopped: Promise<void> | undefined;
  return {
    port,
    url: `http://localhost:${port}`,
    outbox,
    slack,
    scheduler,
    replyMailbox,
    stop() {
      stopped ??= (async () => {
        log.info('shutting down');
        await scheduler.stop();
        await replyMailbox?.stop();
        await outbox.stop();
        if (slack) await slack.stop();
        if (server) {
          const plain = server;
          await new Promise<void>((resolve) => {
            plain.close(() => resolve());
            plain.closeIdleConnections();
          });
        }
        await ctx.destroy();
        log.info('stopped');
      })();
      return stopped;
    },
  };
}

/**
 * Customers' replies from the collections mailbox's inbox (IMAP_URL, IMAP_INBOX_FOLDER): IDLE where the server
 * offers it, a read every IMAP_POLL_SECONDS otherwise; one instance at a time.
 */
export function createReplyMailboxPoller(ctx: AppContext): ReplyMailboxPoller | null {
  const imap = ctx.config.imap;
  if (!imap) return null;
  const { address } = imap;
  const ownAddress = /<([^>]+)>/.exec(ctx.config.mail?.from ?? '')?.[1] ?? ctx.config.mail?.from ?? null;
  return new ReplyMailboxPoller({
    openInbox: () => openImapInbox({ address, folder: imap.inboxFolder }),
    pollMs: imap.pollSeconds * 1000,
    log: ctx.log.child({ component: 'reply-mailbox' }),
    read: {
      db: ctx.database.db,
      slack: ctx.config.slack !== null,
      slackDefaults: ctx.config.slack?.defaults ?? NO_SLACK_DEFAULTS,
      sha256: (text) => createHash('sha256').update(text).digest('hex'),
      parse: parseInboundEmail,
      now: () => ctx.clock.now(),
      mailbox: `${address.user}@${address.host}:${address.port}/${imap.inboxFolder}`,
      holder: ctx.instanceId,
      ownAddresses: ownAddress ? [ownAddress.trim()] : [],
    },
  });
}
