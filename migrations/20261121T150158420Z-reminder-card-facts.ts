import { type Kysely, sql } from 'kysely';

// Frozen: never import src/ here; later changes get a new migration.
// What an approval card shows is a snapshot of the plan (invoices, amounts, the brain's reasons) taken when the
// reminder was proposed: the card and the draft must agree even after the next sync changes the ledger.
// Recipients may be overridden per customer (an AP mailbox instead of the contact's own address).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('reminders')
    .addColumn('facts', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();
  await db.schema
    .createTable('dunning_recipients')
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('contact_id', 'text', (c) => c.notNull())
    .addColumn('recipients', 'jsonb', (c) => c.notNull())
    .addColumn('cc', 'jsonb', (c) => c.notNull())
    .addColumn('updated_by', 'text')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('dunning_recipients_pkey', ['org_id', 'contact_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('dunning_recipients').execute();
  await db.schema.alterTable('reminders').dropColumn('facts').execute();
}
