import type { Kysely } from 'kysely';
import { loadLedger } from '../adapters/db/ledger-queries.js';
import type { DB } from '../adapters/db/schema.js';
import type { Ledger } from '../domain/ledger.js';

export type LedgerLoader = (orgId: string) => Promise<Ledger>;

/**
 * Slack answers read the same synced ledger many times a minute (a team running /ar in a burst, App Home
 * visits). Loads are shared while in flight and reused for `ttlMs`, so a burst costs one load, not one per
 * command. Only the ledger is cached: holds (pauses, promises) are read fresh, so a pause shows at once; a
 * Xero sync shows within `ttlMs`. Per process, never a source of truth.
 */
export function createLedgerCache(db: Kysely<DB>, nowMs: () => number, ttlMs = 15_000): LedgerLoader {
  const entries = new Map<string, { at: number; ledger: Promise<Ledger> }>();
  return (orgId) => {
    const hit = entries.get(orgId);
    if (hit && nowMs() - hit.at < ttlMs) return hit.ledger;
    const ledger = loadLedger(db, orgId);
    entries.set(orgId, { at: nowMs(), ledger });
    // A failed load must not be served from the cache.
    ledger.catch(() => entries.delete(orgId));
    return ledger;
  };
}
