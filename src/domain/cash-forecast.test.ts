import { describe, expect, it } from 'vitest';
import { LedgerBuilder } from '../testing/ledger-builders.js';
import { buildForecast } from './cash-forecast.js';
import type { CollectionsSignals, PromiseToPay } from './collections-signals.js';
import { buildBehaviour } from './payer-behaviour.js';
import { indexLedger, snapshotAsOf } from './point-in-time.js';

const asOf = '2026-06-10';

function ledger() {
  const b = new LedgerBuilder();
  const a = b.contact({ name: 'Alpha' });
  // History: one invoice paid on its due date, one 2 days late → d ∈ {0, 2} with probability ½ each.
  b.paidInvoice(a, '2026-01-01', 0);
  b.paidInvoice(a, '2026-02-01', 2);
  const x = b.invoice(a, { date: '2026-05-12', dueDate: '2026-06-11', total: '100.00' }); // due tomorrow
  const y = b.invoice(a, { date: '2026-05-10', dueDate: '2026-06-09', total: '40.00' }); // 1 day overdue
  const z = b.invoice(a, { date: '2026-05-01', dueDate: '2026-05-31', total: '30.00' }); // beyond any history
  return { ledger: b.build(), a, x, y, z };
}

function forecast(signals: CollectionsSignals = { promises: [], disputes: [] }, horizonDays = 30) {
  const { ledger: l, z } = ledger();
  const snapshot = snapshotAsOf(indexLedger(l), asOf);
  const behaviour = buildBehaviour(snapshot, signals);
  return buildForecast(snapshot, behaviour, signals, { horizonDays, riskByInvoice: new Map([[z.id, 0.4]]) });
}

describe('buildForecast', () => {
  it('spreads each open invoice over the delay distribution conditioned on being unpaid today', () => {
    const f = forecast();
    // X: d=0 → day 1 (50), d=2 → day 3 (50). Y (1 day overdue): only d=2 is still possible → day 1 (40).
    // Z (10 days overdue, past all history): 1 − risk = 0.6 of 30 spread over 30 days = 0.60 a day.
    expect(f.days[0]).toMatchObject({ date: '2026-06-11', expected: '90.60' });
    expect(f.days[1]).toMatchObject({ date: '2026-06-12', expected: '0.60' });
    expect(f.days[2]).toMatchObject({ date: '2026-06-13', expected: '50.60' });
    expect(f.days[29]).toMatchObject({ date: '2026-07-10', expected: '0.60' });
    expect(f.total.expected).toBe('158.00');
    expect(f.next7Days.expected).toBe(`${(140 + 0.6 * 7).toFixed(2)}`);
    expect(f.openBase).toBe('170.00');
  });

  it('gives a deterministic band from Σ amount²·p·(1−p)', () => {
    const f = forecast();
    // Window total: X and Y certain (p = 1, no variance); Z: 30²·0.6·0.4 = 216 → σ = 14.697, × 1.645 = 24.18.
    expect(f.total).toEqual({ expected: '158.00', low: '133.82', high: '182.18' });
    // Day 1: X 100²·½·½ = 2500, Y 0, Z 30²·0.02·0.98 = 17.64 → σ = 50.176 → ± 82.54.
    expect(f.days[0]).toEqual({ date: '2026-06-11', expected: '90.60', low: '8.06', high: '173.14' });
    expect(forecast()).toEqual(f);
  });

  it('puts a promise’s confidence on the promised date and excludes disputed invoices', () => {
    const { a, x, y } = ledger();
    const promise: PromiseToPay = {
      id: 'p',
      contactId: a.id,
      invoiceIds: [x.id],
      amount: null,
      currency: null,
      promisedDate: '2026-06-15',
      madeOn: '2026-06-09',
      confidence: 0.8,
      cancelledOn: null,
    };
    const f = forecast({
      promises: [promise],
      disputes: [
        {
          id: 'd',
          contactId: a.id,
          invoiceIds: [y.id],
          reason: 'quality',
          openedOn: '2026-06-01',
          resolvedOn: null,
        },
      ],
    });
    // X: 0.2 × (½ day 1, ½ day 3) + 0.8 on day 5; Y excluded.
    expect(f.days[0]!.expected).toBe('10.60');
    expect(f.days[2]!.expected).toBe('10.60');
    expect(f.days[4]!.expected).toBe('80.60');
    expect(f.total.expected).toBe('118.00');
    expect(f.excludedDisputedBase).toBe('40.00');
  });

  it('ignores a promise made after asOf and a dispute resolved by asOf', () => {
    const { a, x, y } = ledger();
    const f = forecast({
      promises: [
        {
          id: 'p',
          contactId: a.id,
          invoiceIds: [x.id],
          amount: null,
          currency: null,
          promisedDate: '2026-06-15',
          madeOn: '2026-06-11',
          confidence: 1,
          cancelledOn: null,
        },
      ],
      disputes: [
        {
          id: 'd',
          contactId: a.id,
          invoiceIds: [y.id],
          reason: 'quality',
          openedOn: '2026-06-01',
          resolvedOn: '2026-06-10',
        },
      ],
    });
    expect(f.total.expected).toBe('158.00');
    expect(f.excludedDisputedBase).toBe('0.00');
  });

  it('takes the horizon as a parameter (7 days)', () => {
    const f = forecast(undefined, 7);
    expect(f.days).toHaveLength(7);
    expect(f.total.expected).toBe((140 + 0.6 * 7).toFixed(2));
  });
});
