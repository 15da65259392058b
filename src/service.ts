import type { Server } from 'node:http';
import { migrateToLatest } from './adapters/db/migrate.js';
import { OutboxWorker } from './adapters/outbox/outbox-worker.js';
import { xeroRoutes } from './adapters/xero/xero-routes.js';
import type { AppContext } from './context.js';
import { AppError } from './errors.js';
import { healthRoutes } from './http/health-routes.js';
import { createRouteServer, listen } from './http/server.js';
import { Scheduler } from './jobs/scheduler.js';
import { registerXeroJobs } from './jobs/xero-jobs.js';

export interface RunningService {
  readonly port: number;
  readonly url: string;
  readonly outbox: OutboxWorker;
  readonly scheduler: Scheduler;
  /** Graceful: stop taking work, finish in-flight outbox items, close HTTP, then the pool. Idempotent. */
  stop(): Promise<void>;
}

/** Migrates, then starts HTTP and the background workers on an existing context. */
export async function startService(
  ctx: AppContext,
  options: { port?: number } = {},
): Promise<RunningService> {
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

  const server: Server = createRouteServer([...healthRoutes(ctx), ...xeroRoutes(ctx)]);
  const port = await listen(server, options.port ?? ctx.config.port);

  const outbox = new OutboxWorker({
    db: ctx.database.db,
    clock: ctx.clock,
    log: ctx.log.child({ component: 'outbox' }),
    handlers: ctx.outboxHandlers,
  });
  outbox.start();

  // Xero: sync every 15 minutes and reconcile nightly, per organisation (claimed from scheduled_jobs).
  const scheduler = registerXeroJobs(new Scheduler(ctx));
  scheduler.start();

  let stopped: Promise<void> | undefined;
  return {
    port,
    url: `http://localhost:${port}`,
    outbox,
    scheduler,
    stop() {
      stopped ??= (async () => {
        log.info('shutting down');
        await scheduler.stop();
        await outbox.stop();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await ctx.destroy();
        log.info('stopped');
      })();
      return stopped;
    },
  };
}
