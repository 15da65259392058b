import { describe, expect, it } from 'vitest';
import { LedgerBuilder, withExtra } from '../testing/ledger-builders.js';
import { buildKpis } from './ar-kpis.js';
import {
  buildCollectionsReport,
  type CollectionsReportInput,
  type DisputeHold,
  periodOf,
  type ReportPromise,
  reportPeriods,
  type SentReminder,
  seriesOf,
} from './collections-report.js';
import type { Ledger } from './ledger.js';
import { indexLedger, snapshotAsOf } from './point-in-time.js';
import type { PromiseGrace } from './promise-outcome.js';

/**
 * A hand-built organisation (USD, UTC), reported by week as of Sunday 2026-03-22 over four weeks:
 * W09 = 23 Feb–1 Mar, W10 = 2–8 Mar, W11 = 9–15 Mar, W12 = 16–22 Mar.
 *
 *   A  a1 1000 due 20 Feb (reminded Tue 3 Mar: 11 days, 1–30); pays 600 on Mon 9 Mar, 400 on 14 Mar.
 *      a2 300 due 20 Mar (in the same reminder, not yet due on 3 Mar: not part of the hit rate).
 *   B  b1 2000 due 15 Feb (not reminded on 3 Mar: 16 days, 1–30); pays 500 on 5 Mar (a part payment).
 *   C  c1 1000 due 10 Jan (reminded 3 Mar: 52 days, 31–60); pays nothing and disputes on 5 Mar.
 *   D  d1 4000 due 20 Jan (not reminded: 42 days, 31–60); pays 1000 on 12 Mar.
 *   E  e1 500 due 1 Mar; an upcoming reminder on 27 Feb: contacted within 7 days of 3 Mar, so not comparable.
 *   F  f1 800 raised 10 Mar, due 9 Apr; disputes on 10 Mar.
 *
 * Hit rate for the reminders of 3 Mar, windows 3–9 Mar (7 days) and 3–16 Mar (14 days):
 *   reminded   1–30: a1 1000, paid 600 / 1000      31–60: c1 1000, paid 0 / 0
 *   comparable 1–30: b1 2000, paid 500 / 500       31–60: d1 4000, paid 0 / 1000
 *   7 days:  share 600 ÷ 2000 = 0.30; comparison (1000 × 500/2000 + 1000 × 0/4000) ÷ 2000 = 250 ÷ 2000 = 0.125
 *   14 days: share 1000 ÷ 2000 = 0.50; comparison (1000 × 500/2000 + 1000 × 1000/4000) ÷ 2000 = 500 ÷ 2000 = 0.25
 */
const AS_OF = '2026-03-22';
const GRACE: PromiseGrace = {
  graceBusinessDays: 2,
  calendar: { weekdays: [1, 2, 3, 4, 5], country: null, extraHolidays: [] },
};

function harbour() {
  const b = new LedgerBuilder();
  const [A, B, C, D, E, F] = ['A', 'B', 'C', 'D', 'E', 'F'].map((name) => b.contact({ name }));
  const a1 = b.invoice(A!, { date: '2026-01-21', dueDate: '2026-02-20', total: '1000.00' });
  const a2 = b.invoice(A!, { date: '2026-03-01', dueDate: '2026-03-20', total: '300.00' });
  const b1 = b.invoice(B!, { date: '2026-01-16', dueDate: '2026-02-15', total: '2000.00' });
  const c1 = b.invoice(C!, { date: '2025-12-11', dueDate: '2026-01-10', total: '1000.00' });
  const d1 = b.invoice(D!, { date: '2025-12-21', dueDate: '2026-01-20', total: '4000.00' });
  const e1 = b.invoice(E!, { date: '2026-02-01', dueDate: '2026-03-01', total: '500.00' });
  const f1 = b.invoice(F!, { date: '2026-03-10', dueDate: '2026-04-09', total: '800.00' });
  b.payment(a1, '2026-03-09', '600.00');
  b.payment(a1, '2026-03-14', '400.00');
  b.payment(b1, '2026-03-05', '500.00');
  b.payment(d1, '2026-03-12', '1000.00');
  b.payment(e1, '2026-03-04', '500.00');
  const ledger = b.build();
  const ids = { A: A!.id, B: B!.id, C: C!.id, D: D!.id, E: E!.id, F: F!.id };
  const inv = { a1: a1.id, a2: a2.id, b1: b1.id, c1: c1.id, d1: d1.id, e1: e1.id, f1: f1.id };
  return { ledger, ids, inv };
}

