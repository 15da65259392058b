import { describe, expect, it } from 'vitest';
import { LedgerBuilder } from '../testing/ledger-builders.js';
import type { InvoiceStatus } from './ledger.js';
import { indexLedger, positionAsOf, positionsAsOf, unappliedCreditsAsOf } from './point-in-time.js';

describe('point-in-time invoice positions', () => {
  it.each<[InvoiceStatus, boolean]>([
    ['AUTHORISED', true],
    ['PAID', true],
    ['DRAFT', false],
    ['SUBMITTED', false],
    ['VOIDED', false],
    ['DELETED', false],
  ])('an invoice with status %s exists as a receivable: %s', (status, exists) => {
    const b = new LedgerBuilder();
    const c = b.contact();
    b.invoice(c, { status, date: '2026-01-01' });
    expect(positionsAsOf(indexLedger(b.build()), '2026-02-01')).toHaveLength(exists ? 1 : 0);
  });

  it('does not exist before its date', () => {
    const b = new LedgerBuilder();
    b.invoice(b.contact(), { date: '2026-01-10' });
    const index = indexLedger(b.build());
    expect(positionsAsOf(index, '2026-01-09')).toHaveLength(0);
    expect(positionsAsOf(index, '2026-01-10')).toHaveLength(1);
  });

  it('nets payments and credit allocations dated on or before the day, and dates the settlement that cleared it', () => {
    const b = new LedgerBuilder();
    const c = b.contact();
    const inv = b.invoice(c, { date: '2026-01-01', total: '1000.00' });
    const cn = b.credit(c, { date: '2026-01-05', total: '150.00' });
    b.payment(inv, '2026-01-20', '300.00');
    b.allocate(cn, inv, '2026-02-01', '100.00');
    b.payment(inv, '2026-03-01', '600.00');
    const index = indexLedger(b.build());
    const at = (d: string) => positionAsOf(index, inv.id, d)!;
    expect(at('2026-01-19').outstanding.toFixed(2)).toBe('1000.00');
    expect(at('2026-01-20').outstanding.toFixed(2)).toBe('700.00');
    expect(at('2026-01-20').paid.toFixed(2)).toBe('300.00');
    expect(at('2026-02-01').outstanding.toFixed(2)).toBe('600.00');
    expect(at('2026-02-01').settled.toFixed(2)).toBe('400.00');
    expect(at('2026-02-28').settledOn).toBeNull();
    expect(at('2026-03-01').outstanding.toFixed(2)).toBe('0.00');
    expect(at('2026-03-01').settledOn).toBe('2026-03-01');
    expect(at('2026-03-01').settlementCount).toBe(3);
  });

  it('keeps an over-credited invoice at zero and reports the excess instead of a negative balance', () => {
    const b = new LedgerBuilder();
    const c = b.contact();
    const inv = b.invoice(c, { date: '2026-01-01', total: '100.00' });
    const cn = b.credit(c, { date: '2026-01-02', total: '130.00' });
    b.allocate(cn, inv, '2026-01-03', '80.00');
    b.allocate(cn, inv, '2026-01-04', '50.00');
    const index = indexLedger(b.build());
    const p = positionAsOf(index, inv.id, '2026-01-10')!;
    expect(p.outstanding.toFixed(2)).toBe('0.00');
    expect(p.overSettled.toFixed(2)).toBe('30.00');
    expect(p.settledOn).toBe('2026-01-04');
    // The credit is fully used (130 allocated), so nothing is left to apply.
    expect(unappliedCreditsAsOf(index, '2026-01-10')).toEqual([]);
  });

  it('a payment deleted in Xero later is absent from the ledger, so the invoice is outstanding again at every date', () => {
    const b = new LedgerBuilder();
    const inv = b.invoice(b.contact(), { date: '2026-01-01', total: '250.00' });
    const withPayment = b.build();
    b.payment(inv, '2026-01-15', '250.00');
    const paid = b.build();
    expect(positionAsOf(indexLedger(paid), inv.id, '2026-02-01')!.outstanding.toFixed(2)).toBe('0.00');
    // loadLedger drops DELETED payments: the re-synced ledger is the one without it.
    const restored = { ...paid, settlements: paid.settlements.filter((s) => s.id !== 'p1') };
    expect(restored).toEqual(withPayment);
    expect(positionAsOf(indexLedger(restored), inv.id, '2026-02-01')!.outstanding.toFixed(2)).toBe('250.00');
  });
});

describe('unapplied credits', () => {
  it('is total − allocations − refunds dated on or before the day, from the credit date, for live credits only', () => {
    const b = new LedgerBuilder();
    const c = b.contact();
    const inv = b.invoice(c, { date: '2026-01-01', total: '500.00' });
    const cn = b.credit(c, {
      date: '2026-01-10',
      total: '200.00',
      refunds: [{ date: '2026-02-15', amount: '30.00' }],
    });
    b.credit(c, { kind: 'overpayment', date: '2026-01-12', total: '40.00' });
    b.credit(c, { date: '2026-01-12', total: '999.00', status: 'VOIDED' });
    b.allocate(cn, inv, '2026-02-01', '120.00');
    const index = indexLedger(b.build());
    const unapplied = (d: string) =>
      unappliedCreditsAsOf(index, d).map((x) => [x.credit.id, x.credit.kind, x.unapplied.toFixed(2)]);
    expect(unapplied('2026-01-09')).toEqual([]);
    expect(unapplied('2026-01-31')).toEqual([
      ['n1', 'credit_note', '200.00'],
      ['n2', 'overpayment', '40.00'],
    ]);
    expect(unapplied('2026-02-01')).toEqual([
      ['n1', 'credit_note', '80.00'],
      ['n2', 'overpayment', '40.00'],
    ]);
    expect(unapplied('2026-02-15')).toEqual([
      ['n1', 'credit_note', '50.00'],
      ['n2', 'overpayment', '40.00'],
    ]);
  });
});
