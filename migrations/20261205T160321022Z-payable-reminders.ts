import type { Kysely } from 'kysely';

// Frozen: never import src/ here; later changes get a new migration.
// Payable reminders (issue #17.7).
// - xero_online_invoices: Xero's online-invoice link per invoice (GET /Invoices/{id}/OnlineInvoice). A link never
//   changes, so it is fetched once and kept; a refusal is kept too (url null, with the reason), so a reminder
//   plan does not spend a call of the day's budget on it again until `checked_at` is old.
// - xero_invoice_emails: the journal of Xero's own invoice email (POST /Invoices/{id}/Email), one row per
//   reminder and invoice, keyed by the Idempotency-Key sent to Xero: written before the call, closed after it, so a
//   retry, a restart or a second instance never has Xero email an invoice twice for one reminder.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('xero_online_invoices')
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('invoice_id', 'text', (c) => c.notNull())
    .addColumn('url', 'text')
    .addColumn('error', 'text')
    .addColumn('checked_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('xero_online_invoices_pkey', ['org_id', 'invoice_id'])
    .execute();
  await db.schema
    .createTable('xero_invoice_emails')
    .addColumn('idempotency_key', 'text', (c) => c.primaryKey())
    .addColumn('reminder_id', 'uuid', (c) => c.notNull().references('reminders.id').onDelete('cascade'))
    .addColumn('invoice_id', 'text', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('finished_at', 'timestamptz')
    .addColumn('outcome', 'text')
    .execute();
  await db.schema
    .createIndex('xero_invoice_emails_reminder')
    .on('xero_invoice_emails')
    .column('reminder_id')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('xero_invoice_emails').execute();
  await db.schema.dropTable('xero_online_invoices').execute();
}
