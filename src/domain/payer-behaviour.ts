// Over 300 lines: each customer's payment behaviour (lateness, trend, promises, disputes) from the ledger as of a date, one model.
import { daysOverdue } from './ageing.js';
import { addDays } from './calendar.js';
import {
  type CollectionsSignals,
  isDisputeOpen,
  isInvoiceDisputed,
  NO_SIGNALS,
  openDisputesByContact,
  type PromiseToPay,
} from './collections-signals.js';
import type { IsoDate } from './ledger.js';
import { medianInPlace } from './median.js';
import { type Units, unitsOf, unitsToNumber } from './money-units.js';
import {
  type InvoicePosition,
  type LedgerIndex,
  type LedgerSnapshot,
  positionAsOf,
} from './point-in-time.js';
import { kaplanMeier, type SurvivalCurve } from './survival-curve.js';

/**
 * How each customer has paid, from invoices settled on or before `asOf` only.
 *
 * "Delay" is settled date − due date in days (negative = early); "days late" is max(0, delay). The amount-weighted
 * mean and spread of days late weight each invoice by its base-currency total (a statistic, not money: Number is
 * fine here). Thin histories are shrunk toward the organisation with k pseudo-observations:
 *   shrunk = (n · customer + k · organisation) ÷ (n + k),  k = SHRINKAGE_PSEUDO_COUNT (5),
 * applied to the late share, the mean days late and the variance of days late; n is the customer's number of
 * settled invoices. A customer with no history therefore gets exactly the organisation's figures.
 */
export const SHRINKAGE_PSEUDO_COUNT = 5;
/** "Paid late 8 of the last 10 times". */
export const RECENT_WINDOW = 10;
/** Trend compares the last TREND_RECENT settled invoices with up to TREND_EARLIER before them. */
export const TREND_RECENT = 5;
export const TREND_EARLIER = 20;
export const TREND_MIN_EACH = 3;
/** A change in mean delay below this many days is "steady". */
export const TREND_THRESHOLD_DAYS = 5;
/** A promise is broken when its invoices are still unpaid this many days after the promised date. */
export const PROMISE_GRACE_DAYS = 2;

export type TrendDirection = 'slower' | 'faster' | 'steady' | 'unknown';

export interface PaymentTrend {
  readonly recentMeanDelay: number | null;
  readonly earlierMeanDelay: number | null;
  /** recent − earlier, days (positive = paying later than before). */
  readonly changeDays: number | null;
  readonly direction: TrendDirection;
}

export interface DelayStats {
  /** Invoices settled on or before asOf. */
  readonly paidCount: number;
  readonly paidLateCount: number;
  /** Shrunk (customers) or raw (organisation), 0..1. */
  readonly lateShare: number;
  /** Amount-weighted mean of max(0, delay). */
  readonly meanDaysLate: number;
  /** Amount-weighted standard deviation of max(0, delay). */
  readonly sdDaysLate: number;
  /** Signed delays (days from due date to settlement) of every settled invoice, for the forecast. */
  readonly delays: readonly number[];
  /** Median base-currency total of invoices raised so far (a statistic for comparing sizes, not money). */
  readonly typicalInvoiceBase: number | null;
  /** Kaplan–Meier "still unpaid" by days past due: settled invoices are events, open ones censored. */
  readonly survival: SurvivalCurve;
}

export interface PayerBehaviour extends DelayStats {
  readonly contactId: string;
  /** Weight of the customer's own history against the organisation's: n ÷ (n + k). */
  readonly ownWeight: number;
  readonly organisationSurvival: SurvivalCurve;
  /** Unshrunk figures, null without history. */
  readonly raw: {
    readonly lateShare: number | null;
    readonly meanDaysLate: number | null;
    readonly sdDaysLate: number | null;
  };
  readonly recent: {
    readonly count: number;
    readonly lateCount: number;
    readonly meanDaysLate: number | null;
  };
  readonly trend: PaymentTrend;
  /** Share of invoices with any settlement that were paid in parts (≥ 2 settlements, or open and part-paid). */
  readonly partPaymentShare: number | null;
  readonly openCount: number;
  readonly overdueCount: number;
  /** Open balance in base currency (1/10⁴ units, money-units.ts). */
  readonly openBaseUnits: Units;
  /** Days since the customer's first invoice (history length), null if none. */
  readonly historyDays: number | null;
  readonly brokenPromises: number;
  readonly openDisputes: number;
}

