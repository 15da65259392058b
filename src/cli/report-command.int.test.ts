import { describe, expect, it } from 'vitest';
import { FixedClock } from '../adapters/clock.js';
import {
  addCustomerHold,
  insertReminderIfAbsent,
  releaseCustomerHolds,
  transitionReminder,
} from '../adapters/db/dunning-queries.js';
import { recordPaymentPromise } from '../adapters/db/payment-promises.js';
import type { CollectionsReport } from '../domain/collections-report.js';
import { LedgerBuilder, TEST_ORG_ID } from '../testing/ledger-builders.js';
import { insertLedger, insertSyncedPayment } from '../testing/ledger-fixtures.js';
import { useTestDatabase } from '../testing/test-database.js';
import type { CommandDeps } from './ledger-scope.js';
import { CliFailure } from './output.js';
import { runReportCommand } from './report-command.js';

const database = useTestDatabase();

// Monday 23 March 2026, 09:00 in Auckland.
const deps = (): CommandDeps => ({
  db: database.db,
  clock: new FixedClock(new Date('2026-03-22T20:00:00Z')),
});

/**
 * Harbour Foods (NZD, Auckland). Acme's 1000 is 11 days overdue when reminded on Tuesday 3 March and 600 of it is
 * paid on 6 March; Bolt's 2000 (16 days, same bucket) is not reminded and 500 is paid on 5 March: 7-day hit rate
 * 600 ÷ 1000 = 60% against 500 ÷ 2000 = 25% for the comparable invoice.
 */
async function seed() {
  const b = new LedgerBuilder({ name: 'Harbour Foods', baseCurrency: 'NZD', timezone: 'Pacific/Auckland' });
  const acme = b.contact({ name: 'Acme Ltd' });
  const bolt = b.contact({ name: 'Bolt Supplies' });
  const a1 = b.invoice(acme, { date: '2026-01-21', dueDate: '2026-02-20', total: '1000.00' });
  const b1 = b.invoice(bolt, { date: '2026-01-16', dueDate: '2026-02-15', total: '2000.00' });
  b.payment(a1, '2026-03-06', '600.00');
  b.payment(b1, '2026-03-05', '500.00');
  await insertLedger(database.db, TEST_ORG_ID, b.build());
  await sendReminder(acme.id, a1.id, 0, new Date('2026-03-02T21:00:00Z')); // Tue 3 Mar 10:00 NZDT
  await database.db.transaction().execute((trx) =>
    recordPaymentPromise(trx, {
      orgId: TEST_ORG_ID,
      contactId: acme.id,
      invoiceIds: [a1.id],
      earliest: '2026-03-06',
      latest: '2026-03-06',
      madeOn: '2026-03-03',
      amount: '600.00',
      currency: 'NZD',
      source: 'collector',
      replyId: null,
      holdId: null,
      actor: { id: 'U1', name: 'colin' },
      now: new Date('2026-03-02T22:00:00Z'),
    }),
  );
  await addCustomerHold(database.db, {
    orgId: TEST_ORG_ID,
    contactId: bolt.id,
    kind: 'dispute',
    until: null,
    reason: 'quality',
    actor: { id: 'U1', name: 'colin' },
    now: new Date('2026-03-09T22:00:00Z'), // 10 March in Auckland
  });
  await releaseCustomerHolds(
    database.db,
    TEST_ORG_ID,
    bolt.id,
    ['dispute'],
    'U1',
    new Date('2026-03-12T22:00:00Z'),
  );
  return { acme, bolt, a1, b1 };
}

async function sendReminder(contactId: string, invoiceId: string, stepIndex: number, sentAt: Date) {
  const { id } = await insertReminderIfAbsent(
    database.db,
    {
      orgId: TEST_ORG_ID,
      contactId,
      purpose: 'overdue',
      segment: 'Standard',
      stepIndex,
      stepCount: 4,
      tone: 'friendly',
      channel: 'email',
      mode: 'assisted',
      autoSend: false,
      carryingInvoiceId: invoiceId,
      invoiceIds: [invoiceId],
      planDate: '2026-03-03',
      reason: 'test',
      status: 'approved',
      recipients: ['ap@example.com'],
      cc: [],
      messageId: `<${contactId}.${stepIndex}@example>`,
    },
    sentAt,
  );
  await transitionReminder(database.db, id, ['approved'], 'sent', { now: sentAt, sentAt });
}

