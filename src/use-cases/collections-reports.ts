import { type AgeingReport, buildAgeing } from '../domain/ageing.js';
import { type ArKpis, buildKpis, type KpiOptions } from '../domain/ar-kpis.js';
import { type BacktestReport, runBacktest } from '../domain/backtest.js';
import { buildForecast, type CashForecast } from '../domain/cash-forecast.js';
import { type ScoredLedger, scoreLedger } from '../domain/collections-scoring.js';
import type { CollectionsSignals } from '../domain/collections-signals.js';
import type { RiskModel } from '../domain/late-payment-risk.js';
import type { IsoDate, Ledger } from '../domain/ledger.js';
import { indexLedger, snapshotAsOf } from '../domain/point-in-time.js';
import { type PriorityList, type PriorityOptions, prioritise } from '../domain/priority.js';
import { RISK_MODEL } from '../domain/risk-weights.js';

/**
 * The collections views the digest, the /ar commands and the CLI show, each over an already loaded Ledger and
 * the organisation-local `asOf`. Loading, the clock and presentation belong to the caller.
 */
export interface ScoringInputs {
  readonly signals?: CollectionsSignals;
  readonly model?: RiskModel;
}

export function buildAgingReport(
  ledger: Ledger,
  asOf: IsoDate,
  options: { contactIds?: readonly string[] } = {},
): AgeingReport {
  return buildAgeing(snapshotAsOf(indexLedger(ledger), asOf), options);
}

export function listPriorities(
  ledger: Ledger,
  asOf: IsoDate,
  options: ScoringInputs & { priority?: PriorityOptions } = {},
): PriorityList {
  return prioritiesOf(scoreLedger(ledger, asOf, options), options.priority);
}

/** The priority list of a ledger already scored. */
export function prioritiesOf(scored: ScoredLedger, options?: PriorityOptions): PriorityList {
  return prioritise(scored.snapshot, scored.behaviour, scored.risks, scored.signals, options);
}

/** The 30-day cash forecast of a ledger already scored. */
export function forecastOf(
  scored: ScoredLedger,
  options: { horizonDays?: number; disputedWeight?: number } = {},
): CashForecast {
  return buildForecast(scored.snapshot, scored.behaviour, scored.signals, {
    horizonDays: options.horizonDays ?? 30,
    risks: scored.risks,
    riskHorizonDays: scored.model.horizonDays,
    ...(options.disputedWeight === undefined ? {} : { disputedWeight: options.disputedWeight }),
  });
}

export function buildCashForecast(
  ledger: Ledger,
  asOf: IsoDate,
  options: ScoringInputs & { horizonDays?: number; disputedWeight?: number } = {},
): CashForecast {
  return forecastOf(scoreLedger(ledger, asOf, options), options);
}

export function buildKpiReport(ledger: Ledger, asOf: IsoDate, options: KpiOptions = {}): ArKpis {
  const index = indexLedger(ledger);
  return buildKpis(index, snapshotAsOf(index, asOf), options);
}

/** Backtest without the per-invoice rows (they can run to hundreds of thousands). */
export function runBacktestReport(
  ledger: Ledger,
  options: { from: IsoDate; to: IsoDate; model?: RiskModel; horizonDays?: number },
): BacktestReport {
  const { rows: _rows, ...report } = runBacktest(indexLedger(ledger), {
    from: options.from,
    to: options.to,
    model: options.model ?? RISK_MODEL,
    ...(options.horizonDays === undefined ? {} : { horizonDays: options.horizonDays }),
  });
  return report;
}
