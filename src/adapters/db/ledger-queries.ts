// Over 300 lines: the ledger as the use-cases read it (organisation, contacts, invoices, payments, credits), one module over the synced Xero tables.
import type { Selectable } from 'kysely';
import type {
  Contact,
  ContactStatus,
  Credit,
  Invoice,
  InvoiceStatus,
  IsoDate,
  Ledger,
  OrganisationProfile,
  PaymentTerms,
  PaymentTermsType,
  Settlement,
  SettlementKind,
} from '../../domain/ledger.js';
import type { LedgerPayment } from '../../domain/reply-drafts.js';
import { AppError } from '../../errors.js';
import type { Queryable, XeroContactsTable } from './schema.js';

/** Postgres hands numeric back as '12.3400'; domain values keep that exact string. */
const num = (v: string | null): string | null => (v === null ? null : v);

function toTerms(v: { day: number; type: string } | null | undefined): PaymentTerms | null {
  if (!v) return null;
  return { day: v.day, type: v.type as PaymentTermsType };
}

/**
 * An organisation's profile, once its ledger may be used for decisions: a sync has completed every resource at
 * least once. Half a ledger (a first sync that failed on /Payments, say) would show customers owing what they
 * have paid: every surface refuses with the reason instead.
 */
export async function loadOrganisationProfile(db: Queryable, orgId: string): Promise<OrganisationProfile> {
  const org = await db
    .selectFrom('organisations')
    .leftJoin('xero_sync_state', 'xero_sync_state.org_id', 'organisations.id')
    .selectAll('organisations')
    .select(['xero_sync_state.last_complete_at', 'xero_sync_state.last_error', 'xero_sync_state.last_ok'])
    .where('organisations.id', '=', orgId)
    .executeTakeFirst();
  if (!org) throw new AppError('ORG_NOT_FOUND', `organisation ${orgId} does not exist`);
  if (!org.base_currency || !org.last_complete_at) {
    const why =
      org.last_ok === false && org.last_error
        ? `; the last attempt failed: ${org.last_error.slice(0, 300)}`
        : '';
    throw new AppError(
      'ORG_NOT_SYNCED',
      `the ledger of ${org.name} is incomplete: its first sync from Xero has not finished${why}`,
    );
  }
  return {
    id: org.id,
    name: org.name,
    baseCurrency: org.base_currency.trim(),
    timezone: org.timezone,
    shortCode: org.short_code,
    defaultSalesTerms: toTerms(org.default_sales_terms),
  };
}

export async function loadContacts(db: Queryable, orgId: string): Promise<Contact[]> {
  const rows = await db.selectFrom('xero_contacts').selectAll().where('org_id', '=', orgId).execute();
  return rows.map(toContact);
}

/** One contact (a button or a modal names one; no need to read them all). */
export async function loadContact(db: Queryable, orgId: string, contactId: string): Promise<Contact | null> {
  const row = await db
    .selectFrom('xero_contacts')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('contact_id', '=', contactId)
    .executeTakeFirst();
  return row ? toContact(row) : null;
}

function toContact(r: Selectable<XeroContactsTable>): Contact {
  return {
    id: r.contact_id,
    name: r.name,
    status: r.status as ContactStatus,
    accountNumber: r.account_number,
    contactNumber: r.contact_number,
    email: r.email,
    firstName: r.first_name,
    lastName: r.last_name,
    persons: r.persons,
    phones: r.phones,
    groups: r.groups,
    salesTerms: toTerms(r.sales_terms),
    defaultCurrency: r.default_currency?.trim() ?? null,
    mergedToContactId: r.merged_to_contact_id,
  };
}

