// Over 300 lines: every measure of the collections report reads the same indexed ledger and periods; its definitions live beside them.
import { DateTime } from 'luxon';
import { AGEING_BUCKETS, type AgeingBucket, ageingBucketOf, moneyString } from './ageing.js';
import { buildKpis } from './ar-kpis.js';
import { weekdayOf } from './business-calendar.js';
import { addDays, daysBetween, endOfMonth, localDateOf } from './calendar.js';
import { buildForecast } from './cash-forecast.js';
import { scoreLedger } from './collections-scoring.js';
import {
  type CollectionsSignals,
  type Dispute,
  isInvoiceDisputed,
  openDisputesByContact,
  type PromiseToPay,
} from './collections-signals.js';
import type { IsoDate, Ledger } from './ledger.js';
import { medianInPlace } from './median.js';
import { Big, type Decimal, dec } from './money.js';
import { formatUnits, toBaseUnits, type Units, unitsToBig } from './money-units.js';
import {
  existsAsOf,
  indexLedger,
  type LedgerIndex,
  type LedgerSnapshot,
  paymentsDatedBetween,
  positionAsOf,
  snapshotAsOf,
} from './point-in-time.js';
import {
  instalmentOutcome,
  type PromiseGrace,
  type PromiseOutcome,
  promiseDeadline,
  promiseOutcome,
} from './promise-outcome.js';

/**
 * The managers' collections report (#19 part 1): per week or month, what the reminders did and how receivables
 * moved. Pure: the ledger, the recorded facts (reminders sent, tracked promises, dispute holds) and the as-of day
 * are arguments.
 *
 * Reproducible as of any day A: every measure reads only facts dated on or before A. A reminder counts from the
 * organisation-local day it was sent, a promise from the day it was made (and its recorded verdict from the day it
 * was judged), a dispute from the day it was opened (its resolution from the day it was resolved), a payment from
 * its date; a measure whose window runs past A (a hit-rate window, a forecast's 30 days) is reported as not yet
 * measured, or measured to A and flagged, never filled in with later facts.
 *
 * The result is plain data for any renderer (the CLI's tables, Slack's tables and charts): amounts are decimal
 * strings in the base currency, shares are fractions (0.25 = 25%), days are numbers, and each measure is a list of
 * rows keyed by `period` (`seriesOf` turns a column into a chart series).
 */

export type PeriodKind = 'week' | 'month';

export const DEFAULT_PERIODS = 12;
export const HIT_RATE_WINDOWS = [7, 14] as const;
export const FORECAST_HORIZON_DAYS = 30;
/** How far back a reminder to the customer disqualifies an invoice from the comparison group. */
export const COMPARISON_QUIET_DAYS = 7;
/** A dispute opened this many days after a reminder to the same customer counts as following it. */
export const DISPUTE_AFTER_REMINDER_DAYS = 14;

export const REPORT_DEFINITIONS = {
  periods:
    "Weeks run Monday to Sunday and months are calendar months, in the organisation's time zone; the last period runs to the as-of day and is marked incomplete.",
  remindersSent:
    'Reminders sent: reminders with status sent, counted in the period of the organisation-local day they were sent, by purpose (overdue or upcoming), step (1 = the first step of the sequence) and tone.',
  hitRate:
    "Hit rate (7 and 14 days): of the overdue amount the overdue reminders sent on day D were about (base currency, outstanding at the end of D − 1 on the reminder's invoices already past due on D), the share paid by cash payments dated D … D + 6 (D + 13), each invoice's payments capped at what it owed. A reminder counts once its window has ended on or before the as-of day; counted in the period of D.",
  hitRateComparison:
    "Comparison: for each reminder day D and ageing bucket on D, the comparable invoices are those open and past due at the start of D, in the same bucket, whose customer was sent no reminder on D nor in the 7 days before, and that were not under an open dispute on D. The comparison share is what the reminded amount would have collected at the comparable invoices' paid share: Σ over (D, bucket) of reminded amount × (comparable paid ÷ comparable amount) ÷ Σ reminded amount, over the (D, bucket) cells that have comparable invoices; the reminded share over those same cells is shown beside it.",
  promises:
    'Promises: made counts promises by the day they were made; due, kept, part-kept, broken and pending count them by the period of their promised (latest) date. The verdict is the recorded one once judged by the as-of day; a promise past its grace but not yet judged is judged from the ledger (domain/promise-outcome.ts); otherwise pending. Kept late: kept, but only thanks to payments after the promised date, inside the grace. Withdrawn: rescheduled or cancelled by the as-of day.',
  disputes:
    'Disputes: dispute holds opened in the period (organisation-local day of creation) and resolved in it (released, or the day after the date it was held until), with the median days from opening to resolution; open at the end of the period with their median age; after a reminder: opened within 14 days after a reminder to the same customer.',
  kpis: 'DSO (countback), best possible DSO, ADD = DSO − BPDSO and CEI as in the kpis command, as of each period end, CEI over the period itself; change = this period minus the previous one.',
  ageing:
    'Overdue by ageing bucket: amounts outstanding at each period end by days past due (current, 1–30, 31–60, 61–90, 90+), base currency.',
  forecast:
    'Forecast against actual: the 30-day cash forecast made at the end of the day before the period started (the forecast command’s model, with the promises and disputes known then), against cash payments dated in those 30 days on the invoices it covered (open then, not disputed), each capped at what the invoice owed; measured to the as-of day when the 30 days have not ended.',
} as const;

