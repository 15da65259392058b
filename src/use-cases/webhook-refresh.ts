import type { Kysely } from 'kysely';
import type { Clock } from '../adapters/clock.js';
import { getOrganisation } from '../adapters/db/organisations.js';
import type { DB } from '../adapters/db/schema.js';
import type { HandlerOutcome, KindItem } from '../adapters/outbox/outbox-worker.js';
import type { XeroServices } from '../adapters/xero/xero-services.js';
import { isAppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { refreshXeroEntities } from './refresh-xero-entities.js';

/** `xero.refresh`: the asynchronous half of a webhook (re-read the changed records by ID). */
export interface WebhookRefreshDeps {
  readonly db: Kysely<DB>;
  readonly xero: XeroServices;
  readonly clock: Clock;
  readonly log: Logger;
  /** What a failed Xero call means for the item (retry when, or give up): adapters/xero/xero-errors.ts. */
  readonly failureOutcome: (err: unknown) => HandlerOutcome;
}

export async function refreshFromWebhook(
  deps: WebhookRefreshDeps,
  item: KindItem<'xero.refresh'>,
): Promise<HandlerOutcome> {
  {
    const p = item.payload;
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
      return deps.failureOutcome(err);
    }
  }
}
