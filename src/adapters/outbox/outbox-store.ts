import { type Kysely, sql } from 'kysely';
import { type OutboxKind, type OutboxPayloadIn, parseOutboxPayload } from '../../domain/outbox-kinds.js';
import { AppError } from '../../errors.js';
import type { DB, OutboxRow, OutboxStatus, Queryable } from '../db/schema.js';

/** A side effect waiting to happen: a Xero History note, a Slack post, an email. */
export interface OutboxItem {
  readonly id: number;
  readonly orgId: string | null;
  readonly kind: string;
  readonly idempotencyKey: string;
  readonly payload: Record<string, unknown>;
  readonly status: OutboxStatus;
  /** Attempts so far, this one included once claimed. Also the fencing token of the current claim. */
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly nextAttemptAt: Date;
  readonly lastError: string | null;
  readonly result: Record<string, unknown> | null;
  readonly createdAt: Date;
  readonly completedAt: Date | null;
}

function toItem(row: OutboxRow): OutboxItem {
  return {
    id: row.id,
    orgId: row.org_id,
    kind: row.kind,
    idempotencyKey: row.idempotency_key,
    payload: row.payload,
    status: row.status,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    result: row.result,
    createdAt: row.created_at,
    completedAt: row.completed_at,
  };
}

export interface EnqueueInput<K extends OutboxKind = OutboxKind> {
  readonly orgId: string | null;
  readonly kind: K;
  readonly idempotencyKey: string;
  readonly payload: OutboxPayloadIn<K>;
  readonly now: Date;
  readonly notBefore?: Date;
  readonly maxAttempts?: number;
}

/**
 * Call inside the transaction that changes the state the side effect reports on. A second enqueue with the
 * same key is a no-op that returns the existing row (`created: false`).
 */
export async function enqueueOutbox<K extends OutboxKind>(
  db: Queryable,
  input: EnqueueInput<K>,
): Promise<{ item: OutboxItem; created: boolean }> {
  // The types check every caller; this catches what they cannot (a NaN, an empty id) before it is stored.
  const checked = parseOutboxPayload(input.kind, input.payload);
  if (!checked.ok) throw new AppError('OUTBOX_PAYLOAD_INVALID', checked.error);
  const inserted = await db
    .insertInto('outbox')
    .values({
      org_id: input.orgId,
      kind: input.kind,
      idempotency_key: input.idempotencyKey,
      payload: JSON.stringify(input.payload),
      next_attempt_at: input.notBefore ?? input.now,
      created_at: input.now,
      updated_at: input.now,
      locked_by: null,
      locked_until: null,
      last_error: null,
      result: null,
      completed_at: null,
      ...(input.maxAttempts ? { max_attempts: input.maxAttempts } : {}),
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { item: toItem(inserted), created: true };
  const existing = await db
    .selectFrom('outbox')
    .selectAll()
    .where('idempotency_key', '=', input.idempotencyKey)
    .executeTakeFirstOrThrow();
  return { item: toItem(existing), created: false };
}

export interface ClaimInput {
  readonly workerId: string;
  readonly now: Date;
  readonly leaseMs: number;
  readonly limit: number;
  /** Only kinds this worker can handle, so an older instance never burns attempts on a newer kind. */
  readonly kinds: readonly string[];
}

/**
 * Claims due items: pending ones whose time has come, and running ones whose lease expired (their worker
 * died mid-flight). SKIP LOCKED lets any number of workers claim concurrently without waiting or overlap.
 */
export async function claimOutbox(db: Kysely<DB>, input: ClaimInput): Promise<OutboxItem[]> {
  if (input.kinds.length === 0 || input.limit <= 0) return [];
  const leaseUntil = new Date(input.now.getTime() + input.leaseMs);
  return db.transaction().execute(async (trx) => {
    const due = await trx
      .selectFrom('outbox')
      .select('id')
      .where('kind', 'in', input.kinds)
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', input.now)]),
          eb.and([eb('status', '=', 'running'), eb('locked_until', '<=', input.now)]),
        ]),
      )
      .orderBy('next_attempt_at')
      .orderBy('id')
      .limit(input.limit)
      .forUpdate()
      .skipLocked()
      .execute();
    if (due.length === 0) return [];
    const rows = await trx
      .updateTable('outbox')
      .set({
        status: 'running',
        locked_by: input.workerId,
        locked_until: leaseUntil,
        attempts: sql`attempts + 1`,
        updated_at: input.now,
      })
      .where(
        'id',
        'in',
        due.map((d) => d.id),
      )
      .returningAll()
      .execute();
    return rows
      .map(toItem)
      .sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime() || a.id - b.id);
  });
}

