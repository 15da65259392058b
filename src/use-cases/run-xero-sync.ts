// Over 300 lines: a sync run's lease, budget, resume cursor and freshness checks are one flow shared by the scheduler, the CLI and /ar sync.
import type { Kysely } from 'kysely';
import type { Organisation } from '../adapters/db/organisations.js';
import type { DB } from '../adapters/db/schema.js';
import { pruneXeroCalls, xeroDayBudget } from '../adapters/db/xero-call-log.js';
import type { XeroLedgerStore } from '../adapters/db/xero-ledger-store.js';
import {
  claimSyncLease,
  getSyncState,
  lastWebhookAt,
  releaseSyncLease,
  renewSyncLease,
  type SyncHolder,
  type SyncOutcome,
  type SyncRunKind,
} from '../adapters/db/xero-sync-state.js';
import type { XeroTenantApi } from '../adapters/xero/xero-gateway.js';
import type { AppContext } from '../context.js';
import type { XeroCallLimits, XeroCallPurpose } from '../domain/xero-call-budget.js';
import { areWebhooksActive, nextPollAt } from '../domain/xero-poll-cadence.js';
import { AppError, errorMessage, isAppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { reconcileXeroOrganisation, type XeroReconcileReport } from './reconcile-xero-organisation.js';
import { syncXeroOrganisation, type XeroSyncOptions, type XeroSyncReport } from './sync-xero-organisation.js';

/** A lease outlives a missed heartbeat or two; a killed holder's sync is taken over within a minute. */
export const SYNC_LEASE_MS = 60_000;
const HEARTBEAT_MS = 15_000;

export interface SyncRunDeps {
  readonly db: Kysely<DB>;
  readonly api: (org: Organisation, purpose: XeroCallPurpose, signal?: AbortSignal) => XeroTenantApi;
  readonly store: XeroLedgerStore;
  readonly log: Logger;
  /** Business time of the run (stored as synced_at, and as how fresh the ledger is). */
  readonly now: () => Date;
  /** Wall clock of the lease. */
  readonly wallMs: () => number;
  /** This process (host:pid:…) and what it is, for the people who read `orgs` and the CLI's report. */
  readonly holder: string;
  readonly label: 'service' | 'cli';
}

export interface SyncRunRequest {
  readonly runKind: SyncRunKind;
  readonly purpose: XeroCallPurpose;
  readonly onPage?: XeroSyncOptions['onPage'];
  /** Shutdown: stop after the page being stored; the result is `stopped`. */
  readonly signal?: AbortSignal;
}

export type SyncRunResult =
  | { readonly kind: 'done'; readonly runKind: 'incremental' | 'full'; readonly report: XeroSyncReport }
  | { readonly kind: 'done'; readonly runKind: 'reconcile'; readonly report: XeroReconcileReport }
  /** Someone else is syncing this organisation now. */
  | { readonly kind: 'busy'; readonly by: SyncHolder }
  /** Stopped at shutdown between pages: what was stored stays, the next run resumes from the cursors. */
  | { readonly kind: 'stopped'; readonly runKind: SyncRunKind; readonly detail: string }
  | {
      readonly kind: 'failed';
      readonly runKind: SyncRunKind;
      readonly error: string;
      readonly code: string | null;
    };

/**
 * 1. take the organisation's sync lease (or report who holds it);
 * 2. sync, or reconcile, keeping the lease alive;
 * 3. record the outcome, the ledger's freshness and whether the poll found anything new, and free the lease.
 * A failure is recorded and returned; pages stored before it stay stored (each with its cursor).
 */
export async function runXeroSync(
  deps: SyncRunDeps,
  org: Organisation,
  req: SyncRunRequest,
): Promise<SyncRunResult> {
  const claim = await claimSyncLease(deps.db, {
    orgId: org.id,
    holder: deps.holder,
    label: deps.label,
    runKind: req.runKind,
    nowMs: deps.wallMs(),
    leaseMs: SYNC_LEASE_MS,
  });
  if (claim.kind === 'held') return { kind: 'busy', by: claim.by };

  const heartbeat = setInterval(() => {
    renewSyncLease(deps.db, {
      orgId: org.id,
      holder: deps.holder,
      nowMs: deps.wallMs(),
      leaseMs: SYNC_LEASE_MS,
    })
      .then((kept) => {
        if (!kept) deps.log.warn({ orgId: org.id, code: 'XERO_SYNC_LEASE_LOST' }, 'xero sync lease was lost');
      })
      .catch((err) => deps.log.warn({ err, orgId: org.id }, 'xero sync heartbeat failed'));
  }, HEARTBEAT_MS);
  heartbeat.unref();

  const startedAt = deps.now();
  const syncDeps = {
    api: deps.api(org, req.purpose, req.signal),
    store: deps.store,
    log: deps.log,
    now: startedAt,
  };
  let result: SyncRunResult;
  try {
    if (req.runKind === 'reconcile') {
      result = { kind: 'done', runKind: 'reconcile', report: await reconcileXeroOrganisation(syncDeps, org) };
    } else {
      const report = await syncXeroOrganisation(syncDeps, org, {
        full: req.runKind === 'full',
        ...(req.onPage ? { onPage: req.onPage } : {}),
        ...(req.signal ? { signal: req.signal } : {}),
      });
      result = { kind: 'done', runKind: req.runKind, report };
    }
  } catch (err) {
    result = isAppError(err, 'SYNC_STOPPED')
      ? { kind: 'stopped', runKind: req.runKind, detail: err.message }
      : {
          kind: 'failed',
          runKind: req.runKind,
          error: errorMessage(err),
          code:
            err instanceof AppError
              ? err.code
              : (((err as { code?: unknown }).code as string | undefined) ?? null),
        };
  } finally {
    clearInterval(heartbeat);
  }

  const outcome: SyncOutcome = {
    runKind: req.runKind,
    startedAt,
    finishedAt: deps.now(),
    ok: result.kind === 'done',
    error: result.kind === 'failed' ? result.error : result.kind === 'stopped' ? result.detail : null,
    report: result.kind === 'done' ? { ...result.report } : null,
  };
  await releaseSyncLease(deps.db, {
    orgId: org.id,
    holder: deps.holder,
    outcome,
    changed: result.kind === 'done' && result.runKind === 'incremental' ? result.report.changed : null,
  });
  return result;
}

export type SyncWaitResult =
  | { readonly kind: 'finished'; readonly by: SyncHolder; readonly outcome: SyncOutcome | null }
  /** Its holder stopped renewing the lease (the process died): nothing was recorded. */
  | { readonly kind: 'lapsed'; readonly by: SyncHolder }
  | { readonly kind: 'timed-out'; readonly by: SyncHolder };

/**
 * Waits for the sync another process is running to end (or its lease to lapse, if it died), then gives how it
 * ended. Looks every `pollMs`.
 */
export async function awaitXeroSync(
  deps: Pick<SyncRunDeps, 'db' | 'wallMs'>,
  orgId: string,
  by: SyncHolder,
  options: { pollMs?: number; timeoutMs?: number; sleep?: (ms: number) => Promise<void> } = {},
): Promise<SyncWaitResult> {
  const pollMs = options.pollMs ?? 1_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const deadline = deps.wallMs() + (options.timeoutMs ?? 60 * 60_000);
  for (;;) {
    const state = await getSyncState(deps.db, orgId, deps.wallMs());
    const same = (h: SyncHolder | null | undefined) =>
      !!h && h.holder === by.holder && h.startedAt.getTime() === by.startedAt.getTime();
    if (same(state?.lapsed)) return { kind: 'lapsed', by };
    if (!same(state?.running)) return { kind: 'finished', by, outcome: state?.last ?? null };
    if (deps.wallMs() >= deadline) return { kind: 'timed-out', by };
    await sleep(pollMs);
  }
}

export type OperatorSyncResult =
  | { readonly status: 'synced'; readonly run: Extract<SyncRunResult, { kind: 'done' }> }
  /** Another process was syncing: its result, which this call waited for. */
  | { readonly status: 'waited'; readonly by: SyncHolder; readonly outcome: SyncOutcome | null }
  /** `wait: false`: another process is syncing. */
  | { readonly status: 'busy'; readonly by: SyncHolder }
  | {
      readonly status: 'failed';
      readonly runKind: SyncRunKind;
      readonly error: string;
      readonly by?: SyncHolder;
    };

/**
 * An operator's sync (`cli sync`): one per organisation at a time, so when the service or another CLI is
 * syncing, wait for it and report its result instead of syncing twice. A --full or --reconcile asked for while
 * an ordinary poll runs still runs once that poll is done.
 */
export async function syncOrAwait(
  deps: SyncRunDeps,
  org: Organisation,
  runKind: SyncRunKind,
  o: {
    readonly wait: boolean;
    readonly onPage?: XeroSyncOptions['onPage'];
    readonly onWaiting?: (by: SyncHolder) => void;
    readonly pollMs?: number;
  },
): Promise<OperatorSyncResult> {
  for (;;) {
    const r = await runXeroSync(deps, org, {
      runKind,
      purpose: 'interactive',
      ...(o.onPage ? { onPage: o.onPage } : {}),
    });
    if (r.kind === 'done') return { status: 'synced', run: r };
    if (r.kind === 'failed') return { status: 'failed', runKind, error: r.error };
    if (r.kind === 'stopped') return { status: 'failed', runKind, error: r.detail };
    if (!o.wait) return { status: 'busy', by: r.by };
    o.onWaiting?.(r.by);
    const waited = await awaitXeroSync(deps, org.id, r.by, o.pollMs ? { pollMs: o.pollMs } : {});
    if (waited.kind === 'timed-out') {
      return {
        status: 'failed',
        runKind,
        error: 'gave up waiting for the sync another process is running',
        by: r.by,
      };
    }
    // Its holder died without a word: take the lease over and sync.
    if (waited.kind === 'lapsed') continue;
    if (r.by.runKind === runKind || (runKind === 'incremental' && r.by.runKind === 'full')) {
      return { status: 'waited', by: r.by, outcome: waited.outcome };
    }
  }
}

/** The sync deps of a context: its database, Xero services, clocks and instance id. */
export function syncRunDepsOf(ctx: AppContext, label: SyncRunDeps['label']): SyncRunDeps {
  return {
    db: ctx.database.db,
    api: (org, purpose, signal) => ctx.xero.tenantApi(org, purpose, signal),
    store: ctx.xero.ledger,
    log: ctx.log.child({ component: 'xero-sync' }),
    now: () => ctx.clock.now(),
    wallMs: Date.now,
    holder: ctx.instanceId,
    label,
  };
}

/**
 * The scheduled poll: an incremental sync (on a person's behalf when `/ar sync` asked for it), then when to poll
 * next, from what the poll found, whether webhooks are arriving, and the day's remaining budget.
 */
export async function pollXeroOrganisation(
  deps: SyncRunDeps,
  org: Organisation,
  limits: XeroCallLimits,
  signal?: AbortSignal,
): Promise<{ result: SyncRunResult; nextPollAt: Date }> {
  const before = await getSyncState(deps.db, org.id, deps.wallMs());
  const purpose: XeroCallPurpose = before?.requestedAt ? 'interactive' : 'background';
  const result = await runXeroSync(deps, org, {
    runKind: 'incremental',
    purpose,
    ...(signal ? { signal } : {}),
  });
  const now = deps.now();
  // Stopped at shutdown: due at once, so whichever instance ticks next resumes from the stored pages.
  if (result.kind === 'stopped') return { result, nextPollAt: now };
  const [after, webhookAt, budget] = await Promise.all([
    getSyncState(deps.db, org.id, deps.wallMs()),
    lastWebhookAt(deps.db, org.id),
    xeroDayBudget(deps.db, org.xeroTenantId, limits, deps.wallMs()),
  ]);
  const nextAt = nextPollAt(now, {
    quietPolls: after?.quietPolls ?? 0,
    webhooksActive: areWebhooksActive(webhookAt, now),
    backgroundSpare:
      result.kind === 'failed' && result.code === 'XERO_DAILY_BUDGET' ? 0 : budget.backgroundSpare,
  });
  return { result, nextPollAt: nextAt };
}

/** The nightly reconcile, under the same lease; the call log's old rows go with it. */
export async function reconcileXero(deps: SyncRunDeps, org: Organisation): Promise<SyncRunResult> {
  const result = await runXeroSync(deps, org, { runKind: 'reconcile', purpose: 'background' });
  await pruneXeroCalls(deps.db, org.xeroTenantId, deps.wallMs() - 2 * 86_400_000);
  return result;
}

/**
 * Before a digest or a plan: a ledger older than `maxAgeMs` (business time) is synced first, or, when another
 * process is syncing it, waited for. Returns how fresh it is now; a failed sync leaves it as it was.
 */
export async function ensureFreshLedger(
  deps: SyncRunDeps,
  org: Organisation,
  maxAgeMs: number,
): Promise<{ completeAt: Date | null; synced: boolean }> {
  const state = await getSyncState(deps.db, org.id, deps.wallMs());
  const fresh = (at: Date | null | undefined) => !!at && deps.now().getTime() - at.getTime() <= maxAgeMs;
  if (fresh(state?.lastCompleteAt)) return { completeAt: state?.lastCompleteAt ?? null, synced: false };
  let result = await runXeroSync(deps, org, { runKind: 'incremental', purpose: 'background' });
  if (result.kind === 'busy') {
    await awaitXeroSync(deps, org.id, result.by, { timeoutMs: 15 * 60_000 });
    const after = await getSyncState(deps.db, org.id, deps.wallMs());
    if (!fresh(after?.lastCompleteAt))
      result = await runXeroSync(deps, org, { runKind: 'incremental', purpose: 'background' });
  }
  if (result.kind === 'failed') {
    deps.log.warn(
      { orgId: org.id, code: 'XERO_SYNC_BEFORE_DIGEST_FAILED', error: result.error },
      'sync before the digest failed',
    );
  }
  const final = await getSyncState(deps.db, org.id, deps.wallMs());
  return { completeAt: final?.lastCompleteAt ?? null, synced: result.kind === 'done' };
}
