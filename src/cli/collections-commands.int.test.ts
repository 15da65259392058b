import { beforeEach, describe, expect, it } from 'vitest';
import { FixedClock } from '../adapters/clock.js';
import { loadLedger } from '../adapters/db/ledger-queries.js';
import { recordPaymentPromise } from '../adapters/db/payment-promises.js';
import { AGEING_BUCKETS } from '../domain/ageing.js';
import { type Decimal, dec, sum } from '../domain/money.js';
import { FX_AS_OF, fxLedger } from '../testing/fx-ledger-fixture.js';
import { LedgerBuilder, TEST_ORG_ID } from '../testing/ledger-builders.js';
import { insertLedger } from '../testing/ledger-fixtures.js';
import { useTestDatabase } from '../testing/test-database.js';
import { buildAgingReport, buildKpiReport, listPriorities } from '../use-cases/collections-reports.js';
import { runAgingCommand } from './aging-command.js';
import { runBacktestCommand } from './backtest-command.js';
import { runForecastCommand } from './forecast-command.js';
import { runKpisCommand } from './kpis-command.js';
import type { CommandDeps } from './ledger-scope.js';
import { CliFailure } from './output.js';
import { runPrioritiesCommand } from './priorities-command.js';

const database = useTestDatabase();

function harbourLedger() {
  const b = new LedgerBuilder({ name: 'Harbour Foods', baseCurrency: 'NZD', timezone: 'Pacific/Auckland' });
  const acme = b.contact({ name: 'Acme Ltd', accountNumber: 'ACM-1' });
  const acmeH = b.contact({ name: 'Acme Holdings' });
  const bolt = b.contact({ name: 'Bolt Supplies' });
  for (let m = 1; m <= 9; m++) b.paidInvoice(acme, `2025-0${m}-01`, 12, { total: '500.00' });
  for (let m = 1; m <= 6; m++) b.paidInvoice(bolt, `2025-0${m}-10`, 0, { total: '250.00' });
  const big = b.invoice(acme, { date: '2026-02-01', dueDate: '2026-03-03', total: '12000.00' }); // 29 days overdue
  b.payment(big, '2026-03-20', '2000.00');
  b.invoice(acme, { date: '2026-03-25', dueDate: '2026-04-24', total: '800.00' });
  b.invoice(acmeH, {
    date: '2026-01-05',
    dueDate: '2026-02-04',
    total: '300.00',
    currency: 'AUD',
    currencyRate: '0.9',
  });
  b.invoice(bolt, { date: '2026-03-20', dueDate: '2026-04-01', total: '1000.00' }); // due on the local as-of day
  b.invoice(bolt, { date: '2026-03-01', total: '99.00', status: 'DRAFT' });
  b.credit(acme, { date: '2026-03-10', total: '150.00', refunds: [{ date: '2026-03-12', amount: '50.00' }] });
  return b.build();
}

// 2026-03-31 12:00 UTC is already 1 April in Auckland (UTC+13).
const deps = (): CommandDeps => ({
  db: database.db,
  clock: new FixedClock(new Date('2026-03-31T12:00:00Z')),
});

async function seed() {
  const ledger = harbourLedger();
  await insertLedger(database.db, TEST_ORG_ID, ledger);
  return ledger;
}

describe('insertLedger + loadLedger', () => {
  it('round-trips a ledger through the xero_* tables with identical figures', async () => {
    const ledger = await seed();
    const loaded = await loadLedger(database.db, TEST_ORG_ID);
    expect(loaded.organisation).toMatchObject({
      baseCurrency: 'NZD',
      timezone: 'Pacific/Auckland',
      name: 'Harbour Foods',
    });
    expect(loaded.invoices).toHaveLength(ledger.invoices.length);
    expect(loaded.settlements).toHaveLength(ledger.settlements.length);
    expect(loaded.credits[0]!.refunds).toEqual([{ date: '2026-03-12', amount: '50.0000' }]);
    expect(buildAgingReport(loaded, '2026-04-01')).toEqual(buildAgingReport(ledger, '2026-04-01'));
    expect(listPriorities(loaded, '2026-04-01')).toEqual(listPriorities(ledger, '2026-04-01'));
    expect(buildKpiReport(loaded, '2026-04-01')).toEqual(buildKpiReport(ledger, '2026-04-01'));
  });
});

