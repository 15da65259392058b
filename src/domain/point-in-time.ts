import type { Contact, Credit, Invoice, InvoiceStatus, IsoDate, Ledger, Settlement } from './ledger.js';
import { type Big, dec, toBase, ZERO } from './money.js';

/**
 * The ledger as it stood at the end of a calendar day D. Only facts dated ≤ D count: an invoice exists from its
 * date, a settlement reduces it from the settlement's date, a credit is available from its date. Xero's own
 * amountDue / remainingCredit are "as of the last sync" and are never used here, so every figure as of D is the
 * same whatever happened after D.
 *
 * What Xero forgets we cannot replay: a payment deleted later is absent from the ledger, so the invoice is
 * outstanding again at every D; an invoice voided later has status VOIDED and is gone at every D.
 */

/** DRAFT/SUBMITTED are not receivables yet; VOIDED/DELETED never were. */
export function isReceivableStatus(status: InvoiceStatus): boolean {
  return status === 'AUTHORISED' || status === 'PAID';
}

interface DatedAmount {
  readonly date: IsoDate;
  readonly amount: Big;
  readonly settlement: Settlement;
}

interface InvoiceEntry {
  readonly invoice: Invoice;
  readonly total: Big;
  /** Sorted by date (then id, for a stable order). */
  readonly settlements: readonly DatedAmount[];
}

interface CreditEntry {
  readonly credit: Credit;
  readonly total: Big;
  readonly allocations: readonly DatedAmount[];
  readonly refunds: readonly { readonly date: IsoDate; readonly amount: Big }[];
}

/** The ledger reorganised once for repeated point-in-time questions (many as-of dates in a backtest). */
export interface LedgerIndex {
  readonly ledger: Ledger;
  readonly contactsById: ReadonlyMap<string, Contact>;
  readonly invoices: readonly InvoiceEntry[];
  readonly invoicesById: ReadonlyMap<string, InvoiceEntry>;
  readonly credits: readonly CreditEntry[];
  readonly baseCurrency: string;
}

const byDateThenId = (a: DatedAmount, b: DatedAmount) =>
  a.date < b.date ? -1 : a.date > b.date ? 1 : a.settlement.id < b.settlement.id ? -1 : 1;

export function indexLedger(ledger: Ledger): LedgerIndex {
  const byInvoice = new Map<string, DatedAmount[]>();
  const byCredit = new Map<string, DatedAmount[]>();
  for (const s of ledger.settlements) {
    const item = { date: s.date, amount: dec(s.amount), settlement: s };
    const list = byInvoice.get(s.invoiceId);
    if (list) list.push(item);
    else byInvoice.set(s.invoiceId, [item]);
    if (s.kind !== 'payment' && s.sourceId) {
      const cl = byCredit.get(s.sourceId);
      if (cl) cl.push(item);
      else byCredit.set(s.sourceId, [item]);
    }
  }
  const invoices: InvoiceEntry[] = ledger.invoices.map((invoice) => ({
    invoice,
    total: dec(invoice.total),
    settlements: (byInvoice.get(invoice.id) ?? []).sort(byDateThenId),
  }));
  const credits: CreditEntry[] = ledger.credits.map((credit) => ({
    credit,
    total: dec(credit.total),
    allocations: (byCredit.get(credit.id) ?? []).sort(byDateThenId),
    refunds: credit.refunds.map((r) => ({ date: r.date, amount: dec(r.amount) })),
  }));
  return {
    ledger,
    contactsById: new Map(ledger.contacts.map((c) => [c.id, c])),
    invoices,
    invoicesById: new Map(invoices.map((e) => [e.invoice.id, e])),
    credits,
    baseCurrency: ledger.organisation.baseCurrency,
  };
}

export interface InvoicePosition {
  readonly invoice: Invoice;
  readonly total: Big;
  /** Settled by payments and credit allocations dated ≤ asOf (invoice currency). */
  readonly settled: Big;
  /** Of which cash payments. */
  readonly paid: Big;
  /** total − settled, never below zero (invoice currency). */
  readonly outstanding: Big;
  /** Settlements beyond the total (Xero refuses these; a data problem to show, not to net). */
  readonly overSettled: Big;
  /** The date of the settlement that brought it to zero, when that is ≤ asOf. */
  readonly settledOn: IsoDate | null;
  /** Number of settlements dated ≤ asOf. */
  readonly settlementCount: number;
}

export function isOpen(p: InvoicePosition): boolean {
  return p.outstanding.gt(0);
}

export function isPartPaid(p: InvoicePosition): boolean {
  return p.outstanding.gt(0) && p.settled.gt(0);
}

export function existsAsOf(invoice: Invoice, asOf: IsoDate): boolean {
  return isReceivableStatus(invoice.status) && invoice.date <= asOf;
}