export interface BehaviourModel {
  readonly asOf: IsoDate;
  readonly organisation: DelayStats;
  readonly pseudoCount: number;
  readonly byContact: ReadonlyMap<string, PayerBehaviour>;
  /** Every known contact resolves: customers without invoices get the organisation's figures. */
  behaviourOf(contactId: string): PayerBehaviour;
}

interface Settled {
  readonly delay: number;
  readonly weight: number;
  readonly settledOn: IsoDate;
}

interface Accumulator {
  settled: Settled[];
  /** Days past due of invoices open at asOf (censored observations). */
  censored: number[];
  totalsBase: number[];
  withSettlement: number;
  partPaid: number;
  openCount: number;
  overdueCount: number;
  openBaseUnits: Units;
  firstDate: IsoDate | null;
}

function weightedLateStats(items: readonly Settled[]): { mean: number; variance: number } | null {
  let w = 0;
  let m = 0;
  for (let i = 0; i < items.length; i++) {
    const s = items[i]!;
    w += s.weight;
    m += s.weight * Math.max(0, s.delay);
  }
  if (items.length === 0) return null;
  if (w <= 0) {
    // All zero-value invoices: fall back to an unweighted mean.
    const late = items.map((s) => Math.max(0, s.delay));
    const mean = late.reduce((a, b) => a + b, 0) / late.length;
    return { mean, variance: late.reduce((a, b) => a + (b - mean) ** 2, 0) / late.length };
  }
  const mean = m / w;
  let v = 0;
  for (let i = 0; i < items.length; i++) v += items[i]!.weight * (Math.max(0, items[i]!.delay) - mean) ** 2;
  return { mean, variance: v / w };
}

const meanOf = (xs: readonly number[]) =>
  xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length;

function trendOf(settledByDate: readonly Settled[]): PaymentTrend {
  const recent = settledByDate.slice(-TREND_RECENT);
  const earlier = settledByDate.slice(-(TREND_RECENT + TREND_EARLIER), -TREND_RECENT);
  const r = meanOf(recent.map((s) => s.delay));
  const e = meanOf(earlier.map((s) => s.delay));
  if (recent.length < TREND_MIN_EACH || earlier.length < TREND_MIN_EACH || r === null || e === null) {
    return { recentMeanDelay: r, earlierMeanDelay: e, changeDays: null, direction: 'unknown' };
  }
  const change = r - e;
  const direction: TrendDirection =
    change >= TREND_THRESHOLD_DAYS ? 'slower' : change <= -TREND_THRESHOLD_DAYS ? 'faster' : 'steady';
  return { recentMeanDelay: r, earlierMeanDelay: e, changeDays: change, direction };
}

/**
 * A promise counts as broken as of `asOf` once its grace period has passed (promised date + grace < asOf) and
 * the covered invoices still had something outstanding at the end of the grace period. Both dates are before
 * `asOf`, so the judgement uses no later information.
 */
export function isPromiseBroken(snapshot: LedgerSnapshot, p: PromiseToPay): boolean {
  return brokenPromises(snapshot, [p]).length === 1;
}

/**
 * The promises broken as of `snapshot.asOf` (isPromiseBroken), in their order. A whole-balance promise covers
 * the customer's invoices raised by the day it was made; those are gathered for every such customer in one
 * pass over the positions, not one pass per promise (hundreds of promises against 200k invoices).
 */
export function brokenPromises(snapshot: LedgerSnapshot, promises: readonly PromiseToPay[]): PromiseToPay[] {
  const { asOf, index } = snapshot;
  // A promise with a recorded verdict counts as that verdict from the day it was judged (and not before).
  const recordedBroken = new Set(
    promises.filter((p) => p.outcome === 'broken' && p.judgedOn !== undefined && p.judgedOn <= asOf),
  );
  const judged = promises.filter((p) => p.outcome === undefined && isGraceOver(p, asOf));
  const wholeBalance = new Set(judged.filter((p) => p.invoiceIds.length === 0).map((p) => p.contactId));
  const positionsOf = new Map<string, InvoicePosition[]>();
  if (wholeBalance.size > 0) {
    for (const x of snapshot.positions) {
      const contactId = x.invoice.contactId;
      if (!wholeBalance.has(contactId)) continue;
      const list = positionsOf.get(contactId);
      if (list) list.push(x);
      else positionsOf.set(contactId, [x]);
    }
  }
  const fromLedger = new Set(
    judged.filter((p) => {
      const invoiceIds =
        p.invoiceIds.length > 0
          ? p.invoiceIds
          : (positionsOf.get(p.contactId) ?? [])
              .filter((x) => x.invoice.date <= p.madeOn)
              .map((x) => x.invoice.id);
      return isStillDueAfterGrace(index, p, invoiceIds);
    }),
  );
  return promises.filter((p) => recordedBroken.has(p) || fromLedger.has(p));
}

