import { moneyString } from './ageing.js';
import { addDays, addMonths, daysBetween, endOfMonth, isMonthEnd } from './calendar.js';
import type { IsoDate } from './ledger.js';
import type { Big, Decimal } from './money.js';
import { unitsToBig } from './money-units.js';
import { type LedgerIndex, type LedgerSnapshot, snapshotAsOf } from './point-in-time.js';

/**
 * Receivables KPIs, base currency, with the definitions carried in the output (reference: peers.md §6).
 * AR = outstanding on AUTHORISED/PAID invoices at the end of the day, payments and allocated credits netted,
 * unapplied credits ignored, disputed invoices included (Upflow's inputs). Credit sales = base totals of
 * invoices dated in the period.
 */
export const KPI_DEFINITIONS = {
  dso: 'Countback DSO: from AR at asOf, walk back month by month (months ending on the as-of day; calendar months when asOf is a month end), subtracting each month’s credit sales and adding its days while AR ≥ sales; the last month adds (remaining AR ÷ its sales) × its days. At most 24 months.',
  bestPossibleDso: 'Best possible DSO: the same countback on current AR (not yet due, due today included).',
  add: 'ADD (average days delinquent) = DSO − best possible DSO.',
  weightedAverageDaysOverdue:
    'WADO: amount-weighted average days past due of overdue invoices (an invoice-level alternative to ADD; they differ).',
  cei: 'CEI = (beginning AR + credit sales − ending total AR) ÷ (beginning AR + credit sales − ending current AR) × 100, with the same-period total credit sales (not sales ÷ N). Period: the last 30 days ending asOf unless given; beginning AR is at the end of the day before the period.',
  shareOver60: 'Share of AR more than 60 days past due.',
  shareOver90: 'Share of AR more than 90 days past due.',
} as const;

export const COUNTBACK_MAX_MONTHS = 24;

export interface CountbackPeriod {
  readonly sales: Big;
  readonly days: number;
}

export interface CountbackResult {
  readonly days: number;
  /** AR was larger than all sales in the periods given: the figure is a floor. */
  readonly exhausted: boolean;
}

/** Periods most recent first. */
export function countbackDays(ar: Big, periods: readonly CountbackPeriod[]): CountbackResult {
  let remaining = ar;
  let days = 0;
  if (remaining.lte(0)) return { days: 0, exhausted: false };
  for (const p of periods) {
    if (remaining.gte(p.sales) && !(p.sales.eq(0) && remaining.eq(0))) {
      remaining = remaining.minus(p.sales);
      days += p.days;
      if (remaining.eq(0)) return { days, exhausted: false };
      continue;
    }
    days += Number(remaining.div(p.sales).times(p.days).toFixed(6));
    return { days, exhausted: false };
  }
  return { days, exhausted: true };
}

/** Month-long periods ending at asOf, most recent first: [from, to] inclusive. */
export function countbackMonths(
  asOf: IsoDate,
  count = COUNTBACK_MAX_MONTHS,
): { from: IsoDate; to: IsoDate }[] {
  const monthEnd = isMonthEnd(asOf);
  const endOf = (i: number) => (monthEnd ? endOfMonth(addMonths(asOf, -i)) : addMonths(asOf, -i));
  const out: { from: IsoDate; to: IsoDate }[] = [];
  for (let i = 0; i < count; i++) out.push({ from: addDays(endOf(i + 1), 1), to: endOf(i) });
  return out;
}

export interface ArFigures {
  readonly total: Big;
  readonly current: Big;
  readonly over60: Big;
  readonly over90: Big;
  /** Σ base × days past due over overdue invoices. */
  readonly overdueDayWeighted: Big;
  readonly overdue: Big;
}

export function arFigures(snapshot: LedgerSnapshot): ArFigures {
  let total = 0n;
  let current = 0n;
  let over60 = 0n;
  let over90 = 0n;
  let overdue = 0n;
  let weighted = 0n;
  // Totals in bigint: Σ amount × days can pass 2⁵³ units where no single amount does.
  for (const p of snapshot.open) {
    const base = BigInt(p.outstandingBaseUnits);
    const dpd = p.daysOverdue;
    total += base;
    if (dpd <= 0) current += base;
    else {
      overdue += base;
      weighted += base * BigInt(dpd);
    }
    if (dpd > 60) over60 += base;
    if (dpd > 90) over90 += base;
  }
  return {
    total: unitsToBig(total),
    current: unitsToBig(current),
    over60: unitsToBig(over60),
    over90: unitsToBig(over90),
    overdue: unitsToBig(overdue),
    overdueDayWeighted: unitsToBig(weighted),
  };
}

