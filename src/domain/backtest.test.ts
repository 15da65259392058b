import { describe, expect, it } from 'vitest';
import { LedgerBuilder } from '../testing/ledger-builders.js';
import { brierScore, calibrationTable, rocAuc, runBacktest, wape } from './backtest.js';
import { addMonths } from './calendar.js';
import { indexLedger } from './point-in-time.js';
import { RISK_MODEL } from './risk-weights.js';

describe('metrics', () => {
  it.each([
    [[0.1, 0.4, 0.35, 0.8], [false, false, true, true], 0.75],
    [[0.1, 0.2, 0.3, 0.4], [false, false, true, true], 1],
    [[0.4, 0.3, 0.2, 0.1], [false, false, true, true], 0],
    [[0.5, 0.5], [true, false], 0.5], // ties count half
    [[0.2, 0.5, 0.5, 0.9], [false, true, false, true], 0.875],
  ])('ROC AUC of %j with labels %j is %d', (scores, labels, auc) => {
    expect(rocAuc(scores, labels)).toBeCloseTo(auc, 12);
  });

  it('has no AUC with a single class, and Brier / WAPE from their definitions', () => {
    expect(rocAuc([0.1, 0.2], [true, true])).toBeNull();
    expect(brierScore([0.9, 0.2], [true, false])).toBeCloseTo((0.01 + 0.04) / 2, 12);
    expect(brierScore([], [])).toBeNull();
    expect(wape([10, 0], [8, 2])).toBeCloseTo(0.4, 12);
    expect(wape([1], [0])).toBeNull();
  });

  it('bins predictions into equal-count bins', () => {
    const p = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0];
    const y = [false, false, false, false, true, false, true, true, true, true];
    expect(calibrationTable(p, y, 2)).toEqual([
      { bin: 1, count: 5, meanPredicted: expect.closeTo(0.3, 12), observedRate: 0.2 },
      { bin: 2, count: 5, meanPredicted: expect.closeTo(0.8, 12), observedRate: 0.8 },
    ]);
  });
});

describe('runBacktest', () => {
  // One customer invoices on the 1st of each month (30-day terms) and always pays exactly 10 days late.
  function regularPayer() {
    const b = new LedgerBuilder();
    const c = b.contact();
    for (let m = 0; m < 12; m++) b.paidInvoice(c, addMonths('2025-01-01', m), 10, { total: `${100 + m}.00` });
    return indexLedger(b.build());
  }

  it('scores every invoice open at each month end and reads the outcome 30 days later', () => {
    const report = runBacktest(regularPayer(), { from: '2025-06-01', to: '2026-01-31', model: RISK_MODEL });
    expect(report.monthEnds).toEqual([
      '2025-06-30',
      '2025-07-31',
      '2025-08-31',
      '2025-09-30',
      '2025-10-31',
      '2025-11-30',
      '2025-12-31',
    ]);
    // At 2025-06-30 only June's invoice is open (May's, due 05-31, was paid 06-10): due 07-01, paid 07-11, so
    // paid by 07-30.
    const june = report.rows.filter((r) => r.asOf === '2025-06-30');
    expect(june.map((r) => [r.invoiceId, r.daysOverdue, r.stillUnpaid])).toEqual([['i6', -1, false]]);
    expect(report.observations).toBe(report.rows.length);
    expect(report.modelVersion).toBe(RISK_MODEL.version);
  });

  it('forecasts a perfectly regular payer exactly, where "paid on the due date" is 10 days off', () => {
    const report = runBacktest(regularPayer(), { from: '2025-06-01', to: '2026-01-31', model: RISK_MODEL });
    expect(report.forecast.wapeByDay).toBeCloseTo(0, 9);
    expect(report.forecast.wapeByMonth).toBeCloseTo(0, 9);
    expect(report.baselines.paidOnDueDate.wapeByDay).toBeGreaterThan(1);
    expect(report.forecast.predictedBase).toBe(report.forecast.actualBase);
  });
});
