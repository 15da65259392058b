import { afterEach, describe, expect, it } from 'vitest';
import { buildCollectionsReport, type CollectionsReportInput } from '../../domain/collections-report.js';
import type { Ledger } from '../../domain/ledger.js';
import { isAppError } from '../../errors.js';
import { REPORT_AS_OF, reportLedger } from '../../testing/report-fixture.js';
import { createReportThread, type ReportThread } from './report-thread.js';

const inputOf = (ledger: Ledger): CollectionsReportInput => ({
  ledger,
  reminders: [
    {
      id: 'r1',
      contactId: ledger.contacts[1]!.id,
      purpose: 'overdue',
      stepIndex: 0,
      tone: 'friendly',
      invoiceIds: ledger.invoices.filter((i) => i.contactId === ledger.contacts[1]!.id).map((i) => i.id),
      sentAt: new Date('2026-11-02T21:00:00Z'),
    },
  ],
  promises: [],
  disputes: [],
  grace: {
    graceBusinessDays: 2,
    calendar: { weekdays: [1, 2, 3, 4, 5], country: null, extraHolidays: [] },
  },
});

describe('the report thread', () => {
  let thread: ReportThread | undefined;
  afterEach(async () => {
    await thread?.close();
    thread = undefined;
  });

  it('builds the same report as the domain does in process, one after another on one thread', async () => {
    thread = createReportThread();
    const input = inputOf(reportLedger(60));
    for (const periodKind of ['week', 'month'] as const) {
      const options = { asOf: REPORT_AS_OF, periodKind };
      expect(await thread.build(input, options)).toEqual(buildCollectionsReport(input, options));
    }
  });

  it('leaves the main thread free while a large report is built', async () => {
    thread = createReportThread();
    const input = inputOf(reportLedger(20_000));
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    try {
      const report = await thread.build(input, { asOf: REPORT_AS_OF, periodKind: 'month' });
      expect(report.periods).toHaveLength(12);
    } finally {
      clearInterval(timer);
    }
    // Built in process, the same report would let no timer run until it was done.
    expect(ticks).toBeGreaterThan(3);
  });

  it('a report that fails, or one too large for the thread’s heap, fails alone with REPORT_FAILED', async () => {
    thread = createReportThread({ maxHeapMb: 64 });
    const small = inputOf(reportLedger(40));
    const bad = await thread.build(small, { asOf: 'not a day', periodKind: 'week' }).then(
      () => null,
      (err: unknown) => err,
    );
    expect(isAppError(bad, 'REPORT_FAILED')).toBe(true);

    const huge = await thread
      .build(inputOf(reportLedger(150_000)), { asOf: REPORT_AS_OF, periodKind: 'week' })
      .then(
        () => null,
        (err: unknown) => err,
      );
    expect(isAppError(huge, 'REPORT_FAILED')).toBe(true);
    expect((huge as Error).message).toBe('the report needs more memory than the report thread’s 64 MB');

    // The service goes on: the next report starts a new thread.
    const options = { asOf: REPORT_AS_OF, periodKind: 'week' } as const;
    expect(await thread.build(small, options)).toEqual(buildCollectionsReport(small, options));
  });

  it('refuses a report once closed', async () => {
    thread = createReportThread();
    await thread.close();
    const err = await thread.build(inputOf(reportLedger(5)), { asOf: REPORT_AS_OF, periodKind: 'week' }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(isAppError(err, 'REPORT_FAILED')).toBe(true);
  });
});
