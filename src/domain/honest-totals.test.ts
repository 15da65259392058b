import { describe, expect, it } from 'vitest';
import { FX_AS_OF, fxLedger } from '../testing/fx-ledger-fixture.js';
import { AGEING_BUCKETS, buildAgeing, XERO_MONTH_COLUMNS } from './ageing.js';
import { buildKpis } from './ar-kpis.js';
import { buildForecast, paymentDayProbabilitiesByInvoice } from './cash-forecast.js';
import { scoreLedger } from './collections-scoring.js';
import { Big, type Decimal, dec, sum, toBase } from './money.js';
import { indexLedger, snapshotAsOf } from './point-in-time.js';
import { prioritise } from './priority.js';

/** Σ of figures as printed (each already at the currency's minor unit), printed the same way. */
const total = (figures: readonly Decimal[]) => sum(figures).toFixed(2);

describe('every total equals the sum of the lines shown beside it (NZD base, USD/AUD/GBP invoices)', () => {
  const ledger = fxLedger();
  const index = indexLedger(ledger);
  const snapshot = snapshotAsOf(index, FX_AS_OF);
  const scored = scoreLedger(ledger, FX_AS_OF);
  const ageing = buildAgeing(snapshot);
  const priorities = prioritise(scored.snapshot, scored.behaviour, scored.risks, scored.signals);
  const kpis = buildKpis(index, snapshot);

  it('the fixture exercises the problem: unrounded base amounts add up to another cent than rounded ones', () => {
    const open = snapshot.open.filter((p) => p.invoice.currencyRate !== null);
    const exact = open.map((p) => toBase(p.outstanding, p.invoice.currencyRate));
    const roundedEach = sum(exact.map((b) => b.toFixed(2)));
    expect(sum(exact).toFixed(2)).not.toBe(roundedEach.toFixed(2));
  });

  it('converts each document to base currency once, rounded to the cent as Xero stores it', () => {
    for (const p of snapshot.open) {
      const exact = toBase(p.outstanding, p.invoice.currencyRate);
      expect(p.outstandingBase.toFixed(4), p.invoice.number ?? '').toBe(
        exact.toFixed(2, Big.roundHalfUp) + '00',
      );
      expect(p.totalBase.toFixed(4)).toBe(toBase(p.total, p.invoice.currencyRate).toFixed(2) + '00');
    }
  });

  it('ageing: invoice lines add up to their customer, customers and buckets to the totals', () => {
    for (const c of ageing.customers) {
      expect(total(c.invoices.map((i) => i.baseAmountDue)), c.contactName).toBe(c.base.total);
      expect(total(AGEING_BUCKETS.map((b) => c.base[b])), c.contactName).toBe(c.base.total);
      expect(total(XERO_MONTH_COLUMNS.map((m) => c.xeroMonths[m])), c.contactName).toBe(c.xeroMonths.total);
      expect(total(c.unappliedCredits.map((x) => x.baseAmount))).toBe(c.unappliedCreditsBase);
      for (const b of AGEING_BUCKETS) {
        const lines = c.invoices.filter((i) => i.bucket === b).map((i) => i.baseAmountDue);
        expect(total(lines), `${c.contactName} ${b}`).toBe(c.base[b]);
      }
    }
    for (const b of [...AGEING_BUCKETS, 'total'] as const) {
      expect(total(ageing.customers.map((c) => c.base[b])), b).toBe(ageing.total[b]);
    }
    expect(total(AGEING_BUCKETS.map((b) => ageing.total[b]))).toBe(ageing.total.total);
    expect(total(XERO_MONTH_COLUMNS.map((m) => ageing.xeroMonths[m]))).toBe(ageing.xeroMonths.total);
    expect(ageing.xeroMonths.total).toBe(ageing.total.total);
    expect(total(ageing.customers.map((c) => c.unappliedCreditsBase))).toBe(ageing.unappliedCreditsBase);
    for (const row of ageing.byCurrency) {
      expect(total(AGEING_BUCKETS.map((b) => row.base[b])), row.currency).toBe(row.base.total);
    }
    expect(total(ageing.byCurrency.map((r) => r.base.total))).toBe(ageing.total.total);
  });

  it('priorities: a customer’s balance, overdue, cash at risk and score are the sums of their invoices', () => {
    for (const c of priorities.customers) {
      const invoices = c.invoices;
      expect(total(invoices.map((i) => i.baseAmountDue)), c.contactName).toBe(c.balanceBase);
      expect(
        total(invoices.filter((i) => i.daysOverdue > 0).map((i) => i.baseAmountDue)),
        c.contactName,
      ).toBe(c.overdueBase);
      expect(total(invoices.map((i) => i.cashAtRiskBase)), c.contactName).toBe(c.cashAtRiskBase);
      expect(total(invoices.map((i) => i.score)), c.contactName).toBe(c.score);
    }
  });

  it('kpis: total = current + overdue, and the overdue figures are the ageing buckets’ (as in the digest)', () => {
    const { ar } = kpis;
    expect(dec(ar.current).plus(ar.overdue).toFixed(2)).toBe(ar.total);
    expect(ar.total).toBe(ageing.total.total);
    expect(ar.current).toBe(ageing.total.current);
    const overdueBuckets = AGEING_BUCKETS.filter((b) => b !== 'current').map((b) => ageing.total[b]);
    expect(total(overdueBuckets)).toBe(ar.overdue);
    expect(total([ageing.total.days61to90, ageing.total.over90])).toBe(ar.over60);
    expect(ar.over90).toBe(ageing.total.over90);
    const digestTotal = total(
      priorities.invoices.filter((i) => i.daysOverdue > 0).map((i) => i.baseAmountDue),
    );
    expect(digestTotal).toBe(ar.overdue);
    expect(total(priorities.customers.map((c) => c.overdueBase))).toBe(ar.overdue);
  });

  it.each([
    7, 14, 30, 60,
  ])('forecast over %i days: the days add up to the total, the first seven to the week, the payers to the total', (horizonDays) => {
    const f = buildForecast(scored.snapshot, scored.behaviour, scored.signals, {
      horizonDays,
      risks: scored.risks,
    });
    expect(total(f.days.map((d) => d.expected))).toBe(f.total.expected);
    expect(total(f.days.slice(0, 7).map((d) => d.expected))).toBe(f.next7Days.expected);
    expect(total(f.byContact.map((c) => c.expected))).toBe(f.total.expected);
    expect(f.openBase).toBe(ageing.total.total);
  });

  it('forecast: each line stays within a cent of its exact value, and the total is the exact total rounded', () => {
    const f = buildForecast(scored.snapshot, scored.behaviour, scored.signals, {
      horizonDays: 30,
      risks: scored.risks,
    });
    const risk = new Map(scored.risks.map((r) => [r.position.invoice.id, r.risk]));
    const q = paymentDayProbabilitiesByInvoice(scored.snapshot, scored.behaviour, 30, risk);
    // The forecast's own arithmetic: probabilities quantised to 2⁻²⁰, amount × probability summed exactly.
    const quantised = (p: number) => Math.round(p * 2 ** 20) / 2 ** 20;
    const exact = f.days.map((_, j) =>
      scored.snapshot.open.reduce(
        (s, p) => s.plus(p.outstandingBase.times(quantised(q.get(p.invoice.id)![j]!))),
        new Big(0),
      ),
    );
    f.days.forEach((d, j) => {
      expect(
        dec(d.expected).minus(exact[j]!).abs().lt('0.01'),
        `${d.date}: ${d.expected} vs ${exact[j]}`,
      ).toBe(true);
    });
    expect(f.total.expected).toBe(sum(exact).toFixed(2));
  });
});

describe('whom to chase: customers with something overdue, numbered 1..n without gaps', () => {
  const ledger = fxLedger();
  const scored = scoreLedger(ledger, FX_AS_OF);
  const priorities = prioritise(scored.snapshot, scored.behaviour, scored.risks, scored.signals);

  it('ranks every customer with something overdue before any customer with nothing overdue', () => {
    const ranks = priorities.customers.map((c) => c.rank);
    expect(ranks).toEqual(ranks.map((_, i) => i + 1));
    const overdue = priorities.customers.filter((c) => dec(c.overdueBase).gt(0));
    expect(overdue.map((c) => c.rank)).toEqual(overdue.map((_, i) => i + 1));
    const early = priorities.customers.find((c) => c.contactName === 'Early Bird Ltd')!;
    // It scores highest (a large balance, likely to be paid late) but has nothing to chase yet.
    expect(Number(early.score)).toBeGreaterThan(Number(overdue[0]!.score));
    expect(early.rank).toBe(overdue.length + 1);
  });
});
