import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FixedClock } from '../adapters/clock.js';
import { type Database, openDatabase } from '../adapters/db/database.js';
import type { Organisation } from '../adapters/db/organisations.js';
import { parseConfig } from '../config.js';
import { type AppContext, createContext } from '../context.js';
import { nextIntervalBoundary } from '../domain/schedule-times.js';
import { createLogger } from '../logger.js';
import { startXeroSandbox, type XeroSandbox } from '../sandbox/xero/index.js';
import { useTestDatabase } from '../testing/test-database.js';
import { connectSandbox, TEST_ENCRYPTION_KEY, xeroTestContext } from '../testing/xero-harness.js';
import { type ScheduledJob, Scheduler } from './scheduler.js';
import { registerXeroJobs, xeroReconcileJob, xeroSyncJob } from './xero-jobs.js';

const T0 = new Date('2026-11-20T21:00:30.000Z');
const database = useTestDatabase();
let ctx: AppContext;
let clock: FixedClock;

async function plainContext(db: Database): Promise<AppContext> {
  const config = parseConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ENCRYPTION_KEY: TEST_ENCRYPTION_KEY });
  if (!config.ok) throw new Error('config');
  return createContext(config.config, { database: db, clock, log: createLogger({ level: 'silent' }) });
}

async function addOrg(name: string, timezone: string): Promise<string> {
  const row = await database.db
    .insertInto('organisations')
    .values({ xero_tenant_id: `tenant-${name}`, name, timezone, created_at: T0, updated_at: T0 })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A job that records its runs: every hour on the hour, first run at once. */
function recordingJob(
  runs: { org: string; at: string; by: string }[],
  by: string,
  opts: { fail?: boolean } = {},
): ScheduledJob {
  return {
    name: 'test.hourly',
    firstRunAt: (_o, now) => now,
    nextRunAfter: (_o, after) => nextIntervalBoundary(after, 60),
    async run(_ctx, org: Organisation, now) {
      runs.push({ org: org.name, at: now.toISOString(), by });
      await new Promise((r) => setTimeout(r, 5));
      if (opts.fail) throw new Error('boom');
    },
  };
}

describe('scheduler', () => {
  beforeEach(async () => {
    clock = new FixedClock(T0);
    ctx = await plainContext(database);
  });
  afterEach(async () => {
    await ctx.destroy();
  });

  it('runs each due job once per organisation, then at its next time; a missed run catches up once', async () => {
    await addOrg('Alpha', 'Pacific/Auckland');
    await addOrg('Beta', 'Europe/London');
    const runs: { org: string; at: string; by: string }[] = [];
    const s = new Scheduler(ctx).registerJob(recordingJob(runs, 'a'));
    expect(await s.tick(clock.now())).toEqual([]); // rows are created at the end of the first tick
    const first = await s.tick(clock.now());
    expect(first.map((r) => [r.ok, r.nextRunAt.toISOString()])).toEqual([
      [true, '2026-11-20T22:00:00.000Z'],
      [true, '2026-11-20T22:00:00.000Z'],
    ]);
    expect(runs.map((r) => r.org).sort()).toEqual(['Alpha', 'Beta']);

    clock.advance(30 * 60_000);
    expect(await s.tick(clock.now())).toEqual([]); // not due yet

    // Every instance was down for five hours: one catch-up run, then back to the hourly rhythm.
    clock.set(new Date('2026-11-21T03:10:00.000Z'));
    const late = await s.tick(clock.now());
    expect(late.map((r) => r.nextRunAt.toISOString())).toEqual([
      '2026-11-21T04:00:00.000Z',
      '2026-11-21T04:00:00.000Z',
    ]);
    expect(runs).toHaveLength(4);
  });

  it('lets several instances tick at once: each due run happens exactly once', async () => {
    for (let i = 0; i < 12; i++) await addOrg(`Org ${i}`, 'UTC');
    const runs: { org: string; at: string; by: string }[] = [];
    const second: Database = database.url
      ? await openDatabase({ databaseUrl: database.url, dataDir: '', poolSize: 4 })
      : database;
    const ctx2 = await plainContext(second);
    try {
      const a = new Scheduler(ctx, { batchSize: 5 }).registerJob(recordingJob(runs, 'a'));
      const b = new Scheduler(ctx2, { batchSize: 5 }).registerJob(recordingJob(runs, 'b'));
      await a.tick(clock.now()); // creates the rows
      for (let i = 0; i < 4; i++) await Promise.all([a.tick(clock.now()), b.tick(clock.now())]);
      expect(runs).toHaveLength(12);
      expect(new Set(runs.map((r) => r.org)).size).toBe(12);
    } finally {
      await ctx2.destroy();
      if (second !== database) await second.destroy();
    }
  });

  it('records a failed run and still schedules the next one; skips organisations that need reconnecting', async () => {
    const id = await addOrg('Gamma', 'UTC');
    await addOrg('Delta', 'UTC');
    await database.db
      .updateTable('organisations')
      .set({ status: 'needs_reconnect' })
      .where('name', '=', 'Delta')
      .execute();
    const runs: { org: string; at: string; by: string }[] = [];
    const s = new Scheduler(ctx).registerJob(recordingJob(runs, 'a', { fail: true }));
    await s.tick(clock.now());
    const [r] = await s.tick(clock.now());
    expect(r).toMatchObject({ ok: false, error: 'boom', orgId: id });
    expect(runs.map((x) => x.org)).toEqual(['Gamma']);
    const row = await database.db
      .selectFrom('scheduled_jobs')
      .selectAll()
      .where('org_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ last_error: 'boom', locked_by: null });
    expect(row.next_run_at.toISOString()).toBe('2026-11-20T22:00:00.000Z');
  });

  it('schedules the Xero jobs: sync every 15 minutes, reconcile at 04:00 local', () => {
    const org = { timezone: 'Pacific/Auckland' } as Organisation;
    expect(xeroSyncJob.nextRunAfter(org, new Date('2026-11-20T21:07:12Z')).toISOString()).toBe(
      '2026-11-20T21:15:00.000Z',
    );
    expect(xeroSyncJob.nextRunAfter(org, new Date('2026-11-20T21:15:00Z')).toISOString()).toBe(
      '2026-11-20T21:30:00.000Z',
    );
    // 10:00 NZDT on 21 Nov → next 04:00 NZDT is 22 Nov 04:00 (+13) = 21 Nov 15:00Z.
    expect(xeroReconcileJob.nextRunAfter(org, new Date('2026-11-20T21:00:00Z')).toISOString()).toBe(
      '2026-11-21T15:00:00.000Z',
    );
    // Across the April DST end in New Zealand (+13 → +12 on 5 April 2026).
    // 5 April 05:00 NZDT (= 4 April 16:00Z) → 6 April 04:00 NZST (+12) = 5 April 16:00Z.
    expect(xeroReconcileJob.nextRunAfter(org, new Date('2026-04-04T16:00:00Z')).toISOString()).toBe(
      '2026-04-05T16:00:00.000Z',
    );
    const london = { timezone: 'Europe/London' } as Organisation;
    expect(xeroReconcileJob.nextRunAfter(london, new Date('2026-03-28T12:00:00Z')).toISOString()).toBe(
      '2026-03-29T03:00:00.000Z',
    );
  });
});

describe('the Xero jobs on the scheduler', () => {
  let sandbox: XeroSandbox;
  beforeEach(async () => {
    clock = new FixedClock(T0);
    sandbox = await startXeroSandbox({
      now: () => clock.now(),
      rateLimits: false,
      organisations: [{ kind: 'demo', seed: 5, contacts: 6, invoices: 30, asOf: '2026-11-21' }],
    });
    ctx = await xeroTestContext(database, sandbox, { clock });
  });
  afterEach(async () => {
    await ctx.destroy();
    await sandbox.close();
  });

  it('syncs a newly connected organisation on the next tick and sets up its nightly reconcile', async () => {
    const [org] = (await connectSandbox(ctx, sandbox)) as [Organisation];
    const s = registerXeroJobs(new Scheduler(ctx));
    const results = await s.tick(clock.now());
    expect(results).toEqual([
      {
        job: 'xero.sync',
        orgId: org.id,
        ok: true,
        error: null,
        // The first poll found everything new: the next one in 15 minutes, on the minute.
        nextRunAt: new Date('2026-11-20T21:16:00.000Z'),
      },
    ]);
    const invoices = await database.db.selectFrom('xero_invoices').select('invoice_id').execute();
    expect(invoices.length).toBeGreaterThan(0);
    const reconcile = await database.db
      .selectFrom('scheduled_jobs')
      .selectAll()
      .where('job', '=', 'xero.reconcile')
      .executeTakeFirstOrThrow();
    expect(reconcile.next_run_at.toISOString()).toBe('2026-11-21T15:00:00.000Z');

    clock.set(new Date('2026-11-21T15:00:10.000Z'));
    const night = await s.tick(clock.now());
    expect(night.map((r) => [r.job, r.ok]).sort()).toEqual([
      ['xero.reconcile', true],
      ['xero.sync', true],
    ]);
  });

  it("schedules local-time jobs only once the organisation's zone is known, and corrects a row made in another", async () => {
    await sandbox.close();
    sandbox = await startXeroSandbox({
      now: () => clock.now(),
      rateLimits: false,
      organisations: [
        {
          kind: 'demo',
          seed: 6,
          contacts: 5,
          invoices: 20,
          asOf: '2026-11-21',
          timezone: 'Eastern Standard Time',
        },
      ],
    });
    await ctx.destroy();
    ctx = await xeroTestContext(database, sandbox, { clock });
    const [org] = (await connectSandbox(ctx, sandbox)) as [Organisation];
    // Instance B ticks while A has not synced yet: the zone is unknown, so no local-time row may be made.
    const b = new Scheduler(ctx).registerJob({ ...xeroReconcileJob });
    await b.tick(clock.now());
    const rows = () =>
      database.db
        .selectFrom('scheduled_jobs')
        .select(['job', 'next_run_at', 'scheduled_in_zone'])
        .orderBy('job')
        .execute();
    expect((await rows()).map((r) => r.job)).toEqual(['xero.sync']);

    // Instance A runs the first sync: the zone (America/New_York) is stored, and the row is made in it.
    const a = registerXeroJobs(new Scheduler(ctx));
    await a.tick(clock.now());
    const reconcile = (await rows()).find((r) => r.job === 'xero.reconcile');
    // 20 Nov 21:00Z is 16:00 in New York (EST, −5): the next 04:00 local is 21 Nov 09:00Z.
    expect(reconcile).toMatchObject({ scheduled_in_zone: 'America/New_York' });
    expect(reconcile?.next_run_at.toISOString()).toBe('2026-11-21T09:00:00.000Z');

    // A row computed in UTC (before this release, or the zone changed in Xero) is corrected on the next tick.
    await database.db
      .updateTable('scheduled_jobs')
      .set({ next_run_at: new Date('2026-11-21T04:00:00Z'), scheduled_in_zone: 'UTC' })
      .where('job', '=', 'xero.reconcile')
      .execute();
    await b.tick(clock.now());
    const fixed = (await rows()).find((r) => r.job === 'xero.reconcile');
    expect(fixed).toMatchObject({ scheduled_in_zone: 'America/New_York' });
    expect(fixed?.next_run_at.toISOString()).toBe('2026-11-21T09:00:00.000Z');
    expect(org.id).toBeTruthy();
  });
});
