import { describe, expect, it } from 'vitest';
import { LedgerBuilder } from '../testing/ledger-builders.js';
import { ageingBucketOf, buildAgeing, xeroMonthColumnOf } from './ageing.js';
import { indexLedger, snapshotAsOf } from './point-in-time.js';

describe('ageing buckets by due date', () => {
  it.each([
    [-10, 'current'],
    [0, 'current'], // due today is not late yet
    [1, 'days1to30'],
    [30, 'days1to30'],
    [31, 'days31to60'],
    [60, 'days31to60'],
    [61, 'days61to90'],
    [90, 'days61to90'],
    [91, 'over90'],
  ])('%i days past due → %s', (dpd, bucket) => {
    expect(ageingBucketOf(dpd)).toBe(bucket);
  });

  it.each([
    ['2026-11-30', '2026-11-30', 'current'], // due on the report date
    ['2026-12-05', '2026-11-30', 'current'],
    ['2026-11-01', '2026-11-30', 'underOneMonth'],
    ['2026-10-31', '2026-11-30', 'oneMonth'], // previous calendar month, though only 30 days back
    ['2026-10-01', '2026-11-30', 'oneMonth'],
    ['2026-09-30', '2026-11-30', 'twoMonths'],
    ['2026-08-01', '2026-11-30', 'threeMonths'],
    ['2026-07-31', '2026-11-30', 'older'],
    ['2024-02-29', '2024-03-01', 'oneMonth'], // leap day, the month before
    ['2024-02-29', '2024-02-29', 'current'],
    ['2025-12-31', '2026-01-01', 'oneMonth'], // across the year end
  ])('Xero month view: due %s as of %s → %s', (due, asOf, column) => {
    expect(xeroMonthColumnOf(due, asOf)).toBe(column);
  });
});

describe('buildAgeing', () => {
  const ledger = () => {
    const b = new LedgerBuilder({ baseCurrency: 'NZD', timezone: 'Pacific/Auckland' });
    const acme = b.contact({ name: 'Acme Ltd', accountNumber: 'ACME' });
    const bolt = b.contact({ name: 'Bolt & Co' });
    // Due today (2026-03-31): current.
    b.invoice(acme, { date: '2026-03-01', dueDate: '2026-03-31', total: '100.00' });
    // 45 days overdue, part-paid 40.
    const part = b.invoice(acme, { date: '2026-01-15', dueDate: '2026-02-14', total: '250.00' });
    b.payment(part, '2026-03-01', '40.00');
    // AUD invoice, rate 1.25 AUD per NZD → base = 500 ÷ 1.25 = 400 NZD; 95 days overdue.
    b.invoice(bolt, {
      date: '2025-11-26',
      dueDate: '2025-12-26',
      total: '500.00',
      currency: 'AUD',
      currencyRate: '1.25',
    });
    // Fully paid: not aged.
    const paid = b.invoice(bolt, { date: '2026-02-01', total: '70.00' });
    b.payment(paid, '2026-03-02', '70.00');
    // Unapplied credit note on Acme (AUD 30 at 1.2 → 25 NZD): shown, not netted.
    b.credit(acme, { date: '2026-03-10', total: '30.00', currency: 'AUD', currencyRate: '1.2' });
    return b.build();
  };

  it('ages amounts outstanding at the end of the day, per customer and in total, in invoice and base currency', () => {
    const report = buildAgeing(snapshotAsOf(indexLedger(ledger()), '2026-03-31'));
    expect(report.total).toEqual({
      current: '100.00',
      days1to30: '0.00',
      days31to60: '210.00',
      days61to90: '0.00',
      over90: '400.00',
      total: '710.00',
    });
    expect(report.unappliedCreditsBase).toBe('25.00');
    expect(report.byCurrency.map((c) => [c.currency, c.amounts.total, c.base.total])).toEqual([
      ['AUD', '500.00', '400.00'],
      ['NZD', '310.00', '310.00'],
    ]);
    expect(report.customers.map((c) => [c.contactName, c.base.total, c.oldestDaysOverdue])).toEqual([
      ['Bolt & Co', '400.00', 95],
      ['Acme Ltd', '310.00', 45],
    ]);
    const acme = report.customers[1]!;
    expect(acme.invoices.map((i) => [i.number, i.amountDue, i.daysOverdue, i.bucket, i.partPaid])).toEqual([
      ['INV-i2', '210.00', 45, 'days31to60', true],
      ['INV-i1', '100.00', 0, 'current', false],
    ]);
    expect(acme.unappliedCredits).toEqual([
      {
        creditId: 'n1',
        kind: 'credit_note',
        number: 'CN-n1',
        date: '2026-03-10',
        currency: 'AUD',
        amount: '30.00',
        baseAmount: '25.00',
      },
    ]);
    expect(acme.base.total).toBe('310.00');
    expect(report.xeroMonths).toEqual({
      current: '100.00',
      underOneMonth: '0.00',
      oneMonth: '210.00',
      twoMonths: '0.00',
      threeMonths: '400.00',
      older: '0.00',
      total: '710.00',
    });
  });

  it('filters to chosen customers and moves an invoice out of Current the day after it is due', () => {
    const report = buildAgeing(snapshotAsOf(indexLedger(ledger()), '2026-04-01'), { contactIds: ['c1'] });
    expect(report.customers).toHaveLength(1);
    expect(report.total.current).toBe('0.00');
    expect(report.total.days1to30).toBe('100.00');
    expect(report.total.days31to60).toBe('210.00');
  });

  it('rounds base amounts to the base currency minor unit (JPY has none)', () => {
    const b = new LedgerBuilder({ baseCurrency: 'JPY' });
    b.invoice(b.contact(), { date: '2026-01-01', total: '100.00', currency: 'USD', currencyRate: '0.0066' });
    const report = buildAgeing(snapshotAsOf(indexLedger(b.build()), '2026-01-05'));
    // 100 ÷ 0.0066 = 15151.515… → ¥15152
    expect(report.total.current).toBe('15152');
    expect(report.byCurrency[0]!.amounts.current).toBe('100.00');
  });
});
