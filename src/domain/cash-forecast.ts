// Over 300 lines: the 30-day forecast (behaviour, promises, plans, disputes, band) is one model; its parts only make sense together.
import { daysOverdue } from './ageing.js';
import { addDays } from './calendar.js';
import {
  type CollectionsSignals,
  coversInvoice,
  groupByContact,
  isInvoiceDisputed,
  isPromiseActive,
  NO_SIGNALS,
  openDisputesByContact,
  type PromiseToPay,
} from './collections-signals.js';
import type { IsoDate } from './ledger.js';
import { Big, type Decimal, minorUnits, roundMoney } from './money.js';
import {
  divRound,
  formatUnits,
  scaleUnits,
  type Units,
  unitsOf,
  unitsToBig,
  unitsToNumber,
} from './money-units.js';
import type { BehaviourModel, DelayStats } from './payer-behaviour.js';
import type { InvoicePosition, LedgerSnapshot } from './point-in-time.js';

/**
 * Expected cash collections per day after `asOf`, in base currency.
 *
 * Each open invoice is paid at due date + d, where d (days late, negative = early) follows the customer's
 * empirical delay distribution mixed with the organisation's: weight n ÷ (n + k) on the customer's own
 * settled invoices (n of them), k ÷ (n + k) on the organisation's (k = the behaviour shrinkage, 5). The
 * invoice is still unpaid at asOf, so the distribution is conditioned on d > days overdue today:
 *   P(paid on asOf + j) = P(d = dpd + j) ÷ P(d > dpd).
 * An invoice older than anything in the history (P(d > dpd) = 0) falls back on the risk model: its
 * probability of being paid within the risk horizon (30 days), 1 − risk, spread evenly over those 30 days.
 *
 * A promise to pay in force at asOf, with a date inside the horizon, puts `confidence` of the promised share on
 * the promised date and leaves the rest on the distribution. Invoices under an open dispute count with
 * `disputedWeight` (default 0: excluded) and are reported as excluded.
 *
 * The band is deterministic: each invoice is an amount A paid in the window with probability P, so the window
 * total has variance Σ A²·P·(1 − P) (invoices independent); low/high = expected ∓ z·σ (z = 1.645, a 90% band
 * under a normal approximation), low never below zero. Expected amounts are summed exactly (amount in 1/10⁴
 * units × probability in 1/10⁹ units, as integers); only σ is floating point, being a statistic of the spread.
 */
export interface ForecastOptions {
  readonly horizonDays?: number;
  readonly z?: number;
  readonly disputedWeight?: number;
  /** Risk per open invoice id (P(unpaid after the horizon)), for invoices beyond the history. */
  readonly riskByInvoice?: ReadonlyMap<string, number>;
  /** The same as scored risks in the order of snapshot.open (collections-scoring), read without a map. */
  readonly risks?: readonly { readonly position: InvoicePosition; readonly risk: number }[];
  readonly riskHorizonDays?: number;
}

export interface ForecastBand {
  readonly expected: Decimal;
  readonly low: Decimal;
  readonly high: Decimal;
}

export interface ForecastDay extends ForecastBand {
  readonly date: IsoDate;
}

export interface ContactForecast {
  readonly contactId: string;
  readonly expected: Decimal;
}

export interface CashForecast {
  readonly asOf: IsoDate;
  readonly baseCurrency: string;
  readonly horizonDays: number;
  readonly method: string;
  readonly days: readonly ForecastDay[];
  readonly next7Days: ForecastBand;
  readonly total: ForecastBand;
  /** Open AR at asOf (base), the most that could come in. */
  readonly openBase: Decimal;
  readonly excludedDisputedBase: Decimal;
  /** Largest expected payers within the horizon. */
  readonly byContact: readonly ContactForecast[];
}

export const FORECAST_METHOD =
  "Per invoice: customer's delay distribution shrunk to the organisation's (k pseudo-invoices), conditioned on being unpaid at asOf; promises put their confidence on the promised date; disputed invoices excluded. Band: expected ± 1.645·σ, σ² = Σ amount²·p·(1−p).";

