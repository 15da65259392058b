import { sql } from 'kysely';
import type { Queryable } from './schema.js';

/**
 * One Xero sync per organisation at a time, across every instance and the CLI: a lease row with a heartbeat.
 * Lease times are wall-clock milliseconds (a process's liveness, whatever the business clock says); the outcome's
 * `last_complete_at` is the business clock (how fresh the ledger is).
 */
export type SyncRunKind = 'incremental' | 'full' | 'reconcile';

export interface SyncHolder {
  readonly holder: string;
  /** What holds it, for people: 'service' or 'cli'. */
  readonly label: string;
  readonly runKind: SyncRunKind;
  readonly startedAt: Date;
}

export interface SyncOutcome {
  readonly runKind: SyncRunKind;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly ok: boolean;
  readonly error: string | null;
  readonly report: Record<string, unknown> | null;
}

export interface SyncState {
  readonly orgId: string;
  /** Who syncs it now (null when nobody does, or when the holder's lease lapsed). */
  readonly running: SyncHolder | null;
  /** A holder whose lease lapsed without a release (its process died): the next claim takes over. */
  readonly lapsed: SyncHolder | null;
  readonly last: SyncOutcome | null;
  /** Business time of the last sync that completed: what the ledger is as fresh as. */
  readonly lastCompleteAt: Date | null;
  /** A collector or manager asked for a sync that has not started yet. */
  readonly requestedAt: Date | null;
  /** Consecutive polls that found nothing new. */
  readonly quietPolls: number;
  readonly lastChangeAt: Date | null;
}

export type SyncLeaseClaim =
  | { readonly kind: 'claimed' }
  | { readonly kind: 'held'; readonly by: SyncHolder };

export async function claimSyncLease(
  db: Queryable,
  input: {
    orgId: string;
    holder: string;
    label: string;
    runKind: SyncRunKind;
    nowMs: number;
    leaseMs: number;
  },
  retried = false,
): Promise<SyncLeaseClaim> {
  const now = new Date(input.nowMs);
  await db
    .insertInto('xero_sync_state')
    .values({ org_id: input.orgId })
    .onConflict((oc) => oc.doNothing())
    .execute();
  const claimed = await db
    .updateTable('xero_sync_state')
    .set({
      holder: input.holder,
      holder_label: input.label,
      run_kind: input.runKind,
      started_at: now,
      lease_until: new Date(input.nowMs + input.leaseMs),
      requested_at: null,
    })
    .where('org_id', '=', input.orgId)
    .where((eb) =>
      eb.or([eb('holder', 'is', null), eb('lease_until', 'is', null), eb('lease_until', '<', now)]),
    )
    .returning('org_id')
    .executeTakeFirst();
  if (claimed) return { kind: 'claimed' };
  const state = await getSyncState(db, input.orgId, input.nowMs);
  // Released between the two statements: try once more rather than report a holder that is gone.
  if (!state?.running && !retried) return claimSyncLease(db, input, true);
  const by = state?.running ?? state?.lapsed;
  if (!by) throw new Error(`sync lease of ${input.orgId} neither claimed nor held`);
  return { kind: 'held', by };
}

/** The heartbeat: false when the lease was lost (it lapsed and someone else took it). */
export async function renewSyncLease(
  db: Queryable,
  input: { orgId: string; holder: string; nowMs: number; leaseMs: number },
): Promise<boolean> {
  const res = await db
    .updateTable('xero_sync_state')
    .set({ lease_until: new Date(input.nowMs + input.leaseMs) })
    .where('org_id', '=', input.orgId)
    .where('holder', '=', input.holder)
    .executeTakeFirst();
  return res.numUpdatedRows > 0n;
}

/**
 * Ends the run: frees the lease and records how it went. A completed poll that found nothing new lengthens the
 * quiet streak; anything new resets it.
 */
export async function releaseSyncLease(
  db: Queryable,
  input: {
    orgId: string;
    holder: string;
    outcome: SyncOutcome;
    /** For polls: whether Xero had anything new (null: not a poll, leave the streak alone). */
    changed: boolean | null;
  },
): Promise<void> {
  const o = input.outcome;
  await db
    .updateTable('xero_sync_state')
    .set((eb) => ({
      holder: null,
      holder_label: null,
      run_kind: null,
      started_at: null,
      lease_until: null,
      last_run_kind: o.runKind,
      last_started_at: o.startedAt,
      last_finished_at: o.finishedAt,
      last_ok: o.ok,
      last_error: o.error ? o.error.slice(0, 2000) : null,
      last_report: o.report ? JSON.stringify(o.report) : null,
      ...(input.changed === true ? { quiet_polls: 0, last_change_at: o.finishedAt } : {}),
      ...(input.changed === false ? { quiet_polls: eb('quiet_polls', '+', 1) } : {}),
    }))
    .where('org_id', '=', input.orgId)
    .where('holder', '=', input.holder)
    .execute();
}

/** `/ar sync`: the next run is on a person's behalf (it may spend the interactive reserve). */
export async function markSyncRequested(db: Queryable, orgId: string, at: Date): Promise<void> {
  await db
    .insertInto('xero_sync_state')
    .values({ org_id: orgId, requested_at: at })
    .onConflict((oc) =>
      oc
        .column('org_id')
        .doUpdateSet({ requested_at: sql`coalesce(xero_sync_state.requested_at, excluded.requested_at)` }),
    )
    .execute();
}

export async function getSyncState(db: Queryable, orgId: string, nowMs: number): Promise<SyncState | null> {
  const r = await db.selectFrom('xero_sync_state').selectAll().where('org_id', '=', orgId).executeTakeFirst();
  if (!r) return null;
  const held: SyncHolder | null =
    r.holder !== null && r.started_at
      ? {
          holder: r.holder,
          label: r.holder_label ?? 'unknown',
          runKind: (r.run_kind ?? 'incremental') as SyncRunKind,
          startedAt: r.started_at,
        }
      : null;
  const live = held !== null && r.lease_until !== null && r.lease_until.getTime() >= nowMs;
  return {
    orgId: r.org_id,
    running: live ? held : null,
    lapsed: live ? null : held,
    last:
      r.last_run_kind && r.last_started_at && r.last_finished_at
        ? {
            runKind: r.last_run_kind as SyncRunKind,
            startedAt: r.last_started_at,
            finishedAt: r.last_finished_at,
            ok: r.last_ok === true,
            error: r.last_error,
            report: r.last_report,
          }
        : null,
    lastCompleteAt: r.last_complete_at,
    requestedAt: r.requested_at,
    quietPolls: r.quiet_polls,
    lastChangeAt: r.last_change_at,
  };
}

/** When this organisation last had a webhook from Xero (webhooks in use make polling a safety net). */
export async function lastWebhookAt(db: Queryable, orgId: string): Promise<Date | null> {
  const r = await db
    .selectFrom('xero_webhook_events')
    .select((eb) => eb.fn.max('received_at').as('at'))
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  return r?.at ? new Date(r.at) : null;
}
