import { describe, expect, it } from 'vitest';
import { LedgerBuilder } from '../testing/ledger-builders.js';
import {
  instalmentOutcome,
  type PromiseGrace,
  promiseDeadline,
  promiseOutcome,
  shortfall,
  type TrackedPromise,
} from './promise-outcome.js';

/**
 * Promise outcomes from the ledger (#18 part 4). Acme owes INV-1 NZD 500 and INV-2 NZD 250 (and, for the
 * currency case, INV-U USD 300). The promise was made on Monday 2026-11-23 for Friday 2026-11-27; with two
 * business days of grace (Mon–Fri) it is judged after Tuesday 2026-12-01.
 */
const GRACE: PromiseGrace = {
  graceBusinessDays: 2,
  calendar: { weekdays: [1, 2, 3, 4, 5], country: null, extraHolidays: [] },
};
const MADE = '2026-11-23';
const FRIDAY = '2026-11-27';
const JUDGED = '2026-12-02';

function ledger(pay: (b: LedgerBuilder) => void = () => {}) {
  const b = new LedgerBuilder({ baseCurrency: 'NZD' });
  b.contact({ id: 'acme', name: 'Acme Ltd' });
  b.invoice('acme', { id: 'inv-1', total: '500.00', amountDue: '500.00', date: '2026-10-01' });
  b.invoice('acme', { id: 'inv-2', total: '250.00', amountDue: '250.00', date: '2026-10-05' });
  b.invoice('acme', {
    id: 'inv-u',
    total: '300.00',
    amountDue: '300.00',
    currency: 'USD',
    date: '2026-10-05',
  });
  // Raised after the promise: a whole-balance promise does not cover it.
  b.invoice('acme', { id: 'inv-later', total: '90.00', amountDue: '90.00', date: '2026-11-25' });
  pay(b);
  return b.build();
}

const promise = (p: Partial<TrackedPromise> = {}): TrackedPromise => ({
  contactId: 'acme',
  invoiceIds: ['inv-1'],
  latest: FRIDAY,
  madeOn: MADE,
  amount: '500.00',
  currency: 'NZD',
  ...p,
});

describe('promiseOutcome', () => {
  it('two business days of grace over a weekend: Friday → Tuesday; pending until then', () => {
    expect(promiseDeadline(FRIDAY, GRACE)).toBe('2026-12-01');
    expect(promiseOutcome(promise(), ledger(), '2026-12-01', GRACE)).toEqual({
      kind: 'pending',
      judgedAfter: '2026-12-01',
    });
    // A public holiday on Monday moves the end of the grace to Wednesday.
    const withHoliday = { ...GRACE, calendar: { ...GRACE.calendar, extraHolidays: ['2026-11-30'] } };
    expect(promiseDeadline(FRIDAY, withHoliday)).toBe('2026-12-02');
    expect(promiseOutcome(promise(), ledger(), JUDGED, withHoliday).kind).toBe('pending');
  });

  it.each([
    {
      name: 'kept early: paid the day after promising, days before the date',
      pay: (b: LedgerBuilder) => b.payment('inv-1', '2026-11-24', '500.00'),
      p: {},
      kind: 'kept',
      paid: '500.0000',
    },
    {
      name: 'kept late, within the grace (Tuesday after a Friday promise)',
      pay: (b: LedgerBuilder) => b.payment('inv-1', '2026-12-01', '500.00'),
      p: {},
      kind: 'kept',
      paid: '500.0000',
    },
    {
      name: 'paid after the grace: broken',
      pay: (b: LedgerBuilder) => b.payment('inv-1', '2026-12-02', '500.00'),
      p: {},
      kind: 'broken',
      paid: '0.0000',
    },
    {
      name: 'part-kept: 300 of 500',
      pay: (b: LedgerBuilder) => b.payment('inv-1', FRIDAY, '300.00'),
      p: {},
      kind: 'part_kept',
      paid: '300.0000',
    },
    {
      name: 'broken: nothing paid',
      pay: () => {},
      p: {},
      kind: 'broken',
      paid: '0.0000',
    },
    {
      name: 'a payment made before the promise does not count towards it',
      pay: (b: LedgerBuilder) => b.payment('inv-1', '2026-11-20', '200.00'),
      p: {},
      kind: 'broken',
      paid: '0.0000',
    },
    {
      name: 'a payment in another currency is not the money promised',
      pay: (b: LedgerBuilder) => b.payment('inv-u', '2026-11-26', '300.00'),
      p: { invoiceIds: ['inv-1', 'inv-u'] },
      kind: 'broken',
      paid: '0.0000',
    },
    {
      name: 'a credit note lowers what is owed: 500 promised, 100 credited, 400 paid is kept',
      pay: (b: LedgerBuilder) => {
        b.credit('acme', { id: 'cn-1', kind: 'credit_note', total: '100.00', remainingCredit: '0' });
        b.allocate('cn-1', 'inv-1', '2026-11-24', '100.00');
        b.payment('inv-1', '2026-11-26', '400.00');
      },
      p: {},
      kind: 'kept',
      paid: '400.0000',
    },
    {
      name: 'a credit note alone is not a payment',
      pay: (b: LedgerBuilder) => {
        b.credit('acme', { id: 'cn-1', kind: 'credit_note', total: '100.00', remainingCredit: '0' });
        b.allocate('cn-1', 'inv-1', '2026-11-24', '100.00');
      },
      p: {},
      kind: 'broken',
      paid: '0.0000',
    },
    {
      name: 'whole balance, everything due: both NZD invoices paid (the later invoice and the USD one are not covered)',
      pay: (b: LedgerBuilder) => {
        b.payment('inv-1', '2026-11-25', '500.00');
        b.payment('inv-2', '2026-11-27', '250.00');
      },
      p: { invoiceIds: [], amount: null },
      kind: 'kept',
      paid: '750.0000',
    },
    {
      name: 'whole balance, everything due: one of two paid is part-kept',
      pay: (b: LedgerBuilder) => b.payment('inv-1', '2026-11-25', '500.00'),
      p: { invoiceIds: [], amount: null },
      kind: 'part_kept',
      paid: '500.0000',
    },
  ])('$name', ({ pay, p, kind, paid }) => {
    const out = promiseOutcome(promise(p), ledger(pay), JUDGED, GRACE);
    expect(out.kind).toBe(kind);
    if (out.kind !== 'pending') expect(out.paid).toBe(paid);
  });

  it('part-kept says what is still due: the shortfall, in decimal money', () => {
    const out = promiseOutcome(
      promise(),
      ledger((b) => b.payment('inv-1', FRIDAY, '300.10')),
      JUDGED,
      GRACE,
    );
    if (out.kind === 'pending') throw new Error('pending');
    expect(shortfall(out)).toBe('199.9000');
    expect(out.stillDue).toBe('199.9000');
  });

  it('whole balance covers only the invoices raised by the day it was made, in its currency', () => {
    const out = promiseOutcome(promise({ invoiceIds: [], amount: null }), ledger(), JUDGED, GRACE);
    if (out.kind === 'pending') throw new Error('pending');
    expect(out.invoiceIds).toEqual(['inv-1', 'inv-2']);
    expect(out.needed).toBe('750.0000');
  });
});

