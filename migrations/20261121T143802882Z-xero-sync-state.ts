import { type Kysely, sql } from 'kysely';

// Frozen: never import src/ here; later changes get a new migration.
// State the Xero sync keeps between runs: If-Modified-Since cursors, received webhook events (deduplicated),
// and the per-organisation schedule the one-minute ticker claims from.
export async function up(db: Kysely<any>): Promise<void> {
  // One cursor per organisation and resource: the highest UpdatedDateUTC stored so far. Advanced only in the
  // transaction that stores the page, so an interrupted sync resumes where it really stopped.
  await db.schema
    .createTable('sync_cursors')
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('resource', 'text', (c) => c.notNull())
    .addColumn('modified_since', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('sync_cursors_pkey', ['org_id', 'resource'])
    .execute();

  // Xero delivers webhooks at least once: the unique key is Xero's own event identity.
  await db.schema
    .createTable('xero_webhook_events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('resource_id', 'text', (c) => c.notNull())
    .addColumn('event_date_utc', 'timestamptz', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('event_category', 'text', (c) => c.notNull())
    .addColumn('org_id', 'uuid', (c) => c.references('organisations.id').onDelete('cascade'))
    .addColumn('received_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('xero_webhook_events_identity_key')
    .on('xero_webhook_events')
    .columns(['tenant_id', 'resource_id', 'event_date_utc', 'event_type'])
    .unique()
    .execute();

  // What is due, per organisation and job, in absolute time (computed in the organisation's zone).
  await db.schema
    .createTable('scheduled_jobs')
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('job', 'text', (c) => c.notNull())
    .addColumn('next_run_at', 'timestamptz', (c) => c.notNull())
    .addColumn('locked_by', 'text')
    .addColumn('locked_until', 'timestamptz')
    .addColumn('last_started_at', 'timestamptz')
    .addColumn('last_finished_at', 'timestamptz')
    .addColumn('last_error', 'text')
    .addPrimaryKeyConstraint('scheduled_jobs_pkey', ['org_id', 'job'])
    .execute();
  await sql`create index scheduled_jobs_due_idx on scheduled_jobs (next_run_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('scheduled_jobs').execute();
  await db.schema.dropTable('xero_webhook_events').execute();
  await db.schema.dropTable('sync_cursors').execute();
}
