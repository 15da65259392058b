import { type Kysely, sql } from 'kysely';

// Frozen: never import src/ here; later changes get a new migration.
// Payment plans (#18 part 5): a customer's balance in dated instalments, proposed by a collector (from a reply
// asking for one, or on their own) and approved or rejected by a manager in the escalation channel. Approved,
// each instalment becomes a payment_promises row (plan_id, instalment) tracked like any promise; the plan's own
// hold pauses chasing from the proposal until the plan is rejected, completed or broken.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('payment_plans')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('contact_id', 'text', (c) => c.notNull())
    // The invoices the plan settles (their balance when proposed is the plan's balance).
    .addColumn('invoice_ids', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('balance', 'numeric', (c) => c.notNull())
    // [{ due: 'YYYY-MM-DD', amount: '500.00' }, …], rising dates, adding up to the balance.
    .addColumn('instalments', 'jsonb', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('proposed')
        .check(sql`status in ('proposed', 'approved', 'rejected', 'completed', 'broken', 'cancelled')`),
    )
    .addColumn('reply_id', 'uuid', (c) => c.references('customer_replies.id').onDelete('set null'))
    .addColumn('hold_id', 'bigint', (c) => c.references('customer_holds.id').onDelete('set null'))
    .addColumn('proposed_by', 'text', (c) => c.notNull())
    .addColumn('proposed_by_name', 'text', (c) => c.notNull())
    .addColumn('proposed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('decided_by', 'text')
    .addColumn('decided_by_name', 'text')
    .addColumn('decided_at', 'timestamptz')
    .addColumn('settled_at', 'timestamptz')
    .execute();
  // One plan in play per customer: a second proposal while one waits or runs is refused, not stacked.
  await sql`create unique index payment_plans_open on payment_plans (org_id, contact_id) where status in ('proposed', 'approved')`.execute(
    db,
  );
  await sql`alter table payment_promises add constraint payment_promises_plan_fk foreign key (plan_id) references payment_plans (id) on delete set null`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table payment_promises drop constraint payment_promises_plan_fk`.execute(db);
  await db.schema.dropTable('payment_plans').execute();
}
