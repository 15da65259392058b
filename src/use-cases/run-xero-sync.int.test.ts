import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../adapters/db/database.js';
import { loadLedger } from '../adapters/db/ledger-queries.js';
import type { Organisation } from '../adapters/db/organisations.js';
import { claimSyncLease, getSyncState, releaseSyncLease } from '../adapters/db/xero-sync-state.js';
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import { Scheduler } from '../jobs/scheduler.js';
import { registerXeroJobs } from '../jobs/xero-jobs.js';
import { startXeroSandbox, type XeroSandbox } from '../sandbox/xero/index.js';
import { useTestDatabase } from '../testing/test-database.js';
import { connectSandbox, xeroTestContext } from '../testing/xero-harness.js';
import { runXeroSync, syncOrAwait, syncRunDepsOf } from './run-xero-sync.js';

/**
 * Two service instances and an operator's CLI on one database, against a sandbox that enforces Xero's real
 * limits (60 a minute, 5 in flight per tenant). On the server, each gets a connection pool of its own.
 */
const database = useTestDatabase();
let pools: Database[] = [];
let sandbox: XeroSandbox;
let contexts: AppContext[] = [];

beforeEach(async () => {
  sandbox = await startXeroSandbox({
    organisations: [{ kind: 'demo', seed: 3, contacts: 300, invoices: 2500 }],
  });
});
afterEach(async () => {
  for (const c of contexts) await c.destroy();
  for (const p of pools) await p.destroy();
  contexts = [];
  pools = [];
  await sandbox.close();
});

/** A process of its own: its own context (instance id, limiter) and, on the server, its own pool. */
async function instance(): Promise<AppContext> {
  const db = database.url
    ? await openDatabase({ databaseUrl: database.url, dataDir: '', poolSize: 4 })
    : database;
  if (db !== database) pools.push(db);
  const ctx = await xeroTestContext(db, sandbox);
  contexts.push(ctx);
  return ctx;
}

/** The service's instance holds the organisation's sync lease, as during one of its polls. */
const serviceHolds = (svc: AppContext, org: Organisation, leaseMs = 60_000) =>
  claimSyncLease(database.db, {
    orgId: org.id,
    holder: svc.instanceId,
    label: 'service',
    runKind: 'incremental',
    nowMs: Date.now(),
    leaseMs,
  });

const apiCalls = () => sandbox.calls.filter((c) => c.path.includes('/api.xro/2.0/'));