export async function loadInvoices(db: Queryable, orgId: string): Promise<Invoice[]> {
  const rows = await db.selectFrom('xero_invoices').selectAll().where('org_id', '=', orgId).execute();
  return rows.map((r) => ({
    id: r.invoice_id,
    number: r.number,
    reference: r.reference,
    contactId: r.contact_id,
    status: r.status as InvoiceStatus,
    date: r.date,
    dueDate: r.due_date,
    currency: r.currency.trim(),
    currencyRate: num(r.currency_rate),
    total: r.total,
    amountDue: r.amount_due,
    amountPaid: r.amount_paid,
    amountCredited: r.amount_credited,
    fullyPaidOnDate: r.fully_paid_on_date,
    expectedPaymentDate: r.expected_payment_date,
    sentToContact: r.sent_to_contact,
    updatedAt: r.xero_updated_at ?? r.synced_at,
  }));
}

const KIND_OF_CREDIT: Record<string, SettlementKind> = {
  credit_note: 'credit_note',
  overpayment: 'overpayment',
  prepayment: 'prepayment',
};

/**
 * Payments (not deleted) and credit allocations, as settlements of invoices. Refunds paid out of credits are
 * attached to their credit instead.
 */
export async function loadSettlementsAndCredits(
  db: Queryable,
  orgId: string,
): Promise<{ settlements: Settlement[]; credits: Credit[] }> {
  const [payments, creditRows, allocations] = await Promise.all([
    db
      .selectFrom('xero_payments')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('status', '!=', 'DELETED')
      .execute(),
    db.selectFrom('xero_credits').selectAll().where('org_id', '=', orgId).execute(),
    db.selectFrom('xero_credit_allocations').selectAll().where('org_id', '=', orgId).execute(),
  ]);
  const creditKind = new Map(creditRows.map((c) => [c.credit_id, c.kind]));
  const refunds = new Map<string, { date: string; amount: string }[]>();
  const settlements: Settlement[] = [];
  for (const p of payments) {
    if (p.invoice_id) {
      settlements.push({
        id: p.payment_id,
        invoiceId: p.invoice_id,
        kind: 'payment',
        sourceId: null,
        date: p.date,
        amount: p.amount,
        currencyRate: num(p.currency_rate),
      });
    } else if (p.credit_id) {
      const list = refunds.get(p.credit_id) ?? [];
      list.push({ date: p.date, amount: p.amount });
      refunds.set(p.credit_id, list);
    }
  }
  for (const a of allocations) {
    const kind = creditKind.get(a.credit_id);
    if (!kind) continue; // allocation of a credit we no longer hold (deleted in Xero)
    settlements.push({
      id: a.allocation_id,
      invoiceId: a.invoice_id,
      kind: KIND_OF_CREDIT[kind] ?? 'credit_note',
      sourceId: a.credit_id,
      date: a.date,
      amount: a.amount,
      currencyRate: null,
    });
  }
  const credits: Credit[] = creditRows.map((c) => ({
    id: c.credit_id,
    kind: c.kind,
    number: c.number,
    contactId: c.contact_id,
    status: c.status as InvoiceStatus,
    date: c.date,
    currency: c.currency.trim(),
    currencyRate: num(c.currency_rate),
    total: c.total,
    remainingCredit: c.remaining_credit,
    refunds: refunds.get(c.credit_id) ?? [],
  }));
  return { settlements, credits };
}

/** The whole synced ledger of one organisation, as domain values. Point-in-time filtering is the domain's job. */
export async function loadLedger(db: Queryable, orgId: string): Promise<Ledger> {
  const [organisation, contacts, invoices, rest] = await Promise.all([
    loadOrganisationProfile(db, orgId),
    loadContacts(db, orgId),
    loadInvoices(db, orgId),
    loadSettlementsAndCredits(db, orgId),
  ]);
  return { organisation, contacts, invoices, settlements: rest.settlements, credits: rest.credits };
}

/** Some invoices as the ledger holds them now, by id (absent: not in the ledger). */
export async function loadInvoicesNow(
  db: Queryable,
  orgId: string,
  invoiceIds: readonly string[],
): Promise<
  Map<
    string,
    { status: string; amountDue: string; dueDate: string; currency: string; currencyRate: string | null }
  >