describe('report command', () => {
  it('prints the report as JSON with camelCase keys and the ledger age, as of the organisation’s today', async () => {
    await seed();
    const out = await runReportCommand(deps(), { periods: '4', asOf: '2026-03-22' });
    expect(out.exitCode).toBe(0);
    const json = out.json as CollectionsReport & { organisation: string; ledgerAge: unknown };
    expect(json).toMatchObject({ organisation: 'Harbour Foods', asOf: '2026-03-22', periodKind: 'week' });
    expect(json).toHaveProperty('ledgerAge');
    expect(Object.keys(json)).toEqual(
      expect.arrayContaining(['periods', 'headline', 'reminders', 'hitRate', 'promises', 'disputes', 'kpis']),
    );
    expect(json.periods.map((p) => p.period)).toEqual(['2026-W09', '2026-W10', '2026-W11', '2026-W12']);
    expect(json.reminders.byStepAndTone).toEqual([
      {
        purpose: 'overdue',
        step: 1,
        tone: 'friendly',
        total: 1,
        counts: [
          { period: '2026-W09', value: 0 },
          { period: '2026-W10', value: 1 },
          { period: '2026-W11', value: 0 },
          { period: '2026-W12', value: 0 },
        ],
      },
    ]);
    expect(json.hitRate.within7Days[1]).toMatchObject({
      remindedAmount: '1000.00',
      paidAmount: '600.00',
      share: 0.6,
      comparison: {
        comparableAmount: '2000.00',
        comparablePaid: '500.00',
        comparableShare: 0.25,
        liftPoints: 35,
      },
    });
    // Promised 600 for 6 March, paid that day: kept (judged from the ledger; no morning run recorded it).
    expect(json.promises[1]).toMatchObject({ made: 1, due: 1, kept: 1, keptLate: 0 });
    // Opened 10 March, released 13 March in Auckland.
    expect(json.disputes[2]).toMatchObject({ opened: 1, resolved: 1, medianDaysToResolve: 3 });
    expect(out.text).toContain('Collections report — Harbour Foods, as of 2026-03-22, by week');
    expect(out.text).toContain('60.0% of 1000.00');
  });

  it('defaults the as-of day to today in Auckland and reports by month when asked', async () => {
    await seed();
    const out = await runReportCommand(deps(), { period: 'month', periods: '2' });
    const json = out.json as CollectionsReport;
    expect(json.asOf).toBe('2026-03-23');
    expect(json.periods).toEqual([
      { period: '2026-02', from: '2026-02-01', to: '2026-02-28', complete: true },
      { period: '2026-03', from: '2026-03-01', to: '2026-03-23', complete: false },
    ]);
  });

  it('gives the same JSON as of a past date after later payments, reminders, promises and disputes are recorded', async () => {
    const { acme, bolt, a1, b1 } = await seed();
    const before = (await runReportCommand(deps(), { asOf: '2026-03-08', periods: '3' })).json;
    await insertSyncedPayment(database.db, TEST_ORG_ID, {
      invoiceId: a1.id,
      date: '2026-03-09',
      amount: '400.00',
    });
    await insertSyncedPayment(database.db, TEST_ORG_ID, {
      invoiceId: b1.id,
      date: '2026-03-10',
      amount: '100.00',
    });
    await sendReminder(bolt.id, b1.id, 1, new Date('2026-03-09T21:00:00Z'));
    await database.db
      .updateTable('payment_promises')
      .set({ status: 'kept', settled_at: new Date('2026-03-10T20:00:00Z') })
      .execute();
    await addCustomerHold(database.db, {
      orgId: TEST_ORG_ID,
      contactId: acme.id,
      kind: 'dispute',
      until: null,
      reason: null,
      actor: { id: 'U1', name: 'colin' },
      now: new Date('2026-03-11T22:00:00Z'),
    });
    const after = (await runReportCommand(deps(), { asOf: '2026-03-08', periods: '3' })).json;
    expect(after).toEqual(before);
    const now = (await runReportCommand(deps(), { asOf: '2026-03-15', periods: '3' }))
      .json as CollectionsReport;
    expect(now.reminders.sent.at(-1)!.value).toBe(1);
  });

  it('refuses a bad period kind or count', async () => {
    await seed();
    await expect(runReportCommand(deps(), { period: 'day' })).rejects.toThrow(CliFailure);
    await expect(runReportCommand(deps(), { periods: '0' })).rejects.toThrow(/--periods/);
  });
});