// ---- Inputs -------------------------------------------------------------------------------------------------

/** A reminder that was sent (reminders.status = 'sent'). */
export interface SentReminder {
  readonly id: string;
  readonly contactId: string;
  readonly purpose: 'overdue' | 'upcoming';
  /** 0-based position in the sequence. */
  readonly stepIndex: number;
  readonly tone: string;
  readonly invoiceIds: readonly string[];
  readonly sentAt: Date;
}

export type ReportPromiseStatus = 'active' | 'kept' | 'part_kept' | 'broken' | 'rescheduled' | 'cancelled';

/** A tracked promise to pay (payment_promises) as the report reads it. */
export interface ReportPromise {
  readonly id: string;
  readonly contactId: string;
  readonly invoiceIds: readonly string[];
  readonly latest: IsoDate;
  readonly madeOn: IsoDate;
  readonly amount: Decimal | null;
  readonly currency: string | null;
  readonly planId: number | null;
  readonly instalment: number | null;
  readonly status: ReportPromiseStatus;
  /** When it was judged, rescheduled or cancelled. */
  readonly settledAt: Date | null;
}

/** A dispute hold (customer_holds.kind = 'dispute'), released or not. */
export interface DisputeHold {
  readonly id: string;
  readonly contactId: string;
  readonly invoiceIds: readonly string[];
  readonly createdAt: Date;
  readonly releasedAt: Date | null;
  /** A dispute held until a day stops counting after it. */
  readonly until: IsoDate | null;
}

export interface CollectionsReportInput {
  readonly ledger: Ledger;
  readonly reminders: readonly SentReminder[];
  readonly promises: readonly ReportPromise[];
  readonly disputes: readonly DisputeHold[];
  readonly grace: PromiseGrace;
}

export interface CollectionsReportOptions {
  readonly asOf: IsoDate;
  readonly periodKind: PeriodKind;
  /** How many periods, the one holding asOf last. Default 12. */
  readonly periods?: number;
}

/**
 * Builds the report somewhere: the service runs `buildCollectionsReport` on its report thread
 * (adapters/compute/report-thread.ts), because a large ledger's report is seconds of CPU that would hold up every
 * Slack ack meanwhile.
 */
export type CollectionsReportBuilder = (
  input: CollectionsReportInput,
  options: CollectionsReportOptions,
) => Promise<CollectionsReport>;

/** The report built on the calling thread: for the CLI, whose process has nothing else to answer meanwhile. */
export const buildReportHere: CollectionsReportBuilder = async (input, options) =>
  buildCollectionsReport(input, options);

// ---- Output -------------------------------------------------------------------------------------------------

export interface ReportPeriod {
  /** '2026-W10' for a week, '2026-03' for a month. */
  readonly period: string;
  readonly from: IsoDate;
  /** The period's last day, or asOf for the period still running. */
  readonly to: IsoDate;
  readonly complete: boolean;
}

export interface SeriesPoint {
  readonly period: string;
  readonly value: number | Decimal | null;
}

export interface ReminderCountRow {
  readonly purpose: 'overdue' | 'upcoming';
  /** 1-based. */
  readonly step: number;
  readonly tone: string;
  readonly total: number;
  readonly counts: readonly { readonly period: string; readonly value: number }[];
}

export interface HitRateComparison {
  /** Reminded amount in the (day, bucket) cells that had comparable invoices, and what of it was paid. */
  readonly remindedAmount: Decimal;
  readonly remindedPaid: Decimal;
  readonly remindedShare: number | null;
  readonly comparableAmount: Decimal;
  readonly comparablePaid: Decimal;
  /** The comparable invoices' paid share, weighted to the reminded amount's days and buckets. */
  readonly comparableShare: number | null;
  /** remindedShare − comparableShare, in percentage points. */
  readonly liftPoints: number | null;
}

export interface HitRateRow {
  readonly period: string;
  readonly windowDays: number;
  /** Overdue reminders sent in the period. */
  readonly reminders: number;
  /** Of which the window has ended by asOf. */
  readonly measured: number;
  readonly remindedAmount: Decimal;
  readonly paidAmount: Decimal;
  readonly share: number | null;
  readonly comparison: HitRateComparison;
}

export interface PromiseRow {
  readonly period: string;
  readonly made: number;
  readonly due: number;
  readonly kept: number;
  readonly keptLate: number;
  readonly partKept: number;
  readonly broken: number;
  readonly pending: number;
  readonly withdrawn: number;
  /** kept ÷ (kept + part-kept + broken). */
  readonly keptShare: number | null;
}

export interface DisputeRow {
  readonly period: string;
  readonly opened: number;
  readonly afterReminder: number;
  readonly resolved: number;
  readonly medianDaysToResolve: number | null;
  readonly openAtEnd: number;
  readonly medianOpenDaysAtEnd: number | null;
}

