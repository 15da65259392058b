import type { IsoDate } from './ledger.js';
import { unitsToNumber } from './money-units.js';
import type { PayerBehaviour } from './payer-behaviour.js';
import type { InvoicePosition } from './point-in-time.js';
import { conditionalStillUnpaid } from './survival-curve.js';

/**
 * The probability that an open invoice is still unpaid RISK_HORIZON_DAYS after `asOf`: a logistic model over
 * features that any Xero ledger yields as of a date. The weights are fixed and documented (risk-weights.ts,
 * docs/calibration.md), fitted offline on public data by scripts/calibrate-risk.ts with THIS feature code, so
 * production and calibration see identical features. Xero's developer terms forbid training on Xero data: the
 * model never learns from the ledger it scores; only the per-customer statistics are computed at run time.
 */
export const RISK_HORIZON_DAYS = 30;

export const RISK_FEATURES = [
  'days_until_due',
  'days_past_due',
  'expected_days_beyond_horizon',
  'history_still_unpaid',
  'late_share',
  'mean_days_late',
  'amount_vs_typical',
  'part_paid',
  'open_invoices',
  'history_length',
  'trend',
] as const;
export type RiskFeature = (typeof RISK_FEATURES)[number];
export type RiskFeatures = Readonly<Record<RiskFeature, number>>;

export const RISK_FEATURE_DEFINITIONS: Readonly<Record<RiskFeature, string>> = {
  days_until_due: 'min(max(due date − asOf, 0), 90) ÷ 30',
  days_past_due:
    'min(max(asOf − due date, 0), 60) ÷ 30 (capped: the calibration data have no invoice paid later than 45 days past due, so beyond that age the history-based features speak)',
  expected_days_beyond_horizon:
    'min(max(due date + customer mean days late (shrunk) − (asOf + 30), 0), 90) ÷ 30: how far past the horizon the customer would usually pay (0 when within it)',
  history_still_unpaid:
    "P(still unpaid 30 days later | unpaid at today's days past due) from Kaplan–Meier curves (open invoices censored) of the customer mixed with the organisation (weight n ÷ (n + 5)); 1 when no invoice was ever paid that late",
  late_share:
    "customer's share of settled invoices paid after the due date, shrunk to the organisation (k = 5)",
  mean_days_late: "customer's amount-weighted mean days late (shrunk) ÷ 30, capped at 6",
  amount_vs_typical: "clamp(ln(invoice base total ÷ customer's median invoice base total), −3, 3)",
  part_paid: '1 if something was paid or credited but not all, else 0',
  open_invoices: 'ln(1 + number of open invoices the customer has as of asOf)',
  history_length: 'ln(1 + number of invoices the customer has settled as of asOf)',
  trend: 'clamp((mean delay of last 5 settled − mean delay of the 20 before) ÷ 30, −2, 2); 0 when too few',
};

export interface RiskModel {
  readonly version: string;
  readonly calibratedOn: IsoDate;
  readonly dataSource: string;
  readonly horizonDays: number;
  readonly intercept: number;
  readonly weights: Readonly<Record<RiskFeature, number>>;
  /**
   * Days past due over which the calibrated score hands over, linearly, to the organisation's own Kaplan–Meier
   * estimate (feature history_still_unpaid). The calibration data hold no invoice paid more than 45 days late,
   * so the logistic score says nothing reliable about older debt; the run-time history does.
   */
  readonly handover: { readonly fromDaysPastDue: number; readonly toDaysPastDue: number };
}

const clamp = (x: number, lo: number, hi: number) => (x < lo ? lo : Math.min(x, hi));

/** Features of an open invoice as of the date its position was taken (position.daysOverdue is as of then). */
export function riskFeaturesOf(position: InvoicePosition, behaviour: PayerBehaviour): RiskFeatures {
  const dpd = position.daysOverdue;
  const totalBase = unitsToNumber(position.totalBaseUnits);
  const typical = behaviour.typicalInvoiceBase;
  // A ratio of amounts is a statistic, not money: floating point is fine here.
  const ratio = typical !== null && typical > 0 && totalBase > 0 ? Math.log(totalBase / typical) : 0;
  return {
    days_until_due: clamp(-dpd, 0, 90) / 30,
    days_past_due: clamp(dpd, 0, 60) / 30,
    expected_days_beyond_horizon: clamp(-dpd + behaviour.meanDaysLate - RISK_HORIZON_DAYS, 0, 90) / 30,
    history_still_unpaid: conditionalStillUnpaid(
      behaviour.survival,
      behaviour.organisationSurvival,
      behaviour.ownWeight,
      dpd,
      RISK_HORIZON_DAYS,
    ),
    late_share: behaviour.lateShare,
    mean_days_late: Math.min(behaviour.meanDaysLate / 30, 6),
    amount_vs_typical: clamp(ratio, -3, 3),
    part_paid: position.settledUnits > 0 && position.outstandingUnits > 0 ? 1 : 0,
    open_invoices: Math.log1p(behaviour.openCount),
    history_length: Math.log1p(behaviour.paidCount),
    trend: behaviour.trend.changeDays === null ? 0 : clamp(behaviour.trend.changeDays / 30, -2, 2),
  };
}

export function linearScore(model: RiskModel, features: RiskFeatures): number {
  let z = model.intercept;
  for (const f of RISK_FEATURES) z += model.weights[f] * features[f];
  return z;
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** The calibrated logistic score alone (what the calibration fits and the handover starts from). */
export function logisticRisk(model: RiskModel, features: RiskFeatures): number {
  return sigmoid(linearScore(model, features));
}

/**
 * P(still unpaid at asOf + horizon | open at asOf), 0..1: the logistic score up to
 * `handover.fromDaysPastDue`, the history's Kaplan–Meier estimate from `handover.toDaysPastDue`, a linear blend
 * between (days past due is recovered from its feature, which is capped at 60 days ≥ toDaysPastDue).
 */
export function lateRisk(model: RiskModel, features: RiskFeatures): number {
  const logistic = logisticRisk(model, features);
  const { fromDaysPastDue: from, toDaysPastDue: to } = model.handover;
  const dpd = features.days_past_due * 30;
  const w = to > from ? clamp((dpd - from) / (to - from), 0, 1) : dpd >= to ? 1 : 0;
  return (1 - w) * logistic + w * features.history_still_unpaid;
}

/**
 * An open invoice's risk. The features are recomputed when asked for (explanations, tests, calibration) rather
 * than kept: eleven numbers per invoice for 100k invoices is memory the scoring run has no use for.
 */
export class InvoiceRisk {
  constructor(
    readonly position: InvoicePosition,
    private readonly behaviour: PayerBehaviour,
    readonly risk: number,
  ) {}

  get features(): RiskFeatures {
    return riskFeaturesOf(this.position, this.behaviour);
  }
}

export function scoreOpenInvoices(
  open: readonly InvoicePosition[],
  behaviourOf: (contactId: string) => PayerBehaviour,
  model: RiskModel,
): InvoiceRisk[] {
  const out = new Array<InvoiceRisk>(open.length);
  for (let i = 0; i < open.length; i++) {
    const position = open[i]!;
    const behaviour = behaviourOf(position.invoice.contactId);
    out[i] = new InvoiceRisk(position, behaviour, lateRisk(model, riskFeaturesOf(position, behaviour)));
  }
  return out;
}