describe('aging command', () => {
  it('ages the whole organisation as of today in its own time zone', async () => {
    await seed();
    const out = await runAgingCommand(deps(), {});
    expect(out.exitCode).toBe(0);
    const json = out.json as ReturnType<typeof buildAgingReport> & { kind: string; organisation: string };
    expect(json.kind).toBe('report');
    expect(json.asOf).toBe('2026-04-01');
    expect(json.baseCurrency).toBe('NZD');
    // Current: 800 + 1000 (Bolt, due today); 1–30: 10000 (29 days); 31–60: AUD 300 ÷ 0.9 = 333.33 (56 days).
    expect(json.total).toEqual({
      current: '1800.00',
      days1to30: '10000.00',
      days31to60: '333.33',
      days61to90: '0.00',
      over90: '0.00',
      total: '12133.33',
    });
    expect(json.unappliedCreditsBase).toBe('100.00');
    expect(json.customers.map((c) => c.contactName)).toEqual(['Acme Ltd', 'Bolt Supplies', 'Acme Holdings']);
    expect(out.text).toContain('Aged receivables — Harbour Foods, as of 2026-04-01');
  });

  it('narrows to one customer found by account number or name, and lists the matches when ambiguous', async () => {
    await seed();
    const one = await runAgingCommand(deps(), { customer: 'acm-1', asOf: '2026-04-01' });
    expect(one.exitCode).toBe(0);
    const report = one.json as ReturnType<typeof buildAgingReport>;
    expect(report.customers.map((c) => [c.contactName, c.base.total, c.invoices.length])).toEqual([
      ['Acme Ltd', '10800.00', 2],
    ]);
    expect(one.text).toContain('INV-i16');

    const many = await runAgingCommand(deps(), { customer: 'acme' });
    expect(many.exitCode).toBe(1);
    expect(many.json).toEqual({
      kind: 'ambiguous',
      query: 'acme',
      matches: [
        { id: 'c2', name: 'Acme Holdings', accountNumber: null },
        { id: 'c1', name: 'Acme Ltd', accountNumber: 'ACM-1' },
      ],
    });
    expect(many.text).toContain('Acme Holdings');

    const none = await runAgingCommand(deps(), { customer: 'Globex' });
    expect(none.exitCode).toBe(1);
    expect(none.json).toEqual({ kind: 'none', query: 'Globex' });
  });

  it.each([
    [{ asOf: '2026-02-30' }, /--as-of must be a calendar date/],
    [{ org: 'Nope Ltd' }, /no organisation matches 'Nope Ltd'/],
  ])('refuses %j as a usage error (exit 2)', async (options, message) => {
    await seed();
    const err = await runAgingCommand(deps(), options).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliFailure);
    expect((err as CliFailure).exitCode).toBe(2);
    expect((err as CliFailure).message).toMatch(message);
  });
});

describe("the ledger's age on every report", () => {
  async function syncedHoursAgo(hours: number) {
    await database.db
      .updateTable('xero_sync_state')
      .set({ last_complete_at: new Date(deps().clock.now().getTime() - hours * 3_600_000) })
      .where('org_id', '=', TEST_ORG_ID)
      .execute();
  }

  it('says nothing in the text of a fresh ledger, and gives its age in the JSON', async () => {
    await seed();
    await syncedHoursAgo(1);
    const out = await runAgingCommand(deps(), {});
    expect(out.text).not.toContain('WARNING');
    expect((out.json as { ledgerAge: unknown }).ledgerAge).toEqual({ minutes: 60, stale: false });
  });

  it('warns above aging, forecast, kpis and priorities once the figures are hours old, and says planning stopped past the limit', async () => {
    await seed();
    await syncedHoursAgo(5);
    for (const out of [
      await runAgingCommand(deps(), {}),
      await runForecastCommand(deps(), {}),
      await runKpisCommand(deps(), {}),
      await runPrioritiesCommand(deps(), {}),
    ]) {
      expect(out.text.split('\n')[0]).toBe(
        'WARNING: These figures are from Xero as it was 5 hours ago (the last complete sync); payments since then are missing.',
      );
      expect((out.json as { ledgerAge: unknown }).ledgerAge).toEqual({ minutes: 300, stale: false });
    }
    await syncedHoursAgo(30);
    const stale = await runAgingCommand(deps(), {});
    expect(stale.text.split('\n')[0]).toContain('No reminders are planned until a sync completes.');
    expect((stale.json as { ledgerAge: unknown }).ledgerAge).toEqual({ minutes: 1800, stale: true });
    // CSV stays bare for spreadsheets.
    const csv = await runPrioritiesCommand(deps(), { csv: true });
    expect(csv.text.startsWith('WARNING')).toBe(false);
  });
});