export interface KpiRow {
  readonly period: string;
  readonly end: IsoDate;
  readonly dso: number;
  readonly dsoChange: number | null;
  readonly bestPossibleDso: number;
  readonly bestPossibleDsoChange: number | null;
  readonly add: number;
  readonly addChange: number | null;
  readonly cei: number | null;
  readonly ceiChange: number | null;
}

export type AgeingRow = { readonly period: string; readonly end: IsoDate } & Readonly<
  Record<AgeingBucket | 'overdue' | 'total', Decimal>
>;

export interface ForecastRow {
  readonly period: string;
  readonly madeOn: IsoDate;
  readonly horizonEnd: IsoDate;
  readonly expected: Decimal;
  readonly low: Decimal;
  readonly high: Decimal;
  readonly actual: Decimal;
  /** Payments counted up to this day (horizonEnd, or asOf while the 30 days run). */
  readonly actualThrough: IsoDate;
  readonly complete: boolean;
}

export interface CollectionsReport {
  readonly asOf: IsoDate;
  readonly periodKind: PeriodKind;
  readonly baseCurrency: string;
  readonly timezone: string;
  readonly periods: readonly ReportPeriod[];
  readonly headline: {
    readonly period: string;
    readonly dso: number;
    readonly dsoChange: number | null;
    readonly cei: number | null;
    readonly ceiChange: number | null;
    readonly overdue: Decimal;
    readonly overdueChange: Decimal | null;
    /** Over every period shown: the 7-day hit rate and its comparison. */
    readonly hitRate7: number | null;
    readonly comparison7: number | null;
    readonly promisesKeptShare: number | null;
  };
  readonly reminders: {
    readonly sent: readonly { readonly period: string; readonly value: number }[];
    readonly byStepAndTone: readonly ReminderCountRow[];
  };
  readonly hitRate: {
    readonly within7Days: readonly HitRateRow[];
    readonly within14Days: readonly HitRateRow[];
    /** All periods together, per window. */
    readonly total: readonly HitRateRow[];
  };
  readonly promises: readonly PromiseRow[];
  readonly disputes: readonly DisputeRow[];
  readonly kpis: readonly KpiRow[];
  readonly ageing: readonly AgeingRow[];
  readonly forecast: readonly ForecastRow[];
  readonly definitions: typeof REPORT_DEFINITIONS;
}

/** One column of a measure's rows as a chart series: `seriesOf(report.kpis, 'dso')`. */
export function seriesOf<R extends { readonly period: string }, K extends keyof R>(
  rows: readonly R[],
  key: K,
): SeriesPoint[] {
  return rows.map((r) => ({ period: r.period, value: r[key] as SeriesPoint['value'] }));
}

// ---- Periods ------------------------------------------------------------------------------------------------

export function periodOf(date: IsoDate, kind: PeriodKind): { period: string; from: IsoDate; to: IsoDate } {
  if (kind === 'month') {
    const from = `${date.slice(0, 7)}-01`;
    return { period: date.slice(0, 7), from, to: endOfMonth(date) };
  }
  const from = addDays(date, 1 - weekdayOf(date));
  return {
    period: DateTime.fromISO(from, { zone: 'utc' }).toFormat("kkkk-'W'WW"),
    from,
    to: addDays(from, 6),
  };
}

/** The `count` periods ending with the one holding asOf, oldest first, the last cut at asOf. */
export function reportPeriods(asOf: IsoDate, kind: PeriodKind, count: number): ReportPeriod[] {
  const out: ReportPeriod[] = [];
  let p = periodOf(asOf, kind);
  for (let i = 0; i < count; i++) {
    out.unshift({ period: p.period, from: p.from, to: p.to > asOf ? asOf : p.to, complete: p.to <= asOf });
    p = periodOf(addDays(p.from, -1), kind);
  }
  return out;
}

function periodIndexer(periods: readonly ReportPeriod[]): (date: IsoDate) => number {
  return (date) => {
    for (let i = 0; i < periods.length; i++) if (date >= periods[i]!.from && date <= periods[i]!.to) return i;
    return -1;
  };
}

// ---- The report ---------------------------------------------------------------------------------------------

const round = (x: number, dp: number) => Math.round(x * 10 ** dp) / 10 ** dp;
const share = (part: Big, whole: Big): number | null =>
  whole.gt(0) ? round(Number(part.div(whole).toFixed(8)), 4) : null;
const change = (cur: number | null, prev: number | null | undefined): number | null =>
  cur === null || prev === null || prev === undefined ? null : round(cur - prev, 1);