const reminder = (
  id: string,
  contactId: string,
  sentAt: string,
  invoiceIds: string[],
  over: Partial<SentReminder> = {},
): SentReminder => ({
  id,
  contactId,
  purpose: 'overdue',
  stepIndex: 0,
  tone: 'friendly',
  invoiceIds,
  sentAt: new Date(sentAt),
  ...over,
});

const promise = (
  id: string,
  over: Partial<ReportPromise> & Pick<ReportPromise, 'contactId'>,
): ReportPromise => ({
  id,
  invoiceIds: [],
  latest: '2026-03-06',
  madeOn: '2026-03-03',
  amount: null,
  currency: null,
  planId: null,
  instalment: null,
  status: 'active',
  settledAt: null,
  ...over,
});

function facts(ledger = harbour()): CollectionsReportInput & { ids: ReturnType<typeof harbour>['ids'] } {
  const { ids, inv } = ledger;
  return {
    ledger: ledger.ledger,
    ids,
    grace: GRACE,
    reminders: [
      reminder('r-e', ids.E, '2026-02-27T09:00:00Z', [inv.e1], { purpose: 'upcoming' }),
      reminder('r-a', ids.A, '2026-03-03T09:00:00Z', [inv.a1, inv.a2]),
      reminder('r-c', ids.C, '2026-03-03T09:05:00Z', [inv.c1]),
      // Its 7-day window ends 26 Mar, after the as-of day: counted as sent, not yet measured.
      reminder('r-b', ids.B, '2026-03-20T09:00:00Z', [inv.b1], { stepIndex: 1, tone: 'firm' }),
    ],
    promises: [
      // Kept late: 600 promised for Friday 6 Mar, paid Monday 9 Mar, inside the grace (to Tuesday 10 Mar).
      promise('p1', { contactId: ids.A, invoiceIds: [inv.a1], amount: '600.00', madeOn: '2026-03-03' }),
      // Part-kept: everything due on b1 (2000) by Thursday 5 Mar; 500 paid.
      promise('p2', { contactId: ids.B, invoiceIds: [inv.b1], madeOn: '2026-03-02', latest: '2026-03-05' }),
      // Recorded kept on 17 Mar, paid on its date (12 Mar): kept on time.
      promise('p3', {
        contactId: ids.D,
        invoiceIds: [inv.d1],
        amount: '1000.00',
        madeOn: '2026-03-04',
        latest: '2026-03-12',
        status: 'kept',
        settledAt: new Date('2026-03-17T08:00:00Z'),
      }),
      // Broken: C promised by 4 Mar, paid nothing (and disputed the day after).
      promise('p4', { contactId: ids.C, invoiceIds: [inv.c1], latest: '2026-03-04' }),
      // Pending: judged after Tuesday 24 Mar.
      promise('p5', { contactId: ids.F, invoiceIds: [inv.f1], madeOn: '2026-03-18', latest: '2026-03-20' }),
      // Rescheduled on 3 Mar: withdrawn.
      promise('p6', {
        contactId: ids.E,
        madeOn: '2026-03-02',
        latest: '2026-03-04',
        status: 'rescheduled',
        settledAt: new Date('2026-03-03T10:00:00Z'),
      }),
    ],
    disputes: [
      dispute('h-c', ids.C, '2026-03-05T10:00:00Z', '2026-03-19T10:00:00Z'),
      dispute('h-f', ids.F, '2026-03-10T10:00:00Z', null),
    ],
  };
}