describe('the CLI reads promises as Slack does', () => {
  it('an active promise to pay moves the forecast: the promised money is expected on its date', async () => {
    const ledger = await seed();
    const acme = ledger.contacts.find((c) => c.name === 'Acme Ltd')!;
    const big = ledger.invoices.find((i) => i.contactId === acme.id && i.total === '12000.00')!;
    const before = (await runForecastCommand(deps(), { days: '7' })).json as {
      next7Days: { expected: string };
    };
    await database.db.transaction().execute((trx) =>
      recordPaymentPromise(trx, {
        orgId: TEST_ORG_ID,
        contactId: acme.id,
        invoiceIds: [big.id],
        earliest: '2026-04-03',
        latest: '2026-04-03',
        madeOn: '2026-04-01',
        amount: '10000.00',
        currency: 'NZD',
        source: 'collector',
        replyId: null,
        holdId: null,
        actor: { id: 'U1', name: 'colin' },
        now: deps().clock.now(),
      }),
    );
    const after = (await runForecastCommand(deps(), { days: '7' })).json as {
      next7Days: { expected: string };
    };
    expect(Number(after.next7Days.expected)).toBeGreaterThan(Number(before.next7Days.expected) + 5_000);
  });
});

describe('priorities command', () => {
  it('returns one row per open invoice with the collector columns, limited and as CSV', async () => {
    await seed();
    const out = await runPrioritiesCommand(deps(), { org: 'harbour', limit: '2' });
    const json = out.json as ReturnType<typeof listPriorities>;
    expect(json.invoices).toHaveLength(2);
    expect(json.invoices[0]).toMatchObject({
      invoiceNumber: 'INV-i16',
      contactName: 'Acme Ltd',
      currency: 'NZD',
      amountDue: '10000.00',
      baseAmountDue: '10000.00',
      dueDate: '2026-03-03',
      daysOverdue: 29,
    });
    expect(json.invoices[0]!.risk).toBeGreaterThan(0);
    expect(json.customers[0]).toMatchObject({ rank: 1, contactName: 'Acme Ltd' });
    expect(json.customers[0]!.reasons[0]).toBe('1 invoice 29 days overdue (2 open)');

    const csv = await runPrioritiesCommand(deps(), { csv: true });
    const lines = csv.text.split('\n');
    expect(lines[0]).toBe(
      'invoiceId,invoiceNumber,contactId,contactName,currency,amountDue,baseAmountDue,dueDate,daysOverdue,risk,score,tier,reasons',
    );
    expect(lines).toHaveLength(1 + 4);
    expect(
      lines.some((l) => l.startsWith('i18,INV-i18,c2,Acme Holdings,AUD,300.00,333.33,2026-02-04,56,')),
    ).toBe(true);
  });

  it('rejects a bad --limit as a usage error', async () => {
    await seed();
    await expect(runPrioritiesCommand(deps(), { limit: '0' })).rejects.toMatchObject({ exitCode: 2 });
  });
});

describe('forecast, kpis and backtest commands', () => {
  it('forecasts the next N days in base currency', async () => {
    await seed();
    const out = await runForecastCommand(deps(), { days: '7' });
    const json = out.json as {
      days: { date: string }[];
      horizonDays: number;
      openBase: string;
      total: { expected: string };
    };
    expect(json.horizonDays).toBe(7);
    expect(json.days.map((d) => d.date)).toEqual([
      '2026-04-02',
      '2026-04-03',
      '2026-04-04',
      '2026-04-05',
      '2026-04-06',
      '2026-04-07',
      '2026-04-08',
    ]);
    expect(json.openBase).toBe('12133.33');
    expect(Number(json.total.expected)).toBeGreaterThan(0);
    expect(Number(json.total.expected)).toBeLessThan(12133.33);
    await expect(runForecastCommand(deps(), { days: '400' })).rejects.toMatchObject({ exitCode: 2 });
  });

  it('computes the KPIs with their definitions', async () => {
    await seed();
    const out = await runKpisCommand(deps(), { asOf: '2026-04-01' });
    const json = out.json as ReturnType<typeof buildKpiReport>;
    expect(json.ar.total).toBe('12133.33');
    expect(json.ar.current).toBe('1800.00');
    expect(json.definitions.dso).toMatch(/^Countback DSO/);
    expect(json.dso.days).toBeGreaterThan(json.bestPossibleDso.days);
    expect(json.averageDaysDelinquent).toBeCloseTo(json.dso.days - json.bestPossibleDso.days, 1);
    await expect(runKpisCommand(deps(), { ceiFrom: '2026-03-01' })).rejects.toMatchObject({ exitCode: 2 });
  });

  it('backtests month ends between --from and --to', async () => {
    await seed();
    const out = await runBacktestCommand(deps(), { from: '2025-03-01', to: '2025-12-31' });
    const json = out.json as { monthEnds: string[]; observations: number; risk: { auc: number | null } };
    expect(json.monthEnds).toEqual([
      '2025-03-31',
      '2025-04-30',
      '2025-05-31',
      '2025-06-30',
      '2025-07-31',
      '2025-08-31',
      '2025-09-30',
      '2025-10-31',
      '2025-11-30',
    ]);
    expect(json.observations).toBeGreaterThan(0);
    expect(json).not.toHaveProperty('rows');
    await expect(runBacktestCommand(deps(), { from: '2025-12-31', to: '2025-01-01' })).rejects.toMatchObject({
      exitCode: 2,
    });
  });
});

