import type { Server } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FixedClock } from '../adapters/clock.js';
import type { Organisation } from '../adapters/db/organisations.js';
import { getSyncState } from '../adapters/db/xero-sync-state.js';
import { OutboxWorker } from '../adapters/outbox/outbox-worker.js';
import { xeroRoutes } from '../adapters/xero/xero-routes.js';
import type { AppContext } from '../context.js';
import { MORNING_JOB } from '../domain/job-names.js';
import { XERO_REFRESH_KIND } from '../domain/outbox-kinds.js';
import { createRouteServer, listen } from '../http/server.js';
import { startXeroSandbox, type XeroSandbox } from '../sandbox/xero/index.js';
import { useTestDatabase } from '../testing/test-database.js';
import { connectSandbox, FAST_XERO, xeroTestContext } from '../testing/xero-harness.js';
import { wiring } from '../wiring.js';
import { Scheduler } from './scheduler.js';
import { registerXeroJobs } from './xero-jobs.js';

/**
 * One simulated day of the scheduler, minute by minute, against the Xero sandbox, counting every call it gets.
 * Xero's Starter tier allows 1,000 calls per organisation per day (reference/xero-api.md, December 2026): an idle
 * organisation must cost at most 150 of them, nightly reconcile and the morning's fresh sync included, and a day
 * of 50 invoice changes announced by webhooks at most 250.
 */
const ZONE = 'New Zealand Standard Time';
// Sunday 23:00 in Auckland (NZDT, +13): connected and first synced; the day runs from here for 24 hours.
const START = new Date('2026-12-06T10:00:00.000Z');
const MINUTE = 60_000;

const database = useTestDatabase();
let sandbox: XeroSandbox;
let ctx: AppContext;
let clock: FixedClock;
let server: Server;
let webhookUrl: string;
let org: Organisation;

beforeEach(async () => {
  clock = new FixedClock(START);
  sandbox = await startXeroSandbox({
    now: () => clock.now(),
    // Limits run on real time and this day passes in seconds: the count is what this test measures.
    rateLimits: false,
    organisations: [
      { kind: 'demo', seed: 9, contacts: 60, invoices: 900, asOf: '2026-12-06', timezone: ZONE },
    ],
  });
  // Xero's minute limits follow the simulated clock here: the day's calls are spread over simulated minutes.
  ctx = await xeroTestContext(database, sandbox, {
    clock,
    xeroOptions: { ...FAST_XERO, nowMs: () => clock.now().getTime() },
  });
  server = createRouteServer(xeroRoutes(ctx));
  webhookUrl = `http://127.0.0.1:${await listen(server, 0)}/xero/webhooks`;
  [org] = (await connectSandbox(ctx, sandbox)) as [Organisation];
});
afterEach(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await ctx.destroy();
  await sandbox.close();
});

interface DayCount {
  api: number;
  byOperation: Record<string, number>;
  morningLedgerAgeMs: number | null;
}

/** Runs the first sync, then 24 hours of one-minute ticks; `during(minute)` may change Xero first. */
async function runDay(during?: (minute: number) => Promise<boolean>): Promise<DayCount> {
  const scheduler = registerXeroJobs(new Scheduler(ctx));
  wiring.registerJobs(scheduler);
  const refresh = new OutboxWorker({
    db: database.db,
    clock: ctx.clock,
    log: ctx.log,
    handlers: wiring.outboxHandlers(ctx, { only: [XERO_REFRESH_KIND] }),
  });
  await scheduler.tick(clock.now()); // the first (full) sync, made due by the connection
  expect((await getSyncState(database.db, org.id, Date.now()))?.last?.ok).toBe(true);
  sandbox.clearCalls();

  let morningLedgerAgeMs: number | null = null;
  const nextDue = async () => {
    const r = await database.db
      .selectFrom('scheduled_jobs')
      .select((eb) => eb.fn.min('next_run_at').as('at'))
      .executeTakeFirst();
    return r?.at ? new Date(r.at).getTime() : Number.POSITIVE_INFINITY;
  };
  let due = await nextDue();
  for (let minute = 1; minute <= 24 * 60; minute++) {
    clock.set(new Date(START.getTime() + minute * MINUTE));
    const changed = (await during?.(minute)) === true;
    // A tick where nothing is due and nothing changed does nothing: skip it (the day then runs in seconds).
    if (!changed && clock.now().getTime() < due) continue;
    const results = await scheduler.tick(clock.now());
    for (const r of results) expect(r.error).toBeNull();
    if (results.some((r) => r.job === MORNING_JOB)) {
      const state = await getSyncState(database.db, org.id, Date.now());
      morningLedgerAgeMs = clock.now().getTime() - (state?.lastCompleteAt?.getTime() ?? 0);
    }
    await refresh.drain();
    due = await nextDue();
  }
  const api = sandbox.calls.filter((c) => c.path.includes('/api.xro/2.0/'));
  const byOperation: Record<string, number> = {};
  for (const c of api) {
    const key = `${c.method} ${c.path.replace(/.*\/api\.xro\/2\.0\//, '').replace(/\/[0-9a-f-]{36}.*/, '/{id}')}`;
    byOperation[key] = (byOperation[key] ?? 0) + 1;
  }
  return { api: api.length, byOperation, morningLedgerAgeMs };
}

describe('a day of Xero calls (Starter tier: 1,000 per organisation)', () => {
  it('an idle organisation costs at most 150 calls, reconcile and the fresh morning sync included', async () => {
    const day = await runDay();
    expect(day.api, JSON.stringify(day.byOperation)).toBeLessThanOrEqual(150);
    expect(day.byOperation['GET Organisation']).toBeGreaterThanOrEqual(1); // the nightly reconcile ran
    // The morning's plan and digest were built on a ledger at most 15 minutes old.
    expect(day.morningLedgerAgeMs).not.toBeNull();
    expect(day.morningLedgerAgeMs as number).toBeLessThanOrEqual(15 * MINUTE);
  });

  it('a day of 50 invoice changes announced by webhooks costs at most 250 calls, and every change arrives', async () => {
    const tenantId = org.xeroTenantId;
    const open = sandbox.store
      .sorted(tenantId, 'Invoices')
      .filter((i) => i.status === 'AUTHORISED')
      .slice(0, 50);
    expect(open).toHaveLength(50);
    // Spread over the working day, 08:00–18:00 local (19:00–05:00 UTC): one change every 12 minutes.
    const changeAt = new Map(open.map((inv, i) => [9 * 60 + i * 12, inv.id]));
    let lastSent = START;
    const day = await runDay(async (minute) => {
      const id = changeAt.get(minute);
      if (!id) return false;
      sandbox.store.setExpectedPaymentDate(id, '2026-12-20');
      const events = sandbox.webhookEventsSince(lastSent, [tenantId]);
      lastSent = clock.now();
      const res = await sandbox.sendWebhooks(webhookUrl, events);
      expect(res.status).toBe(200);
      return true;
    });
    expect(day.api, JSON.stringify(day.byOperation)).toBeLessThanOrEqual(250);
    const stored = await database.db
      .selectFrom('xero_invoices')
      .select(['invoice_id', 'expected_payment_date'])
      .where('invoice_id', 'in', [...changeAt.values()])
      .execute();
    expect(stored.filter((r) => r.expected_payment_date === '2026-12-20')).toHaveLength(50);
  });
});
