import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import type { DB } from './schema.js';

export type DatabaseEngine = 'postgres' | 'pglite';

export interface Database {
  readonly db: Kysely<DB>;
  readonly engine: DatabaseEngine;
  /** Human-readable location without credentials, for logs and `config check`. */
  readonly location: string;
  destroy(): Promise<void>;
}

const OID = { INT8: 20, DATE: 1082 } as const;

/** int8 (count(*), bigserial) must never silently lose precision. */
export function parseInt8(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) {
    throw new RangeError(`int8 value ${value} exceeds Number.MAX_SAFE_INTEGER`);
  }
  return n;
}

/** Dates are organisation-local calendar days: keep them as 'YYYY-MM-DD', never a JS Date. */
const parseDate = (value: string): string => value;

export interface OpenDatabaseOptions {
  databaseUrl: string | null;
  dataDir: string;
  /** Embedded only: run in memory (tests) instead of under dataDir. */
  inMemory?: boolean;
  /** Embedded only: start from a dump (tests load a migrated snapshot). */
  loadDataDir?: Blob | File;
  poolSize?: number;
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options.poolSize ?? 10);
  return openPglite(options);
}

function openPostgres(databaseUrl: string, max: number): Database {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max,
    // Per-pool parsers: no global mutation of pg.types.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
        if (oid === OID.INT8) return parseInt8;
        if (oid === OID.DATE) return parseDate;
        return pg.types.getTypeParser(oid, format);
      }) as typeof pg.types.getTypeParser,
    },
  });
  // An idle pooled connection can be closed by the server (restart, failover, a DBA's terminate). pg reports it
  // as an 'error' event on the pool; unhandled, that would crash the process. The pool drops the client and
  // the next query opens a new one, so there is nothing else to do here.
  pool.on('error', () => {});
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  const url = new URL(databaseUrl);
  return {
    db,
    engine: 'postgres',
    location: `postgres://${url.hostname}:${url.port || 5432}${url.pathname}`,
    destroy: once(() => db.destroy()),
  };
}

async function openPglite(options: OpenDatabaseOptions): Promise<Database> {
  const parsers = { [pgliteTypes.INT8]: parseInt8, [OID.DATE]: parseDate };
  let location = 'pglite (in memory)';
  let client: PGlite;
  if (options.inMemory) {
    client = await PGlite.create({
      parsers,
      ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    });
  } else {
    const dir = resolve(options.dataDir, 'pglite');
    mkdirSync(dir, { recursive: true });
    location = `pglite (${dir})`;
    client = await PGlite.create(dir, { parsers });
  }
  const db = new Kysely<DB>({ dialect: new PGliteDialect(client) });
  return {
    db,
    engine: 'pglite',
    location,
    // Kysely's destroy closes the PGlite instance through the dialect.
    destroy: once(() => db.destroy()),
  };
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => {
    done ??= fn();
    return done;
  };
}
