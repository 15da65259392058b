import type { Kysely } from 'kysely';
import { loadLedger } from '../adapters/db/ledger-queries.js';
import type { DB } from '../adapters/db/schema.js';
import type { CashForecast } from '../domain/cash-forecast.js';
import { type ScoredLedger, scoreLedger } from '../domain/collections-scoring.js';
import type { Ledger } from '../domain/ledger.js';
import type { PriorityList } from '../domain/priority.js';
import { forecastOf, prioritiesOf } from './collections-reports.js';
import type { CollectionsView } from './collections-view.js';

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

/** One organisation's ledger scored as of a day, with its priority list worked out on first use. */
export interface ScoredView {
  readonly scored: ScoredLedger;
  priorities(): PriorityList;
  forecast(): CashForecast;
}

export type ScoredViewCache = (view: Pick<CollectionsView, 'ledger' | 'asOf' | 'signals'>) => ScoredView;

/**
 * Scoring a ledger is the slow part of an `/ar top` (a quarter of a second for 20k invoices), and a burst of
 * commands asks for the same thing. Keyed by the ledger object (the ledger cache hands out one per load and
 * drops it when stale, which drops these with it), the day and the collections signals (read fresh, so a pause
 * or a promise shows at once). Per process, never a source of truth.
 */
export function createScoredViewCache(maxPerLedger = 4): ScoredViewCache {
  const byLedger = new WeakMap<Ledger, Map<string, ScoredView>>();
  return (view) => {
    let views = byLedger.get(view.ledger);
    if (!views) {
      views = new Map();
      byLedger.set(view.ledger, views);
    }
    const key = `${view.asOf}|${JSON.stringify(view.signals)}`;
    const hit = views.get(key);
    if (hit) return hit;
    const scored = scoreLedger(view.ledger, view.asOf, { signals: view.signals });
    let priorities: PriorityList | undefined;
    let forecast: CashForecast | undefined;
    const made: ScoredView = {
      scored,
      priorities: () => {
        priorities ??= prioritiesOf(scored);
        return priorities;
      },
      forecast: () => {
        forecast ??= forecastOf(scored);
        return forecast;
      },
    };
    if (views.size >= maxPerLedger) views.delete(views.keys().next().value as string);
    views.set(key, made);
    return made;
  };
}
