import type { Organisation } from '../adapters/db/organisations.js';
import type { AppContext } from '../context.js';
import { nextIntervalBoundary, nextLocalTime } from '../domain/schedule-times.js';
import { reconcileXeroOrganisation } from '../use-cases/reconcile-xero-organisation.js';
import { syncXeroOrganisation, type XeroSyncDeps } from '../use-cases/sync-xero-organisation.js';
import type { ScheduledJob, Scheduler } from './scheduler.js';

export const XERO_SYNC_JOB = 'xero.sync';
export const XERO_RECONCILE_JOB = 'xero.reconcile';
/** Incremental sync cadence: the safety net under webhooks, ≈100 calls a day of the 5,000 budget. */
export const SYNC_EVERY_MINUTES = 15;
/** Nightly reconcile at 04:00 local: after midnight batch jobs, clear of the 01:00–03:00 DST gaps. */
export const RECONCILE_LOCAL_HOUR = 4;

function depsFor(ctx: AppContext, org: Organisation, now: Date): XeroSyncDeps {
  return {
    api: ctx.xero.tenantApi(org, 'background'),
    store: ctx.xero.ledger,
    log: ctx.log.child({ component: 'xero-sync', orgId: org.id }),
    now,
  };
}

export const xeroSyncJob: ScheduledJob = {
  name: XERO_SYNC_JOB,
  nextRunAfter: (_org, after) => nextIntervalBoundary(after, SYNC_EVERY_MINUTES),
  firstRunAt: (_org, now) => now,
  leaseMs: 30 * 60_000,
  async run(ctx, org, now) {
    await syncXeroOrganisation(depsFor(ctx, org, now), org);
  },
};

export const xeroReconcileJob: ScheduledJob = {
  name: XERO_RECONCILE_JOB,
  nextRunAfter: (org, after) => nextLocalTime(after, org.timezone, RECONCILE_LOCAL_HOUR),
  leaseMs: 60 * 60_000,
  async run(ctx, org, now) {
    await reconcileXeroOrganisation(depsFor(ctx, org, now), org);
  },
};

export function registerXeroJobs(scheduler: Scheduler): Scheduler {
  return scheduler.registerJob(xeroSyncJob).registerJob(xeroReconcileJob);
}