export function buildCollectionsReport(
  input: CollectionsReportInput,
  options: CollectionsReportOptions,
): CollectionsReport {
  const { asOf, periodKind } = options;
  const count = options.periods ?? DEFAULT_PERIODS;
  const { ledger } = input;
  const timezone = ledger.organisation.timezone;
  const index = indexLedger(ledger);
  // One period more than shown, for the first period's change.
  const withPrevious = reportPeriods(asOf, periodKind, count + 1);
  const periods = withPrevious.slice(1);

  // 1. The facts known by asOf, on the organisation's days.
  const reminders = input.reminders
    .map((r) => ({ ...r, sentOn: localDateOf(r.sentAt, timezone) }))
    .filter((r) => r.sentOn <= asOf);
  const promises = input.promises.filter((p) => p.madeOn <= asOf);
  const disputes = input.disputes
    .map((d) => disputeOf(d, timezone))
    .filter((d) => d.openedOn <= asOf)
    .map((d) => (d.resolvedOn !== null && d.resolvedOn > asOf ? { ...d, resolvedOn: null } : d));
  const signals = signalsOf(promises, disputes, timezone, asOf);

  // 2. The measures.
  const ends = withPrevious.map((p) => snapshotAsOf(index, p.to));
  const kpis = kpiRows(index, withPrevious, ends);
  const ageing = ageingRows(index, withPrevious, ends);
  const hitRate = hitRateRows(index, reminders, disputes, periods, asOf);
  const promiseRows = promiseRowsOf(ledger, promises, input.grace, periods, asOf, timezone);
  const last = periods.length - 1;
  const overdueNow = dec(ageing[last + 1]!.overdue);
  const overduePrev = dec(ageing[last]!.overdue);
  const judged = promiseRows.reduce(
    (t, r) => ({ kept: t.kept + r.kept, all: t.all + r.kept + r.partKept + r.broken }),
    { kept: 0, all: 0 },
  );
  const total7 = hitRate.total.find((r) => r.windowDays === 7)!;
  return {
    asOf,
    periodKind,
    baseCurrency: index.baseCurrency,
    timezone,
    periods,
    headline: {
      period: periods[last]!.period,
      dso: kpis[last + 1]!.dso,
      dsoChange: kpis[last + 1]!.dsoChange,
      cei: kpis[last + 1]!.cei,
      ceiChange: kpis[last + 1]!.ceiChange,
      overdue: ageing[last + 1]!.overdue,
      overdueChange: moneyString(overdueNow.minus(overduePrev), index.baseCurrency),
      hitRate7: total7.share,
      comparison7: total7.comparison.comparableShare,
      promisesKeptShare: judged.all > 0 ? round(judged.kept / judged.all, 4) : null,
    },
    reminders: reminderCounts(reminders, periods),
    hitRate,
    promises: promiseRows,
    disputes: disputeRows(disputes, reminders, periods, asOf),
    kpis: kpis.slice(1),
    ageing: ageing.slice(1),
    forecast: forecastRows(index, signals, periods, asOf),
    definitions: REPORT_DEFINITIONS,
  };
}

// ---- The hit rate of chosen reminders ---------------------------------------------------------------------

export type ReminderHitRate = Pick<
  HitRateRow,
  'windowDays' | 'reminders' | 'measured' | 'remindedAmount' | 'paidAmount' | 'share'
>;

/**
 * The report's hit rate (above) over a chosen set of sent reminders, a collector's own for instance: of the overdue
 * amount the overdue reminders sent on organisation-local days `from` … `asOf` were about, the share paid within
 * `windowDays` (7 or 14) of each reminder's day, each invoice's payments capped at what it owed. A reminder whose
 * window has not ended by asOf is counted but not measured. No comparison group: the other reminders are not given,
 * so which customers were contacted is not known here.
 */
export function reminderHitRate(
  ledger: Ledger,
  reminders: readonly SentReminder[],
  options: {
    readonly from: IsoDate;
    readonly asOf: IsoDate;
    readonly windowDays: (typeof HIT_RATE_WINDOWS)[number];
  },
): ReminderHitRate {
  const { from, asOf, windowDays } = options;
  const timezone = ledger.organisation.timezone;
  const dated = reminders
    .map((r) => ({ ...r, sentOn: localDateOf(r.sentAt, timezone) }))
    .filter((r) => r.sentOn >= from && r.sentOn <= asOf);
  if (!dated.some((r) => r.purpose === 'overdue')) {
    // Nothing to measure: no need to index the ledger (App Home asks this for every collector).
    const none = formatUnits(0, ledger.organisation.baseCurrency);
    return { windowDays, reminders: 0, measured: 0, remindedAmount: none, paidAmount: none, share: null };
  }
  const window: ReportPeriod = { period: `${from}/${asOf}`, from, to: asOf, complete: true };
  const rows = hitRateRows(indexLedger(ledger), dated, [], [window], asOf);
  const row = (windowDays === 7 ? rows.within7Days : rows.within14Days)[0]!;
  return {
    windowDays: row.windowDays,
    reminders: row.reminders,
    measured: row.measured,
    remindedAmount: row.remindedAmount,
    paidAmount: row.paidAmount,
    share: row.share,
  };
}

// ---- Reminders sent -----------------------------------------------------------------------------------------

type DatedReminder = SentReminder & { readonly sentOn: IsoDate };