/** Probabilities are quantised to 2⁻²⁰ (≈ 1e-6) so that amount × probability is an exact integer product. */
const PROB_BITS = 20;
const PROB_SCALE = 2 ** PROB_BITS;
/** Amounts up to 2³² units (≈ 429,000 currency units) take the Number path: 2³² × 2²⁰ < 2⁵³, products exact. */
const SMALL_UNITS = 2 ** 32;
const FLUSH_AT = 2 ** 52;

/**
 * An exact sum of integer products: a Number while it stays below 2⁵² (integers are exact there), spilled into a
 * bigint beyond. Bigint arithmetic for every product of 100k invoices × 30 days is what made the forecast slow.
 */
class ExactSum {
  private exact = 0;
  private spilled = 0n;
  add(product: number): void {
    this.exact += product;
    if (this.exact >= FLUSH_AT) {
      this.spilled += BigInt(this.exact);
      this.exact = 0;
    }
  }
  addBig(product: bigint): void {
    this.spilled += product;
  }
  addSum(other: ExactSum): void {
    this.spilled += other.value();
  }
  value(): bigint {
    return this.spilled + BigInt(this.exact);
  }
}

/** Delay distribution as arrays over [min, max]: pmf and survival S(x) = P(d > x). */
interface DelayTable {
  readonly min: number;
  readonly pmf: Float64Array;
  /** greater[i] = P(d > min + i). */
  readonly greater: Float64Array;
  readonly count: number;
}

function delayTable(delays: readonly number[]): DelayTable | null {
  if (delays.length === 0) return null;
  let min = Infinity;
  let max = -Infinity;
  for (const d of delays) {
    if (d < min) min = d;
    if (d > max) max = d;
  }
  const pmf = new Float64Array(max - min + 1);
  for (const d of delays) pmf[d - min]! += 1 / delays.length;
  const greater = new Float64Array(pmf.length);
  let s = 0;
  for (let i = pmf.length - 1; i >= 0; i--) {
    greater[i] = s;
    s += pmf[i]!;
  }
  return { min, pmf, greater, count: delays.length };
}

const pmfAt = (t: DelayTable | null, x: number) => {
  if (!t) return 0;
  const i = x - t.min;
  return i < 0 || i >= t.pmf.length ? 0 : t.pmf[i]!;
};
const greaterAt = (t: DelayTable | null, x: number) => {
  if (!t) return 0;
  const i = x - t.min;
  return i < 0 ? 1 : i >= t.greater.length ? 0 : t.greater[i]!;
};

/** P(paid on asOf + j) for j = 1..horizon, conditioned on unpaid at asOf. */
export function paymentDayProbabilities(
  dpd: number,
  own: DelayTable | null,
  org: DelayTable | null,
  ownWeight: number,
  horizon: number,
): Float64Array | null {
  const survive = ownWeight * greaterAt(own, dpd) + (1 - ownWeight) * greaterAt(org, dpd);
  if (survive < 1e-9) return null;
  const q = new Float64Array(horizon);
  for (let j = 1; j <= horizon; j++) {
    q[j - 1] = (ownWeight * pmfAt(own, dpd + j) + (1 - ownWeight) * pmfAt(org, dpd + j)) / survive;
  }
  return q;
}

function promiseFor(
  promises: ReadonlyMap<string, readonly PromiseToPay[]>,
  p: InvoicePosition,
  asOf: IsoDate,
  until: IsoDate,
): PromiseToPay | null {
  let best: PromiseToPay | null = null;
  for (const pr of promises.get(p.invoice.contactId) ?? []) {
    if (!coversInvoice(pr, p.invoice.id)) continue;
    if (!isPromiseActive(pr, asOf) || pr.promisedDate <= asOf || pr.promisedDate > until) continue;
    if (!best || pr.madeOn > best.madeOn) best = pr;
  }
  return best;
}