function positionOf(entry: InvoiceEntry, asOf: IsoDate): InvoicePosition {
  let settled = ZERO;
  let paid = ZERO;
  let settledOn: IsoDate | null = null;
  let count = 0;
  for (const s of entry.settlements) {
    if (s.date > asOf) break;
    settled = settled.plus(s.amount);
    if (s.settlement.kind === 'payment') paid = paid.plus(s.amount);
    count++;
    if (settledOn === null && settled.gte(entry.total)) settledOn = s.date;
  }
  const rest = entry.total.minus(settled);
  return {
    invoice: entry.invoice,
    total: entry.total,
    settled,
    paid,
    outstanding: rest.gt(0) ? rest : ZERO,
    overSettled: rest.lt(0) ? rest.neg() : ZERO,
    // A zero-total invoice is settled the day it is raised.
    settledOn: entry.total.lte(0) ? entry.invoice.date : settledOn,
    settlementCount: count,
  };
}

/** Every invoice that exists as of `asOf` (open or settled), with its position then. */
export function positionsAsOf(index: LedgerIndex, asOf: IsoDate): InvoicePosition[] {
  const out: InvoicePosition[] = [];
  for (const e of index.invoices) {
    if (existsAsOf(e.invoice, asOf)) out.push(positionOf(e, asOf));
  }
  return out;
}

export function positionAsOf(index: LedgerIndex, invoiceId: string, asOf: IsoDate): InvoicePosition | null {
  const e = index.invoicesById.get(invoiceId);
  return e && existsAsOf(e.invoice, asOf) ? positionOf(e, asOf) : null;
}

export function openPositionsAsOf(index: LedgerIndex, asOf: IsoDate): InvoicePosition[] {
  return positionsAsOf(index, asOf).filter(isOpen);
}

export interface CreditPosition {
  readonly credit: Credit;
  readonly allocated: Big;
  readonly refunded: Big;
  /** total − allocations ≤ asOf − refunds ≤ asOf, never below zero (credit currency). */
  readonly unapplied: Big;
}

/** Credits (credit notes, overpayments, prepayments) that exist as of `asOf` and still have something to apply. */
export function unappliedCreditsAsOf(index: LedgerIndex, asOf: IsoDate): CreditPosition[] {
  const out: CreditPosition[] = [];
  for (const e of index.credits) {
    if (!isReceivableStatus(e.credit.status) || e.credit.date > asOf) continue;
    let allocated = ZERO;
    for (const a of e.allocations) if (a.date <= asOf) allocated = allocated.plus(a.amount);
    let refunded = ZERO;
    for (const r of e.refunds) if (r.date <= asOf) refunded = refunded.plus(r.amount);
    const rest = e.total.minus(allocated).minus(refunded);
    if (rest.gt(0)) out.push({ credit: e.credit, allocated, refunded, unapplied: rest });
  }
  return out;
}

/** Base-currency value of an invoice-currency amount at the invoice's rate. */
export function baseAmountOf(p: { invoice: Invoice } | { credit: Credit }, amount: Big): Big {
  return toBase(amount, 'invoice' in p ? p.invoice.currencyRate : p.credit.currencyRate);
}

/** Cash payments on an invoice dated in (after, upTo], invoice currency, in date order. */
export function paymentsDatedBetween(
  index: LedgerIndex,
  invoiceId: string,
  after: IsoDate,
  upTo: IsoDate,
): { date: IsoDate; amount: Big }[] {
  const e = index.invoicesById.get(invoiceId);
  if (!e) return [];
  const out: { date: IsoDate; amount: Big }[] = [];
  for (const x of e.settlements) {
    if (x.date > upTo) break;
    if (x.date > after && x.settlement.kind === 'payment') out.push({ date: x.date, amount: x.amount });
  }
  return out;
}

/** Cash received on an invoice in (after, upTo], invoice currency. */
export function paymentsBetween(index: LedgerIndex, invoiceId: string, after: IsoDate, upTo: IsoDate): Big {
  const e = index.invoicesById.get(invoiceId);
  if (!e) return ZERO;
  let s = ZERO;
  for (const x of e.settlements) {
    if (x.date > upTo) break;
    if (x.date > after && x.settlement.kind === 'payment') s = s.plus(x.amount);
  }
  return s;
}

/** Everything that exists as of one date, computed once and shared by ageing, behaviour, risk and forecast. */
export interface LedgerSnapshot {
  readonly index: LedgerIndex;
  readonly asOf: IsoDate;
  /** Invoices that exist as of asOf, open or settled. */
  readonly positions: readonly InvoicePosition[];
  readonly open: readonly InvoicePosition[];
}

export function snapshotAsOf(index: LedgerIndex, asOf: IsoDate): LedgerSnapshot {
  const positions = positionsAsOf(index, asOf);
  return { index, asOf, positions, open: positions.filter(isOpen) };
}