/** The heartbeat of a batch: extends the leases this worker still holds (an item re-claimed is not touched). */
export async function renewOutboxLeases(
  db: Queryable,
  items: readonly Pick<OutboxItem, 'id' | 'attempts'>[],
  workerId: string,
  leaseUntil: Date,
): Promise<number> {
  let renewed = 0;
  for (const item of items) {
    const res = await db
      .updateTable('outbox')
      .set({ locked_until: leaseUntil })
      .where('id', '=', item.id)
      .where('attempts', '=', item.attempts)
      .where('locked_by', '=', workerId)
      .where('status', '=', 'running')
      .executeTakeFirst();
    renewed += Number(res.numUpdatedRows);
  }
  return renewed;
}

/** The claim is still ours only if nobody re-claimed the item after our lease ran out. */
function ownedBy(item: Pick<OutboxItem, 'id' | 'attempts'>, workerId: string) {
  return { id: item.id, attempts: item.attempts, workerId };
}

export async function completeOutbox(
  db: Queryable,
  item: Pick<OutboxItem, 'id' | 'attempts'>,
  workerId: string,
  now: Date,
  result: Record<string, unknown> | null,
): Promise<boolean> {
  const o = ownedBy(item, workerId);
  const res = await db
    .updateTable('outbox')
    .set({
      status: 'done',
      result: result ? JSON.stringify(result) : null,
      locked_by: null,
      locked_until: null,
      last_error: null,
      completed_at: now,
      updated_at: now,
    })
    .where('id', '=', o.id)
    .where('attempts', '=', o.attempts)
    .where('locked_by', '=', o.workerId)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return res.numUpdatedRows > 0n;
}

export type FailOutcome = 'retry' | 'dead' | 'lost';

/**
 * Records a failed attempt. `retryAt: null` (a permanent failure) or an exhausted budget moves the item to
 * the dead letter; otherwise it waits until `retryAt`.
 */
export async function failOutbox(
  db: Queryable,
  item: Pick<OutboxItem, 'id' | 'attempts' | 'maxAttempts'>,
  workerId: string,
  now: Date,
  error: string,
  retryAt: Date | null,
  options: { countAttempt?: boolean } = {},
): Promise<FailOutcome> {
  // A rate limit is a wait, not a failure: its claim's attempt is given back (it is not counted towards the cap).
  const counted = options.countAttempt !== false;
  const dead = retryAt === null || (counted && item.attempts >= item.maxAttempts);
  const o = ownedBy(item, workerId);
  const res = await db
    .updateTable('outbox')
    .set({
      ...(counted || dead ? {} : { attempts: item.attempts - 1 }),
      status: dead ? 'dead' : 'pending',
      next_attempt_at: dead ? now : retryAt,
      last_error: error.slice(0, 2000),
      locked_by: null,
      locked_until: null,
      updated_at: now,
      completed_at: dead ? now : null,
    })
    .where('id', '=', o.id)
    .where('attempts', '=', o.attempts)
    .where('locked_by', '=', o.workerId)
    .where('status', '=', 'running')
    .executeTakeFirst();
  if (res.numUpdatedRows === 0n) return 'lost';
  return dead ? 'dead' : 'retry';
}

/** Puts dead items back in the queue (operator action after fixing the cause). */
export async function requeueDeadOutbox(db: Queryable, ids: readonly number[], now: Date): Promise<number> {
  if (ids.length === 0) return 0;
  const res = await db
    .updateTable('outbox')
    .set({ status: 'pending', attempts: 0, next_attempt_at: now, updated_at: now, completed_at: null })
    .where('id', 'in', ids)
    .where('status', '=', 'dead')
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}

export interface OutboxFilter {
  readonly statuses?: readonly OutboxStatus[];
  readonly orgId?: string;
  readonly kind?: string;
  readonly limit?: number;
}

export async function listOutbox(db: Queryable, filter: OutboxFilter = {}): Promise<OutboxItem[]> {
  let q = db.selectFrom('outbox').selectAll();
  if (filter.statuses?.length) q = q.where('status', 'in', filter.statuses);
  if (filter.orgId) q = q.where('org_id', '=', filter.orgId);
  if (filter.kind) q = q.where('kind', '=', filter.kind);
  const rows = await q
    .orderBy('id', 'desc')
    .limit(filter.limit ?? 100)
    .execute();
  return rows.map(toItem);
}

export async function findOutboxByKey(db: Queryable, idempotencyKey: string): Promise<OutboxItem | null> {
  const row = await db
    .selectFrom('outbox')
    .selectAll()
    .where('idempotency_key', '=', idempotencyKey)
    .executeTakeFirst();
  return row ? toItem(row) : null;
}

export async function countOutboxByStatus(db: Queryable): Promise<Record<OutboxStatus, number>> {
  const rows = await db
    .selectFrom('outbox')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('status')
    .execute();
  const counts: Record<OutboxStatus, number> = { pending: 0, running: 0, done: 0, dead: 0 };
  for (const r of rows) counts[r.status] = Number(r.n);
  return counts;
}