export function buildForecast(
  snapshot: LedgerSnapshot,
  behaviour: BehaviourModel,
  signals: CollectionsSignals = NO_SIGNALS,
  options: ForecastOptions = {},
): CashForecast {
  const { asOf, index } = snapshot;
  const baseCurrency = index.baseCurrency;
  const horizon = options.horizonDays ?? 30;
  const z = options.z ?? 1.645;
  const disputedWeight = options.disputedWeight ?? 0;
  const riskHorizon = options.riskHorizonDays ?? 30;
  const until = addDays(asOf, horizon);
  const k = behaviour.pseudoCount;
  const orgTable = delayTable((behaviour.organisation as DelayStats).delays);
  const tables = new Map<string, DelayTable | null>();
  const openDisputes = openDisputesByContact(signals, asOf);
  const activePromises = groupByContact(signals.promises.filter((p) => isPromiseActive(p, asOf)));

  const daySum = Array.from({ length: horizon }, () => new ExactSum());
  const dayVar = new Float64Array(horizon);
  let weekVar = 0;
  let totalVar = 0;
  let openBase: Units = 0;
  let excluded: Units = 0;
  const byContact = new Map<string, ExactSum>();

  const open = snapshot.open;
  const riskOf = (i: number, p: InvoicePosition) => {
    const scored = options.risks?.[i];
    return scored?.position === p ? scored.risk : (options.riskByInvoice?.get(p.invoice.id) ?? 1);
  };
  for (let i = 0; i < open.length; i++) {
    const p = open[i]!;
    const base = p.outstandingBaseUnits;
    openBase += base;
    let weight = 1;
    if (isInvoiceDisputed(openDisputes, p.invoice.contactId, p.invoice.id)) {
      excluded += base;
      if (disputedWeight <= 0) continue;
      weight = disputedWeight;
    }
    const contactId = p.invoice.contactId;
    let own = tables.get(contactId);
    if (own === undefined) {
      own = delayTable(behaviour.behaviourOf(contactId).delays);
      tables.set(contactId, own);
    }
    const ownWeight = own ? own.count / (own.count + k) : 0;
    const dpd = p.daysOverdue;
    let q = paymentDayProbabilities(dpd, own, orgTable, ownWeight, horizon);
    if (!q) {
      const risk = riskOf(i, p);
      q = new Float64Array(horizon);
      for (let j = 0; j < Math.min(riskHorizon, horizon); j++) q[j] = (1 - risk) / riskHorizon;
    }
    const promise = promiseFor(activePromises, p, asOf, until);
    if (promise) {
      // The promised share of what is due (a ratio: floating point is fine).
      const share =
        promise.amount === null
          ? 1
          : Math.min(1, unitsToNumber(unitsOf(promise.amount)) / unitsToNumber(p.outstandingUnits));
      const c = Math.max(0, Math.min(1, promise.confidence)) * share;
      for (let j = 0; j < horizon; j++) q[j] = q[j]! * (1 - c);
      const day = daysOverdue(asOf, promise.promisedDate) - 1;
      q[day] = q[day]! + c;
    }
    // A discounted (disputed) invoice counts as a smaller amount with the same timing.
    const units = weight === 1 ? base : scaleUnits(base, weight);
    const a = unitsToNumber(units);
    const small = units >= 0 && units < SMALL_UNITS;
    let pTotal = 0;
    let pWeek = 0;
    let contact = byContact.get(contactId);
    if (!contact) {
      contact = new ExactSum();
      byContact.set(contactId, contact);
    }
    for (let j = 0; j < horizon; j++) {
      const qj = q[j]!;
      if (qj <= 0) continue;
      const quantised = Math.round(qj * PROB_SCALE);
      if (small) {
        const u = units * quantised;
        daySum[j]!.add(u);
        contact.add(u);
      } else {
        const u = BigInt(units) * BigInt(quantised);
        daySum[j]!.addBig(u);
        contact.addBig(u);
      }
      dayVar[j] = dayVar[j]! + a * a * qj * (1 - qj);
      pTotal += qj;
      if (j < 7) pWeek += qj;
    }
    totalVar += a * a * pTotal * (1 - Math.min(1, pTotal));
    weekVar += a * a * pWeek * (1 - Math.min(1, pWeek));
  }

  // The days and the payers are two breakdowns of one total, each printed beside it: the total is the exact sum
  // rounded once to the minor unit, and each breakdown is apportioned to it by largest remainder, so that its lines
  // add up to the total exactly and each stays within one minor unit of its exact value. Rounding every line on
  // its own and printing the rounded exact total put totals a cent or more off the lines beside them.
  const dp = Math.min(minorUnits(baseCurrency), 4);
  const toMinor = 10n ** BigInt(4 - dp);
  const perMinor = BigInt(PROB_SCALE) * toMinor;
  const dayValues = daySum.map((d) => d.value());
  let exactTotal = 0n;
  for (const v of dayValues) exactTotal += v;
  const totalMinor = divRound(exactTotal, perMinor);
  const days = apportion(dayValues, perMinor, totalMinor);
  const contacts = [...byContact.entries()];
  const payers = apportion(
    contacts.map(([, sum]) => sum.value()),
    perMinor,
    totalMinor,
  );
  let weekMinor = 0n;
  for (let j = 0; j < Math.min(7, horizon); j++) weekMinor += days[j]!;

  const band = (minor: bigint, variance: number): ForecastBand => {
    const expected = unitsToBig(minor * toMinor);
    const spread = roundMoney(new Big(Math.sqrt(Math.max(0, variance)).toFixed(4)).times(z), baseCurrency);
    const low = expected.minus(spread);
    return {
      expected: expected.toFixed(dp),
      low: (low.lt(0) ? new Big(0) : low).toFixed(dp),
      high: expected.plus(spread).toFixed(dp),
    };
  };

  return {
    asOf,
    baseCurrency,
    horizonDays: horizon,
    method: FORECAST_METHOD,
    days: days.map((minor, j) => ({ date: addDays(asOf, j + 1), ...band(minor, dayVar[j]!) })),
    next7Days: band(weekMinor, weekVar),
    total: band(totalMinor, totalVar),
    openBase: formatUnits(openBase, baseCurrency),
    excludedDisputedBase: formatUnits(excluded, baseCurrency),
    byContact: contacts
      .map(([contactId], i) => ({ contactId, units: payers[i]! * toMinor }))
      .filter((c) => c.units > 0n)
      .sort((a, b) =>
        b.units > a.units ? 1 : b.units < a.units ? -1 : a.contactId.localeCompare(b.contactId),
      )
      .map((c) => ({ contactId: c.contactId, expected: formatUnits(c.units, baseCurrency) })),
  };
}

