import type { Organisation } from '../adapters/db/organisations.js';
import { XERO_RECONCILE_JOB, XERO_SYNC_JOB } from '../domain/job-names.js';
import { nextIntervalBoundary, nextLocalTime } from '../domain/schedule-times.js';
import { POLL_MINUTES } from '../domain/xero-poll-cadence.js';
import { AppError } from '../errors.js';
import { pollXeroOrganisation, reconcileXero, syncRunDepsOf } from '../use-cases/run-xero-sync.js';
import type { ScheduledJob, Scheduler } from './scheduler.js';

export { XERO_RECONCILE_JOB, XERO_SYNC_JOB };
/** Nightly reconcile at 04:00 local: after midnight batch jobs, clear of the 01:00–03:00 DST gaps. */
export const RECONCILE_LOCAL_HOUR = 4;
/** Another process holds the sync lease at 04:00: try again shortly rather than tomorrow. */
const RECONCILE_RETRY_MS = 5 * 60_000;

function failure(org: Organisation, what: string, error: string, code: string | null): AppError {
  return new AppError(
    code === 'XERO_DAILY_BUDGET' ? 'XERO_DAILY_BUDGET' : 'XERO_SYNC_FAILED',
    `${what} of ${org.name}: ${error}`,
  );
}

/** Polls each organisation at the cadence `xero-poll-cadence.ts` sets (15 minutes to 2 hours). */
export const xeroSyncJob: ScheduledJob = {
  name: XERO_SYNC_JOB,
  // Used only after a run that threw (the run itself says when to poll next).
  nextRunAfter: (_org, after) => nextIntervalBoundary(after, POLL_MINUTES),
  firstRunAt: (_org, now) => now,
  // Short: the sync itself holds a heartbeat lease (one sync per organisation), so a second claimant after this
  // lapses finds it busy; and an instance killed mid-poll holds the schedule for two minutes, not half an hour.
  leaseMs: 2 * 60_000,
  async run(ctx, org, _now, signal) {
    const { result, nextPollAt } = await pollXeroOrganisation(
      syncRunDepsOf(ctx, 'service'),
      org,
      ctx.xero.limits,
      signal,
    );
    if (result.kind === 'failed' && result.code !== 'XERO_DAILY_BUDGET') {
      // Recorded in xero_sync_state; thrown so the scheduler logs it and keeps the job's last_error.
      throw failure(org, 'xero sync', result.error, result.code);
    }
    return { nextRunAt: nextPollAt };
  },
};

export const xeroReconcileJob: ScheduledJob = {
  name: XERO_RECONCILE_JOB,
  nextRunAfter: (org, after) => nextLocalTime(after, org.timezone, RECONCILE_LOCAL_HOUR),
  // Long enough for a large organisation's reconcile under Xero's minute limit, so it is not claimed twice.
  leaseMs: 30 * 60_000,
  localTime: true,
  async run(ctx, org, now) {
    const result = await reconcileXero(syncRunDepsOf(ctx, 'service'), org);
    if (result.kind === 'busy') return { nextRunAt: new Date(now.getTime() + RECONCILE_RETRY_MS) };
    if (result.kind === 'failed') throw failure(org, 'xero reconcile', result.error, result.code);
  },
};

export function registerXeroJobs(scheduler: Scheduler): Scheduler {
  return scheduler.registerJob(xeroSyncJob).registerJob(xeroReconcileJob);
}
