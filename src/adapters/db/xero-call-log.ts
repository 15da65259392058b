import { type Kysely, sql } from 'kysely';
import {
  decideXeroCall,
  estimateDayRemaining,
  XERO_DAY_MS,
  XERO_WINDOW_MS,
  type XeroCallDecision,
  type XeroCallLimits,
  type XeroCallPurpose,
  type XeroCallWindow,
} from '../../domain/xero-call-budget.js';
import type { DB, Queryable } from './schema.js';

/**
 * The log of calls to Xero that every instance and the CLI share (DESIGN.md §5 "Xero budget"): a call is logged
 * before it starts, inside one transaction that holds an advisory lock, so two processes can never both take
 * the last slot of a window. One lock for every tenant, because the app-wide minute limit spans them; each
 * decision is a few index reads, far below the rate at which Xero lets calls start. Times are wall-clock
 * milliseconds from the caller (processes on one database share a clock to within milliseconds).
 */
const LOCK_KEY = 0x58_45_52_4f; // 'XERO'

export type XeroCallAdmission =
  | { readonly kind: 'go'; readonly callId: number }
  | Exclude<XeroCallDecision, { kind: 'go' }>;

export async function admitXeroCall(
  db: Kysely<DB>,
  input: {
    readonly tenantId: string;
    readonly purpose: XeroCallPurpose;
    readonly holder: string;
    readonly limits: XeroCallLimits;
    readonly nowMs: number;
    /** How long a slot counts as in flight if its process never says it finished. */
    readonly lapseMs: number;
  },
): Promise<XeroCallAdmission> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${LOCK_KEY})`.execute(trx);
    const window = await readXeroCallWindow(trx, input.tenantId, input.nowMs);
    const decision = decideXeroCall(window, input.limits, input.purpose, input.nowMs);
    if (decision.kind !== 'go') return decision;
    const row = await trx
      .insertInto('xero_calls')
      .values({
        tenant_id: input.tenantId,
        purpose: input.purpose,
        holder: input.holder,
        started_at: new Date(input.nowMs),
        lapses_at: new Date(input.nowMs + input.lapseMs),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { kind: 'go', callId: row.id };
  });
}

const ms = (d: Date | string | null): number | null => (d === null ? null : new Date(d).getTime());

export async function readXeroCallWindow(
  db: Queryable,
  tenantId: string,
  nowMs: number,
): Promise<XeroCallWindow> {
  const windowStart = new Date(nowMs - XERO_WINDOW_MS);
  const dayStart = new Date(nowMs - XERO_DAY_MS);
  const now = new Date(nowMs);
  const { rows } = await sql<{
    tenant_in_window: number;
    tenant_oldest: Date | null;
    app_in_window: number;
    app_oldest: Date | null;
    in_flight: number;
    calls_last_day: number;
    day_remaining: number | null;
    day_remaining_at: Date | null;
    paused_until: Date | null;
    calls_since_observed: number;
  }>`
    select
      (select count(*)::int from xero_calls where tenant_id = ${tenantId} and started_at > ${windowStart}) as tenant_in_window,
      (select min(started_at) from xero_calls where tenant_id = ${tenantId} and started_at > ${windowStart}) as tenant_oldest,
      (select count(*)::int from xero_calls where started_at > ${windowStart}) as app_in_window,
      (select min(started_at) from xero_calls where started_at > ${windowStart}) as app_oldest,
      (select count(*)::int from xero_calls
        where tenant_id = ${tenantId} and started_at > ${dayStart} and finished_at is null and lapses_at > ${now}) as in_flight,
      (select count(*)::int from xero_calls where tenant_id = ${tenantId} and started_at > ${dayStart}) as calls_last_day,
      b.day_remaining, b.day_remaining_at, b.paused_until,
      (select count(*)::int from xero_calls
        where tenant_id = ${tenantId} and b.day_remaining_at is not null and started_at > b.day_remaining_at) as calls_since_observed
    from (select 1) as one
    left join xero_tenant_budgets b on b.tenant_id = ${tenantId}`.execute(db);
  const r = rows[0];
  if (!r) throw new Error('xero call window query returned no row');
  return {
    tenantInWindow: Number(r.tenant_in_window),
    tenantOldestMs: ms(r.tenant_oldest),
    appInWindow: Number(r.app_in_window),
    appOldestMs: ms(r.app_oldest),
    inFlight: Number(r.in_flight),
    pausedUntilMs: ms(r.paused_until),
    dayRemaining: r.day_remaining === null ? null : Number(r.day_remaining),
    dayRemainingAtMs: ms(r.day_remaining_at),
    callsSinceObserved: Number(r.calls_since_observed),
    callsLastDay: Number(r.calls_last_day),
  };
}

/**
 * Frees the call's slot and records what Xero said is left of the day. An answer is only newer than the stored
 * one if its call started later: answers can arrive out of order.
 */
export async function finishXeroCall(
  db: Kysely<DB>,
  input: {
    callId: number;
    tenantId: string;
    startedAtMs: number;
    finishedAtMs: number;
    dayRemaining: number | null;
  },
): Promise<void> {
  await db
    .updateTable('xero_calls')
    .set({ finished_at: new Date(input.finishedAtMs) })
    .where('id', '=', input.callId)
    .execute();
  if (input.dayRemaining === null) return;
  const at = new Date(input.startedAtMs);
  await db
    .insertInto('xero_tenant_budgets')
    .values({
      tenant_id: input.tenantId,
      day_remaining: input.dayRemaining,
      day_remaining_at: at,
      updated_at: new Date(input.finishedAtMs),
    })
    .onConflict((oc) =>
      oc
        .column('tenant_id')
        .doUpdateSet({
          day_remaining: input.dayRemaining,
          day_remaining_at: at,
          updated_at: new Date(input.finishedAtMs),
        })
        .where((eb) =>
          eb.or([
            eb('xero_tenant_budgets.day_remaining_at', 'is', null),
            eb('xero_tenant_budgets.day_remaining_at', '<', at),
          ]),
        ),
    )
    .execute();
}

/** After a 429: every process waits until `untilMs` before calling this tenant again. */
export async function pauseXeroTenant(
  db: Kysely<DB>,
  tenantId: string,
  untilMs: number,
  nowMs: number,
): Promise<void> {
  const until = new Date(untilMs);
  await db
    .insertInto('xero_tenant_budgets')
    .values({ tenant_id: tenantId, paused_until: until, updated_at: new Date(nowMs) })
    .onConflict((oc) =>
      oc.column('tenant_id').doUpdateSet({
        paused_until: sql`greatest(xero_tenant_budgets.paused_until, excluded.paused_until)`,
        updated_at: new Date(nowMs),
      }),
    )
    .execute();
}

/** Calls to a tenant since a moment (e.g. local midnight), by purpose. */
export async function countXeroCalls(
  db: Queryable,
  tenantId: string,
  sinceMs: number,
): Promise<{ background: number; interactive: number }> {
  const rows = await db
    .selectFrom('xero_calls')
    .select(['purpose', (eb) => eb.fn.countAll<number>().as('n')])
    .where('tenant_id', '=', tenantId)
    .where('started_at', '>=', new Date(sinceMs))
    .groupBy('purpose')
    .execute();
  const out = { background: 0, interactive: 0 };
  for (const r of rows) out[r.purpose] = Number(r.n);
  return out;
}

/** The log only needs a day: the nightly reconcile drops what is older than two. */
export async function pruneXeroCalls(db: Queryable, tenantId: string, beforeMs: number): Promise<number> {
  const res = await db
    .deleteFrom('xero_calls')
    .where('tenant_id', '=', tenantId)
    .where('started_at', '<', new Date(beforeMs))
    .executeTakeFirst();
  return Number(res.numDeletedRows);
}

/** Calls left today by the shared log's estimate, and what background work may still spend of them. */
export async function xeroDayBudget(
  db: Queryable,
  tenantId: string,
  limits: XeroCallLimits,
  nowMs: number,
): Promise<{ remaining: number; backgroundSpare: number }> {
  const remaining = estimateDayRemaining(await readXeroCallWindow(db, tenantId, nowMs), limits, nowMs);
  return { remaining, backgroundSpare: remaining - limits.dailyReserve };
}