function dispute(id: string, contactId: string, createdAt: string, releasedAt: string | null): DisputeHold {
  return {
    id,
    contactId,
    invoiceIds: [],
    createdAt: new Date(createdAt),
    releasedAt: releasedAt === null ? null : new Date(releasedAt),
    until: null,
  };
}

const report = (input: CollectionsReportInput, asOf = AS_OF) =>
  buildCollectionsReport(input, { asOf, periodKind: 'week', periods: 4 });

describe('periods', () => {
  it('cuts weeks Monday to Sunday and months by the calendar, the last one at the as-of day', () => {
    expect(periodOf('2026-03-04', 'week')).toEqual({
      period: '2026-W10',
      from: '2026-03-02',
      to: '2026-03-08',
    });
    expect(periodOf('2026-03-08', 'week').from).toBe('2026-03-02');
    expect(periodOf('2026-03-09', 'week').period).toBe('2026-W11');
    expect(periodOf('2026-02-14', 'month')).toEqual({
      period: '2026-02',
      from: '2026-02-01',
      to: '2026-02-28',
    });
    expect(reportPeriods('2026-03-18', 'month', 2)).toEqual([
      { period: '2026-02', from: '2026-02-01', to: '2026-02-28', complete: true },
      { period: '2026-03', from: '2026-03-01', to: '2026-03-18', complete: false },
    ]);
  });
});

