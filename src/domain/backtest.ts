import { daysOverdue } from './ageing.js';
import { addDays, daysBetween, monthEndsBetween } from './calendar.js';
import { paymentDayProbabilitiesByInvoice } from './cash-forecast.js';
import { type CollectionsSignals, NO_SIGNALS } from './collections-signals.js';
import { type RiskModel, scoreOpenInvoices } from './late-payment-risk.js';
import type { IsoDate } from './ledger.js';
import { toBaseUnits, unitsToNumber } from './money-units.js';
import { buildBehaviour } from './payer-behaviour.js';
import { type LedgerIndex, paymentsDatedBetween, positionAsOf, snapshotAsOf } from './point-in-time.js';

/**
 * Replays month ends: at each month end D, every invoice open at D is scored with data dated ≤ D only, and the
 * outcome is read later: still unpaid at D + horizon (risk), cash paid in (D, D + horizon] (forecast).
 * Month ends run from `from` to `to − horizon`, so every outcome window lies inside the observed data (`to` is
 * the last day the ledger is known to be complete).
 */

/** ROC AUC by ranks (Mann–Whitney U), ties counted half. null when one class is missing. */
export function rocAuc(scores: readonly number[], labels: readonly boolean[]): number | null {
  const order = scores.map((s, i) => ({ s, y: labels[i]! })).sort((a, b) => a.s - b.s);
  let pos = 0;
  let rankSum = 0;
  let i = 0;
  while (i < order.length) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]!.s === order[i]!.s) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (order[k]!.y) {
        pos++;
        rankSum += avgRank;
      }
    }
    i = j + 1;
  }
  const neg = order.length - pos;
  if (pos === 0 || neg === 0) return null;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

export function brierScore(probabilities: readonly number[], labels: readonly boolean[]): number | null {
  if (probabilities.length === 0) return null;
  let s = 0;
  probabilities.forEach((p, i) => {
    s += (p - (labels[i] ? 1 : 0)) ** 2;
  });
  return s / probabilities.length;
}

export interface CalibrationRow {
  readonly bin: number;
  readonly count: number;
  readonly meanPredicted: number;
  readonly observedRate: number;
}

/** Equal-count bins by predicted probability (deciles by default). */
export function calibrationTable(
  probabilities: readonly number[],
  labels: readonly boolean[],
  bins = 10,
): CalibrationRow[] {
  const order = probabilities.map((p, i) => ({ p, y: labels[i]! })).sort((a, b) => a.p - b.p);
  const rows: CalibrationRow[] = [];
  for (let b = 0; b < bins; b++) {
    const slice = order.slice(
      Math.floor((b * order.length) / bins),
      Math.floor(((b + 1) * order.length) / bins),
    );
    if (slice.length === 0) continue;
    rows.push({
      bin: b + 1,
      count: slice.length,
      meanPredicted: slice.reduce((a, x) => a + x.p, 0) / slice.length,
      observedRate: slice.filter((x) => x.y).length / slice.length,
    });
  }
  return rows;
}

/** Weighted absolute percentage error: Σ|predicted − actual| ÷ Σ actual. */
export function wape(predicted: readonly number[], actual: readonly number[]): number | null {
  let err = 0;
  let tot = 0;
  predicted.forEach((p, i) => {
    err += Math.abs(p - actual[i]!);
    tot += actual[i]!;
  });
  return tot > 0 ? err / tot : null;
}

export interface BacktestObservation {
  readonly asOf: IsoDate;
  readonly invoiceId: string;
  readonly contactId: string;
  readonly risk: number;
  readonly daysOverdue: number;
  readonly pastLateShare: number;
  readonly stillUnpaid: boolean;
}

export interface ForecastErrors {
  /** Over month-end totals: collections in (D, D + horizon], organisation-wide. */
  readonly wapeByMonth: number | null;
  /** Over each day D + 1 .. D + horizon, organisation-wide (what the daily forecast shows). */
  readonly wapeByDay: number | null;
  /** Over (month end, customer) window totals. */
  readonly wapeByCustomer: number | null;
}

export interface BacktestReport {
  readonly from: IsoDate;
  readonly to: IsoDate;
  readonly horizonDays: number;
  readonly modelVersion: string;
  readonly monthEnds: readonly IsoDate[];
  readonly observations: number;
  readonly stillUnpaidRate: number | null;
  readonly risk: {
    readonly auc: number | null;
    readonly brier: number | null;
    readonly calibration: readonly CalibrationRow[];
  };
  readonly baselines: {
    readonly daysOverdue: { readonly auc: number | null };
    readonly pastLateShare: { readonly auc: number | null; readonly brier: number | null };
    readonly paidOnDueDate: ForecastErrors;
  };
  readonly forecast: ForecastErrors & { readonly predictedBase: number; readonly actualBase: number };
  readonly definitions: Readonly<Record<string, string>>;
}

export const BACKTEST_DEFINITIONS = {
  outcome: 'still unpaid (outstanding > 0) at month end + horizon',
  daysOverdue: 'baseline: days past due at the month end as the score (AUC only)',
  pastLateShare: "baseline: the customer's shrunk past late share as the probability",
  paidOnDueDate:
    'baseline forecast: each open invoice is paid in full on its due date; one already overdue is paid the next day',
  forecast:
    'collections = cash payments (base currency at the invoice rate) in (D, D + horizon] on invoices open at D',
} as const;

