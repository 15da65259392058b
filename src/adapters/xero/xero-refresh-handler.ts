import type { Kysely } from 'kysely';
import { z } from 'zod';
import { errorMessage, isAppError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { refreshXeroEntities } from '../../use-cases/refresh-xero-entities.js';
import type { Clock } from '../clock.js';
import { getOrganisation } from '../db/organisations.js';
import type { DB } from '../db/schema.js';
import type { HandlerOutcome, OutboxHandler } from '../outbox/outbox-worker.js';
import { isRetryable, XeroCallError } from './xero-errors.js';
import type { XeroServices } from './xero-services.js';

const RefreshPayload = z.object({
  orgId: z.string(),
  contacts: z.array(z.string()).default([]),
  invoices: z.array(z.string()).default([]),
  creditNotes: z.array(z.string()).default([]),
  payments: z.array(z.string()).default([]),
});

/** Outbox handler for `xero.refresh`: the asynchronous half of a webhook (re-read the changed records by ID). */
export function createXeroRefreshHandler(deps: {
  db: Kysely<DB>;
  xero: XeroServices;
  clock: Clock;
  log: Logger;
}): OutboxHandler {
  return async (item): Promise<HandlerOutcome> => {
    const parsed = RefreshPayload.safeParse(item.payload);
    if (!parsed.success) return { status: 'failed', error: 'malformed xero.refresh payload' };
    const p = parsed.data;
    const org = await getOrganisation(deps.db, p.orgId);
    if (org?.status !== 'active') {
      return { status: 'done', result: { skipped: org ? org.status : 'unknown organisation' } };
    }
    try {
      const report = await refreshXeroEntities(
        {
          api: deps.xero.tenantApi(org, 'interactive'),
          store: deps.xero.ledger,
          now: deps.clock.now(),
          log: deps.log,
        },
        org.id,
        p,
      );
      return { status: 'done', result: { ...report } };
    } catch (err) {
      if (isAppError(err, 'XERO_RECONNECT_REQUIRED')) return { status: 'failed', error: err.message };
      if (err instanceof XeroCallError && !isRetryable(err.failure))
        return { status: 'failed', error: err.message };
      return {
        status: 'retry',
        error: errorMessage(err),
        ...(err instanceof XeroCallError && err.failure.retryAfterMs
          ? { retryAfterMs: err.failure.retryAfterMs }
          : {}),
        ...(err instanceof XeroCallError && err.failure.kind === 'rate-limited' ? { rateLimited: true } : {}),
      };
    }
  };
}