function reminderCounts(
  reminders: readonly DatedReminder[],
  periods: readonly ReportPeriod[],
): CollectionsReport['reminders'] {
  const at = periodIndexer(periods);
  const sent = periods.map(() => 0);
  const rows = new Map<
    string,
    { purpose: 'overdue' | 'upcoming'; step: number; tone: string; n: number[] }
  >();
  for (const r of reminders) {
    const i = at(r.sentOn);
    if (i < 0) continue;
    sent[i]!++;
    const key = `${r.purpose}\u0000${r.stepIndex}\u0000${r.tone}`;
    let row = rows.get(key);
    if (!row) {
      row = { purpose: r.purpose, step: r.stepIndex + 1, tone: r.tone, n: periods.map(() => 0) };
      rows.set(key, row);
    }
    row.n[i]!++;
  }
  return {
    sent: periods.map((p, i) => ({ period: p.period, value: sent[i]! })),
    byStepAndTone: [...rows.values()]
      .sort(
        (a, b) =>
          (a.purpose === b.purpose ? 0 : a.purpose === 'overdue' ? -1 : 1) ||
          a.step - b.step ||
          a.tone.localeCompare(b.tone),
      )
      .map((r) => ({
        purpose: r.purpose,
        step: r.step,
        tone: r.tone,
        total: r.n.reduce((a, b) => a + b, 0),
        counts: periods.map((p, i) => ({ period: p.period, value: r.n[i]! })),
      })),
  };
}

// ---- Hit rate -----------------------------------------------------------------------------------------------

interface Cell {
  remindedAmount: Units;
  remindedPaid: Units;
  comparableAmount: Units;
  comparablePaid: Units;
}

interface HitAccumulator {
  reminders: number;
  measured: number;
  remindedAmount: Units;
  remindedPaid: Units;
  cells: Cell[];
}

const newHit = (): HitAccumulator => ({
  reminders: 0,
  measured: 0,
  remindedAmount: 0,
  remindedPaid: 0,
  cells: [],
});

function hitRateRows(
  index: LedgerIndex,
  reminders: readonly DatedReminder[],
  disputes: readonly DisputeFact[],
  periods: readonly ReportPeriod[],
  asOf: IsoDate,
): CollectionsReport['hitRate'] {
  const at = periodIndexer(periods);
  const acc = HIT_RATE_WINDOWS.map(() => periods.map(newHit));
  const overdue = reminders.filter((r) => r.purpose === 'overdue');
  const byDay = new Map<IsoDate, DatedReminder[]>();
  for (const r of overdue) {
    if (at(r.sentOn) < 0) continue;
    const list = byDay.get(r.sentOn);
    if (list) list.push(r);
    else byDay.set(r.sentOn, [r]);
  }
  const disputeSignals: CollectionsSignals = { promises: [], disputes: disputes.map(asDispute) };
  const days = [...byDay.keys()].sort();
  // Only invoices open at some point from the day before the first reminder day can be open on a reminder day:
  // settlements only add up, so one settled in full before then is settled on every later day.
  const firstBefore = days.length > 0 ? addDays(days[0]!, -1) : asOf;
  const candidates = index.invoices.filter((e) => {
    if (!existsAsOf(e.invoice, asOf)) return false;
    const settledOn = positionAsOf(index, e.invoice.id, asOf)!.settledOn;
    return settledOn === null || settledOn > firstBefore;
  });

  for (const day of days) {
    const sent = byDay.get(day)!;
    const i = at(day);
    const windowEnds = HIT_RATE_WINDOWS.map((w) => addDays(day, w - 1));
    const measurable = windowEnds.map((end) => end <= asOf);
    HIT_RATE_WINDOWS.forEach((_, k) => {
      acc[k]![i]!.reminders += sent.length;
      if (measurable[k]) acc[k]![i]!.measured += sent.length;
    });
    if (!measurable.some(Boolean)) continue;
    const reminded = new Set(sent.flatMap((r) => r.invoiceIds));
    const before = addDays(day, -1);
    // Customers sent any reminder (either purpose) on `day` or in the quiet days before it.
    const quietFrom = addDays(day, -COMPARISON_QUIET_DAYS);
    const contacted = new Set(
      reminders.filter((r) => r.sentOn >= quietFrom && r.sentOn <= day).map((r) => r.contactId),
    );
    const disputedOn = openDisputesByContact(disputeSignals, day);
    const cells = HIT_RATE_WINDOWS.map(() => new Map<AgeingBucket, Cell>());
    for (const e of candidates) {
      const inv = e.invoice;
      if (inv.dueDate >= day || inv.date > before) continue;
      const p = positionAsOf(index, inv.id, before)!;
      if (!p.isOpen) continue;
      const dpd = p.daysOverdue + 1; // days past due on `day`
      const isReminded = reminded.has(inv.id);
      if (
        !isReminded &&
        (contacted.has(inv.contactId) || isInvoiceDisputed(disputedOn, inv.contactId, inv.id))
      )
        continue;
      const bucket = ageingBucketOf(dpd);
      HIT_RATE_WINDOWS.forEach((w, k) => {
        if (!measurable[k]) return;
        let inWindow = 0;
        for (const pay of paymentsDatedBetween(index, inv.id, before, addDays(day, w - 1)))
          inWindow += pay.units;
        const paidUnits = Math.min(inWindow, p.outstandingUnits);
        const paid = Math.min(
          toBaseUnits(paidUnits, inv.currencyRate, index.baseCurrency),
          p.outstandingBaseUnits,
        );
        let cell = cells[k]!.get(bucket);
        if (!cell) {
          cell = { remindedAmount: 0, remindedPaid: 0, comparableAmount: 0, comparablePaid: 0 };
          cells[k]!.set(bucket, cell);
        }
        if (isReminded) {
          cell.remindedAmount += p.outstandingBaseUnits;
          cell.remindedPaid += paid;
        } else {
          cell.comparableAmount += p.outstandingBaseUnits;
          cell.comparablePaid += paid;
        }
      });
    }
    HIT_RATE_WINDOWS.forEach((_, k) => {
      const a = acc[k]![i]!;
      for (const c of cells[k]!.values()) {
        a.remindedAmount += c.remindedAmount;
        a.remindedPaid += c.remindedPaid;
        if (c.remindedAmount > 0) a.cells.push(c);
      }
    });
  }

  const cur = index.baseCurrency;
  const rowOf = (period: string, windowDays: number, a: HitAccumulator): HitRateRow => {
    let rAmount = 0;
    let rPaid = 0;
    let cAmount = 0;
    let cPaid = 0;
    let expected = new Big(0);
    for (const c of a.cells) {
      if (c.comparableAmount <= 0) continue;
      rAmount += c.remindedAmount;
      rPaid += c.remindedPaid;
      cAmount += c.comparableAmount;
      cPaid += c.comparablePaid;
      // What the reminded amount would have collected at the comparable invoices' rate, in this cell.
      expected = expected.plus(
        unitsToBig(c.remindedAmount).times(unitsToBig(c.comparablePaid)).div(unitsToBig(c.comparableAmount)),
      );
    }
    const remindedShare = share(unitsToBig(rPaid), unitsToBig(rAmount));
    const comparableShare = share(expected, unitsToBig(rAmount));
    return {
      period,
      windowDays,
      reminders: a.reminders,
      measured: a.measured,
      remindedAmount: formatUnits(a.remindedAmount, cur),
      paidAmount: formatUnits(a.remindedPaid, cur),
      share: share(unitsToBig(a.remindedPaid), unitsToBig(a.remindedAmount)),
      comparison: {
        remindedAmount: formatUnits(rAmount, cur),
        remindedPaid: formatUnits(rPaid, cur),
        remindedShare,
        comparableAmount: formatUnits(cAmount, cur),
        comparablePaid: formatUnits(cPaid, cur),
        comparableShare,
        liftPoints:
          remindedShare === null || comparableShare === null
            ? null
            : round((remindedShare - comparableShare) * 100, 1),
      },
    };
  };
  const rows = HIT_RATE_WINDOWS.map((w, k) => periods.map((p, i) => rowOf(p.period, w, acc[k]![i]!)));
  const total = HIT_RATE_WINDOWS.map((w, k) =>
    rowOf(
      'all',
      w,
      acc[k]!.reduce(
        (t, a) => ({
          reminders: t.reminders + a.reminders,
          measured: t.measured + a.measured,
          remindedAmount: t.remindedAmount + a.remindedAmount,
          remindedPaid: t.remindedPaid + a.remindedPaid,
          cells: [...t.cells, ...a.cells],
        }),
        newHit(),
      ),
    ),
  );
  return { within7Days: rows[0]!, within14Days: rows[1]!, total };
}