describe('one Xero sync per organisation, across instances and the CLI', () => {
  it('two instances due at once and a cli sync at the same moment: one sync runs, no 429', async () => {
    const [a, b, cli] = [await instance(), await instance(), await instance()];
    const [org] = (await connectSandbox(a, sandbox)) as [Organisation];
    const now = a.clock.now();
    const waiting: string[] = [];
    const [ta, tb, c] = await Promise.all([
      registerXeroJobs(new Scheduler(a)).tick(now),
      registerXeroJobs(new Scheduler(b)).tick(now),
      syncOrAwait(syncRunDepsOf(cli, 'cli'), org, 'incremental', {
        wait: true,
        pollMs: 20,
        onWaiting: (by) => waiting.push(by.label),
      }),
    ]);

    expect(apiCalls().filter((x) => x.status === 429)).toEqual([]);
    // One sync read the contacts (one page); nobody read them twice.
    expect(apiCalls().filter((x) => x.path.endsWith('/Contacts'))).toHaveLength(1);
    const polls = [...ta, ...tb].filter((r) => r.job === 'xero.sync');
    expect(polls).toHaveLength(1); // the scheduled_jobs claim: one instance got the due poll
    expect(polls[0]?.ok).toBe(true);
    // The CLI either ran the sync or waited for the instance that did, and reports its result.
    if (c.status === 'waited') {
      expect(waiting).toEqual(['service']);
      expect(c.outcome?.ok).toBe(true);
    } else {
      expect(c.status).toBe('synced');
    }
    const state = await getSyncState(database.db, org.id, Date.now());
    expect(state).toMatchObject({ running: null, lapsed: null, last: { ok: true } });
  });

  it('--no-wait names the holder and since when; waiting reports the holder’s result', async () => {
    const [svc, cli] = [await instance(), await instance()];
    const [org] = (await connectSandbox(svc, sandbox)) as [Organisation];
    const held = await serviceHolds(svc, org);
    expect(held.kind).toBe('claimed');
    const deps = syncRunDepsOf(cli, 'cli');
    const busy = await syncOrAwait(deps, org, 'incremental', { wait: false });
    expect(busy).toMatchObject({ status: 'busy', by: { label: 'service', holder: svc.instanceId } });

    const waited = syncOrAwait(deps, org, 'incremental', { wait: true, pollMs: 10 });
    await new Promise((r) => setTimeout(r, 50));
    const at = svc.clock.now();
    await releaseSyncLease(database.db, {
      orgId: org.id,
      holder: svc.instanceId,
      outcome: {
        runKind: 'incremental',
        startedAt: at,
        finishedAt: at,
        ok: false,
        error: 'HTTP 500',
        report: null,
      },
      changed: null,
    });
    expect(await waited).toMatchObject({ status: 'waited', outcome: { ok: false, error: 'HTTP 500' } });
    expect(apiCalls()).toEqual([]); // nothing synced twice: the CLI reported the service's run
  });

  it('takes over from a holder that died mid-sync once its lease lapses', async () => {
    const [cli] = [await instance()];
    const [org] = (await connectSandbox(cli, sandbox)) as [Organisation];
    await claimSyncLease(database.db, {
      orgId: org.id,
      holder: 'dead-host:1:abc',
      label: 'service',
      runKind: 'incremental',
      nowMs: Date.now(),
      leaseMs: 200,
    });
    const r = await syncOrAwait(syncRunDepsOf(cli, 'cli'), org, 'incremental', { wait: true, pollMs: 20 });
    expect(r.status).toBe('synced');
    expect(apiCalls().filter((x) => x.path.endsWith('/Contacts'))).toHaveLength(1);
  });

  it('runs a --full asked for while an ordinary poll holds the lease, once the poll is done', async () => {
    const [svc, cli] = [await instance(), await instance()];
    const [org] = (await connectSandbox(svc, sandbox)) as [Organisation];
    await serviceHolds(svc, org);
    const full = syncOrAwait(syncRunDepsOf(cli, 'cli'), org, 'full', { wait: true, pollMs: 10 });
    await new Promise((r) => setTimeout(r, 50));
    const at = svc.clock.now();
    await releaseSyncLease(database.db, {
      orgId: org.id,
      holder: svc.instanceId,
      outcome: { runKind: 'incremental', startedAt: at, finishedAt: at, ok: true, error: null, report: {} },
      changed: false,
    });
    const r = await full;
    expect(r.status).toBe('synced');
    expect(r.status === 'synced' && r.run.runKind).toBe('full');
  });

  it('a first sync that fails on one resource leaves the organisation not ready, saying why, until a sync completes', async () => {
    const [svc] = [await instance()];
    const [org] = (await connectSandbox(svc, sandbox)) as [Organisation];
    sandbox.faults.inject({
      match: { path: /\/Payments/ },
      times: 100,
      fault: { kind: 'status', status: 500 },
    });
    const deps = syncRunDepsOf(svc, 'service');
    const failed = await runXeroSync(deps, org, { runKind: 'incremental', purpose: 'background' });
    expect(failed.kind).toBe('failed');
    // Contacts and invoices are stored, payments are not: the ledger must not drive any decision.
    expect(
      (await database.db.selectFrom('xero_invoices').select('invoice_id').execute()).length,
    ).toBeGreaterThan(0);
    const refused = await loadLedger(database.db, org.id).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe('ORG_NOT_SYNCED');
    expect((refused as AppError).message).toMatch(
      /incomplete: its first sync from Xero has not finished; the last attempt failed: .*HTTP 500/,
    );

    sandbox.faults.clear();
    expect((await runXeroSync(deps, org, { runKind: 'incremental', purpose: 'background' })).kind).toBe(
      'done',
    );
    const ledger = await loadLedger(database.db, org.id);
    expect(ledger.settlements.length).toBeGreaterThan(0);
  });

  it('SIGTERM during a large sync: it stops at a page boundary, frees its leases, and a restart resumes at once', async () => {
    const [svc] = [await instance()];
    const [org] = (await connectSandbox(svc, sandbox)) as [Organisation];
    // Slow pages, so the stop lands mid-sync.
    sandbox.faults.inject({ match: { path: /\/Invoices/ }, times: 100, fault: { kind: 'delay', ms: 150 } });
    const scheduler = registerXeroJobs(new Scheduler(svc));
    const running = scheduler.tick(svc.clock.now());
    while ((await database.db.selectFrom('xero_invoices').select('invoice_id').execute()).length === 0) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const asked = Date.now();
    await scheduler.stop();
    const [result] = await running;
    expect(Date.now() - asked).toBeLessThan(5_000);
    expect(result).toMatchObject({ job: 'xero.sync', ok: true });
    const state = await getSyncState(database.db, org.id, Date.now());
    expect(state).toMatchObject({ running: null, lapsed: null, lastCompleteAt: null });
    expect(state?.last?.error).toMatch(/stopped at shutdown/);
    const job = await database.db
      .selectFrom('scheduled_jobs')
      .selectAll()
      .where('job', '=', 'xero.sync')
      .executeTakeFirstOrThrow();
    expect(job.locked_by).toBeNull();
    expect(job.next_run_at.getTime()).toBeLessThanOrEqual(svc.clock.now().getTime());
    const stored = (await database.db.selectFrom('xero_invoices').select('invoice_id').execute()).length;

    // The restart: another scheduler ticks, finds the poll due, resumes from the stored cursors and completes.
    sandbox.faults.clear();
    sandbox.clearCalls();
    const [resumed] = await registerXeroJobs(new Scheduler(svc)).tick(svc.clock.now());
    expect(resumed).toMatchObject({ job: 'xero.sync', ok: true });
    expect((await getSyncState(database.db, org.id, Date.now()))?.lastCompleteAt).not.toBeNull();
    const invoices = sandbox.store
      .sorted(org.xeroTenantId, 'Invoices')
      .filter((i) => i.type === 'ACCREC').length;
    expect((await database.db.selectFrom('xero_invoices').select('invoice_id').execute()).length).toBe(
      invoices,
    );
    expect(stored).toBeLessThan(invoices);
  });
});
