import { describe, expect, it } from 'vitest';
import { LedgerBuilder, withExtra } from '../testing/ledger-builders.js';
import { buildAgeing } from './ageing.js';
import { buildKpis } from './ar-kpis.js';
import { buildForecast } from './cash-forecast.js';
import type { CollectionsSignals } from './collections-signals.js';
import { scoreOpenInvoices } from './late-payment-risk.js';
import type { Ledger } from './ledger.js';
import { buildBehaviour } from './payer-behaviour.js';
import { indexLedger, snapshotAsOf } from './point-in-time.js';
import { prioritise } from './priority.js';
import { RISK_MODEL } from './risk-weights.js';

/**
 * The must-have guarantee: every figure as of D is computed from facts dated ≤ D. Adding payments, invoices,
 * allocations, credits, refunds, promises and disputes dated after D must not change any of them.
 */
const D = '2026-03-31';

function base() {
  const b = new LedgerBuilder({ baseCurrency: 'NZD', timezone: 'Pacific/Auckland' });
  const a = b.contact({ name: 'Alpha' });
  const z = b.contact({ name: 'Zulu' });
  for (let m = 1; m <= 9; m++)
    b.paidInvoice(a, `2025-0${m}-05`, m % 3 === 0 ? 15 : 2, { total: `${200 + m}.00` });
  b.paidInvoice(z, '2025-06-01', 40, { currency: 'AUD', currencyRate: '1.1', total: '900.00' });
  const open1 = b.invoice(a, { date: '2026-01-10', total: '1200.00' });
  b.payment(open1, '2026-02-20', '200.00');
  const open2 = b.invoice(z, { date: '2026-03-01', total: '640.00', currency: 'AUD', currencyRate: '1.1' });
  b.invoice(a, { date: '2026-03-30', dueDate: '2026-03-31', total: '75.50' }); // due on D
  const cn = b.credit(a, { date: '2026-02-01', total: '300.00' });
  b.allocate(cn, open1, '2026-02-02', '100.00');
  b.credit(z, {
    kind: 'prepayment',
    date: '2026-03-15',
    total: '50.00',
    currency: 'AUD',
    currencyRate: '1.1',
  });
  return { ledger: b.build(), open1, open2, cn };
}

const signals: CollectionsSignals = {
  promises: [
    {
      id: 'kept-open',
      contactId: 'c1',
      invoiceIds: ['i11'],
      amount: null,
      currency: null,
      promisedDate: '2026-04-05',
      madeOn: '2026-03-20',
      confidence: 0.7,
      cancelledOn: null,
    },
  ],
  disputes: [
    {
      id: 'd1',
      contactId: 'c2',
      invoiceIds: [],
      reason: 'quality',
      openedOn: '2026-03-10',
      resolvedOn: null,
    },
  ],
};

const futureSignals: CollectionsSignals = {
  promises: [
    ...signals.promises.map((p) => ({ ...p, cancelledOn: '2026-04-02' })),
    {
      id: 'late',
      contactId: 'c2',
      invoiceIds: [],
      amount: '100.00',
      currency: 'AUD',
      promisedDate: '2026-04-10',
      madeOn: '2026-04-01',
      confidence: 1,
      cancelledOn: null,
    },
  ],
  disputes: [
    { ...signals.disputes[0]!, resolvedOn: '2026-04-03' },
    {
      id: 'd2',
      contactId: 'c1',
      invoiceIds: [],
      reason: 'pricing',
      openedOn: '2026-04-01',
      resolvedOn: null,
    },
  ],
  pausedUntil: {},
};