// ---- Promises -----------------------------------------------------------------------------------------------

type Verdict = 'kept' | 'part_kept' | 'broken' | 'pending' | 'withdrawn';

/** Every day is a business day: a grace of 0 ends on the promised date itself. */
const NO_GRACE: PromiseGrace = {
  graceBusinessDays: 0,
  calendar: { weekdays: [1, 2, 3, 4, 5, 6, 7], country: null, region: null, extraHolidays: [] },
};

function promiseRowsOf(
  ledger: Ledger,
  promises: readonly ReportPromise[],
  grace: PromiseGrace,
  periods: readonly ReportPeriod[],
  asOf: IsoDate,
  timezone: string,
): PromiseRow[] {
  const at = periodIndexer(periods);
  const rows = periods.map((p) => ({
    period: p.period,
    made: 0,
    due: 0,
    kept: 0,
    keptLate: 0,
    partKept: 0,
    broken: 0,
    pending: 0,
    withdrawn: 0,
  }));
  const ledgerOf = contactLedgers(ledger);
  const judge = (p: ReportPromise, g: PromiseGrace): PromiseOutcome => {
    const own = ledgerOf(p.contactId);
    if (p.planId === null || p.instalment === null || p.amount === null)
      return promiseOutcome(p, own, asOf, g);
    // A plan's instalment counts what the payments left after the instalments before it (promise-outcome.ts).
    const before = promises
      .filter((o) => o.planId === p.planId && o.instalment !== null && o.instalment < p.instalment!)
      .reduce((t, o) => t.plus(dec(o.amount ?? '0')), dec(0));
    return instalmentOutcome({ ...p, amount: p.amount }, before.toString(), own, asOf, g);
  };
  for (const p of promises) {
    const made = at(p.madeOn);
    if (made >= 0) rows[made]!.made++;
    const due = at(p.latest);
    if (due < 0) continue;
    const row = rows[due]!;
    const settledOn = p.settledAt ? localDateOf(p.settledAt, timezone) : null;
    const known = settledOn !== null && settledOn <= asOf;
    let verdict: Verdict;
    if (known && (p.status === 'rescheduled' || p.status === 'cancelled')) verdict = 'withdrawn';
    else if (known && (p.status === 'kept' || p.status === 'part_kept' || p.status === 'broken'))
      verdict = p.status;
    else if (promiseDeadline(p.latest, grace) < asOf) verdict = judge(p, grace).kind;
    else verdict = 'pending';
    if (verdict === 'withdrawn') {
      row.withdrawn++;
      continue;
    }
    row.due++;
    if (verdict === 'kept') {
      row.kept++;
      const onTime = judge(p, NO_GRACE).kind;
      if (onTime === 'part_kept' || onTime === 'broken') row.keptLate++;
    } else if (verdict === 'part_kept') row.partKept++;
    else if (verdict === 'broken') row.broken++;
    else row.pending++;
  }
  return rows.map((r) => {
    const judged = r.kept + r.partKept + r.broken;
    return { ...r, keptShare: judged > 0 ? round(r.kept / judged, 4) : null };
  });
}

