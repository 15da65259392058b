import { type Kysely, sql } from 'kysely';

// Frozen: never import src/ here; later changes get a new migration.
// Overrides (#19 part 4): a manager's priority tier for a customer, in place of the computed one until removed.
// Rows are never deleted: removing one sets removed_at/removed_by, so the history of overrides stays readable.
// At most one active override per customer (the partial unique index), so a double click cannot leave two.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('customer_overrides')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('contact_id', 'text', (c) => c.notNull())
    .addColumn('tier', 'text', (c) => c.notNull().check(sql`tier in ('high', 'medium', 'low')`))
    .addColumn('reason', 'text')
    .addColumn('set_by', 'text', (c) => c.notNull())
    .addColumn('set_by_name', 'text', (c) => c.notNull())
    .addColumn('set_at', 'timestamptz', (c) => c.notNull())
    .addColumn('removed_at', 'timestamptz')
    .addColumn('removed_by', 'text')
    .execute();
  await sql`create unique index customer_overrides_active on customer_overrides (org_id, contact_id) where removed_at is null`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('customer_overrides').execute();
}
