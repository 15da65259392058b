import { type Kysely, sql } from 'kysely';

// Frozen: never import src/ here; later changes get a new migration.
// A customer the plan cannot email (no address, refused addresses, below the minimum, paused) becomes a call
// task in a collector's queue instead of falling through. One open task per customer: a second click while one
// is open finds it.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('call_tasks')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('contact_id', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('assignee_id', 'text', (c) => c.notNull())
    .addColumn('assignee_name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('open').check(sql`status in ('open', 'done')`))
    .addColumn('outcome', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('done_by', 'text')
    .addColumn('done_by_name', 'text')
    .addColumn('done_at', 'timestamptz')
    .execute();
  await sql`create unique index call_tasks_one_open on call_tasks (org_id, contact_id) where status = 'open'`.execute(
    db,
  );
  await db.schema
    .createIndex('call_tasks_assignee')
    .on('call_tasks')
    .columns(['org_id', 'assignee_id', 'status'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('call_tasks').execute();
}