/** Made by asOf, its grace period over before asOf, and not withdrawn before the grace period ended. */
function isGraceOver(p: PromiseToPay, asOf: IsoDate): boolean {
  if (p.madeOn > asOf) return false;
  const deadline = addDays(p.promisedDate, PROMISE_GRACE_DAYS);
  if (deadline >= asOf) return false;
  return p.cancelledOn === null || p.cancelledOn > deadline;
}

function isStillDueAfterGrace(index: LedgerIndex, p: PromiseToPay, invoiceIds: readonly string[]): boolean {
  const deadline = addDays(p.promisedDate, PROMISE_GRACE_DAYS);
  const dayBefore = addDays(p.madeOn, -1);
  let stillDue = 0;
  let paidSinceMade = 0;
  for (const id of invoiceIds) {
    const at = positionAsOf(index, id, deadline);
    if (!at) continue;
    stillDue += at.outstandingUnits;
    const before = positionAsOf(index, id, dayBefore);
    paidSinceMade += at.settledUnits - (before?.settledUnits ?? 0);
  }
  if (stillDue <= 0) return false;
  return p.amount === null ? true : paidSinceMade < unitsOf(p.amount);
}

function newAccumulator(): Accumulator {
  return {
    settled: [],
    censored: [],
    totalsBase: [],
    withSettlement: 0,
    partPaid: 0,
    openCount: 0,
    overdueCount: 0,
    openBaseUnits: 0,
    firstDate: null,
  };
}

/** `totalBase` and `settled` are computed once per position and shared by the customer and the organisation. */
function accumulate(acc: Accumulator, p: InvoicePosition, totalBase: number, settled: Settled | null): void {
  acc.totalsBase.push(totalBase);
  if (acc.firstDate === null || p.invoice.date < acc.firstDate) acc.firstDate = p.invoice.date;
  if (p.settlementCount > 0) {
    acc.withSettlement++;
    if (p.settlementCount >= 2 || p.outstandingUnits > 0) acc.partPaid++;
  }
  if (p.outstandingUnits > 0) {
    acc.openCount++;
    const dpd = p.daysOverdue;
    acc.censored.push(dpd);
    if (dpd > 0) acc.overdueCount++;
    acc.openBaseUnits += p.outstandingBaseUnits;
  } else if (settled !== null) {
    acc.settled.push(settled);
  }
}

const bySettledOn = (a: Settled, b: Settled) =>
  a.settledOn < b.settledOn ? -1 : a.settledOn > b.settledOn ? 1 : 0;

/** In place and stable. Most histories are short (20k a run): an insertion sort needs no workspace. */
function sortBySettledOn(xs: Settled[]): Settled[] {
  if (xs.length > 32) return xs.sort(bySettledOn);
  for (let i = 1; i < xs.length; i++) {
    const x = xs[i]!;
    let j = i - 1;
    while (j >= 0 && xs[j]!.settledOn > x.settledOn) {
      xs[j + 1] = xs[j]!;
      j--;
    }
    xs[j + 1] = x;
  }
  return xs;
}

