import type { Kysely } from 'kysely';

// Frozen: never import src/ here; later changes get a new migration.
// Which Slack channels an organisation posts to, who may act, and when its digest goes out.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('slack_settings')
    .addColumn('org_id', 'uuid', (c) => c.primaryKey().references('organisations.id').onDelete('cascade'))
    .addColumn('digest_channel', 'text')
    .addColumn('queue_channel', 'text')
    .addColumn('escalation_channel', 'text')
    // Slack user ids (U…/W…) and user group ids (S…), mixed.
    .addColumn('managers', 'jsonb', (c) => c.notNull())
    .addColumn('collectors', 'jsonb', (c) => c.notNull())
    .addColumn('digest_time', 'text', (c) => c.notNull().defaultTo('08:30'))
    .addColumn('updated_by', 'text')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('slack_settings').execute();
}
