import { describe, expect, it } from 'vitest';
import {
  checkInstalments,
  instalmentsText,
  planScope,
  planState,
  proposeInstalments,
} from './payment-plan.js';

describe('proposeInstalments', () => {
  it('splits the balance evenly by month, the last instalment taking the rounding, adding up to the cent', () => {
    expect(proposeInstalments('1000.00', 'NZD', '2026-12-31')).toEqual([
      { due: '2026-12-31', amount: '333.33' },
      { due: '2027-01-31', amount: '333.33' },
      { due: '2027-02-28', amount: '333.34' },
    ]);
  });

  it('keeps the currency’s minor units (JPY has none) and caps the count', () => {
    expect(proposeInstalments('100000', 'JPY', '2026-12-10', 3).map((l) => l.amount)).toEqual([
      '33333',
      '33333',
      '33334',
    ]);
    expect(proposeInstalments('10.00', 'USD', '2026-12-10', 99)).toHaveLength(24);
    expect(proposeInstalments('10.00', 'USD', '2026-12-10', 0)).toEqual([
      { due: '2026-12-10', amount: '10.00' },
    ]);
  });
});

describe('checkInstalments', () => {
  const asOf = '2026-12-05';

  it('accepts what proposeInstalments wrote, through the form’s text', () => {
    const proposed = proposeInstalments('2450.50', 'AUD', '2026-12-15', 4);
    const read = checkInstalments(instalmentsText(proposed), '2450.50', 'AUD', asOf);
    expect(read).toEqual({ ok: true, instalments: proposed });
  });

  it('reads thousands separators and stray spaces', () => {
    const read = checkInstalments('  2026-12-20   1,000.00\n\n2027-01-20 500\n', '1500.00', 'NZD', asOf);
    expect(read).toEqual({
      ok: true,
      instalments: [
        { due: '2026-12-20', amount: '1000.00' },
        { due: '2027-01-20', amount: '500.00' },
      ],
    });
  });

  it.each([
    ['', 'Enter at least one instalment'],
    ['20/12/2026 500', 'Line 1 ("20/12/2026 500") must be a date and an amount'],
    ['2026-02-30 500', 'is not a date'],
    ['2026-12-01 500', '2026-12-01 is in the past'],
    ['2028-01-10 500', 'more than 12 months away'],
    ['2026-12-20 300\n2026-12-20 200', 'the dates must rise'],
    ['2026-12-20 0\n2027-01-20 500', 'more than zero'],
    ['2026-12-20 250.005\n2027-01-20 250', 'at most 2 decimal places'],
    ['2026-12-20 100\n2027-01-20 100', 'add up to 200.00 NZD; the balance is 500.00 NZD'],
  ])('refuses %j, saying why', (text, error) => {
    const read = checkInstalments(text, '500.00', 'NZD', asOf);
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.error).toContain(error);
  });

  it('refuses more than 24 instalments', () => {
    const text = Array.from({ length: 25 }, (_, k) => `2026-12-${String(6 + k).padStart(2, '0')} 1`).join(
      '\n',
    );
    const read = checkInstalments(text, '25.00', 'NZD', asOf);
    expect(read).toEqual({ ok: false, error: 'A plan can have at most 24 instalments (got 25).' });
  });
});

describe('planState', () => {
  it('is broken once any instalment is broken or only part kept, completed when all are kept', () => {
    expect(planState(['kept', 'pending', 'pending'])).toBe('on_track');
    expect(planState(['kept', 'part_kept', 'pending'])).toBe('broken');
    expect(planState(['kept', 'broken'])).toBe('broken');
    expect(planState(['kept', 'kept'])).toBe('completed');
    expect(planState([])).toBe('on_track');
  });
});

describe('planScope', () => {
  const open = [
    { invoiceId: 'a', number: 'INV-1', amountDue: '100.00', currency: 'NZD' },
    { invoiceId: 'b', number: 'INV-2', amountDue: '250.50', currency: 'NZD' },
    { invoiceId: 'c', number: null, amountDue: '300.00', currency: 'AUD' },
  ];

  it('takes the invoices a reply named when one is still open', () => {
    expect(planScope(open, ['b', 'gone'])).toEqual({
      invoiceIds: ['b'],
      numbers: ['INV-2'],
      currency: 'NZD',
      balance: '250.50',
    });
  });

  it('otherwise the open invoices in the currency with most to pay (a plan is paid in one currency)', () => {
    expect(planScope(open)).toEqual({
      invoiceIds: ['a', 'b'],
      numbers: ['INV-1', 'INV-2'],
      currency: 'NZD',
      balance: '350.50',
    });
    expect(planScope([open[2]!])).toMatchObject({ numbers: ['c'], currency: 'AUD', balance: '300.00' });
  });

  it('is null when nothing is open', () => {
    expect(planScope([])).toBeNull();
    expect(planScope([{ invoiceId: 'z', number: 'INV-9', amountDue: '0.00', currency: 'NZD' }])).toBeNull();
  });
});
