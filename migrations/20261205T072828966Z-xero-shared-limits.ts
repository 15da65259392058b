import { type Kysely, sql } from 'kysely';

// Frozen: never import src/ here; later changes get a new migration.
// What every process must agree on about Xero (reference/xero-api.md §8, §11): the calls made to each tenant (the
// shared window behind 60 a minute, 5 in flight and the app-wide minute; the daily budget), what Xero last said is
// left of the day, and one sync per organisation at a time (a lease with a heartbeat, and the last run's outcome).
export async function up(db: Kysely<any>): Promise<void> {
  // One row per call from any instance or the CLI. `lapses_at` frees the slot of a process killed mid-call.
  await db.schema
    .createTable('xero_calls')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull().check(sql`purpose in ('background', 'interactive')`))
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('finished_at', 'timestamptz')
    .addColumn('lapses_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await sql`create index xero_calls_tenant_started_idx on xero_calls (tenant_id, started_at)`.execute(db);
  await sql`create index xero_calls_started_idx on xero_calls (started_at)`.execute(db);

  // Per tenant: X-DayLimit-Remaining as last seen, and a 429's Retry-After, so every process honours it.
  await db.schema
    .createTable('xero_tenant_budgets')
    .addColumn('tenant_id', 'text', (c) => c.primaryKey())
    .addColumn('day_remaining', 'integer')
    .addColumn('day_remaining_at', 'timestamptz')
    .addColumn('paused_until', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();

  // Per organisation: who is syncing it now (lease times are wall-clock), how the last run ended, and what the
  // poll cadence has learnt (consecutive polls that found nothing new).
  await db.schema
    .createTable('xero_sync_state')
    .addColumn('org_id', 'uuid', (c) => c.primaryKey().references('organisations.id').onDelete('cascade'))
    .addColumn('holder', 'text')
    .addColumn('holder_label', 'text')
    .addColumn('run_kind', 'text')
    .addColumn('started_at', 'timestamptz')
    .addColumn('lease_until', 'timestamptz')
    .addColumn('requested_at', 'timestamptz')
    .addColumn('last_run_kind', 'text')
    .addColumn('last_started_at', 'timestamptz')
    .addColumn('last_finished_at', 'timestamptz')
    .addColumn('last_ok', 'boolean')
    .addColumn('last_error', 'text')
    .addColumn('last_report', 'jsonb')
    .addColumn('last_complete_at', 'timestamptz')
    .addColumn('quiet_polls', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_change_at', 'timestamptz')
    .execute();

  // "Are webhooks reaching us for this organisation?" is asked at every poll.
  await sql`create index xero_webhook_events_org_received_idx on xero_webhook_events (org_id, received_at)`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists xero_webhook_events_org_received_idx`.execute(db);
  await db.schema.dropTable('xero_sync_state').execute();
  await db.schema.dropTable('xero_tenant_budgets').execute();
  await db.schema.dropTable('xero_calls').execute();
}
