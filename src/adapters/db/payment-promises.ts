import type { Transaction } from 'kysely';
import type { IsoDate } from '../../domain/ledger.js';
import type { Decimal } from '../../domain/money.js';
import type {
  DB,
  PaymentPromiseSource,
  PaymentPromiseStatus,
  PaymentPromisesTable,
  Queryable,
} from './schema.js';

/** A promise to pay as the rest of the product reads it (#18 part 4). */
export interface PaymentPromiseRecord {
  readonly id: number;
  readonly orgId: string;
  readonly contactId: string;
  readonly invoiceIds: readonly string[];
  readonly earliest: IsoDate;
  readonly latest: IsoDate;
  readonly madeOn: IsoDate;
  readonly amount: Decimal | null;
  readonly currency: string | null;
  readonly source: PaymentPromiseSource;
  readonly replyId: string | null;
  readonly holdId: number | null;
  /** Set on a payment plan's instalments: the plan, and the instalment's position in it (from 1). */
  readonly planId: number | null;
  readonly instalment: number | null;
  readonly acceptedBy: string | null;
  readonly acceptedByName: string | null;
  readonly createdAt: Date;
  readonly status: PaymentPromiseStatus;
  readonly settledAt: Date | null;
  readonly paidAmount: Decimal | null;
  readonly supersededBy: number | null;
  readonly citedInReminderId: string | null;
  readonly thankedAt: Date | null;
}

export type SettledStatus = Extract<PaymentPromiseStatus, 'kept' | 'part_kept' | 'broken'>;

type Row = { [K in keyof PaymentPromisesTable]: unknown } & Record<string, unknown>;

function toRecord(r: Row): PaymentPromiseRecord {
  return {
    id: Number(r.id),
    orgId: r.org_id as string,
    contactId: r.contact_id as string,
    invoiceIds: (r.invoice_ids as string[] | null) ?? [],
    earliest: r.earliest as string,
    latest: r.latest as string,
    madeOn: r.made_on as string,
    amount: (r.amount as string | null) ?? null,
    currency: (r.currency as string | null) ?? null,
    source: r.source as PaymentPromiseSource,
    replyId: (r.reply_id as string | null) ?? null,
    holdId: r.hold_id === null ? null : Number(r.hold_id),
    planId: r.plan_id === null || r.plan_id === undefined ? null : Number(r.plan_id),
    instalment: r.instalment === null || r.instalment === undefined ? null : Number(r.instalment),
    acceptedBy: (r.accepted_by as string | null) ?? null,
    acceptedByName: (r.accepted_by_name as string | null) ?? null,
    createdAt: r.created_at as Date,
    status: r.status as PaymentPromiseStatus,
    settledAt: (r.settled_at as Date | null) ?? null,
    paidAmount: (r.paid_amount as string | null) ?? null,
    supersededBy: r.superseded_by === null ? null : Number(r.superseded_by),
    citedInReminderId: (r.cited_in_reminder_id as string | null) ?? null,
    thankedAt: (r.thanked_at as Date | null) ?? null,
  };
}

/** A promise as recorded: what the customer promised (the record's own fields), who accepted it and when. */
export type NewPaymentPromise = Pick<
  PaymentPromiseRecord,
  | 'orgId'
  | 'contactId'
  | 'invoiceIds'
  | 'earliest'
  | 'latest'
  | 'madeOn'
  | 'amount'
  | 'currency'
  | 'source'
  | 'replyId'
  | 'holdId'
> &
  /** An approved payment plan's instalment (#18 part 5): the plan and the instalment's position in it, from 1. */
  Partial<Pick<PaymentPromiseRecord, 'planId' | 'instalment'>> & {
    readonly actor: { readonly id: string | null; readonly name: string | null };
    readonly now: Date;
  };

/**
 * Records a promise; the customer's active promises it replaces are marked 'rescheduled' (superseded by this one)
 * and returned, so the caller can release their holds. Locks the customer's active promises first: two promises
 * accepted at once for one customer end with exactly one active.
 */
