import { describe, expect, it } from 'vitest';
import { LedgerBuilder } from '../testing/ledger-builders.js';
import type { PromiseToPay } from './collections-signals.js';
import { brokenPromises, buildBehaviour, isPromiseBroken } from './payer-behaviour.js';
import { indexLedger, snapshotAsOf } from './point-in-time.js';

const asOf = '2026-06-30';

function history() {
  const b = new LedgerBuilder();
  const a = b.contact({ name: 'Alpha' });
  const c = b.contact({ name: 'Gamma' });
  const newbie = b.contact({ name: 'New Customer' });
  // Alpha: delays +10, 0, −5, +20 on four 100.00 invoices.
  b.paidInvoice(a, '2026-01-01', 10);
  b.paidInvoice(a, '2026-02-01', 0);
  b.paidInvoice(a, '2026-03-01', -5);
  b.paidInvoice(a, '2026-04-01', 20);
  // Gamma: one 200.00 invoice 4 days late.
  b.paidInvoice(c, '2026-02-01', 4, { total: '200.00' });
  // An open invoice for the newcomer: counted as open, not as history.
  b.invoice(newbie, { date: '2026-06-01' });
  return { b, a, c, newbie };
}

describe('buildBehaviour', () => {
  it('reads "the last 10 times" in the order invoices were settled, not raised', () => {
    const b = new LedgerBuilder();
    const c = b.contact();
    // Raised first, settled last (100 days late), after ten invoices raised later and paid on time.
    b.paidInvoice(c, '2026-01-01', 100);
    for (let d = 2; d <= 11; d++) b.paidInvoice(c, `2026-01-${String(d).padStart(2, '0')}`, 0);
    const beh = buildBehaviour(snapshotAsOf(indexLedger(b.build()), asOf)).behaviourOf(c.id);
    expect(beh.recent).toEqual({ count: 10, lateCount: 1, meanDaysLate: 100 });
  });

  it('computes the organisation from every settled invoice, amount-weighted', () => {
    const { b } = history();
    const model = buildBehaviour(snapshotAsOf(indexLedger(b.build()), asOf));
    expect(model.organisation.paidCount).toBe(5);
    expect(model.organisation.lateShare).toBeCloseTo(3 / 5, 12);
    // (100·10 + 100·20 + 200·4) ÷ 600
    expect(model.organisation.meanDaysLate).toBeCloseTo(3800 / 600, 12);
  });

  it('shrinks a thin history toward the organisation with k = 5 pseudo-observations', () => {
    const { b, a } = history();
    const alpha = buildBehaviour(snapshotAsOf(indexLedger(b.build()), asOf)).behaviourOf(a.id);
    expect(alpha.paidCount).toBe(4);
    expect(alpha.paidLateCount).toBe(2);
    expect(alpha.raw.lateShare).toBe(0.5);
    expect(alpha.raw.meanDaysLate).toBeCloseTo(7.5, 12);
    expect(alpha.lateShare).toBeCloseTo((4 * 0.5 + 5 * 0.6) / 9, 12);
    expect(alpha.meanDaysLate).toBeCloseTo((4 * 7.5 + 5 * (3800 / 600)) / 9, 12);
    expect(alpha.delays).toEqual([10, 0, -5, 20]);
    expect(alpha.recent).toEqual({ count: 4, lateCount: 2, meanDaysLate: 15 });
  });

  it('gives a customer with no history exactly the organisation figures', () => {
    const { b, newbie } = history();
    const model = buildBehaviour(snapshotAsOf(indexLedger(b.build()), asOf));
    for (const id of [newbie.id, 'never-invoiced']) {
      const nb = model.behaviourOf(id);
      expect(nb.paidCount).toBe(0);
      expect(nb.raw.lateShare).toBeNull();
      expect(nb.lateShare).toBeCloseTo(model.organisation.lateShare, 12);
      expect(nb.meanDaysLate).toBeCloseTo(model.organisation.meanDaysLate, 12);
      expect(nb.sdDaysLate).toBeCloseTo(model.organisation.sdDaysLate, 12);
    }
    expect(model.behaviourOf(newbie.id).openCount).toBe(1);
    expect(model.behaviourOf(newbie.id).overdueCount).toBe(0); // due 2026-07-01
  });

  it('sees only invoices settled by asOf (an invoice paid later is open history, not a late payment)', () => {
    const { b, a } = history();
    const before = buildBehaviour(snapshotAsOf(indexLedger(b.build()), '2026-05-10')).behaviourOf(a.id);
    // The April invoice (due 2026-05-01) is paid 2026-05-21: after 2026-05-10 it is open and overdue.
    expect(before.paidCount).toBe(3);
    expect(before.openCount).toBe(1);
    expect(before.overdueCount).toBe(1);
  });

  it('reads a trend from the last 5 settled invoices against the ones before', () => {
    const b = new LedgerBuilder();
    const s = b.contact();
    for (const d of ['2025-01-01', '2025-02-01', '2025-03-01']) b.paidInvoice(s, d, 0);
    for (const d of ['2025-04-01', '2025-05-01', '2025-06-01', '2025-07-01', '2025-08-01'])
      b.paidInvoice(s, d, 12);
    const beh = buildBehaviour(snapshotAsOf(indexLedger(b.build()), '2025-12-31')).behaviourOf(s.id);
    expect(beh.trend).toEqual({
      recentMeanDelay: 12,
      earlierMeanDelay: 0,
      changeDays: 12,
      direction: 'slower',
    });
    const short = buildBehaviour(snapshotAsOf(indexLedger(b.build()), '2025-06-30')).behaviourOf(s.id);
    expect(short.trend.direction).toBe('unknown');
  });

  it('measures the part-payment habit', () => {
    const b = new LedgerBuilder();
    const s = b.contact();
    const i1 = b.invoice(s, { date: '2026-01-01', total: '100.00' });
    b.payment(i1, '2026-02-01', '50.00');
    b.payment(i1, '2026-02-10', '50.00');
    b.paidInvoice(s, '2026-02-01', 0);
    const i3 = b.invoice(s, { date: '2026-03-01', total: '100.00' });
    b.payment(i3, '2026-03-20', '30.00');
    b.invoice(s, { date: '2026-03-05' });
    const beh = buildBehaviour(snapshotAsOf(indexLedger(b.build()), '2026-04-30')).behaviourOf(s.id);
    // i1 (two payments) and i3 (open, part-paid) of the three invoices with any settlement.
    expect(beh.partPaymentShare).toBeCloseTo(2 / 3, 12);
  });
});

