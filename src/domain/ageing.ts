// Over 300 lines: ageing by bucket, customer and currency with credits and part-payments: one calculation the digest, /ar aging and the report share.
import { daysBetween } from './calendar.js';
import type { CreditKind, IsoDate } from './ledger.js';
import { type Big, type Decimal, minorUnits } from './money.js';
import { formatBaseUnits, formatUnits, type Units } from './money-units.js';
import { type InvoicePosition, type LedgerSnapshot, unappliedCreditsAsOf } from './point-in-time.js';

/**
 * Ageing by due date, as collectors and Upflow/YayPay read it:
 *   current   — not yet due, AND due today (an invoice due today is not late until the day is over);
 *   1–30, 31–60, 61–90, 90+ — whole days past the due date.
 * Amounts are what was outstanding at the end of `asOf` (point-in-time). Unapplied credits (credit notes,
 * overpayments, prepayments) are listed beside the buckets, never netted into them: netting hides both a debt
 * to chase and a credit to allocate.
 *
 * The Xero month view mirrors Xero's Aged Receivables with "Ageing periods: 1 Month, by due date": Current is
 * due on or after the report date; "< 1 Month" is overdue with a due date in the report date's calendar month;
 * "1 Month" the calendar month before; then "2 Months", "3 Months", and "Older" for four or more calendar
 * months back. Xero nets credit notes inside its columns and leaves prepayments/overpayments out; we show the
 * credits in their own line so the invoice columns reconcile with Xero's after subtracting them.
 */

export const AGEING_BUCKETS = ['current', 'days1to30', 'days31to60', 'days61to90', 'over90'] as const;
export type AgeingBucket = (typeof AGEING_BUCKETS)[number];
export const AGEING_BUCKET_LABELS: Record<AgeingBucket, string> = {
  current: 'Current',
  days1to30: '1–30',
  days31to60: '31–60',
  days61to90: '61–90',
  over90: '90+',
};

export const XERO_MONTH_COLUMNS = [
  'current',
  'underOneMonth',
  'oneMonth',
  'twoMonths',
  'threeMonths',
  'older',
] as const;
export type XeroMonthColumn = (typeof XERO_MONTH_COLUMNS)[number];
export const XERO_MONTH_LABELS: Record<XeroMonthColumn, string> = {
  current: 'Current',
  underOneMonth: '< 1 Month',
  oneMonth: '1 Month',
  twoMonths: '2 Months',
  threeMonths: '3 Months',
  older: 'Older',
};

/** Days past due as of the end of `asOf`: 0 on the due date, negative before it. */
export function daysOverdue(dueDate: IsoDate, asOf: IsoDate): number {
  return daysBetween(dueDate, asOf);
}

export function ageingBucketOf(daysPastDue: number): AgeingBucket {
  if (daysPastDue <= 0) return 'current';
  if (daysPastDue <= 30) return 'days1to30';
  if (daysPastDue <= 60) return 'days31to60';
  if (daysPastDue <= 90) return 'days61to90';
  return 'over90';
}

const monthIndex = (d: IsoDate) => Number(d.slice(0, 4)) * 12 + Number(d.slice(5, 7));

export function xeroMonthColumnOf(dueDate: IsoDate, asOf: IsoDate): XeroMonthColumn {
  if (dueDate >= asOf) return 'current';
  const back = monthIndex(asOf) - monthIndex(dueDate);
  return back <= 0
    ? 'underOneMonth'
    : back === 1
      ? 'oneMonth'
      : back === 2
        ? 'twoMonths'
        : back === 3
          ? 'threeMonths'
          : 'older';
}

export type BucketAmounts = Readonly<Record<AgeingBucket | 'total', Decimal>>;
export type XeroMonthAmounts = Readonly<Record<XeroMonthColumn | 'total', Decimal>>;

export interface AgedInvoice {
  readonly invoiceId: string;
  readonly number: string | null;
  readonly date: IsoDate;
  readonly dueDate: IsoDate;
  readonly currency: string;
  readonly amountDue: Decimal;
  readonly baseAmountDue: Decimal;
  readonly daysOverdue: number;
  readonly bucket: AgeingBucket;
  readonly xeroMonthColumn: XeroMonthColumn;
  readonly partPaid: boolean;
}

export interface UnappliedCredit {
  readonly creditId: string;
  readonly kind: CreditKind;
  readonly number: string | null;
  readonly date: IsoDate;
  readonly currency: string;
  readonly amount: Decimal;
  readonly baseAmount: Decimal;
}

export interface CurrencyAgeing {
  readonly currency: string;
  readonly amounts: BucketAmounts;
  readonly base: BucketAmounts;
}