export async function recordPaymentPromise(
  trx: Transaction<DB>,
  p: NewPaymentPromise,
  /** Promises recorded with this one (one reply's instalments): they stand together, none reschedules another. */
  siblings: readonly number[] = [],
): Promise<{ id: number; rescheduled: PaymentPromiseRecord[] }> {
  const active = await trx
    .selectFrom('payment_promises')
    .selectAll()
    .where('org_id', '=', p.orgId)
    .where('contact_id', '=', p.contactId)
    .where('status', '=', 'active')
    .forUpdate()
    .execute();
  const older = active.filter((o) => !siblings.includes(Number(o.id)));
  const { id } = await trx
    .insertInto('payment_promises')
    .values({
      org_id: p.orgId,
      contact_id: p.contactId,
      invoice_ids: [...p.invoiceIds],
      earliest: p.earliest,
      latest: p.latest,
      made_on: p.madeOn,
      amount: p.amount,
      currency: p.currency,
      source: p.source,
      reply_id: p.replyId,
      plan_id: p.planId ?? null,
      instalment: p.instalment ?? null,
      hold_id: p.holdId,
      accepted_by: p.actor.id,
      accepted_by_name: p.actor.name,
      created_at: p.now,
      settled_at: null,
      paid_amount: null,
      superseded_by: null,
      cited_in_reminder_id: null,
      thanked_by: null,
      thanked_at: null,
      thank_you_attempted_at: null,
      thank_you_outcome: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (older.length > 0) {
    await trx
      .updateTable('payment_promises')
      .set({ status: 'rescheduled', superseded_by: id, settled_at: p.now })
      .where(
        'id',
        'in',
        older.map((o) => o.id),
      )
      .where('status', '=', 'active')
      .execute();
  }
  return { id: Number(id), rescheduled: older.map((o) => toRecord(o as unknown as Row)) };
}

export async function listPaymentPromises(
  db: Queryable,
  orgId: string,
  filter: {
    readonly statuses?: readonly PaymentPromiseStatus[];
    readonly contactId?: string;
    readonly settledSince?: Date;
  } = {},
): Promise<PaymentPromiseRecord[]> {
  let q = db.selectFrom('payment_promises').selectAll().where('org_id', '=', orgId);
  if (filter.statuses) q = q.where('status', 'in', [...filter.statuses]);
  if (filter.contactId) q = q.where('contact_id', '=', filter.contactId);
  if (filter.settledSince) q = q.where('settled_at', '>=', filter.settledSince);
  const rows = await q.orderBy('created_at').orderBy('id').execute();
  return rows.map((r) => toRecord(r as unknown as Row));
}

export async function getPaymentPromise(db: Queryable, id: number): Promise<PaymentPromiseRecord | null> {
  const row = await db.selectFrom('payment_promises').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toRecord(row as unknown as Row) : null;
}

/**
 * Settles an active promise with the ledger's verdict. Conditional on it still being active: of two instances
 * judging the same morning, one updates the row and the other finds nothing to do (false).
 */
export async function settlePaymentPromise(
  db: Queryable,
  id: number,
  outcome: { readonly status: SettledStatus; readonly paidAmount: Decimal; readonly now: Date },
): Promise<boolean> {
  const res = await db
    .updateTable('payment_promises')
    .set({ status: outcome.status, paid_amount: outcome.paidAmount, settled_at: outcome.now })
    .where('id', '=', id)
    .where('status', '=', 'active')
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Broken promises a customer has on record (what the escalation rule counts). */
export async function countBrokenPromises(db: Queryable, orgId: string, contactId: string): Promise<number> {
  const row = await db
    .selectFrom('payment_promises')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('org_id', '=', orgId)
    .where('contact_id', '=', contactId)
    .where('status', '=', 'broken')
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** The customer's latest broken promise that no reminder has cited yet. */
export async function uncitedBrokenPromise(
  db: Queryable,
  orgId: string,
  contactId: string,
): Promise<PaymentPromiseRecord | null> {
  const row = await db
    .selectFrom('payment_promises')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('contact_id', '=', contactId)
    .where('status', '=', 'broken')
    .where('cited_in_reminder_id', 'is', null)
    .orderBy('settled_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? toRecord(row as unknown as Row) : null;
}

export async function markPromiseCited(db: Queryable, id: number, reminderId: string): Promise<void> {
  await db
    .updateTable('payment_promises')
    .set({ cited_in_reminder_id: reminderId })
    .where('id', '=', id)
    .where('cited_in_reminder_id', 'is', null)
    .execute();
}

/** The Send thank-you click: true for the first click on a kept promise, false after (it is sent at most once). */
export async function claimThankYou(
  db: Queryable,
  id: number,
  orgId: string,
  actor: { readonly id: string },
  now: Date,
): Promise<boolean> {
  const res = await db
    .updateTable('payment_promises')
    .set({ thanked_by: actor.id, thanked_at: now })
    .where('id', '=', id)
    .where('org_id', '=', orgId)
    .where('status', '=', 'kept')
    .where('thanked_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Who clicked Send thank-you on a promise (null: nobody yet, or no such promise). */
export async function getThankedBy(db: Queryable, id: number): Promise<string | null> {
  const row = await db
    .selectFrom('payment_promises')
    .select('thanked_by')
    .where('id', '=', id)
    .executeTakeFirst();
  return row?.thanked_by ?? null;
}

/** The outbox's one attempt at sending the thank-you: false if one was already made (never a second email). */
export async function claimThankYouAttempt(db: Queryable, id: number, now: Date): Promise<boolean> {
  const res = await db
    .updateTable('payment_promises')
    .set({ thank_you_attempted_at: now })
    .where('id', '=', id)
    .where('thanked_at', 'is not', null)
    .where('thank_you_attempted_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export async function recordThankYouOutcome(db: Queryable, id: number, outcome: string): Promise<void> {
  await db
    .updateTable('payment_promises')
    .set({ thank_you_outcome: outcome.slice(0, 500) })
    .where('id', '=', id)
    .execute();
}
