import type { KindHandler } from '../adapters/outbox/outbox-worker.js';
import {
  type ContactGroupTierDeps,
  enqueueContactGroupSync,
  syncContactGroupTiers,
} from '../use-cases/contact-group-tiers.js';

/**
 * The outbox handler of `xero.contact_groups.sync` (#19 part 5): one claimant at a time under the outbox lease.
 * Its result says what was written and, when the day's budget stopped it, that the rest waits for tomorrow's run.
 */
export function contactGroupTiersHandler(
  deps: Omit<ContactGroupTierDeps, 'signal'>,
  now: () => Date,
): KindHandler<'xero.contact_groups.sync'> {
  return async (item, signal) => {
    const { orgId } = item.payload;
    const at = now();
    const r = await syncContactGroupTiers({ ...deps, signal }, { orgId, now: at });
    switch (r.kind) {
      case 'off':
        return { status: 'done', result: { off: true } };
      case 'skipped':
        return { status: 'done', result: { skipped: r.reason } };
      case 'done':
        return { status: 'done', result: { ...r } };
      case 'budget':
        return {
          status: 'done',
          result: {
            ...r,
            resumes: 'with the next business morning: the day’s budget for these writes is spent',
          },
        };
      case 'more': {
        const part = (item.payload.part ?? 1) + 1;
        const { asOf } = item.payload;
        const next = await enqueueContactGroupSync(deps.db, orgId, `${asOf}:${part}`, at, { asOf, part });
        return { status: 'done', result: { ...r, continuedIn: next.item.id } };
      }
      case 'retry':
        return {
          status: 'retry',
          error: r.error,
          ...(r.retryAfterMs !== null ? { retryAfterMs: r.retryAfterMs, rateLimited: true } : {}),
        };
    }
  };
}