/** The ledger cut to one customer's invoices, so judging a promise reads its customer's settlements only. */
function contactLedgers(ledger: Ledger): (contactId: string) => Ledger {
  // Grouped once: filtering the whole ledger per customer is customers × invoices (4 billion steps at 200k).
  const invoicesOf = new Map<string, Ledger['invoices'][number][]>();
  for (const i of ledger.invoices) {
    const list = invoicesOf.get(i.contactId);
    if (list) list.push(i);
    else invoicesOf.set(i.contactId, [i]);
  }
  const contactOf = new Map(ledger.invoices.map((i) => [i.id, i.contactId]));
  const settlementsOf = new Map<string, Ledger['settlements'][number][]>();
  for (const s of ledger.settlements) {
    const contactId = contactOf.get(s.invoiceId);
    if (contactId === undefined) continue;
    const list = settlementsOf.get(contactId);
    if (list) list.push(s);
    else settlementsOf.set(contactId, [s]);
  }
  const cache = new Map<string, Ledger>();
  return (contactId) => {
    let own = cache.get(contactId);
    if (!own) {
      own = {
        organisation: ledger.organisation,
        contacts: ledger.contacts.filter((c) => c.id === contactId),
        invoices: invoicesOf.get(contactId) ?? [],
        settlements: settlementsOf.get(contactId) ?? [],
        credits: [],
      };
      cache.set(contactId, own);
    }
    return own;
  };
}

// ---- Disputes -----------------------------------------------------------------------------------------------

interface DisputeFact {
  readonly id: string;
  readonly contactId: string;
  readonly invoiceIds: readonly string[];
  readonly openedOn: IsoDate;
  readonly resolvedOn: IsoDate | null;
}

function disputeOf(d: DisputeHold, timezone: string): DisputeFact {
  const released = d.releasedAt ? localDateOf(d.releasedAt, timezone) : null;
  const lapsed = d.until ? addDays(d.until, 1) : null;
  const resolvedOn =
    released !== null && lapsed !== null ? (released < lapsed ? released : lapsed) : (released ?? lapsed);
  return {
    id: d.id,
    contactId: d.contactId,
    invoiceIds: d.invoiceIds,
    openedOn: localDateOf(d.createdAt, timezone),
    resolvedOn,
  };
}

const asDispute = (d: DisputeFact): Dispute => ({
  id: d.id,
  contactId: d.contactId,
  invoiceIds: d.invoiceIds,
  reason: 'other',
  openedOn: d.openedOn,
  resolvedOn: d.resolvedOn,
});

function disputeRows(
  disputes: readonly DisputeFact[],
  reminders: readonly DatedReminder[],
  periods: readonly ReportPeriod[],
  asOf: IsoDate,
): DisputeRow[] {
  const at = periodIndexer(periods);
  const remindedOn = new Map<string, IsoDate[]>();
  for (const r of reminders) remindedOn.set(r.contactId, [...(remindedOn.get(r.contactId) ?? []), r.sentOn]);
  return periods.map((p, i) => {
    const opened = disputes.filter((d) => at(d.openedOn) === i);
    const resolved = disputes.filter((d) => d.resolvedOn !== null && at(d.resolvedOn) === i);
    const end = p.to > asOf ? asOf : p.to;
    const open = disputes.filter((d) => d.openedOn <= end && (d.resolvedOn === null || d.resolvedOn > end));
    const afterReminder = opened.filter((d) =>
      (remindedOn.get(d.contactId) ?? []).some(
        (sentOn) => sentOn <= d.openedOn && daysBetween(sentOn, d.openedOn) <= DISPUTE_AFTER_REMINDER_DAYS,
      ),
    ).length;
    return {
      period: p.period,
      opened: opened.length,
      afterReminder,
      resolved: resolved.length,
      medianDaysToResolve: medianInPlace(resolved.map((d) => daysBetween(d.openedOn, d.resolvedOn!))),
      openAtEnd: open.length,
      medianOpenDaysAtEnd: medianInPlace(open.map((d) => daysBetween(d.openedOn, end))),
    };
  });
}