describe('instalmentOutcome (a payment plan)', () => {
  // A plan for inv-1 and inv-2 (NZD 750) agreed on MADE: NZD 250 on Friday 27 November, 250 on Friday
  // 4 December, 250 on Friday 11 December.
  const instalment = (latest: string) =>
    ({ ...promise({ invoiceIds: ['inv-1', 'inv-2'], latest }), amount: '250.00' }) as const;

  it('one payment is never counted twice: the first instalment paid leaves the second broken', () => {
    const l = ledger((b) => b.payment('inv-1', '2026-11-27', '250.00'));
    expect(instalmentOutcome(instalment(FRIDAY), '0', l, JUDGED, GRACE)).toMatchObject({
      kind: 'kept',
      paid: '250.0000',
    });
    expect(instalmentOutcome(instalment('2026-12-04'), '250.00', l, '2026-12-09', GRACE)).toMatchObject({
      kind: 'broken',
      paid: '0.0000',
    });
  });

  it('an early or a larger payment carries forward to the next instalments', () => {
    const l = ledger((b) => b.payment('inv-1', '2026-11-26', '500.00'));
    expect(instalmentOutcome(instalment(FRIDAY), '0', l, JUDGED, GRACE).kind).toBe('kept');
    expect(instalmentOutcome(instalment('2026-12-04'), '250.00', l, '2026-12-09', GRACE).kind).toBe('kept');
    expect(instalmentOutcome(instalment('2026-12-11'), '500.00', l, '2026-12-16', GRACE)).toMatchObject({
      kind: 'broken',
      paid: '0.0000',
    });
  });

  it('part of an instalment is part-kept, and what it received is only its own share', () => {
    const l = ledger((b) => b.payment('inv-2', '2026-12-03', '350.00'));
    expect(instalmentOutcome(instalment(FRIDAY), '0', l, JUDGED, GRACE).kind).toBe('broken');
    expect(instalmentOutcome(instalment('2026-12-04'), '250.00', l, '2026-12-09', GRACE)).toMatchObject({
      kind: 'part_kept',
      paid: '100.0000',
      needed: '250.0000',
    });
  });
});
