import type { Queryable } from '../adapters/db/schema.js';
import { markLedgerComplete } from '../adapters/db/xero-ledger-store.js';
import type { Ledger } from '../domain/ledger.js';

// Stay well below Postgres' 32,767 bind parameters per statement (≤ 20 columns × 1,000 rows).
const CHUNK = 1_000;

async function insertChunked<T>(rows: readonly T[], insert: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await insert(rows.slice(i, i + CHUNK));
}

const FIXTURE_ALWAYS_CURRENT = new Date('9999-01-01T00:00:00Z');

/**
 * Writes a Ledger into the xero_* tables (and the organisation's base currency, time zone and terms), so tests
 * can read it back through the real `loadLedger`. Creates the organisation row when it does not exist.
 * Settlements of kind 'payment' become xero_payments rows; the others become credit allocations; credit
 * refunds become payments against the credit.
 */
export async function insertLedger(db: Queryable, orgId: string, ledger: Ledger): Promise<void> {
  const now = new Date('2026-01-01T00:00:00Z');
  const org = ledger.organisation;
  const existing = await db
    .selectFrom('organisations')
    .select('id')
    .where('id', '=', orgId)
    .executeTakeFirst();
  const orgValues = {
    base_currency: org.baseCurrency,
    timezone: org.timezone,
    short_code: org.shortCode,
    default_sales_terms: org.defaultSalesTerms ? JSON.stringify(org.defaultSalesTerms) : null,
  };
  if (existing) {
    await db.updateTable('organisations').set(orgValues).where('id', '=', orgId).execute();
  } else {
    await db
      .insertInto('organisations')
      .values({
        id: orgId,
        xero_tenant_id: orgId,
        xero_connection_id: null,
        token_set_id: null,
        name: org.name,
        status_reason: null,
        ...orgValues,
      })
      .execute();
  }
  const synced = { org_id: orgId, synced_at: now, xero_updated_at: now };
  // A fixture ledger is whole, and current at whatever time a test's clock says (tests run at fixed dates, some
  // ahead of today): its completion lies beyond any of them. A test of staleness sets its own.
  await markLedgerComplete(db, orgId, FIXTURE_ALWAYS_CURRENT);

  await insertChunked(ledger.contacts, (chunk) =>
    db
      .insertInto('xero_contacts')
      .values(
        chunk.map((c) => ({
          ...synced,
          contact_id: c.id,
          name: c.name,
          status: c.status,
          account_number: c.accountNumber,
          contact_number: c.contactNumber,
          email: c.email,
          first_name: c.firstName,
          last_name: c.lastName,
          persons: JSON.stringify(c.persons),
          phones: JSON.stringify(c.phones),
          groups: JSON.stringify(c.groups),
          sales_terms: c.salesTerms ? JSON.stringify(c.salesTerms) : null,
          default_currency: c.defaultCurrency,
          merged_to_contact_id: c.mergedToContactId,
          is_customer: true,
        })),
      )
      .execute(),
  );
  await insertChunked(ledger.invoices, (chunk) =>
    db
      .insertInto('xero_invoices')
      .values(
        chunk.map((i) => ({
          ...synced,
          xero_updated_at: i.updatedAt,
          invoice_id: i.id,
          number: i.number,
          reference: i.reference,
          contact_id: i.contactId,
          status: i.status,
          date: i.date,
          due_date: i.dueDate,
          currency: i.currency,
          currency_rate: i.currencyRate,
          total: i.total,
          amount_due: i.amountDue,
          amount_paid: i.amountPaid,
          amount_credited: i.amountCredited,
          fully_paid_on_date: i.fullyPaidOnDate,
          expected_payment_date: i.expectedPaymentDate,
          sent_to_contact: i.sentToContact,
          url: null,
        })),
      )
      .execute(),
  );
  const payments = [
    ...ledger.settlements
      .filter((s) => s.kind === 'payment')
      .map((s) => ({
        ...synced,
        payment_id: s.id,
        invoice_id: s.invoiceId,
        credit_id: null,
        payment_type: 'ACCRECPAYMENT',
        status: 'AUTHORISED',
        date: s.date,
        amount: s.amount,
        currency_rate: s.currencyRate,
        reference: null,
      })),
    ...ledger.credits.flatMap((c) =>
      c.refunds.map((r, n) => ({
        ...synced,
        payment_id: `${c.id}-refund-${n + 1}`,
        invoice_id: null,
        credit_id: c.id,
        payment_type: 'ARCREDITPAYMENT',
        status: 'AUTHORISED',
        date: r.date,
        amount: r.amount,
        currency_rate: c.currencyRate,
        reference: null,
      })),
    ),
  ];
  await insertChunked(payments, (chunk) => db.insertInto('xero_payments').values(chunk).execute());
  await insertChunked(ledger.credits, (chunk) =>
    db
      .insertInto('xero_credits')
      .values(
        chunk.map((c) => ({
          ...synced,
          credit_id: c.id,
          kind: c.kind,
          number: c.number,
          contact_id: c.contactId,
          status: c.status,
          date: c.date,
          currency: c.currency,
          currency_rate: c.currencyRate,
          total: c.total,
          remaining_credit: c.remainingCredit,
        })),
      )
      .execute(),
  );
  const allocations = ledger.settlements
    .filter((s) => s.kind !== 'payment' && s.sourceId)
    .map((s) => ({
      org_id: orgId,
      allocation_id: s.id,
      credit_id: s.sourceId!,
      invoice_id: s.invoiceId,
      date: s.date,
      amount: s.amount,
    }));
  await insertChunked(allocations, (chunk) =>
    db.insertInto('xero_credit_allocations').values(chunk).execute(),
  );
}

/** A customer's payment on one invoice, as the next Xero sync stores it (the invoice row is left as it was). */
export async function insertSyncedPayment(
  db: Queryable,
  orgId: string,
  p: { invoiceId: string; date: string; amount: string },
): Promise<void> {
  await db
    .insertInto('xero_payments')
    .values({
      org_id: orgId,
      xero_updated_at: null,
      synced_at: new Date(),
      payment_id: `pay-${p.invoiceId}-${p.date}-${p.amount}`,
      invoice_id: p.invoiceId,
      credit_id: null,
      payment_type: 'ACCRECPAYMENT',
      status: 'AUTHORISED',
      date: p.date,
      amount: p.amount,
      currency_rate: null,
      reference: null,
    })
    .execute();
}