/**
 * Largest remainder: `values` (non-negative, in 1/`per` of a minor unit) as whole minor units adding up to
 * `target` = round(Σ values ÷ per). Each is its floor, and the minor units left go one each to the largest
 * remainders (the earlier line first on a tie): every result is the floor or the ceiling of its exact value.
 */
export function apportion(values: readonly bigint[], per: bigint, target: bigint): bigint[] {
  const out = values.map((v) => v / per);
  let left = target;
  for (const q of out) left -= q;
  if (left <= 0n) return out;
  const remainders = values.map((v, i) => ({ i, r: Number(v - out[i]! * per) }));
  remainders.sort((a, b) => b.r - a.r || a.i - b.i);
  for (let k = 0; k < remainders.length && left > 0n; k++, left--) out[remainders[k]!.i]! += 1n;
  return out;
}

/**
 * Per-invoice probability of being paid on each day asOf + 1 .. asOf + horizon, with the same model as the
 * forecast (no promises or disputes); the backtest compares these with what was actually collected.
 */
export function paymentDayProbabilitiesByInvoice(
  snapshot: LedgerSnapshot,
  behaviour: BehaviourModel,
  horizon: number,
  riskByInvoice?: ReadonlyMap<string, number>,
  riskHorizon = 30,
): Map<string, Float64Array> {
  const orgTable = delayTable(behaviour.organisation.delays);
  const tables = new Map<string, DelayTable | null>();
  const out = new Map<string, Float64Array>();
  for (const p of snapshot.open) {
    const contactId = p.invoice.contactId;
    let own = tables.get(contactId);
    if (own === undefined) {
      own = delayTable(behaviour.behaviourOf(contactId).delays);
      tables.set(contactId, own);
    }
    const ownWeight = own ? own.count / (own.count + behaviour.pseudoCount) : 0;
    let q = paymentDayProbabilities(p.daysOverdue, own, orgTable, ownWeight, horizon);
    if (!q) {
      const risk = riskByInvoice?.get(p.invoice.id) ?? 1;
      q = new Float64Array(horizon);
      for (let j = 0; j < Math.min(riskHorizon, horizon); j++) q[j] = (1 - risk) / riskHorizon;
    }
    out.set(p.invoice.id, q);
  }
  return out;
}
