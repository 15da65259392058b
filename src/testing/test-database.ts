import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, inject } from 'vitest';
import { type Database, openDatabase } from '../adapters/db/database.js';

export interface TestDatabase extends Database {
  /** Empties every table (keeps the schema): call in beforeEach for per-test isolation. */
  truncateAll(): Promise<void>;
  /** A connection URL for a second process or pool on the same database (postgres only). */
  readonly url: string | null;
}

/**
 * One migrated database per test file: PGlite loaded from the run's dump, or a clone of the template on the
 * real server when DATABASE_URL is set. Close it in afterAll.
 */
export async function openTestDatabase(options: { poolSize?: number } = {}): Promise<TestDatabase> {
  const provided = inject('testDatabase');
  if (provided.engine === 'pglite') {
    const dump = new Blob([readFileSync(provided.dumpPath)]);
    const database = await openDatabase({
      databaseUrl: null,
      dataDir: '',
      inMemory: true,
      loadDataDir: dump,
    });
    return withTruncate(database, null);
  }
  const name = `artest_${provided.template.split('_').pop()}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: provided.serverUrl });
  await admin.connect();
  await admin.query(`create database ${name} template ${provided.template}`);
  await admin.end();
  const url = new URL(provided.serverUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({
    databaseUrl: url.toString(),
    dataDir: '',
    poolSize: options.poolSize ?? 10,
  });
  const withDrop: Database = {
    ...database,
    async destroy() {
      await database.destroy();
      const a = new pg.Client({ connectionString: provided.serverUrl });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
  return withTruncate(withDrop, url.toString());
}

function withTruncate(database: Database, url: string | null): TestDatabase {
  return {
    ...database,
    url,
    async truncateAll() {
      const { rows } = await sql<{ tablename: string }>`
        select tablename from pg_tables
        where schemaname = 'public' and tablename not like 'kysely_%'`.execute(database.db);
      if (rows.length === 0) return;
      const list = rows.map((r) => `"${r.tablename}"`).join(', ');
      // audit_events refuses DELETE by trigger; TRUNCATE is the test-only way around it.
      await sql.raw(`truncate ${list} restart identity cascade`).execute(database.db);
    },
  };
}

/**
 * The lifecycle most integration test files share: one migrated database for the file, opened in beforeAll,
 * destroyed in afterAll, and emptied before each test unless `emptyBeforeEach` is false (tests sharing data set up
 * once). The handle it returns reaches the database from the file's hooks and tests (it is not open before).
 * Vitest's default `sequence.hooks: 'stack'` runs before-hooks in registration order and after-hooks in reverse,
 * so a file's own hooks registered after this call find the database open (and emptied, in beforeEach), and its
 * afterAll closing an app or server runs before the database is destroyed.
 */
export function useTestDatabase(
  options: { poolSize?: number; emptyBeforeEach?: boolean } = {},
): TestDatabase {
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = await openTestDatabase(options);
  });
  afterAll(async () => {
    await database?.destroy();
  });
  if (options.emptyBeforeEach ?? true) {
    beforeEach(async () => {
      await database!.truncateAll();
    });
  }
  return new Proxy({} as TestDatabase, {
    get(_target, key) {
      if (!database)
        throw new Error('useTestDatabase: the database opens in beforeAll; reach it from hooks and tests');
      return Reflect.get(database, key);
    },
  });
}