/** Made on 2026-02-01 to pay by 2026-02-10, for everything due on the invoices named. */
const promiseOf = (p: Pick<PromiseToPay, 'id' | 'contactId' | 'invoiceIds'>): PromiseToPay => ({
  ...p,
  amount: null,
  currency: null,
  promisedDate: '2026-02-10',
  madeOn: '2026-02-01',
  confidence: 0.8,
  cancelledOn: null,
});

describe('broken promises', () => {
  const setup = (paidOn: string | null) => {
    const b = new LedgerBuilder();
    const s = b.contact();
    const inv = b.invoice(s, { date: '2026-01-01', total: '100.00' });
    if (paidOn) b.payment(inv, paidOn, '100.00');
    const promise = promiseOf({ id: 'pr1', contactId: s.id, invoiceIds: [inv.id] });
    return { index: indexLedger(b.build()), promise, contactId: s.id };
  };

  it.each([
    [null, '2026-02-12', false], // grace period (2 days) not over yet
    [null, '2026-02-13', true],
    ['2026-02-12', '2026-02-20', false], // paid within the grace period
    ['2026-02-13', '2026-02-20', true], // paid, but too late: still broken
    [null, '2026-01-31', false], // not made yet
  ])('paid on %s, as of %s: broken = %s', (paidOn, at, broken) => {
    const { index, promise, contactId } = setup(paidOn);
    const snapshot = snapshotAsOf(index, at);
    expect(isPromiseBroken(snapshot, promise)).toBe(broken);
    expect(
      buildBehaviour(snapshot, { promises: [promise], disputes: [] }).behaviourOf(contactId).brokenPromises,
    ).toBe(broken ? 1 : 0);
  });
});

describe('whole-balance promises', () => {
  // Three customers promise on 2026-02-01 to pay everything by 2026-02-10; judged as of 2026-02-20.
  const promise = (id: string, contactId: string) => promiseOf({ id, contactId, invoiceIds: [] });
  const setup = () => {
    const b = new LedgerBuilder();
    const payer = b.contact({ name: 'Kept' });
    const debtor = b.contact({ name: 'Broke' });
    const late = b.contact({ name: 'Invoiced later' });
    const kept = b.invoice(payer, { date: '2026-01-05', total: '100.00' });
    b.payment(kept, '2026-02-09', '100.00');
    b.invoice(debtor, { date: '2026-01-05', total: '100.00' });
    // Raised after the promise was made: the promise does not cover it.
    b.invoice(late, { date: '2026-02-05', total: '100.00' });
    // The debtor's other, paid invoice does not make the open one kept.
    const other = b.invoice(debtor, { date: '2026-01-06', total: '50.00' });
    b.payment(other, '2026-02-03', '50.00');
    const promises = [promise('p1', payer.id), promise('p2', debtor.id), promise('p3', late.id)];
    return { snapshot: snapshotAsOf(indexLedger(b.build()), '2026-02-20'), promises, debtor };
  };

  it('judges each customer on their own invoices raised by the day of the promise', () => {
    const { snapshot, promises } = setup();
    expect(brokenPromises(snapshot, promises).map((p) => p.id)).toEqual(['p2']);
    expect(promises.map((p) => isPromiseBroken(snapshot, p))).toEqual([false, true, false]);
    const model = buildBehaviour(snapshot, { promises, disputes: [] });
    expect(promises.map((p) => model.behaviourOf(p.contactId).brokenPromises)).toEqual([0, 1, 0]);
  });

  it('counts each broken promise of a customer, in the order given', () => {
    const { snapshot, promises, debtor } = setup();
    const again = { ...promise('p4', debtor.id), promisedDate: '2026-02-12' };
    expect(brokenPromises(snapshot, [again, ...promises]).map((p) => p.id)).toEqual(['p4', 'p2']);
    const model = buildBehaviour(snapshot, { promises: [...promises, again], disputes: [] });
    expect(model.behaviourOf(debtor.id).brokenPromises).toBe(2);
  });
});