describe('--json: every total equals the sum of the lines beside it (an NZD ledger owed in USD, AUD, GBP)', () => {
  const total = (figures: readonly Decimal[]) => sum(figures).toFixed(2);
  const fxDeps = (): CommandDeps => ({
    db: database.db,
    clock: new FixedClock(new Date(`${FX_AS_OF}T09:00:00Z`)),
  });
  beforeEach(async () => insertLedger(database.db, TEST_ORG_ID, fxLedger()));

  it('aging: customers add up to the totals, bucket by bucket, and a customer’s invoices to the customer', async () => {
    const report = (await runAgingCommand(fxDeps(), {})).json as ReturnType<typeof buildAgingReport>;
    for (const b of [...AGEING_BUCKETS, 'total'] as const) {
      expect(total(report.customers.map((c) => c.base[b])), b).toBe(report.total[b]);
    }
    expect(total(AGEING_BUCKETS.map((b) => report.total[b]))).toBe(report.total.total);
    const one = (await runAgingCommand(fxDeps(), { customer: 'Yankee' })).json as ReturnType<
      typeof buildAgingReport
    >;
    const yankee = one.customers[0]!;
    expect(yankee.invoices.map((i) => i.currency)).toContain('USD');
    expect(total(yankee.invoices.map((i) => i.baseAmountDue))).toBe(yankee.base.total);
    expect(yankee.base.total).toBe(
      report.customers.find((c) => c.contactName === 'Yankee Traders')!.base.total,
    );
  });

  it('forecast: the days add up to the total, the first seven to the week, the payers to the total', async () => {
    const f = (await runForecastCommand(fxDeps(), { days: '30' })).json as {
      days: { expected: Decimal }[];
      next7Days: { expected: Decimal };
      total: { expected: Decimal };
      byContact: { expected: Decimal }[];
    };
    expect(total(f.days.map((d) => d.expected))).toBe(f.total.expected);
    expect(total(f.days.slice(0, 7).map((d) => d.expected))).toBe(f.next7Days.expected);
    expect(total(f.byContact.map((c) => c.expected))).toBe(f.total.expected);
  });

  it('kpis: total = current + overdue, and overdue is what aging and the digest show', async () => {
    const k = (await runKpisCommand(fxDeps(), {})).json as ReturnType<typeof buildKpiReport>;
    expect(dec(k.ar.current).plus(k.ar.overdue).toFixed(2)).toBe(k.ar.total);
    const report = (await runAgingCommand(fxDeps(), {})).json as ReturnType<typeof buildAgingReport>;
    expect(total(AGEING_BUCKETS.filter((b) => b !== 'current').map((b) => report.total[b]))).toBe(
      k.ar.overdue,
    );
    expect(k.ar.total).toBe(report.total.total);
    // The digest's total overdue is the sum of the overdue invoices' base amounts, as priorities lists them.
    const list = (await runPrioritiesCommand(fxDeps(), {})).json as ReturnType<typeof listPriorities>;
    expect(total(list.invoices.filter((i) => i.daysOverdue > 0).map((i) => i.baseAmountDue))).toBe(
      k.ar.overdue,
    );
  });

  it('priorities: a customer’s figures are the sums of their invoices; ranks 1..n, those with something overdue first', async () => {
    const json = (await runPrioritiesCommand(fxDeps(), {})).json as ReturnType<typeof listPriorities>;
    for (const c of json.customers) {
      const invoices = json.invoices.filter((i) => i.contactId === c.contactId);
      expect(total(invoices.map((i) => i.baseAmountDue)), c.contactName).toBe(c.balanceBase);
      expect(total(invoices.filter((i) => i.daysOverdue > 0).map((i) => i.baseAmountDue))).toBe(
        c.overdueBase,
      );
      expect(total(invoices.map((i) => i.cashAtRiskBase)), c.contactName).toBe(c.cashAtRiskBase);
      expect(total(invoices.map((i) => i.score)), c.contactName).toBe(c.score);
    }
    expect(json.customers.map((c) => c.rank)).toEqual([1, 2, 3, 4, 5]);
    expect(json.customers.at(-1)!.contactName).toBe('Early Bird Ltd');
    const reasons = json.customers.flatMap((c) => c.reasons).join('\n');
    expect(reasons).toContain('NZ$');
    expect(reasons).not.toMatch(/(^|[^A-Z])\$\d/m);
  });
});