export interface CustomerAgeing {
  readonly contactId: string;
  readonly contactName: string;
  readonly accountNumber: string | null;
  /** Base currency. */
  readonly base: BucketAmounts;
  readonly byCurrency: readonly CurrencyAgeing[];
  /** Base currency, Xero's calendar-month columns. */
  readonly xeroMonths: XeroMonthAmounts;
  readonly oldestDaysOverdue: number | null;
  readonly invoices: readonly AgedInvoice[];
  readonly unappliedCredits: readonly UnappliedCredit[];
  readonly unappliedCreditsBase: Decimal;
}

export interface AgeingReport {
  readonly asOf: IsoDate;
  readonly baseCurrency: string;
  readonly conventions: readonly string[];
  readonly total: BucketAmounts;
  readonly byCurrency: readonly CurrencyAgeing[];
  readonly xeroMonths: XeroMonthAmounts;
  readonly unappliedCreditsBase: Decimal;
  /** Sorted by base total, largest first; customers with only unapplied credits come last. */
  readonly customers: readonly CustomerAgeing[];
}

export const AGEING_CONVENTIONS: readonly string[] = [
  'Amounts outstanding at the end of the as-of date; only invoices dated on or before it, AUTHORISED or PAID.',
  'Buckets by due date: Current = not yet due or due today; then 1–30, 31–60, 61–90, 90+ days past due.',
  'Base currency = invoice amount ÷ the invoice currency rate (Xero convention).',
  'Unapplied credit notes, overpayments and prepayments are listed separately and not netted.',
  'Xero month view: Current = due on/after the as-of date; < 1 Month = overdue, due in the as-of calendar month; 1/2/3 Months = calendar months before; Older = 4+.',
];

const SLOTS = new WeakMap<readonly string[], Readonly<Record<string, number>>>();

/** Amounts per column in exact units; the total is summed when printed, not on every add. */
class Buckets<K extends string> {
  private readonly slotOf: Readonly<Record<string, number>>;
  private readonly sums: number[];
  constructor(readonly keys: readonly K[]) {
    // One slot table per column set, shared by the tens of thousands of customers' buckets.
    let slots = SLOTS.get(keys);
    if (!slots) {
      slots = Object.fromEntries(keys.map((k, i) => [k, i]));
      SLOTS.set(keys, slots);
    }
    this.slotOf = slots;
    this.sums = keys.map(() => 0);
  }
  add(key: K, amount: Units) {
    const i = this.slotOf[key]!;
    this.sums[i] = this.sums[i]! + amount;
  }
  total(): Units {
    let t = 0;
    for (const v of this.sums) t += v;
    return t;
  }
  toAmounts(currency: string): Readonly<Record<K | 'total', Decimal>> {
    const out = {} as Record<K | 'total', Decimal>;
    this.keys.forEach((k, i) => {
      out[k] = formatUnits(this.sums[i]!, currency);
    });
    out.total = formatUnits(this.total(), currency);
    return out;
  }
}

/** Rounded half-up to the currency's minor unit and printed at that scale ('1234.50', JPY '1235'). */
export function moneyString(value: Big, currency: string): Decimal {
  // Big's toFixed rounds with Big.RM, which money.ts sets to half-up: the same as roundMoney, in one step.
  return value.toFixed(minorUnits(currency));
}

interface CustomerAccumulator {
  base: Buckets<AgeingBucket>;
  months: Buckets<XeroMonthColumn>;
  byCurrency: Map<string, { amounts: Buckets<AgeingBucket>; base: Buckets<AgeingBucket> }>;
  invoices: AgedInvoice[];
  credits: UnappliedCredit[];
  creditsBase: Units;
  oldest: number | null;
}

const newCustomer = (): CustomerAccumulator => ({
  base: new Buckets(AGEING_BUCKETS),
  months: new Buckets(XERO_MONTH_COLUMNS),
  byCurrency: new Map(),
  invoices: [],
  credits: [],
  creditsBase: 0,
  oldest: null,
});

function addToCurrency(
  map: Map<string, { amounts: Buckets<AgeingBucket>; base: Buckets<AgeingBucket> }>,
  currency: string,
  bucket: AgeingBucket,
  amount: Units,
  base: Units,
) {
  let c = map.get(currency);
  if (!c) {
    c = { amounts: new Buckets(AGEING_BUCKETS), base: new Buckets(AGEING_BUCKETS) };
    map.set(currency, c);
  }
  c.amounts.add(bucket, amount);
  c.base.add(bucket, base);
}

function currencyRows(
  map: Map<string, { amounts: Buckets<AgeingBucket>; base: Buckets<AgeingBucket> }>,
  baseCurrency: string,
): CurrencyAgeing[] {
  return [...map.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, c]) => ({
      currency,
      amounts: c.amounts.toAmounts(currency),
      base: c.base.toAmounts(baseCurrency),
    }));
}

