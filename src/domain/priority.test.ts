import { describe, expect, it } from 'vitest';
import { LedgerBuilder } from '../testing/ledger-builders.js';
import type { CollectionsSignals } from './collections-signals.js';
import {
  lateRisk,
  RISK_FEATURES,
  type RiskModel,
  riskFeaturesOf,
  scoreOpenInvoices,
} from './late-payment-risk.js';
import { buildBehaviour } from './payer-behaviour.js';
import { indexLedger, positionAsOf, snapshotAsOf } from './point-in-time.js';
import { ageFactor, prioritise } from './priority.js';
import { RISK_MODEL } from './risk-weights.js';

const asOf = '2026-06-30';
// Every invoice 50% risky, with no hand-over to the history (so the arithmetic below is by hand).
const flat: RiskModel = {
  ...RISK_MODEL,
  handover: { fromDaysPastDue: 1000, toDaysPastDue: 1000 },
  intercept: 0,
  weights: Object.fromEntries(RISK_FEATURES.map((f) => [f, 0])) as RiskModel['weights'],
};

function ledger() {
  const b = new LedgerBuilder({ baseCurrency: 'USD' });
  const slow = b.contact({ name: 'Slow Co' });
  const fresh = b.contact({ name: 'Fresh Ltd' });
  for (let m = 1; m <= 10; m++) {
    b.paidInvoice(slow, `2025-${String(m).padStart(2, '0')}-01`, m <= 8 ? 12 : 0);
  }
  b.invoice(slow, { date: '2026-04-14', dueDate: '2026-05-14', total: '18000.00' }); // 47 days overdue
  const part = b.invoice(slow, { date: '2026-05-10', dueDate: '2026-06-09', total: '3000.00' }); // 21 days
  b.payment(part, '2026-06-20', '1000.00');
  b.invoice(slow, { date: '2026-06-20', dueDate: '2026-07-20', total: '500.00' }); // not due
  // EUR invoice at 0.5 EUR per USD → 2000 USD base.
  b.invoice(fresh, {
    date: '2026-06-01',
    dueDate: '2026-07-05',
    total: '1000.00',
    currency: 'EUR',
    currencyRate: '0.5',
  });
  return b.build();
}

describe('risk features and score', () => {
  it('computes the documented features from the point-in-time position and behaviour', () => {
    const index = indexLedger(ledger());
    const snapshot = snapshotAsOf(index, asOf);
    const beh = buildBehaviour(snapshot).behaviourOf('c1');
    const f = riskFeaturesOf(positionAsOf(index, 'i12', asOf)!, beh);
    expect(f.days_past_due).toBeCloseTo(21 / 30, 12);
    expect(f.days_until_due).toBe(0);
    expect(f.part_paid).toBe(1);
    expect(f.open_invoices).toBeCloseTo(Math.log(4), 12);
    expect(f.history_length).toBeCloseTo(Math.log(11), 12);
    expect(f.late_share).toBeCloseTo(beh.lateShare, 12);
    // The customer usually pays ~12 days late: long before the horizon, so nothing beyond it.
    expect(f.expected_days_beyond_horizon).toBe(0);
    // Nobody in this history stayed unpaid 21 days past due and then paid: no evidence of payment at this age.
    expect(f.history_still_unpaid).toBe(1);
    expect(lateRisk(flat, f)).toBe(0.5);
  });

  it('ranks a chronic late payer’s overdue invoice above a fresh on-time one with the calibrated weights', () => {
    const index = indexLedger(ledger());
    const snapshot = snapshotAsOf(index, asOf);
    const beh = buildBehaviour(snapshot);
    const risks = scoreOpenInvoices(snapshot.open, (id) => beh.behaviourOf(id), RISK_MODEL);
    const byId = new Map(risks.map((r) => [r.position.invoice.id, r.risk]));
    expect(byId.get('i11')!).toBeGreaterThan(0);
    expect(byId.get('i11')!).toBeLessThan(1);
    // Not yet due and due in 20 days from a slow payer (12 days late on average) → likely still open in 30 days.
    expect(byId.get('i13')!).toBeGreaterThan(byId.get('i11')!);
  });
});

