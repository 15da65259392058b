import { type CreateTableBuilder, type Kysely, sql } from 'kysely';

// Frozen: never import src/ here; later changes get a new migration.
// The synced Xero AR ledger. Amounts are numeric(19,4) in the document's currency; Xero currency rates carry
// more decimals, so they get numeric(28,10). Date-only Xero fields are org-local calendar dates (`date`).
export async function up(db: Kysely<any>): Promise<void> {
  const common = (t: CreateTableBuilder<string, never>) =>
    t
      .addColumn('org_id', 'uuid', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
      .addColumn('xero_updated_at', 'timestamptz')
      .addColumn('synced_at', 'timestamptz', (c) => c.notNull());

  await common(db.schema.createTable('xero_contacts'))
    .addColumn('contact_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('account_number', 'text')
    .addColumn('contact_number', 'text')
    .addColumn('email', 'text')
    .addColumn('first_name', 'text')
    .addColumn('last_name', 'text')
    .addColumn('persons', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('phones', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('groups', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('sales_terms', 'jsonb')
    .addColumn('default_currency', 'char(3)')
    .addColumn('merged_to_contact_id', 'text')
    .addColumn('is_customer', 'boolean', (c) => c.notNull().defaultTo(false))
    .addPrimaryKeyConstraint('xero_contacts_pkey', ['org_id', 'contact_id'])
    .execute();

  await common(db.schema.createTable('xero_invoices'))
    .addColumn('invoice_id', 'text', (c) => c.notNull())
    .addColumn('number', 'text')
    .addColumn('reference', 'text')
    .addColumn('contact_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('date', 'date', (c) => c.notNull())
    .addColumn('due_date', 'date', (c) => c.notNull())
    .addColumn('currency', 'char(3)', (c) => c.notNull())
    .addColumn('currency_rate', 'numeric(28, 10)')
    .addColumn('total', 'numeric(19, 4)', (c) => c.notNull())
    .addColumn('amount_due', 'numeric(19, 4)', (c) => c.notNull())
    .addColumn('amount_paid', 'numeric(19, 4)', (c) => c.notNull())
    .addColumn('amount_credited', 'numeric(19, 4)', (c) => c.notNull())
    .addColumn('fully_paid_on_date', 'date')
    .addColumn('expected_payment_date', 'date')
    .addColumn('sent_to_contact', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('url', 'text')
    .addPrimaryKeyConstraint('xero_invoices_pkey', ['org_id', 'invoice_id'])
    .execute();
  await db.schema
    .createIndex('xero_invoices_contact_idx')
    .on('xero_invoices')
    .columns(['org_id', 'contact_id'])
    .execute();
  await sql`create index xero_invoices_open_idx on xero_invoices (org_id, due_date) where status = 'AUTHORISED'`.execute(
    db,
  );

  // Payments against invoices (invoice_id) and cash refunds of credits (credit_id). DELETED ones are kept so a
  // later sync can see the deletion, but never count.
  await common(db.schema.createTable('xero_payments'))
    .addColumn('payment_id', 'text', (c) => c.notNull())
    .addColumn('invoice_id', 'text')
    .addColumn('credit_id', 'text')
    .addColumn('payment_type', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('date', 'date', (c) => c.notNull())
    .addColumn('amount', 'numeric(19, 4)', (c) => c.notNull())
    .addColumn('currency_rate', 'numeric(28, 10)')
    .addColumn('reference', 'text')
    .addPrimaryKeyConstraint('xero_payments_pkey', ['org_id', 'payment_id'])
    .execute();
  await db.schema
    .createIndex('xero_payments_invoice_idx')
    .on('xero_payments')
    .columns(['org_id', 'invoice_id'])
    .execute();

  // Credit notes (ACCRECCREDIT), overpayments and prepayments received: one table, `kind` tells them apart.
  await common(db.schema.createTable('xero_credits'))
    .addColumn('credit_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('number', 'text')
    .addColumn('contact_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('date', 'date', (c) => c.notNull())
    .addColumn('currency', 'char(3)', (c) => c.notNull())
    .addColumn('currency_rate', 'numeric(28, 10)')
    .addColumn('total', 'numeric(19, 4)', (c) => c.notNull())
    .addColumn('remaining_credit', 'numeric(19, 4)', (c) => c.notNull())
    .addPrimaryKeyConstraint('xero_credits_pkey', ['org_id', 'credit_id'])
    .addCheckConstraint('xero_credits_kind_check', sql`kind in ('credit_note', 'overpayment', 'prepayment')`)
    .execute();

  // Allocations of a credit to an invoice (amount in the invoice's currency). Replaced wholesale whenever the
  // credit is re-synced, because Xero may not return stable ids for them.
  await db.schema
    .createTable('xero_credit_allocations')
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('allocation_id', 'text', (c) => c.notNull())
    .addColumn('credit_id', 'text', (c) => c.notNull())
    .addColumn('invoice_id', 'text', (c) => c.notNull())
    .addColumn('date', 'date', (c) => c.notNull())
    .addColumn('amount', 'numeric(19, 4)', (c) => c.notNull())
    .addPrimaryKeyConstraint('xero_credit_allocations_pkey', ['org_id', 'allocation_id'])
    .execute();
  await db.schema
    .createIndex('xero_credit_allocations_credit_idx')
    .on('xero_credit_allocations')
    .columns(['org_id', 'credit_id'])
    .execute();
  await db.schema
    .createIndex('xero_credit_allocations_invoice_idx')
    .on('xero_credit_allocations')
    .columns(['org_id', 'invoice_id'])
    .execute();

  // What Xero tells us about the organisation beyond the organisations row.
  await db.schema
    .alterTable('organisations')
    .addColumn('default_sales_terms', 'jsonb')
    .addColumn('xero_reminders_enabled', 'boolean')
    .addColumn('is_demo_company', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('organisations')
    .dropColumn('default_sales_terms')
    .dropColumn('xero_reminders_enabled')
    .dropColumn('is_demo_company')
    .execute();
  for (const t of [
    'xero_credit_allocations',
    'xero_credits',
    'xero_payments',
    'xero_invoices',
    'xero_contacts',
  ]) {
    await db.schema.dropTable(t).execute();
  }
}