/** Base-currency credit sales per inclusive period, from invoices that exist as of `asOf`. */
export function creditSales(
  index: LedgerIndex,
  asOf: IsoDate,
  periods: readonly { from: IsoDate; to: IsoDate }[],
): Big[] {
  const sums = periods.map((): bigint => 0n);
  if (periods.length === 0) return [];
  const earliest = periods.map((p) => p.from).sort()[0]!;
  for (const e of index.invoices) {
    const inv = e.invoice;
    if (inv.status !== 'AUTHORISED' && inv.status !== 'PAID') continue;
    if (inv.date > asOf || inv.date < earliest) continue;
    const base = BigInt(e.totalBaseUnits);
    periods.forEach((p, i) => {
      if (inv.date >= p.from && inv.date <= p.to) sums[i] = sums[i]! + base;
    });
  }
  return sums.map(unitsToBig);
}

export interface KpiOptions {
  /** CEI period, inclusive; default the 30 days ending asOf. Must end on or before asOf. */
  readonly ceiPeriod?: { readonly from: IsoDate; readonly to: IsoDate };
}

export interface ArKpis {
  readonly asOf: IsoDate;
  readonly baseCurrency: string;
  readonly ar: {
    readonly total: Decimal;
    readonly current: Decimal;
    readonly overdue: Decimal;
    readonly over60: Decimal;
    readonly over90: Decimal;
  };
  readonly dso: CountbackResult;
  readonly bestPossibleDso: CountbackResult;
  readonly averageDaysDelinquent: number;
  readonly weightedAverageDaysOverdue: number | null;
  readonly cei: {
    readonly percent: number | null;
    readonly period: { readonly from: IsoDate; readonly to: IsoDate };
    readonly beginningAr: Decimal;
    readonly creditSales: Decimal;
    readonly endingAr: Decimal;
    readonly endingCurrentAr: Decimal;
  };
  readonly shareOver60: number | null;
  readonly shareOver90: number | null;
  readonly definitions: typeof KPI_DEFINITIONS;
}

const round = (x: number, dp: number) => Math.round(x * 10 ** dp) / 10 ** dp;

export function ceiPercent(beginning: Big, sales: Big, endingTotal: Big, endingCurrent: Big): number | null {
  const denominator = beginning.plus(sales).minus(endingCurrent);
  if (denominator.lte(0)) return null;
  return Number(beginning.plus(sales).minus(endingTotal).div(denominator).times(100).toFixed(6));
}

export function buildKpis(index: LedgerIndex, snapshot: LedgerSnapshot, options: KpiOptions = {}): ArKpis {
  const { asOf } = snapshot;
  const cur = index.baseCurrency;
  const ar = arFigures(snapshot);
  const months = countbackMonths(asOf);
  const sales = creditSales(index, asOf, months);
  const periods = months.map((m, i) => ({ sales: sales[i]!, days: daysBetween(m.from, m.to) + 1 }));
  const dso = countbackDays(ar.total, periods);
  const bpdso = countbackDays(ar.current, periods);

  const ceiPeriod = options.ceiPeriod ?? { from: addDays(asOf, -29), to: asOf };
  const begin = arFigures(snapshotAsOf(index, addDays(ceiPeriod.from, -1)));
  const end = ceiPeriod.to === asOf ? ar : arFigures(snapshotAsOf(index, ceiPeriod.to));
  const [periodSales] = creditSales(index, ceiPeriod.to, [ceiPeriod]);

  return {
    asOf,
    baseCurrency: cur,
    ar: {
      total: moneyString(ar.total, cur),
      current: moneyString(ar.current, cur),
      overdue: moneyString(ar.overdue, cur),
      over60: moneyString(ar.over60, cur),
      over90: moneyString(ar.over90, cur),
    },
    dso: { days: round(dso.days, 1), exhausted: dso.exhausted },
    bestPossibleDso: { days: round(bpdso.days, 1), exhausted: bpdso.exhausted },
    averageDaysDelinquent: round(dso.days - bpdso.days, 1),
    weightedAverageDaysOverdue: ar.overdue.gt(0)
      ? round(Number(ar.overdueDayWeighted.div(ar.overdue).toFixed(4)), 1)
      : null,
    cei: {
      percent: (() => {
        const v = ceiPercent(begin.total, periodSales!, end.total, end.current);
        return v === null ? null : round(v, 1);
      })(),
      period: ceiPeriod,
      beginningAr: moneyString(begin.total, cur),
      creditSales: moneyString(periodSales!, cur),
      endingAr: moneyString(end.total, cur),
      endingCurrentAr: moneyString(end.current, cur),
    },
    shareOver60: ar.total.gt(0) ? round(Number(ar.over60.div(ar.total).toFixed(6)), 4) : null,
    shareOver90: ar.total.gt(0) ? round(Number(ar.over90.div(ar.total).toFixed(6)), 4) : null,
    definitions: KPI_DEFINITIONS,
  };
}