describe('buildCollectionsReport', () => {
  const r = report(facts());

  it('lists four weeks ending with the as-of week', () => {
    expect(r.periods.map((p) => [p.period, p.from, p.to, p.complete])).toEqual([
      ['2026-W09', '2026-02-23', '2026-03-01', true],
      ['2026-W10', '2026-03-02', '2026-03-08', true],
      ['2026-W11', '2026-03-09', '2026-03-15', true],
      ['2026-W12', '2026-03-16', '2026-03-22', true],
    ]);
  });

  it('counts reminders sent per purpose, step and tone', () => {
    expect(r.reminders.sent.map((p) => p.value)).toEqual([1, 2, 0, 1]);
    expect(
      r.reminders.byStepAndTone.map((x) => [
        x.purpose,
        x.step,
        x.tone,
        x.total,
        x.counts.map((c) => c.value),
      ]),
    ).toEqual([
      ['overdue', 1, 'friendly', 2, [0, 2, 0, 0]],
      ['overdue', 2, 'firm', 1, [0, 0, 0, 1]],
      ['upcoming', 1, 'friendly', 1, [1, 0, 0, 0]],
    ]);
  });

  it('measures the hit rate against comparable invoices not reminded (the worked example above)', () => {
    const w10 = r.hitRate.within7Days[1]!;
    expect(w10).toEqual({
      period: '2026-W10',
      windowDays: 7,
      reminders: 2,
      measured: 2,
      remindedAmount: '2000.00',
      paidAmount: '600.00',
      share: 0.3,
      comparison: {
        remindedAmount: '2000.00',
        remindedPaid: '600.00',
        remindedShare: 0.3,
        comparableAmount: '6000.00',
        comparablePaid: '500.00',
        comparableShare: 0.125,
        liftPoints: 17.5,
      },
    });
    const w10at14 = r.hitRate.within14Days[1]!;
    expect([w10at14.paidAmount, w10at14.share]).toEqual(['1000.00', 0.5]);
    expect(w10at14.comparison).toMatchObject({
      comparablePaid: '1500.00',
      comparableShare: 0.25,
      liftPoints: 25,
    });
    // B's reminder of 20 Mar: sent, but its window has not ended by 22 Mar.
    expect(r.hitRate.within7Days[3]).toMatchObject({
      reminders: 1,
      measured: 0,
      remindedAmount: '0.00',
      share: null,
    });
    expect(r.hitRate.total.map((t) => [t.windowDays, t.reminders, t.measured, t.share])).toEqual([
      [7, 3, 2, 0.3],
      [14, 3, 2, 0.5],
    ]);
    expect(r.headline).toMatchObject({ hitRate7: 0.3, comparison7: 0.125 });
  });

  it('leaves out of the comparison a customer under an open dispute on the reminder day', () => {
    const input = facts();
    const withDispute = {
      ...input,
      disputes: [...input.disputes, dispute('h-d', input.ids.D, '2026-03-01T10:00:00Z', null)],
    };
    // D's 4000 (31–60) leaves the comparison: the 31–60 cell has no comparable invoices, so only 1–30 is compared.
    expect(report(withDispute).hitRate.within7Days[1]!.comparison).toMatchObject({
      remindedAmount: '1000.00',
      remindedShare: 0.6,
      comparableAmount: '2000.00',
      comparableShare: 0.25,
    });
  });

  it('counts promises made by the day made and their verdicts by the period of the promised date', () => {
    expect(r.promises.map(({ period: _p, ...rest }) => rest)).toEqual([
      {
        made: 0,
        due: 0,
        kept: 0,
        keptLate: 0,
        partKept: 0,
        broken: 0,
        pending: 0,
        withdrawn: 0,
        keptShare: null,
      },
      // p1 kept late (inside the grace), p2 part-kept, p4 broken, p6 rescheduled.
      {
        made: 5,
        due: 3,
        kept: 1,
        keptLate: 1,
        partKept: 1,
        broken: 1,
        pending: 0,
        withdrawn: 1,
        keptShare: 0.3333,
      },
      // p3: the recorded verdict, paid on the day.
      {
        made: 0,
        due: 1,
        kept: 1,
        keptLate: 0,
        partKept: 0,
        broken: 0,
        pending: 0,
        withdrawn: 0,
        keptShare: 1,
      },
      {
        made: 1,
        due: 1,
        kept: 0,
        keptLate: 0,
        partKept: 0,
        broken: 0,
        pending: 1,
        withdrawn: 0,
        keptShare: null,
      },
    ]);
    expect(r.headline.promisesKeptShare).toBe(0.5);
  });

  it('counts disputes opened (one after a reminder) and resolved, with their age', () => {
    expect(r.disputes.map(({ period: _p, ...rest }) => rest)).toEqual([
      {
        opened: 0,
        afterReminder: 0,
        resolved: 0,
        medianDaysToResolve: null,
        openAtEnd: 0,
        medianOpenDaysAtEnd: null,
      },
      // C, reminded on 3 Mar, disputes on 5 Mar.
      {
        opened: 1,
        afterReminder: 1,
        resolved: 0,
        medianDaysToResolve: null,
        openAtEnd: 1,
        medianOpenDaysAtEnd: 3,
      },
      // Open on 15 Mar: C 10 days, F 5 days.
      {
        opened: 1,
        afterReminder: 0,
        resolved: 0,
        medianDaysToResolve: null,
        openAtEnd: 2,
        medianOpenDaysAtEnd: 7.5,
      },
      // C released on 19 Mar after 14 days; F open 12 days on 22 Mar.
      {
        opened: 0,
        afterReminder: 0,
        resolved: 1,
        medianDaysToResolve: 14,
        openAtEnd: 1,
        medianOpenDaysAtEnd: 12,
      },
    ]);
  });

  it('a dispute held until a day is resolved the day after it', () => {
    const input = facts();
    const held = {
      ...input,
      disputes: [{ ...dispute('h-f', input.ids.F, '2026-03-10T10:00:00Z', null), until: '2026-03-16' }],
    };
    expect(report(held).disputes[3]).toMatchObject({ resolved: 1, medianDaysToResolve: 7, openAtEnd: 0 });
  });

  it('computes countback DSO, BPDSO, ADD and CEI per period as the kpis command does, with the change', () => {
    const index = indexLedger(harbour().ledger);
    const k = (from: string, to: string) =>
      buildKpis(index, snapshotAsOf(index, to), { ceiPeriod: { from, to } });
    const w11 = k('2026-03-09', '2026-03-15');
    const w12 = k('2026-03-16', '2026-03-22');
    expect(r.kpis[3]).toEqual({
      period: '2026-W12',
      end: '2026-03-22',
      dso: w12.dso.days,
      dsoChange: Math.round((w12.dso.days - w11.dso.days) * 10) / 10,
      bestPossibleDso: w12.bestPossibleDso.days,
      bestPossibleDsoChange: Math.round((w12.bestPossibleDso.days - w11.bestPossibleDso.days) * 10) / 10,
      add: w12.averageDaysDelinquent,
      addChange: Math.round((w12.averageDaysDelinquent - w11.averageDaysDelinquent) * 10) / 10,
      cei: w12.cei.percent,
      ceiChange:
        w12.cei.percent === null || w11.cei.percent === null
          ? null
          : Math.round((w12.cei.percent - w11.cei.percent) * 10) / 10,
    });
    // The first week shown has a change too: the report reads the week before it.
    expect(r.kpis[0]!.dsoChange).not.toBeNull();
  });

  it('ages overdue amounts at each period end', () => {
    expect(r.ageing[0]).toEqual({
      period: '2026-W09',
      end: '2026-03-01',
      current: '800.00',
      days1to30: '3000.00',
      days31to60: '5000.00',
      days61to90: '0.00',
      over90: '0.00',
      overdue: '8000.00',
      total: '8800.00',
    });
    expect(r.ageing[3]).toEqual({
      period: '2026-W12',
      end: '2026-03-22',
      current: '800.00',
      days1to30: '300.00',
      days31to60: '1500.00',
      days61to90: '4000.00',
      over90: '0.00',
      overdue: '5800.00',
      total: '6600.00',
    });
    expect(seriesOf(r.ageing, 'overdue')).toEqual([
      { period: '2026-W09', value: '8000.00' },
      { period: '2026-W10', value: r.ageing[1]!.overdue },
      { period: '2026-W11', value: r.ageing[2]!.overdue },
      { period: '2026-W12', value: '5800.00' },
    ]);
    // W11 ended with 5500 overdue (b1 1500, c1 1000, d1 3000): 300 more a week later (a2 fell due).
    expect(r.headline).toMatchObject({ overdue: '5800.00', overdueChange: '300.00' });
  });

  it('sets the 30-day forecast made before each period against what came in on the invoices it covered', () => {
    expect(
      r.forecast.map((f) => [f.period, f.madeOn, f.horizonEnd, f.actual, f.actualThrough, f.complete]),
    ).toEqual([
      // Open on 22 Feb: a1, b1, c1, d1, e1 → 1000 + 500 + 0 + 1000 + 500.
      ['2026-W09', '2026-02-22', '2026-03-24', '3000.00', '2026-03-22', false],
      ['2026-W10', '2026-03-01', '2026-03-31', '3000.00', '2026-03-22', false],
      // From 9 Mar: a1 1000 and d1 1000; C is disputed on 8 Mar, so c1 is left out of both sides.
      ['2026-W11', '2026-03-08', '2026-04-07', '2000.00', '2026-03-22', false],
      ['2026-W12', '2026-03-15', '2026-04-14', '0.00', '2026-03-22', false],
    ]);
    for (const f of r.forecast) {
      expect(Number(f.low)).toBeLessThanOrEqual(Number(f.expected));
      expect(Number(f.expected)).toBeLessThanOrEqual(Number(f.high));
    }
  });
});