describe('prioritise', () => {
  function run(signals: CollectionsSignals = { promises: [], disputes: [] }, options = {}) {
    const index = indexLedger(ledger());
    const snapshot = snapshotAsOf(index, asOf);
    const beh = buildBehaviour(snapshot, signals);
    const risks = scoreOpenInvoices(snapshot.open, (id) => beh.behaviourOf(id), flat);
    return prioritise(snapshot, beh, risks, signals, options);
  }

  it('scores cash at risk × age, ranks customers and explains why in plain language', () => {
    const list = run();
    const [slow, fresh] = list.customers;
    // Slow Co: 18000·½·(1+47/90) + 2000·½·(1+21/90) + 500·½ = 13700 + 1233.33 + 250 = 15183.33; the balance
    // 20500 ≥ 20000 is large, so a human is needed: × 1.5 = 22775.
    expect(ageFactor(47)).toBeCloseTo(1 + 47 / 90, 12);
    expect(slow!.contactName).toBe('Slow Co');
    expect(slow!.balanceBase).toBe('20500.00');
    expect(slow!.cashAtRiskBase).toBe('10250.00');
    expect(slow!.needsHuman).toBe(true);
    expect(slow!.score).toBe('22775.00');
    expect(slow!.tier).toBe('high');
    expect(slow!.reasons).toEqual([
      '2 invoices overdue, oldest 47 days',
      'US$10,250.00 at risk of US$20,500.00 open',
      'large balance (US$20,500.00): worth a call',
      'paid late 8 of last 10 times, 12 days late on average',
    ]);
    expect(fresh!.contactName).toBe('Fresh Ltd');
    expect(fresh!.score).toBe('1000.00');
    expect(fresh!.tier).toBe('medium');
    expect(fresh!.reasons).toEqual([
      '1 invoice open, none overdue (next due in 5 days)',
      'US$1,000.00 at risk of US$2,000.00 open',
      'no payment history yet (organisation average used: 80% paid late)',
    ]);
    expect(list.customers.map((c) => c.rank)).toEqual([1, 2]);
  });

  it('lists one row per open invoice with the columns a collector needs', () => {
    const list = run();
    expect(list.invoices.map((i) => i.invoiceNumber)).toEqual(['INV-i11', 'INV-i12', 'INV-i13', 'INV-i14']);
    expect(list.invoices[1]).toEqual({
      invoiceId: 'i12',
      invoiceNumber: 'INV-i12',
      contactId: 'c1',
      contactName: 'Slow Co',
      currency: 'USD',
      amountDue: '2000.00',
      baseAmountDue: '2000.00',
      dueDate: '2026-06-09',
      daysOverdue: 21,
      risk: 0.5,
      cashAtRiskBase: '1000.00',
      score: '1850.00',
      tier: 'medium',
      customerTier: 'high',
      disputed: false,
      reasons: ['21 days overdue', '50% likely unpaid in 30 days', 'part-paid'],
    });
    expect(list.invoices[3]).toMatchObject({
      currency: 'EUR',
      amountDue: '1000.00',
      baseAmountDue: '2000.00',
    });
  });

  it('honours configurable thresholds, disputes and pauses', () => {
    const list = run(
      {
        promises: [],
        disputes: [
          {
            id: 'd',
            contactId: 'c2',
            invoiceIds: [],
            reason: 'pricing',
            openedOn: '2026-06-25',
            resolvedOn: null,
          },
        ],
        pausedUntil: { c2: '2026-07-03' },
      },
      { thresholds: { high: '1000', medium: '100' } },
    );
    const fresh = list.customers.find((c) => c.contactId === 'c2')!;
    expect(fresh.needsHuman).toBe(true);
    expect(fresh.score).toBe('1500.00');
    expect(fresh.tier).toBe('high');
    expect(fresh.pausedUntil).toBe('2026-07-03');
    expect(fresh.reasons.slice(0, 3)).toEqual([
      '1 invoice open, none overdue (next due in 5 days)',
      'chasing paused until 2026-07-03',
      'US$1,000.00 at risk of US$2,000.00 open',
    ]);
    expect(fresh.invoices[0]!.disputed).toBe(true);
  });

  it('marks only the invoices a dispute covers, for its own customer', () => {
    const dispute = (id: string, contactId: string, invoiceIds: string[]) => ({
      id,
      contactId,
      invoiceIds,
      reason: 'quality' as const,
      openedOn: '2026-06-25',
      resolvedOn: null,
    });
    const list = run({
      promises: [],
      // i11 is Slow Co's (c1). i14 is Fresh Ltd's (c2), so a claim on it filed under c1 covers nothing; c9 has
      // no invoices, so its whole-account dispute covers nothing here either.
      disputes: [dispute('d1', 'c1', ['i11']), dispute('d2', 'c9', []), dispute('d3', 'c1', ['i14'])],
    });
    expect(list.invoices.map((i) => [i.invoiceId, i.disputed])).toEqual([
      ['i11', true],
      ['i12', false],
      ['i13', false],
      ['i14', false],
    ]);
  });
});
