import { describe, expect, it } from 'vitest';
import { LedgerBuilder } from '../testing/ledger-builders.js';
import { buildKpis, ceiPercent, countbackDays, countbackMonths } from './ar-kpis.js';
import { dec } from './money.js';
import { indexLedger, snapshotAsOf } from './point-in-time.js';

describe('countback DSO', () => {
  it('reproduces the reference example: AR 212k, sales 100k/80k/70k, 30-day months → ≈ 73.7 days', () => {
    const r = countbackDays(dec(212_000), [
      { sales: dec(100_000), days: 30 },
      { sales: dec(80_000), days: 30 },
      { sales: dec(70_000), days: 30 },
    ]);
    expect(r.days).toBeCloseTo(30 + 30 + (32 / 70) * 30, 6);
    expect(r.days.toFixed(1)).toBe('73.7');
    expect(r.exhausted).toBe(false);
  });

  it.each([
    [0, [100], 0, false],
    [50, [100], 15, false],
    [100, [100, 50], 30, false],
    [300, [100, 0, 50], 90, true], // a month without sales adds its days; AR outlives the periods
  ])('AR %i over sales %j → %i days (exhausted %s)', (ar, sales, days, exhausted) => {
    const r = countbackDays(
      dec(ar),
      sales.map((s) => ({ sales: dec(s), days: 30 })),
    );
    expect(r.days).toBeCloseTo(days, 9);
    expect(r.exhausted).toBe(exhausted);
  });

  it('counts back calendar months from a month end, and same-day months otherwise', () => {
    expect(countbackMonths('2024-03-31', 2)).toEqual([
      { from: '2024-03-01', to: '2024-03-31' },
      { from: '2024-02-01', to: '2024-02-29' },
    ]);
    expect(countbackMonths('2026-11-21', 2)).toEqual([
      { from: '2026-10-22', to: '2026-11-21' },
      { from: '2026-09-22', to: '2026-10-21' },
    ]);
  });
});

describe('CEI', () => {
  it('uses same-period total sales: (B + S − E) ÷ (B + S − current E)', () => {
    expect(ceiPercent(dec(100), dec(200), dec(120), dec(60))).toBe(75);
    expect(ceiPercent(dec(0), dec(0), dec(0), dec(0))).toBeNull();
  });
});

describe('buildKpis', () => {
  it('computes every KPI from the point-in-time ledger', () => {
    const b = new LedgerBuilder();
    const c = b.contact();
    const jan = b.invoice(c, { date: '2026-01-10', total: '500.00' });
    b.payment(jan, '2026-02-20', '500.00');
    const feb = b.invoice(c, { date: '2026-02-10', dueDate: '2026-03-12', total: '600.00' });
    b.payment(feb, '2026-03-20', '200.00');
    b.invoice(c, { date: '2026-03-15', dueDate: '2026-04-14', total: '1000.00' });
    b.invoice(c, { date: '2026-04-02', total: '999.00' }); // after asOf: ignored
    const index = indexLedger(b.build());
    const k = buildKpis(index, snapshotAsOf(index, '2026-03-31'));
    expect(k.ar).toEqual({
      total: '1400.00',
      current: '1000.00',
      overdue: '400.00',
      over60: '0.00',
      over90: '0.00',
    });
    // March sales 1000 (31 days) → 400 left; February 600 > 400 → 400/600 × 28.
    expect(k.dso.days).toBe(Math.round((31 + (400 / 600) * 28) * 10) / 10);
    expect(k.bestPossibleDso.days).toBe(31);
    expect(k.averageDaysDelinquent).toBe(Math.round((400 / 600) * 28 * 10) / 10);
    expect(k.weightedAverageDaysOverdue).toBe(19);
    // 2026-03-02..2026-03-31: B = 600 (Feb open on 1 March), S = 1000, E = 1400, current E = 1000.
    expect(k.cei).toEqual({
      percent: 33.3,
      period: { from: '2026-03-02', to: '2026-03-31' },
      beginningAr: '600.00',
      creditSales: '1000.00',
      endingAr: '1400.00',
      endingCurrentAr: '1000.00',
    });
    expect(k.shareOver60).toBe(0);
    expect(k.definitions.cei).toMatch(/same-period total credit sales/);
  });

  it('measures the share over 60 and 90 days past due', () => {
    const b = new LedgerBuilder();
    const c = b.contact();
    b.invoice(c, { date: '2025-12-01', dueDate: '2025-12-15', total: '300.00' }); // 106 days
    b.invoice(c, { date: '2026-01-01', dueDate: '2026-01-20', total: '100.00' }); // 70 days
    b.invoice(c, { date: '2026-03-01', dueDate: '2026-04-10', total: '600.00' });
    const index = indexLedger(b.build());
    const k = buildKpis(index, snapshotAsOf(index, '2026-03-31'));
    expect(k.shareOver60).toBe(0.4);
    expect(k.shareOver90).toBe(0.3);
  });
});