// ---- KPIs and ageing ----------------------------------------------------------------------------------------

function kpiRows(
  index: LedgerIndex,
  periods: readonly ReportPeriod[],
  ends: readonly LedgerSnapshot[],
): KpiRow[] {
  const rows: KpiRow[] = [];
  for (const [i, p] of periods.entries()) {
    const k = buildKpis(index, ends[i]!, { ceiPeriod: { from: p.from, to: p.to } });
    const prev = rows.at(-1);
    rows.push({
      period: p.period,
      end: p.to,
      dso: k.dso.days,
      dsoChange: change(k.dso.days, prev?.dso),
      bestPossibleDso: k.bestPossibleDso.days,
      bestPossibleDsoChange: change(k.bestPossibleDso.days, prev?.bestPossibleDso),
      add: k.averageDaysDelinquent,
      addChange: change(k.averageDaysDelinquent, prev?.add),
      cei: k.cei.percent,
      ceiChange: change(k.cei.percent, prev?.cei),
    });
  }
  return rows;
}

function ageingRows(
  index: LedgerIndex,
  periods: readonly ReportPeriod[],
  ends: readonly LedgerSnapshot[],
): AgeingRow[] {
  const cur = index.baseCurrency;
  return periods.map((p, i) => {
    const sums = Object.fromEntries(AGEING_BUCKETS.map((b) => [b, 0])) as Record<AgeingBucket, Units>;
    let total = 0;
    for (const pos of ends[i]!.open) {
      sums[ageingBucketOf(pos.daysOverdue)] += pos.outstandingBaseUnits;
      total += pos.outstandingBaseUnits;
    }
    const amounts = Object.fromEntries(AGEING_BUCKETS.map((b) => [b, formatUnits(sums[b], cur)])) as Record<
      AgeingBucket,
      Decimal
    >;
    return {
      period: p.period,
      end: p.to,
      ...amounts,
      overdue: formatUnits(total - sums.current, cur),
      total: formatUnits(total, cur),
    };
  });
}

// ---- Forecast against actual --------------------------------------------------------------------------------

/**
 * The promises and disputes as the forecast reads them, known by asOf: a verdict, a reschedule or a cancellation
 * recorded after asOf is not known yet (the promise was still in force then).
 */
function signalsOf(
  promises: readonly ReportPromise[],
  disputes: readonly DisputeFact[],
  timezone: string,
  asOf: IsoDate,
): CollectionsSignals {
  return {
    promises: promises.map((p): PromiseToPay => {
      const settled = p.settledAt ? localDateOf(p.settledAt, timezone) : null;
      const settledOn = p.status !== 'active' && settled !== null && settled <= asOf ? settled : null;
      const judged = p.status === 'kept' || p.status === 'part_kept' || p.status === 'broken';
      return {
        id: `promise-${p.id}`,
        contactId: p.contactId,
        invoiceIds: p.invoiceIds,
        amount: p.amount,
        currency: p.currency,
        promisedDate: p.latest,
        madeOn: p.madeOn,
        confidence: 0.8,
        cancelledOn: settledOn,
        ...(settledOn !== null && judged
          ? { outcome: p.status as 'kept' | 'part_kept' | 'broken', judgedOn: settledOn }
          : {}),
      };
    }),
    disputes: disputes.map(asDispute),
  };
}

function forecastRows(
  index: LedgerIndex,
  signals: CollectionsSignals,
  periods: readonly ReportPeriod[],
  asOf: IsoDate,
): ForecastRow[] {
  const cur = index.baseCurrency;
  return periods.map((p) => {
    const madeOn = addDays(p.from, -1);
    const horizonEnd = addDays(madeOn, FORECAST_HORIZON_DAYS);
    const through = horizonEnd > asOf ? asOf : horizonEnd;
    const scored = scoreLedger(index, madeOn, { signals });
    const f = buildForecast(scored.snapshot, scored.behaviour, signals, {
      horizonDays: FORECAST_HORIZON_DAYS,
      risks: scored.risks,
      riskHorizonDays: scored.model.horizonDays,
    });
    const disputed = openDisputesByContact(signals, madeOn);
    let actual = 0;
    for (const pos of scored.snapshot.open) {
      const inv = pos.invoice;
      if (isInvoiceDisputed(disputed, inv.contactId, inv.id)) continue;
      const later = positionAsOf(index, inv.id, through)!;
      const paidUnits = Math.min(Math.max(0, later.paidUnits - pos.paidUnits), pos.outstandingUnits);
      actual += Math.min(toBaseUnits(paidUnits, inv.currencyRate, cur), pos.outstandingBaseUnits);
    }
    return {
      period: p.period,
      madeOn,
      horizonEnd,
      expected: f.total.expected,
      low: f.total.low,
      high: f.total.high,
      actual: formatUnits(actual, cur),
      actualThrough: through,
      complete: horizonEnd <= asOf,
    };
  });
}
