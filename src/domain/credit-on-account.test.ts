import { describe, expect, it } from 'vitest';
import { aCredit } from '../testing/ledger-builders.js';
import { creditsOnAccount, sameCredits } from './credit-on-account.js';
import type { Settlement } from './ledger.js';

const allocation = (id: string, creditId: string, date: string, amount: string): Settlement => ({
  id,
  invoiceId: `inv-${id}`,
  kind: 'credit_note',
  sourceId: creditId,
  date,
  amount,
  currencyRate: null,
});

describe('creditsOnAccount: unapplied credit per customer and currency, as of a day', () => {
  const credits = [
    aCredit({
      id: 'cn-1',
      contactId: 'c-1',
      kind: 'credit_note',
      date: '2026-10-01',
      total: '300.00',
      currency: 'NZD',
    }),
    aCredit({
      id: 'op-1',
      contactId: 'c-1',
      kind: 'overpayment',
      date: '2026-10-05',
      total: '50.00',
      currency: 'NZD',
    }),
    aCredit({
      id: 'pp-1',
      contactId: 'c-1',
      kind: 'prepayment',
      date: '2026-10-06',
      total: '20.00',
      currency: 'USD',
    }),
    aCredit({
      id: 'cn-2',
      contactId: 'c-1',
      date: '2026-10-07',
      total: '40.00',
      currency: 'NZD',
      refunds: [{ date: '2026-10-08', amount: '40.00' }],
    }),
    aCredit({ id: 'cn-3', contactId: 'c-2', date: '2026-10-01', total: '999.00', currency: 'NZD' }),
    aCredit({ id: 'cn-4', contactId: 'c-1', date: '2026-12-01', total: '70.00', currency: 'NZD' }),
  ];
  const settlements = [
    allocation('a1', 'cn-1', '2026-10-10', '100.00'),
    // Applied after the day asked about: still on the account that day.
    allocation('a2', 'cn-1', '2026-12-15', '200.00'),
  ];

  it('sums what is left of credit notes, overpayments and prepayments per currency, for the customers asked', () => {
    const out = creditsOnAccount({ credits, settlements }, '2026-11-23', new Set(['c-1']));
    expect([...out.keys()]).toEqual(['c-1']);
    // NZD: 300 − 100 (applied) + 50; the refunded credit is gone; the December credit does not exist yet.
    expect(out.get('c-1')).toEqual([
      { currency: 'NZD', amount: '250.0000' },
      { currency: 'USD', amount: '20.0000' },
    ]);
  });

  it('is the same whatever happened later: a later allocation counts only from its date', () => {
    const later = creditsOnAccount({ credits, settlements }, '2026-12-20', new Set(['c-1']));
    expect(later.get('c-1')).toEqual([
      { currency: 'NZD', amount: '120.0000' },
      { currency: 'USD', amount: '20.0000' },
    ]);
  });

  it('says nothing for a customer with nothing left to apply', () => {
    const out = creditsOnAccount({ credits: [credits[3]!], settlements: [] }, '2026-11-23', new Set(['c-1']));
    expect(out.size).toBe(0);
  });

  it('compares statements of credit by value', () => {
    expect(
      sameCredits([{ currency: 'NZD', amount: '250.0000' }], [{ currency: 'NZD', amount: '250.00' }]),
    ).toBe(true);
    expect(sameCredits([{ currency: 'NZD', amount: '250' }], [{ currency: 'USD', amount: '250' }])).toBe(
      false,
    );
    expect(sameCredits([], [{ currency: 'NZD', amount: '1' }])).toBe(false);
  });
});
