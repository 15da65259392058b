// Over 300 lines: the ledger as of any date (invoices, credits, allocations, payments) is one reconstruction; splitting it would split its invariants.
import { dayNumber } from './calendar.js';
import type { Contact, Credit, Invoice, InvoiceStatus, IsoDate, Ledger, Settlement } from './ledger.js';
import type { Big } from './money.js';
import { toBaseUnits, type Units, unitsOf, unitsToBig } from './money-units.js';

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
  readonly units: Units;
  readonly settlement: Settlement;
}

interface InvoiceEntry {
  readonly invoice: Invoice;
  readonly totalUnits: Units;
  readonly totalBaseUnits: Units;
  readonly dueDay: number;
  /** Sorted by date (then id, for a stable order). */
  readonly settlements: readonly DatedAmount[];
}

interface CreditEntry {
  readonly credit: Credit;
  readonly totalUnits: Units;
  readonly allocations: readonly DatedAmount[];
  readonly refunds: readonly { readonly date: IsoDate; readonly units: Units }[];
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

const NONE: readonly DatedAmount[] = Object.freeze([]);

type Building<T> = { -readonly [K in keyof T]: T[K] };

/**
 * One pass per collection and one map lookup per settlement: maps are the costly part of indexing 200k
 * invoices, so entries are keyed once and settlements appended to them (most invoices have none or one, so
 * no array is allocated for them and nothing is sorted).
 */
export function indexLedger(ledger: Ledger): LedgerIndex {
  const baseCurrency = ledger.organisation.baseCurrency;
  const invoices: Building<InvoiceEntry>[] = new Array(ledger.invoices.length);
  const invoicesById = new Map<string, InvoiceEntry>();
  for (let i = 0; i < ledger.invoices.length; i++) {
    const invoice = ledger.invoices[i]!;
    const totalUnits = unitsOf(invoice.total);
    const entry: Building<InvoiceEntry> = {
      invoice,
      totalUnits,
      totalBaseUnits: toBaseUnits(totalUnits, invoice.currencyRate, baseCurrency),
      dueDay: dayNumber(invoice.dueDate),
      settlements: NONE,
    };
    invoices[i] = entry;
    invoicesById.set(invoice.id, entry);
  }
  const credits: Building<CreditEntry>[] = ledger.credits.map((credit) => ({
    credit,
    totalUnits: unitsOf(credit.total),
    allocations: NONE,
    refunds: credit.refunds.map((r) => ({ date: r.date, units: unitsOf(r.amount) })),
  }));
  const creditsById = new Map(credits.map((e) => [e.credit.id, e]));
  const append = (list: readonly DatedAmount[], item: DatedAmount): readonly DatedAmount[] => {
    if (list === NONE) return [item];
    (list as DatedAmount[]).push(item);
    return list;
  };
  for (const s of ledger.settlements) {
    const item: DatedAmount = { date: s.date, units: unitsOf(s.amount), settlement: s };
    const entry = invoicesById.get(s.invoiceId) as Building<InvoiceEntry> | undefined;
    if (entry) entry.settlements = append(entry.settlements, item);
    if (s.kind !== 'payment' && s.sourceId) {
      const credit = creditsById.get(s.sourceId) as Building<CreditEntry> | undefined;
      if (credit) credit.allocations = append(credit.allocations, item);
    }
  }
  for (const e of invoices) if (e.settlements.length > 1) (e.settlements as DatedAmount[]).sort(byDateThenId);
  for (const e of credits) if (e.allocations.length > 1) (e.allocations as DatedAmount[]).sort(byDateThenId);
  return {
    ledger,
    contactsById: new Map(ledger.contacts.map((c) => [c.id, c])),
    invoices,
    invoicesById,
    credits,
    baseCurrency,
  };
}

/**
 * An invoice as it stood at the end of asOf. Figures are exact integers (1/10⁴ units, money-units.ts) for the
 * hot paths; the Big getters give the same values for everything else.
 */
export class InvoicePosition {
  constructor(
    readonly invoice: Invoice,
    readonly totalUnits: Units,
    /** total in base currency at the invoice rate, rounded to the base currency's minor unit (toBaseUnits). */
    readonly totalBaseUnits: Units,
    /** Settled by payments and credit allocations dated ≤ asOf (invoice currency). */
    readonly settledUnits: Units,
    /** Of which cash payments. */
    readonly paidUnits: Units,
    /** total − settled, never below zero (invoice currency). */
    readonly outstandingUnits: Units,
    /** outstanding in base currency at the invoice rate, rounded to the base currency's minor unit. */
    readonly outstandingBaseUnits: Units,
    /** The date of the settlement that brought it to zero, when that is ≤ asOf. */
    readonly settledOn: IsoDate | null,
    /** Number of settlements dated ≤ asOf. */
    readonly settlementCount: number,
    /** Days past the due date at the end of asOf (0 on the due date, negative before). */
    readonly daysOverdue: number,
    /** settledOn − due date in days (negative = early), when settled by asOf. */
    readonly delay: number | null,
  ) {}

