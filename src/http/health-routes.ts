import { sql } from 'kysely';
import { knownMigrations, migrationStatus } from '../adapters/db/migrate.js';
import type { AppContext } from '../context.js';
import { errorMessage } from '../errors.js';
import { type HttpRoute, sendJson } from './routes.js';

export interface ReadinessReport {
  readonly ready: boolean;
  readonly database: 'ok' | 'unreachable';
  readonly migrations: { readonly current: boolean; readonly pending: string[] };
  readonly error?: string;
}

export async function checkReadiness(ctx: Pick<AppContext, 'database'>): Promise<ReadinessReport> {
  const { db } = ctx.database;
  try {
    await sql`select 1`.execute(db);
  } catch (err) {
    return {
      ready: false,
      database: 'unreachable',
      migrations: { current: false, pending: knownMigrations() },
      error: errorMessage(err),
    };
  }
  const status = await migrationStatus(db);
  const pending = status.filter((m) => m.executedAt === null).map((m) => m.name);
  return {
    ready: pending.length === 0,
    database: 'ok',
    migrations: { current: pending.length === 0, pending },
  };
}

export function healthRoutes(ctx: Pick<AppContext, 'database'>): HttpRoute[] {
  return [
    {
      path: '/healthz',
      method: 'GET',
      handler: (_req, res) => sendJson(res, 200, { status: 'ok' }),
    },
    {
      path: '/readyz',
      method: 'GET',
      handler: (_req, res) => {
        checkReadiness(ctx).then(
          (report) => sendJson(res, report.ready ? 200 : 503, report),
          (err) => sendJson(res, 503, { ready: false, error: errorMessage(err) }),
        );
      },
    },
  ];
}
