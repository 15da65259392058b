import { sql, type Transaction } from 'kysely';
import type { IsoDate } from '../../domain/ledger.js';
import type { Decimal } from '../../domain/money.js';
import type { Instalment } from '../../domain/payment-plan.js';
import type { DB, PaymentPlanStatus, Queryable } from './schema.js';

/** A payment plan as the product reads it (#18 part 5). */
export interface PaymentPlan {
  readonly id: number;
  readonly orgId: string;
  readonly contactId: string;
  readonly invoiceIds: readonly string[];
  readonly currency: string;
  readonly balance: Decimal;
  readonly instalments: readonly Instalment[];
  readonly status: PaymentPlanStatus;
  readonly replyId: string | null;
  readonly holdId: number | null;
  readonly proposedBy: string;
  readonly proposedByName: string;
  readonly proposedAt: Date;
  readonly decidedByName: string | null;
  readonly decidedAt: Date | null;
}

type Row = {
  id: number | string;
  org_id: string;
  contact_id: string;
  invoice_ids: string[] | null;
  currency: string;
  balance: string;
  instalments: { due: string; amount: string }[] | string;
  status: PaymentPlanStatus;
  reply_id: string | null;
  hold_id: number | string | null;
  proposed_by: string;
  proposed_by_name: string;
  proposed_at: Date | string;
  decided_by_name: string | null;
  decided_at: Date | string | null;
};

function toPlan(r: Row): PaymentPlan {
  const lines = typeof r.instalments === 'string' ? JSON.parse(r.instalments) : r.instalments;
  return {
    id: Number(r.id),
    orgId: r.org_id,
    contactId: r.contact_id,
    invoiceIds: r.invoice_ids ?? [],
    currency: r.currency,
    balance: r.balance,
    instalments: (lines as { due: IsoDate; amount: Decimal }[]).map((l) => ({
      due: l.due,
      amount: l.amount,
    })),
    status: r.status,
    replyId: r.reply_id,
    holdId: r.hold_id === null ? null : Number(r.hold_id),
    proposedBy: r.proposed_by,
    proposedByName: r.proposed_by_name,
    proposedAt: new Date(r.proposed_at),
    decidedByName: r.decided_by_name,
    decidedAt: r.decided_at === null ? null : new Date(r.decided_at),
  };
}

const COLUMNS = [
  'id',
  'org_id',
  'contact_id',
  'invoice_ids',
  'currency',
  'balance',
  'instalments',
  'status',
  'reply_id',
  'hold_id',
  'proposed_by',
  'proposed_by_name',
  'proposed_at',
  'decided_by_name',
  'decided_at',
] as const;

export interface NewPaymentPlan {
  readonly orgId: string;
  readonly contactId: string;
  readonly invoiceIds: readonly string[];
  readonly currency: string;
  readonly balance: Decimal;
  readonly instalments: readonly Instalment[];
  readonly replyId: string | null;
  readonly holdId: number;
  readonly actor: { readonly id: string; readonly name: string };
  readonly now: Date;
}

/**
 * Stores a proposal; null when the customer already has a plan waiting or running (the partial unique index
 * `payment_plans_open` decides, so two collectors proposing at once end with one plan).
 */
export async function insertPaymentPlan(db: Queryable, p: NewPaymentPlan): Promise<number | null> {
  const row = await db
    .insertInto('payment_plans')
    .values({
      org_id: p.orgId,
      contact_id: p.contactId,
      invoice_ids: [...p.invoiceIds],
      currency: p.currency,
      balance: p.balance,
      instalments: JSON.stringify(p.instalments),
      reply_id: p.replyId,
      hold_id: p.holdId,
      proposed_by: p.actor.id,
      proposed_by_name: p.actor.name,
      proposed_at: p.now,
      decided_by: null,
      decided_by_name: null,
      decided_at: null,
      settled_at: null,
    })
    .onConflict((oc) =>
      oc
        .columns(['org_id', 'contact_id'])
        // The index's own predicate, as text: PostgreSQL infers a partial index only from a matching predicate.
        .where(sql<boolean>`status in ('proposed', 'approved')`)
        .doNothing(),
    )
    .returning('id')
    .executeTakeFirst();
  return row ? Number(row.id) : null;
}

export async function getPaymentPlan(db: Queryable, orgId: string, id: number): Promise<PaymentPlan | null> {
  const r = await db
    .selectFrom('payment_plans')
    .select(COLUMNS)
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  return r ? toPlan(r as Row) : null;
}

/** The plan, locked until the transaction ends: a decision or a settlement reads the status it changes. */
export async function lockPaymentPlan(
  trx: Transaction<DB>,
  orgId: string,
  id: number,
): Promise<PaymentPlan | null> {
  const r = await trx
    .selectFrom('payment_plans')
    .select(COLUMNS)
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  return r ? toPlan(r as Row) : null;
}

/** The customer's plan waiting for a manager or running, if any. */
export async function openPaymentPlan(
  db: Queryable,
  orgId: string,
  contactId: string,
): Promise<PaymentPlan | null> {
  const r = await db
    .selectFrom('payment_plans')
    .select(COLUMNS)
    .where('org_id', '=', orgId)
    .where('contact_id', '=', contactId)
    .where('status', 'in', ['proposed', 'approved'])
    .executeTakeFirst();
  return r ? toPlan(r as Row) : null;
}

export async function listOpenPaymentPlans(db: Queryable, orgId: string): Promise<PaymentPlan[]> {
  const rows = await db
    .selectFrom('payment_plans')
    .select(COLUMNS)
    .where('org_id', '=', orgId)
    .where('status', 'in', ['proposed', 'approved'])
    .orderBy('proposed_at')
    .execute();
  return rows.map((r) => toPlan(r as Row));
}

/** A manager's decision on a proposal. */
export async function decidePaymentPlan(
  trx: Transaction<DB>,
  id: number,
  d: { status: 'approved' | 'rejected'; actor: { id: string; name: string }; now: Date },
): Promise<void> {
  await trx
    .updateTable('payment_plans')
    .set({
      status: d.status,
      decided_by: d.actor.id,
      decided_by_name: d.actor.name,
      decided_at: d.now,
      ...(d.status === 'rejected' ? { settled_at: d.now } : {}),
    })
    .where('id', '=', id)
    .execute();
}

/** A running plan ends: every instalment kept, or one missed. */
export async function settlePaymentPlan(
  trx: Transaction<DB>,
  id: number,
  status: 'completed' | 'broken',
  now: Date,
): Promise<void> {
  await trx.updateTable('payment_plans').set({ status, settled_at: now }).where('id', '=', id).execute();
}

/** The outcome of each of a plan's instalments so far, in order ('active' ones are still to come). */
export async function planInstalmentStatuses(db: Queryable, planId: number): Promise<string[]> {
  const rows = await db
    .selectFrom('payment_promises')
    .select(['status'])
    .where('plan_id', '=', planId)
    .orderBy('instalment')
    .execute();
  return rows.map((r) => r.status);
}

/** A broken plan's instalments still to come stop counting as promises. */
export async function cancelPlanInstalments(
  trx: Transaction<DB>,
  planId: number,
  now: Date,
): Promise<number> {
  const res = await trx
    .updateTable('payment_promises')
    .set({ status: 'cancelled', settled_at: now })
    .where('plan_id', '=', planId)
    .where('status', '=', 'active')
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}