  get isOpen(): boolean {
    return this.outstandingUnits > 0;
  }
  get total(): Big {
    return unitsToBig(this.totalUnits);
  }
  get totalBase(): Big {
    return unitsToBig(this.totalBaseUnits);
  }
  get settled(): Big {
    return unitsToBig(this.settledUnits);
  }
  get paid(): Big {
    return unitsToBig(this.paidUnits);
  }
  get outstanding(): Big {
    return unitsToBig(this.outstandingUnits);
  }
  get outstandingBase(): Big {
    return unitsToBig(this.outstandingBaseUnits);
  }
  /** Settlements beyond the total (Xero refuses these; a data problem to show, not to net). */
  get overSettled(): Big {
    const rest = this.totalUnits - this.settledUnits;
    return unitsToBig(rest < 0 ? -rest : 0);
  }
}

export function isOpen(p: InvoicePosition): boolean {
  return p.outstandingUnits > 0;
}

export function isPartPaid(p: InvoicePosition): boolean {
  return p.outstandingUnits > 0 && p.settledUnits > 0;
}

export function existsAsOf(invoice: Invoice, asOf: IsoDate): boolean {
  return isReceivableStatus(invoice.status) && invoice.date <= asOf;
}

function positionOf(
  entry: InvoiceEntry,
  asOf: IsoDate,
  asOfDay: number,
  baseCurrency: string,
): InvoicePosition {
  let settled = 0;
  let paid = 0;
  let settledOn: IsoDate | null = null;
  let count = 0;
  const settlements = entry.settlements;
  for (let i = 0; i < settlements.length; i++) {
    const s = settlements[i]!;
    if (s.date > asOf) break;
    settled += s.units;
    if (s.settlement.kind === 'payment') paid += s.units;
    count++;
    if (settledOn === null && settled >= entry.totalUnits) settledOn = s.date;
  }
  const rest = entry.totalUnits - settled;
  const outstanding = rest > 0 ? rest : 0;
  const outstandingBase =
    count === 0
      ? entry.totalBaseUnits
      : outstanding > 0
        ? toBaseUnits(outstanding, entry.invoice.currencyRate, baseCurrency)
        : 0;
  const settledDate = entry.totalUnits <= 0 ? entry.invoice.date : settledOn;
  return new InvoicePosition(
    entry.invoice,
    entry.totalUnits,
    entry.totalBaseUnits,
    settled,
    paid,
    outstanding,
    outstanding > 0 ? outstandingBase : 0,
    // A zero-total invoice is settled the day it is raised.
    settledDate,
    count,
    asOfDay - entry.dueDay,
    settledDate === null ? null : dayNumber(settledDate) - entry.dueDay,
  );
}

/** Every invoice that exists as of `asOf` (open or settled), with its position then. */
export function positionsAsOf(index: LedgerIndex, asOf: IsoDate): InvoicePosition[] {
  const out: InvoicePosition[] = [];
  const asOfDay = dayNumber(asOf);
  const invoices = index.invoices;
  for (let i = 0; i < invoices.length; i++) {
    const e = invoices[i]!;
    if (existsAsOf(e.invoice, asOf)) out.push(positionOf(e, asOf, asOfDay, index.baseCurrency));
  }
  return out;
}

export function positionAsOf(index: LedgerIndex, invoiceId: string, asOf: IsoDate): InvoicePosition | null {
  const e = index.invoicesById.get(invoiceId);
  return e && existsAsOf(e.invoice, asOf) ? positionOf(e, asOf, dayNumber(asOf), index.baseCurrency) : null;
}

export function openPositionsAsOf(index: LedgerIndex, asOf: IsoDate): InvoicePosition[] {
  return positionsAsOf(index, asOf).filter(isOpen);
}

export interface CreditPosition {
  readonly credit: Credit;
  readonly allocatedUnits: Units;
  readonly refundedUnits: Units;
  /** total − allocations ≤ asOf − refunds ≤ asOf, never below zero (credit currency). */
  readonly unappliedUnits: Units;
  readonly unappliedBaseUnits: Units;
  readonly unapplied: Big;
}

/** Credits (credit notes, overpayments, prepayments) that exist as of `asOf` and still have something to apply. */
export function unappliedCreditsAsOf(index: LedgerIndex, asOf: IsoDate): CreditPosition[] {
  const out: CreditPosition[] = [];
  for (const e of index.credits) {
    if (!isReceivableStatus(e.credit.status) || e.credit.date > asOf) continue;
    let allocated = 0;
    for (const a of e.allocations) if (a.date <= asOf) allocated += a.units;
    let refunded = 0;
    for (const r of e.refunds) if (r.date <= asOf) refunded += r.units;
    const rest = e.totalUnits - allocated - refunded;
    if (rest > 0) {
      out.push({
        credit: e.credit,
        allocatedUnits: allocated,
        refundedUnits: refunded,
        unappliedUnits: rest,
        unappliedBaseUnits: toBaseUnits(rest, e.credit.currencyRate, index.baseCurrency),
        unapplied: unitsToBig(rest),
      });
    }
  }
  return out;
}

/** Cash payments on an invoice dated in (after, upTo], invoice currency, in date order. */
export function paymentsDatedBetween(
  index: LedgerIndex,
  invoiceId: string,
  after: IsoDate,
  upTo: IsoDate,
): { date: IsoDate; units: Units }[] {
  const e = index.invoicesById.get(invoiceId);
  if (!e) return [];
  const out: { date: IsoDate; units: Units }[] = [];
  for (const x of e.settlements) {
    if (x.date > upTo) break;
    if (x.date > after && x.settlement.kind === 'payment') out.push({ date: x.date, units: x.units });
  }
  return out;
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
