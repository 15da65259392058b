import { NO_MIGRATIONS, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../testing/test-database.js';
import { knownMigrations, migrateDown, migrateToLatest, migrationStatus } from './migrate.js';

// Tests run in order on one database: the migrations go down and up again.
const database = useTestDatabase({ emptyBeforeEach: false });

async function tables(): Promise<string[]> {
  const { rows } = await sql<{ tablename: string }>`
    select tablename from pg_tables where schemaname = 'public' and tablename not like 'kysely_%'
    order by tablename`.execute(database.db);
  return rows.map((r) => r.tablename);
}

describe(`migrations (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  it('are all applied on a migrated database, in file-name order', async () => {
    const status = await migrationStatus(database.db);
    expect(status.map((s) => s.name)).toEqual(knownMigrations());
    expect([...knownMigrations()].sort()).toEqual(knownMigrations());
    expect(status.every((s) => s.executedAt instanceof Date)).toBe(true);
  });

  it('roll all the way down and back up again', async () => {
    const before = await tables();
    expect(before).toEqual(
      expect.arrayContaining(['audit_events', 'oauth_token_sets', 'organisations', 'outbox']),
    );

    const down = await migrateDown(database.db, NO_MIGRATIONS);
    expect(down.error).toBeUndefined();
    expect(down.applied).toEqual([...knownMigrations()].reverse());
    expect(await tables()).toEqual([]);

    const up = await migrateToLatest(database.db);
    expect(up.error).toBeUndefined();
    expect(up.applied).toEqual(knownMigrations());
    expect(await tables()).toEqual(before);
  });

  it('are a no-op when current', async () => {
    const again = await migrateToLatest(database.db);
    expect(again).toEqual({ applied: [] });
  });
});

describe('type parity between engines', () => {
  it('returns numeric as string, date as YYYY-MM-DD, int8 as number, timestamptz as Date', async () => {
    const { rows } = await sql<{ n: unknown; d: unknown; c: unknown; t: unknown }>`
      select 1234.5678::numeric(19,4) as n, '2024-02-29'::date as d, count(*) as c,
             '2026-11-21T10:00:00Z'::timestamptz as t from (values (1), (2)) v(x)`.execute(database.db);
    expect(rows[0]).toEqual({ n: '1234.5678', d: '2024-02-29', c: 2, t: new Date('2026-11-21T10:00:00Z') });
  });

  it('refuses an int8 beyond 2^53 instead of rounding it', async () => {
    await expect(sql`select 9007199254740993::int8 as big`.execute(database.db)).rejects.toThrow(
      /exceeds Number.MAX_SAFE_INTEGER/,
    );
    // The connection stays usable afterwards.
    const { rows } = await sql<{ one: number }>`select 1::int8 as one`.execute(database.db);
    expect(rows[0]?.one).toBe(1);
  });
});