describe('the organisation’s week', () => {
  it('puts a reminder sent late on Sunday UTC into Monday’s week in Auckland', () => {
    const b = new LedgerBuilder({ timezone: 'Pacific/Auckland', baseCurrency: 'NZD' });
    const c = b.contact();
    const inv = b.invoice(c, { date: '2026-01-01', dueDate: '2026-02-01', total: '100.00' });
    const input: CollectionsReportInput = {
      ledger: b.build(),
      grace: GRACE,
      // 11:30 UTC on Sunday 1 March is 00:30 on Monday 2 March in Auckland (UTC+13); 10:30 UTC is still Sunday.
      reminders: [
        reminder('monday', c.id, '2026-03-01T11:30:00Z', [inv.id]),
        reminder('sunday', c.id, '2026-03-01T10:30:00Z', [inv.id], { tone: 'firm' }),
      ],
      promises: [],
      disputes: [],
    };
    const r = buildCollectionsReport(input, { asOf: '2026-03-08', periodKind: 'week', periods: 2 });
    expect(r.timezone).toBe('Pacific/Auckland');
    expect(r.reminders.byStepAndTone.map((x) => [x.tone, x.counts])).toEqual([
      [
        'firm',
        [
          { period: '2026-W09', value: 1 },
          { period: '2026-W10', value: 0 },
        ],
      ],
      [
        'friendly',
        [
          { period: '2026-W09', value: 0 },
          { period: '2026-W10', value: 1 },
        ],
      ],
    ]);
  });
});

