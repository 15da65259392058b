import { DateTime } from 'luxon';
import type { Organisation } from '../adapters/db/organisations.js';
import type { Queryable } from '../adapters/db/schema.js';
import { countXeroCalls, xeroDayBudget } from '../adapters/db/xero-call-log.js';
import { getSyncState, type SyncHolder, type SyncOutcome } from '../adapters/db/xero-sync-state.js';
import type { XeroCallLimits } from '../domain/xero-call-budget.js';

/** What an operator or a manager asks about an organisation's Xero: calls spent and left, the syncs. */
export interface XeroUsage {
  /** Since local midnight in the organisation's zone (wall clock). */
  readonly callsToday: { readonly background: number; readonly interactive: number; readonly total: number };
  /** Xero's last X-DayLimit-Remaining less the calls made since (or the assumed limit less a day's calls). */
  readonly callsRemaining: number;
  readonly reserve: number;
  readonly nextSyncAt: Date | null;
  readonly syncing: SyncHolder | null;
  readonly lastSync: SyncOutcome | null;
  /** Business time the ledger was last complete as of. */
  readonly ledgerCompleteAt: Date | null;
}

export async function xeroUsage(
  db: Queryable,
  org: Organisation,
  limits: XeroCallLimits,
  wallMs: number,
  nextSyncAt: Date | null,
): Promise<XeroUsage> {
  const midnight = DateTime.fromMillis(wallMs, { zone: org.timezone }).startOf('day').toMillis();
  const [calls, budget, state] = await Promise.all([
    countXeroCalls(db, org.xeroTenantId, midnight),
    xeroDayBudget(db, org.xeroTenantId, limits, wallMs),
    getSyncState(db, org.id, wallMs),
  ]);
  return {
    callsToday: { ...calls, total: calls.background + calls.interactive },
    callsRemaining: budget.remaining,
    reserve: limits.dailyReserve,
    nextSyncAt,
    syncing: state?.running ?? null,
    lastSync: state?.last ?? null,
    ledgerCompleteAt: state?.lastCompleteAt ?? null,
  };
}

/** The usage as JSON for `orgs --json` (the field names are a contract for scripts). */
export function xeroUsageJson(u: XeroUsage): Record<string, unknown> {
  return {
    xeroCallsToday: u.callsToday.total,
    xeroCallsTodayByPurpose: { background: u.callsToday.background, interactive: u.callsToday.interactive },
    xeroCallsRemaining: u.callsRemaining,
    xeroDailyReserve: u.reserve,
    nextSyncAt: u.nextSyncAt?.toISOString() ?? null,
    syncing: u.syncing
      ? {
          by: u.syncing.label,
          holder: u.syncing.holder,
          kind: u.syncing.runKind,
          since: u.syncing.startedAt.toISOString(),
        }
      : null,
    lastSync: u.lastSync
      ? {
          kind: u.lastSync.runKind,
          startedAt: u.lastSync.startedAt.toISOString(),
          finishedAt: u.lastSync.finishedAt.toISOString(),
          ok: u.lastSync.ok,
          error: u.lastSync.error,
          apiCalls: typeof u.lastSync.report?.apiCalls === 'number' ? u.lastSync.report.apiCalls : null,
        }
      : null,
    ledgerCompleteAt: u.ledgerCompleteAt?.toISOString() ?? null,
  };
}