function everything(ledger: Ledger, s: CollectionsSignals) {
  const index = indexLedger(ledger);
  const snapshot = snapshotAsOf(index, D);
  const behaviour = buildBehaviour(snapshot, s);
  const risks = scoreOpenInvoices(snapshot.open, (id) => behaviour.behaviourOf(id), RISK_MODEL);
  const riskByInvoice = new Map(risks.map((r) => [r.position.invoice.id, r.risk]));
  return JSON.parse(
    JSON.stringify(
      {
        ageing: buildAgeing(snapshot),
        behaviour: {
          organisation: behaviour.organisation,
          byContact: [...behaviour.byContact.entries()],
          unknown: behaviour.behaviourOf('c9'),
        },
        risks: risks.map((r) => ({ id: r.position.invoice.id, features: r.features, risk: r.risk })),
        priority: prioritise(snapshot, behaviour, risks, s),
        forecast7: buildForecast(snapshot, behaviour, s, { horizonDays: 7, riskByInvoice }),
        forecast30: buildForecast(snapshot, behaviour, s, { horizonDays: 30, riskByInvoice }),
        kpis: buildKpis(index, snapshot),
      },
      (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value),
    ),
  );
}

describe('no information dated after asOf', () => {
  it('leaves every figure as of D unchanged when later payments, invoices, allocations, credits and signals arrive', () => {
    const { ledger, open1, open2, cn } = base();
    const before = everything(ledger, signals);
    const after = withExtra(ledger, {
      invoices: [
        {
          ...ledger.invoices[0]!,
          id: 'future-1',
          date: '2026-04-01',
          dueDate: '2026-04-30',
          total: '5000.00',
        },
        {
          ...ledger.invoices[0]!,
          id: 'future-2',
          contactId: 'c3',
          date: '2026-05-01',
          dueDate: '2026-05-31',
        },
      ],
      contacts: [{ ...ledger.contacts[0]!, id: 'c3', name: 'Newco' }],
      settlements: [
        {
          id: 'fp1',
          invoiceId: open1.id,
          kind: 'payment',
          sourceId: null,
          date: '2026-04-01',
          amount: '400.00',
          currencyRate: null,
        },
        {
          id: 'fp2',
          invoiceId: open2.id,
          kind: 'payment',
          sourceId: null,
          date: '2026-04-15',
          amount: '640.00',
          currencyRate: '1.05',
        },
        {
          id: 'fa1',
          invoiceId: open1.id,
          kind: 'credit_note',
          sourceId: cn.id,
          date: '2026-04-02',
          amount: '150.00',
          currencyRate: null,
        },
        {
          id: 'fa2',
          invoiceId: 'i12',
          kind: 'prepayment',
          sourceId: 'n2',
          date: '2026-04-03',
          amount: '50.00',
          currencyRate: null,
        },
      ],
      credits: [
        {
          ...ledger.credits[0]!,
          id: 'future-cn',
          date: '2026-04-01',
          total: '80.00',
          remainingCredit: '80.00',
          refunds: [],
        },
      ],
    });
    // A refund out of the existing credit note after D.
    const withRefund: Ledger = {
      ...after,
      credits: after.credits.map((c) =>
        c.id === cn.id ? { ...c, refunds: [{ date: '2026-04-20', amount: '20.00' }] } : c,
      ),
    };
    const later = everything(withRefund, futureSignals);
    expect(later.ageing).toEqual(before.ageing);
    expect(later.behaviour).toEqual(before.behaviour);
    expect(later.risks).toEqual(before.risks);
    expect(later.priority).toEqual(before.priority);
    expect(later.forecast7).toEqual(before.forecast7);
    expect(later.forecast30).toEqual(before.forecast30);
    expect(later.kpis).toEqual(before.kpis);
  });

  it('is a real check: the same additions dated on D do change the figures', () => {
    const { ledger, open1 } = base();
    const before = everything(ledger, signals);
    const onD = withExtra(ledger, {
      settlements: [
        {
          id: 'fp1',
          invoiceId: open1.id,
          kind: 'payment',
          sourceId: null,
          date: D,
          amount: '400.00',
          currencyRate: null,
        },
      ],
    });
    const now = everything(onD, signals);
    expect(now.ageing).not.toEqual(before.ageing);
    expect(now.kpis).not.toEqual(before.kpis);
    expect(now.forecast30).not.toEqual(before.forecast30);
  });
});