export function runBacktest(
  index: LedgerIndex,
  options: {
    readonly from: IsoDate;
    readonly to: IsoDate;
    readonly model: RiskModel;
    readonly horizonDays?: number;
    readonly signals?: CollectionsSignals;
  },
): BacktestReport & { readonly rows: readonly BacktestObservation[] } {
  const horizon = options.horizonDays ?? options.model.horizonDays;
  const monthEnds = monthEndsBetween(options.from, addDays(options.to, -horizon));
  const rows: BacktestObservation[] = [];
  const fc = { pred: [] as number[], base: [] as number[], actual: [] as number[] };
  const monthly = { pred: [] as number[], base: [] as number[], actual: [] as number[] };
  const daily = { pred: [] as number[], base: [] as number[], actual: [] as number[] };

  for (const D of monthEnds) {
    const snapshot = snapshotAsOf(index, D);
    const behaviour = buildBehaviour(snapshot, options.signals ?? NO_SIGNALS);
    const risks = scoreOpenInvoices(snapshot.open, (id) => behaviour.behaviourOf(id), options.model);
    const riskById = new Map(risks.map((r) => [r.position.invoice.id, r.risk]));
    const dayProbs = paymentDayProbabilitiesByInvoice(
      snapshot,
      behaviour,
      horizon,
      riskById,
      options.model.horizonDays,
    );
    const end = addDays(D, horizon);
    const perCustomer = new Map<string, { pred: number; base: number; actual: number }>();
    const dayPred = new Array<number>(horizon).fill(0);
    const dayBase = new Array<number>(horizon).fill(0);
    const dayActual = new Array<number>(horizon).fill(0);
    for (const r of risks) {
      const inv = r.position.invoice;
      const later = positionAsOf(index, inv.id, end);
      const dpd = daysOverdue(inv.dueDate, D);
      rows.push({
        asOf: D,
        invoiceId: inv.id,
        contactId: inv.contactId,
        risk: r.risk,
        daysOverdue: dpd,
        pastLateShare: behaviour.behaviourOf(inv.contactId).lateShare,
        stillUnpaid: later !== null && later.outstandingUnits > 0,
      });
      const owed = unitsToNumber(r.position.outstandingBaseUnits);
      const q = dayProbs.get(inv.id);
      let predicted = 0;
      q?.forEach((qj, j) => {
        dayPred[j]! += owed * qj;
        predicted += owed * qj;
      });
      // Baseline: paid in full on the due date, or the next day when already overdue.
      const baselineDay = Math.max(1, daysBetween(D, inv.dueDate));
      if (baselineDay <= horizon) dayBase[baselineDay - 1]! += owed;
      let paid = 0;
      for (const pay of paymentsDatedBetween(index, inv.id, D, end)) {
        const amount = Math.min(
          unitsToNumber(toBaseUnits(pay.units, inv.currencyRate, index.baseCurrency)),
          owed - paid,
        );
        if (amount <= 0) break;
        paid += amount;
        dayActual[daysBetween(D, pay.date) - 1]! += amount;
      }
      const c = perCustomer.get(inv.contactId) ?? { pred: 0, base: 0, actual: 0 };
      c.pred += predicted;
      c.base += baselineDay <= horizon ? owed : 0;
      c.actual += paid;
      perCustomer.set(inv.contactId, c);
    }
    for (const c of perCustomer.values()) {
      fc.pred.push(c.pred);
      fc.base.push(c.base);
      fc.actual.push(c.actual);
    }
    const total = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    monthly.pred.push(total(dayPred));
    monthly.base.push(total(dayBase));
    monthly.actual.push(total(dayActual));
    daily.pred.push(...dayPred);
    daily.base.push(...dayBase);
    daily.actual.push(...dayActual);
  }

  const labels = rows.map((r) => r.stillUnpaid);
  const risk = rows.map((r) => r.risk);
  const share = rows.map((r) => r.pastLateShare);
  return {
    from: options.from,
    to: options.to,
    horizonDays: horizon,
    modelVersion: options.model.version,
    monthEnds,
    observations: rows.length,
    stillUnpaidRate: rows.length ? labels.filter(Boolean).length / rows.length : null,
    risk: {
      auc: rocAuc(risk, labels),
      brier: brierScore(risk, labels),
      calibration: calibrationTable(risk, labels),
    },
    baselines: {
      daysOverdue: {
        auc: rocAuc(
          rows.map((r) => r.daysOverdue),
          labels,
        ),
      },
      pastLateShare: { auc: rocAuc(share, labels), brier: brierScore(share, labels) },
      paidOnDueDate: {
        wapeByMonth: wape(monthly.base, monthly.actual),
        wapeByDay: wape(daily.base, daily.actual),
        wapeByCustomer: wape(fc.base, fc.actual),
      },
    },
    forecast: {
      wapeByMonth: wape(monthly.pred, monthly.actual),
      wapeByDay: wape(daily.pred, daily.actual),
      wapeByCustomer: wape(fc.pred, fc.actual),
      predictedBase: Math.round(fc.pred.reduce((a, b) => a + b, 0) * 100) / 100,
      actualBase: Math.round(fc.actual.reduce((a, b) => a + b, 0) * 100) / 100,
    },
    definitions: BACKTEST_DEFINITIONS,
    rows,
  };
}