export function buildBehaviour(
  snapshot: LedgerSnapshot,
  signals: CollectionsSignals = NO_SIGNALS,
  options: { pseudoCount?: number } = {},
): BehaviourModel {
  const { asOf } = snapshot;
  const k = options.pseudoCount ?? SHRINKAGE_PSEUDO_COUNT;
  const org = newAccumulator();
  const byContact = new Map<string, Accumulator>();
  const positions = snapshot.positions;
  for (let i = 0; i < positions.length; i++) {
    const p = positions[i]!;
    let acc = byContact.get(p.invoice.contactId);
    if (!acc) {
      acc = newAccumulator();
      byContact.set(p.invoice.contactId, acc);
    }
    const totalBase = unitsToNumber(p.totalBaseUnits);
    const settled =
      p.outstandingUnits === 0 && p.settledOn !== null
        ? { delay: p.delay ?? 0, weight: totalBase, settledOn: p.settledOn }
        : null;
    accumulate(acc, p, totalBase, settled);
    accumulate(org, p, totalBase, settled);
  }

  const orgLate = weightedLateStats(org.settled);
  const orgPaidLate = org.settled.filter((s) => s.delay > 0).length;
  const organisation: DelayStats = {
    paidCount: org.settled.length,
    paidLateCount: orgPaidLate,
    lateShare: org.settled.length ? orgPaidLate / org.settled.length : 0,
    meanDaysLate: orgLate?.mean ?? 0,
    sdDaysLate: Math.sqrt(orgLate?.variance ?? 0),
    delays: org.settled.map((s) => s.delay),
    typicalInvoiceBase: medianInPlace(org.totalsBase),
    survival: kaplanMeier(
      org.settled.map((s) => s.delay),
      org.censored,
    ),
  };
  const orgVariance = orgLate?.variance ?? 0;

  const brokenBy = new Map<string, number>();
  for (const p of brokenPromises(snapshot, signals.promises)) {
    brokenBy.set(p.contactId, (brokenBy.get(p.contactId) ?? 0) + 1);
  }
  const disputesBy = new Map<string, number>();
  for (const d of signals.disputes) {
    if (isDisputeOpen(d, asOf)) disputesBy.set(d.contactId, (disputesBy.get(d.contactId) ?? 0) + 1);
  }

  const shrink = (n: number, own: number, orgValue: number) => (n * own + k * orgValue) / (n + k || 1);

  const behaviourFrom = (contactId: string, acc: Accumulator): PayerBehaviour => {
    // The accumulator is this function's own: sorted in place.
    const settled = sortBySettledOn(acc.settled);
    const n = settled.length;
    const late = settled.filter((s) => s.delay > 0).length;
    const own = weightedLateStats(settled);
    const recent = settled.slice(-RECENT_WINDOW);
    const recentLate = recent.filter((s) => s.delay > 0);
    return {
      contactId,
      ownWeight: n / (n + k || 1),
      organisationSurvival: organisation.survival,
      survival: kaplanMeier(
        settled.map((s) => s.delay),
        acc.censored,
      ),
      paidCount: n,
      paidLateCount: late,
      lateShare: shrink(n, n ? late / n : 0, organisation.lateShare),
      meanDaysLate: shrink(n, own?.mean ?? 0, organisation.meanDaysLate),
      sdDaysLate: Math.sqrt(shrink(n, own?.variance ?? 0, orgVariance)),
      delays: settled.map((s) => s.delay),
      typicalInvoiceBase: medianInPlace(acc.totalsBase) ?? organisation.typicalInvoiceBase,
      raw: {
        lateShare: n ? late / n : null,
        meanDaysLate: own?.mean ?? null,
        sdDaysLate: own ? Math.sqrt(own.variance) : null,
      },
      recent: {
        count: recent.length,
        lateCount: recentLate.length,
        meanDaysLate: meanOf(recentLate.map((s) => s.delay)),
      },
      trend: trendOf(settled),
      partPaymentShare: acc.withSettlement ? acc.partPaid / acc.withSettlement : null,
      openCount: acc.openCount,
      overdueCount: acc.overdueCount,
      openBaseUnits: acc.openBaseUnits,
      historyDays: acc.firstDate === null ? null : daysOverdue(acc.firstDate, asOf),
      brokenPromises: brokenBy.get(contactId) ?? 0,
      openDisputes: disputesBy.get(contactId) ?? 0,
    };
  };

  const result = new Map<string, PayerBehaviour>();
  for (const [contactId, acc] of byContact) result.set(contactId, behaviourFrom(contactId, acc));
  return {
    asOf,
    organisation,
    pseudoCount: k,
    byContact: result,
    behaviourOf(contactId: string) {
      return result.get(contactId) ?? behaviourFrom(contactId, newAccumulator());
    },
  };
}

/** Invoices under an open dispute as of asOf. */
export function disputedInvoiceIds(snapshot: LedgerSnapshot, signals: CollectionsSignals): Set<string> {
  const out = new Set<string>();
  const open = openDisputesByContact(signals, snapshot.asOf);
  if (open.size === 0) return out;
  for (const p of snapshot.open) {
    if (isInvoiceDisputed(open, p.invoice.contactId, p.invoice.id)) out.add(p.invoice.id);
  }
  return out;
}
