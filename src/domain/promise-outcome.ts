import { addBusinessDays, type BusinessCalendarSpec } from './business-calendar.js';
import type { IsoDate, Ledger } from './ledger.js';
import { type Big, type Decimal, dec, toDecimal, ZERO } from './money.js';

/**
 * Whether a customer kept a promise to pay, judged from the ledger (#18 part 4). Pure: the ledger, the promise and
 * the day are arguments.
 *
 * - The promise is judged once `latest` + the grace (business days of the organisation's calendar) has passed:
 *   until then it is pending, because a payment made on the promised day may take a day or two to reach Xero.
 * - What counts: payments (and overpayments or prepayments applied) on the covered invoices dated from the day
 *   the promise was made up to the end of the grace, in the promise's currency only: an early payment counts, a
 *   payment in another currency is not the money promised.
 * - A credit note applied in that window is not money from the customer, but it lowers what they owe: a promise
 *   of more than is left after the credit is kept once what is left is paid.
 * - kept: paid at least the promised amount (or what is left, if less), or, for a promise of "everything due",
 *   the covered invoices have nothing outstanding at the end of the grace; part-kept: something paid, not
 *   enough; broken: nothing paid.
 */
export interface TrackedPromise {
  readonly contactId: string;
  /** Empty: the customer's whole balance in `currency`, as it stood on `madeOn`. */
  readonly invoiceIds: readonly string[];
  readonly latest: IsoDate;
  /** The organisation-local day the promise was made. */
  readonly madeOn: IsoDate;
  /** Null: everything due on the covered invoices. */
  readonly amount: Decimal | null;
  /** Null: the currency of the covered invoices (the organisation's base currency for a whole balance). */
  readonly currency: string | null;
}

export interface PromiseGrace {
  readonly graceBusinessDays: number;
  readonly calendar: BusinessCalendarSpec;
}

export type JudgedOutcome = 'kept' | 'part_kept' | 'broken';

export type PromiseOutcome =
  | { readonly kind: 'pending'; readonly judgedAfter: IsoDate }
  | {
      readonly kind: JudgedOutcome;
      /** The last day a payment counted (latest + grace). */
      readonly judgedAfter: IsoDate;
      readonly currency: string;
      /** Money received in the window, in the promise's currency. */
      readonly paid: Decimal;
      /** What keeping it needed: the promised amount (capped at what was left after credits), or everything due. */
      readonly needed: Decimal;
      /** Still outstanding on the covered invoices at the end of the grace. */
      readonly stillDue: Decimal;
      readonly invoiceIds: readonly string[];
    };

/** The last day a payment counts towards the promise. */
export function promiseDeadline(latest: IsoDate, grace: PromiseGrace): IsoDate {
  return addBusinessDays(latest, grace.graceBusinessDays, grace.calendar);
}

/** The invoices a promise covers: its own, or the customer's raised by the day it was made, in its currency. */
export function coveredInvoiceIds(p: TrackedPromise, ledger: Ledger): string[] {
  const currency = currencyOf(p, ledger);
  if (p.invoiceIds.length > 0) {
    const known = new Map(ledger.invoices.map((i) => [i.id, i.currency]));
    return p.invoiceIds.filter((id) => known.get(id) === currency);
  }
  return ledger.invoices
    .filter(
      (i) =>
        i.contactId === p.contactId &&
        i.currency === currency &&
        i.date <= p.madeOn &&
        (i.status === 'AUTHORISED' || i.status === 'PAID'),
    )
    .map((i) => i.id);
}

function currencyOf(p: TrackedPromise, ledger: Ledger): string {
  if (p.currency) return p.currency;
  const first = ledger.invoices.find((i) => p.invoiceIds.includes(i.id));
  return first?.currency ?? ledger.organisation.baseCurrency;
}

export function promiseOutcome(
  p: TrackedPromise,
  ledger: Ledger,
  asOf: IsoDate,
  grace: PromiseGrace,
): PromiseOutcome {
  const judgedAfter = promiseDeadline(p.latest, grace);
  if (asOf <= judgedAfter) return { kind: 'pending', judgedAfter };
  const currency = currencyOf(p, ledger);
  const invoiceIds = coveredInvoiceIds(p, ledger);
  const covered = new Set(invoiceIds);
  let paid: Big = ZERO;
  let credited: Big = ZERO;
  let settledByDeadline: Big = ZERO;
  let settledBefore: Big = ZERO;
  for (const s of ledger.settlements) {
    if (!covered.has(s.invoiceId) || s.date > judgedAfter) continue;
    settledByDeadline = settledByDeadline.plus(dec(s.amount));
    if (s.date < p.madeOn) {
      settledBefore = settledBefore.plus(dec(s.amount));
      continue;
    }
    if (s.kind === 'credit_note') credited = credited.plus(dec(s.amount));
    else paid = paid.plus(dec(s.amount));
  }
  const total = ledger.invoices.filter((i) => covered.has(i.id)).reduce((t, i) => t.plus(dec(i.total)), ZERO);
  const stillDue = maxZero(total.minus(settledByDeadline));
  // What the customer owed when they promised, less what we credited since: they cannot owe more than that.
  const owedAfterCredits = maxZero(total.minus(settledBefore).minus(credited));
  const needed = p.amount === null ? owedAfterCredits : minBig(dec(p.amount), owedAfterCredits);
  const kind: JudgedOutcome =
    stillDue.eq(0) || (p.amount !== null && paid.gte(needed)) ? 'kept' : paid.gt(0) ? 'part_kept' : 'broken';
  return {
    kind,
    judgedAfter,
    currency,
    paid: toDecimal(paid),
    needed: toDecimal(needed),
    stillDue: toDecimal(stillDue),
    invoiceIds,
  };
}

function maxZero(v: Big): Big {
  return v.lt(0) ? ZERO : v;
}

function minBig(a: Big, b: Big): Big {
  return a.lt(b) ? a : b;
}

/** What is still to pay on a part-kept promise: the shortfall, never more than is outstanding. */
export function shortfall(o: Extract<PromiseOutcome, { kind: JudgedOutcome }>): Decimal {
  const gap = dec(o.needed).minus(dec(o.paid));
  return toDecimal(minBig(maxZero(gap), dec(o.stillDue)));
}

/**
 * A payment plan's instalment (#18 part 5). Payments count towards the plan as a whole, in order: the k-th
 * instalment is kept once what was paid since the plan was agreed covers it and every instalment before it
 * (`before`: their sum), so an early or a larger payment carries forward and no payment counts twice. What this
 * instalment received is what is left of the payments after the earlier instalments, up to its amount.
 */
export function instalmentOutcome(
  p: TrackedPromise & { readonly amount: Decimal },
  before: Decimal,
  ledger: Ledger,
  asOf: IsoDate,
  grace: PromiseGrace,
): PromiseOutcome {
  const earlier = dec(before);
  const whole = promiseOutcome({ ...p, amount: toDecimal(earlier.plus(dec(p.amount))) }, ledger, asOf, grace);
  if (whole.kind === 'pending') return whole;
  const own = dec(p.amount);
  const paid = minBig(maxZero(dec(whole.paid).minus(earlier)), own);
  const needed = minBig(maxZero(dec(whole.needed).minus(earlier)), own);
  const kind: JudgedOutcome = whole.kind === 'kept' ? 'kept' : paid.gt(0) ? 'part_kept' : 'broken';
  return { ...whole, kind, paid: toDecimal(paid), needed: toDecimal(needed) };
}