export function agedInvoiceOf(p: InvoicePosition, asOf: IsoDate, baseCurrency: string): AgedInvoice {
  const dpd = p.daysOverdue;
  const base = p.outstandingBaseUnits;
  const amountDue = formatUnits(p.outstandingUnits, p.invoice.currency);
  return {
    invoiceId: p.invoice.id,
    number: p.invoice.number,
    date: p.invoice.date,
    dueDate: p.invoice.dueDate,
    currency: p.invoice.currency,
    amountDue,
    baseAmountDue: formatBaseUnits(base, baseCurrency, p.outstandingUnits, p.invoice.currency, amountDue),
    daysOverdue: dpd,
    bucket: ageingBucketOf(dpd),
    xeroMonthColumn: xeroMonthColumnOf(p.invoice.dueDate, asOf),
    partPaid: p.settledUnits > 0,
  };
}

export function buildAgeing(
  snapshot: LedgerSnapshot,
  options: { contactIds?: readonly string[] } = {},
): AgeingReport {
  const { index, asOf } = snapshot;
  const baseCurrency = index.baseCurrency;
  const only = options.contactIds ? new Set(options.contactIds) : null;
  const customers = new Map<string, CustomerAccumulator>();
  const total = new Buckets(AGEING_BUCKETS);
  const months = new Buckets(XERO_MONTH_COLUMNS);
  const byCurrency = new Map<string, { amounts: Buckets<AgeingBucket>; base: Buckets<AgeingBucket> }>();
  let creditsBase: Units = 0;
  const customer = (id: string) => {
    let c = customers.get(id);
    if (!c) {
      c = newCustomer();
      customers.set(id, c);
    }
    return c;
  };

  for (const p of snapshot.open) {
    if (only && !only.has(p.invoice.contactId)) continue;
    const aged = agedInvoiceOf(p, asOf, baseCurrency);
    const base = p.outstandingBaseUnits;
    const c = customer(p.invoice.contactId);
    c.invoices.push(aged);
    c.base.add(aged.bucket, base);
    c.months.add(aged.xeroMonthColumn, base);
    addToCurrency(c.byCurrency, aged.currency, aged.bucket, p.outstandingUnits, base);
    if (aged.daysOverdue > 0 && (c.oldest === null || aged.daysOverdue > c.oldest))
      c.oldest = aged.daysOverdue;
    total.add(aged.bucket, base);
    months.add(aged.xeroMonthColumn, base);
    addToCurrency(byCurrency, aged.currency, aged.bucket, p.outstandingUnits, base);
  }
  for (const cp of unappliedCreditsAsOf(index, asOf)) {
    if (only && !only.has(cp.credit.contactId)) continue;
    const base = cp.unappliedBaseUnits;
    const c = customer(cp.credit.contactId);
    c.credits.push({
      creditId: cp.credit.id,
      kind: cp.credit.kind,
      number: cp.credit.number,
      date: cp.credit.date,
      currency: cp.credit.currency,
      amount: formatUnits(cp.unappliedUnits, cp.credit.currency),
      baseAmount: formatUnits(base, baseCurrency),
    });
    c.creditsBase += base;
    creditsBase += base;
  }

  const rows = [...customers.entries()].map(([contactId, c]) => {
    const contact = index.contactsById.get(contactId);
    c.invoices.sort((a, b) => b.daysOverdue - a.daysOverdue || a.invoiceId.localeCompare(b.invoiceId));
    return {
      sortKey: c.base.total(),
      row: {
        contactId,
        contactName: contact?.name ?? '(unknown contact)',
        accountNumber: contact?.accountNumber ?? null,
        base: c.base.toAmounts(baseCurrency),
        byCurrency: currencyRows(c.byCurrency, baseCurrency),
        xeroMonths: c.months.toAmounts(baseCurrency),
        oldestDaysOverdue: c.oldest,
        invoices: c.invoices,
        unappliedCredits: c.credits,
        unappliedCreditsBase: formatUnits(c.creditsBase, baseCurrency),
      } satisfies CustomerAgeing,
    };
  });
  rows.sort((a, b) => b.sortKey - a.sortKey || a.row.contactName.localeCompare(b.row.contactName));

  return {
    asOf,
    baseCurrency,
    conventions: AGEING_CONVENTIONS,
    total: total.toAmounts(baseCurrency),
    byCurrency: currencyRows(byCurrency, baseCurrency),
    xeroMonths: months.toAmounts(baseCurrency),
    unappliedCreditsBase: formatUnits(creditsBase, baseCurrency),
    customers: rows.map((r) => r.row),
  };
}