describe('reproducible as of a past date', () => {
  function later(input: ReturnType<typeof facts>): CollectionsReportInput {
    const { ledger, ids } = input;
    const inv = (id: string) => ledger.invoices.find((i) => i.id === id)!;
    const b1 = ledger.invoices.find((i) => i.contactId === ids.B)!;
    const f1 = ledger.invoices.find((i) => i.contactId === ids.F)!;
    const grown: Ledger = withExtra(ledger, {
      invoices: [
        { ...inv(b1.id), id: 'later-1', date: '2026-03-23', dueDate: '2026-03-24', total: '900.00' },
      ],
      settlements: [
        {
          id: 'lp1',
          invoiceId: b1.id,
          kind: 'payment',
          sourceId: null,
          date: '2026-03-23',
          amount: '1500.00',
          currencyRate: null,
        },
        {
          id: 'lp2',
          invoiceId: f1.id,
          kind: 'payment',
          sourceId: null,
          date: '2026-03-24',
          amount: '800.00',
          currencyRate: null,
        },
      ],
    });
    return {
      ...input,
      ledger: grown,
      reminders: [
        ...input.reminders,
        reminder('r-late', ids.D, '2026-03-23T09:00:00Z', [
          ledger.invoices.find((i) => i.contactId === ids.D)!.id,
        ]),
      ],
      promises: [
        // p2 judged and p5 kept after the as-of day; a new promise made after it.
        ...input.promises.map((p) =>
          p.id === 'p2'
            ? { ...p, status: 'part_kept' as const, settledAt: new Date('2026-03-23T08:00:00Z') }
            : p.id === 'p5'
              ? { ...p, status: 'kept' as const, settledAt: new Date('2026-03-25T08:00:00Z') }
              : p,
        ),
        promise('p7', { contactId: ids.D, madeOn: '2026-03-23', latest: '2026-03-27' }),
      ],
      disputes: [
        // F's dispute released after the as-of day; a new dispute opened after it.
        ...input.disputes.map((d) =>
          d.id === 'h-f' ? { ...d, releasedAt: new Date('2026-03-24T10:00:00Z') } : d,
        ),
        dispute('h-late', ids.A, '2026-03-23T10:00:00Z', null),
      ],
    };
  }

  it('leaves the report as of 22 March unchanged when later payments, invoices, reminders, promises and disputes arrive', () => {
    const input = facts();
    const before = JSON.parse(JSON.stringify(report(input)));
    const after = JSON.parse(JSON.stringify(report(later(input))));
    expect(after).toEqual(before);
  });

  it('is a real check: the same additions as of a later day change the report', () => {
    const input = facts();
    const grown = later(input);
    const at29 = (i: CollectionsReportInput) =>
      buildCollectionsReport(i, { asOf: '2026-03-29', periodKind: 'week', periods: 4 });
    const before = at29(input);
    const after = at29(grown);
    expect(after.reminders).not.toEqual(before.reminders);
    expect(after.promises).not.toEqual(before.promises);
    expect(after.disputes).not.toEqual(before.disputes);
    expect(after.ageing).not.toEqual(before.ageing);
    expect(after.forecast).not.toEqual(before.forecast);
  });
});
