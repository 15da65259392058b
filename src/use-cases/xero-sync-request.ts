import type { ScheduledJobStore } from '../adapters/db/scheduled-jobs.js';
import type { Queryable } from '../adapters/db/schema.js';
import { markSyncRequested } from '../adapters/db/xero-sync-state.js';
import { XERO_SYNC_JOB } from '../domain/job-names.js';

/**
 * `/ar sync` (managers): the sync itself runs in the scheduler (a full sync can outlast an outbox lease); the
 * request just makes it due now, so the next tick (within a minute) runs it on one instance.
 */
export async function makeXeroSyncDue(
  deps: { readonly db: Queryable; readonly jobStore: ScheduledJobStore },
  orgId: string,
  now: Date,
): Promise<{ readonly scheduled: string }> {
  await markSyncRequested(deps.db, orgId, now);
  await deps.jobStore.runSoon(orgId, XERO_SYNC_JOB, now);
  return { scheduled: XERO_SYNC_JOB };
}
