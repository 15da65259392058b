import type { Kysely } from 'kysely';

// Frozen: never import src/ here; later changes get a new migration.
export async function up(db: Kysely<any>): Promise<void> {
  // One row per organisation and local day the digest ran: "change since yesterday" compares with it.
  await db.schema
    .createTable('digest_snapshots')
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('as_of', 'text', (c) => c.notNull())
    .addColumn('base_currency', 'text', (c) => c.notNull())
    .addColumn('total_overdue', 'numeric(19, 4)', (c) => c.notNull())
    .addColumn('overdue_count', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('digest_snapshots_pk', ['org_id', 'as_of'])
    .execute();
  // Every Slack message the outbox posted, by its idempotency key: thread replies find their parent's ts here,
  // and a retried item whose post already went out finds it here instead of posting again.
  await db.schema
    .createTable('slack_posts')
    .addColumn('idempotency_key', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'uuid')
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('ts', 'text', (c) => c.notNull())
    .addColumn('thread_ts', 'text')
    .addColumn('posted_at', 'timestamptz', (c) => c.notNull())
    .execute();
  // Slack allows about one post per second per channel; instances reserve the next slot here.
  await db.schema
    .createTable('slack_channel_pacing')
    .addColumn('channel', 'text', (c) => c.primaryKey())
    .addColumn('last_post_at', 'timestamptz', (c) => c.notNull())
    .execute();
  // Whether a customer is above the policy's escalation thresholds, so each crossing is posted once.
  await db.schema
    .createTable('escalation_states')
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('contact_id', 'text', (c) => c.notNull())
    .addColumn('active', 'boolean', (c) => c.notNull())
    .addColumn('crossed_on', 'text', (c) => c.notNull())
    .addColumn('reasons', 'jsonb', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('escalation_states_pk', ['org_id', 'contact_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('escalation_states').execute();
  await db.schema.dropTable('slack_channel_pacing').execute();
  await db.schema.dropTable('slack_posts').execute();
  await db.schema.dropTable('digest_snapshots').execute();
}
