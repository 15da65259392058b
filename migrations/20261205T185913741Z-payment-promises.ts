import { type Kysely, sql } from 'kysely';

// Frozen: never import src/ here; later changes get a new migration.
// Promises to pay (#18 part 4): what the customer promised (dates, amount, currency, the invoices it covers), where
// it came from, the hold that pauses chasing meanwhile, and how the ledger judged it once its grace ran out. A
// later promise supersedes an active one ('rescheduled', superseded_by). plan_id and instalment are for payment
// plans (#18 part 5), which will schedule their instalments as promises; there is no plans table yet.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('payment_promises')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('contact_id', 'text', (c) => c.notNull())
    // Empty: the customer's whole balance (in the promise's currency) as it stood when the promise was made.
    .addColumn('invoice_ids', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('earliest', 'date', (c) => c.notNull())
    .addColumn('latest', 'date', (c) => c.notNull())
    // The organisation-local day the promise was made: payments from this day on count towards it.
    .addColumn('made_on', 'date', (c) => c.notNull())
    // Null: everything due on the covered invoices.
    .addColumn('amount', 'numeric')
    .addColumn('currency', 'text')
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('reply', 'collector', 'plan')`))
    .addColumn('reply_id', 'uuid', (c) => c.references('customer_replies.id').onDelete('set null'))
    .addColumn('plan_id', 'bigint')
    .addColumn('instalment', 'integer')
    .addColumn('hold_id', 'bigint', (c) => c.references('customer_holds.id').onDelete('set null'))
    .addColumn('accepted_by', 'text')
    .addColumn('accepted_by_name', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('active')
        .check(sql`status in ('active', 'kept', 'part_kept', 'broken', 'rescheduled', 'cancelled')`),
    )
    .addColumn('settled_at', 'timestamptz')
    .addColumn('paid_amount', 'numeric')
    .addColumn('superseded_by', 'bigint', (c) => c.references('payment_promises.id').onDelete('set null'))
    // The first reminder drafted after a broken promise cites it; later ones do not repeat it.
    .addColumn('cited_in_reminder_id', 'uuid', (c) => c.references('reminders.id').onDelete('set null'))
    // A thank-you for a kept promise goes at most once: claimed by the click, attempted once by the outbox.
    .addColumn('thanked_by', 'text')
    .addColumn('thanked_at', 'timestamptz')
    .addColumn('thank_you_attempted_at', 'timestamptz')
    .addColumn('thank_you_outcome', 'text')
    .execute();
  await sql`create index payment_promises_active on payment_promises (org_id, contact_id) where status = 'active'`.execute(
    db,
  );
  await sql`create index payment_promises_status on payment_promises (org_id, status, settled_at)`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('payment_promises').execute();
}