> {
  if (invoiceIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('xero_invoices')
    .select(['invoice_id', 'status', 'amount_due', 'due_date', 'currency', 'currency_rate'])
    .where('org_id', '=', orgId)
    .where('invoice_id', 'in', [...invoiceIds])
    .execute();
  return new Map(
    rows.map((r) => [
      r.invoice_id,
      {
        status: r.status,
        amountDue: r.amount_due,
        dueDate: r.due_date,
        currency: r.currency.trim(),
        currencyRate: num(r.currency_rate),
      },
    ]),
  );
}

/** A customer's open invoices now (authorised, something still due), the oldest due first. */
export async function openInvoicesOf(
  db: Queryable,
  orgId: string,
  contactId: string,
): Promise<
  { invoiceId: string; number: string | null; amountDue: string; dueDate: string; currency: string }[]
> {
  const rows = await db
    .selectFrom('xero_invoices')
    .select(['invoice_id', 'number', 'amount_due', 'due_date', 'currency'])
    .where('org_id', '=', orgId)
    .where('contact_id', '=', contactId)
    .where('status', '=', 'AUTHORISED')
    .where('amount_due', '>', '0')
    .orderBy('due_date')
    .orderBy('invoice_id')
    .execute();
  return rows.map((r) => ({
    invoiceId: r.invoice_id,
    number: r.number,
    amountDue: r.amount_due,
    dueDate: r.due_date,
    currency: r.currency.trim(),
  }));
}

/** The numbers of some invoices by id (an invoice without a number goes by its id), for notes and audit lines. */
export async function loadInvoiceNumbers(
  db: Queryable,
  orgId: string,
  invoiceIds: readonly string[],
): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('xero_invoices')
    .select(['invoice_id', 'number'])
    .where('org_id', '=', orgId)
    .where('invoice_id', 'in', invoiceIds.length ? [...invoiceIds] : [''])
    .execute();
  return new Map(rows.map((r) => [r.invoice_id, r.number ?? r.invoice_id]));
}

/** Some invoices as the ledger holds them now, in invoice-number order (as a reply to the customer lists them). */
export async function listInvoicesByNumber(
  db: Queryable,
  orgId: string,
  invoiceIds: readonly string[],
): Promise<{ invoiceId: string; number: string; currency: string; amountDue: string; dueDate: IsoDate }[]> {
  if (invoiceIds.length === 0) return [];
  const rows = await db
    .selectFrom('xero_invoices')
    .select(['invoice_id', 'number', 'currency', 'amount_due', 'due_date'])
    .where('org_id', '=', orgId)
    .where('invoice_id', 'in', [...invoiceIds])
    .orderBy('number')
    .execute();
  return rows.map((r) => ({
    invoiceId: r.invoice_id,
    number: r.number ?? r.invoice_id,
    currency: r.currency,
    amountDue: String(r.amount_due),
    dueDate: String(r.due_date),
  }));
}

/** The customer's payments in the window, on any of their invoices (the ledger as last synced). */
export async function loadContactPayments(
  db: Queryable,
  orgId: string,
  contactId: string,
  window: { from: IsoDate; to: IsoDate },
): Promise<LedgerPayment[]> {
  const rows = await db
    .selectFrom('xero_payments as p')
    .innerJoin('xero_invoices as i', (j) =>
      j.onRef('i.org_id', '=', 'p.org_id').onRef('i.invoice_id', '=', 'p.invoice_id'),
    )
    .select(['p.invoice_id', 'i.number', 'p.date', 'p.amount', 'i.currency'])
    .where('p.org_id', '=', orgId)
    .where('i.contact_id', '=', contactId)
    .where('p.status', '!=', 'DELETED')
    .where('p.date', '>=', window.from)
    .where('p.date', '<=', window.to)
    .execute();
  return rows.map((r) => ({
    invoiceId: r.invoice_id!,
    invoiceNumber: r.number ?? r.invoice_id!,
    date: String(r.date),
    amount: String(r.amount),
    currency: r.currency,
  }));
}
