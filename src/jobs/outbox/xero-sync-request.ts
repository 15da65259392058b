import type { KindHandler } from '../../adapters/outbox/outbox-worker.js';
import type { AppContext } from '../../context.js';
import { makeXeroSyncDue } from '../../use-cases/xero-sync-request.js';

/** `xero.sync_request`: `/ar sync` makes the organisation's sync due now; the scheduler runs it. */
export function xeroSyncRequestHandler(
  ctx: Pick<AppContext, 'database' | 'clock' | 'jobStore'>,
): KindHandler<'xero.sync_request'> {
  return async (item) => ({
    status: 'done',
    result: await makeXeroSyncDue(
      { db: ctx.database.db, jobStore: ctx.jobStore },
      item.payload.orgId,
      ctx.clock.now(),
    ),
  });
}
