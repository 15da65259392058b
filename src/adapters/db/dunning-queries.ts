// Over 300 lines: the query module of reminders, drafts, holds and policies (db first), which the dunning use-cases share.
import { sql, type Transaction } from 'kysely';
import type { ContactRecord } from '../../domain/dunning-planner.js';
import { type DunningPolicy, defaultPolicy, parsePolicy } from '../../domain/dunning-policy.js';
import type { IsoDate } from '../../domain/ledger.js';
import type { ReminderTemplate, TemplateKey } from '../../domain/reminder-draft.js';
import { AppError } from '../../errors.js';
import type { DB, HoldKind, Queryable, ReminderStatus } from './schema.js';

export interface StoredPolicy {
  readonly policy: DunningPolicy;
  readonly templates: Partial<Record<TemplateKey, ReminderTemplate>>;
  readonly isDefault: boolean;
  readonly updatedBy: string | null;
  readonly updatedAt: Date | null;
}

export async function getDunningPolicy(
  db: Queryable,
  orgId: string,
  country: string | null = null,
): Promise<StoredPolicy> {
  const row = await db
    .selectFrom('dunning_policies')
    .selectAll()
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  if (!row)
    return {
      policy: defaultPolicy(country),
      templates: {},
      isDefault: true,
      updatedBy: null,
      updatedAt: null,
    };
  const parsed = parsePolicy(row.policy);
  if (!parsed.ok) {
    throw new AppError(
      'POLICY_CORRUPT',
      `stored policy for ${orgId} no longer validates: ${parsed.errors.join('; ')}`,
    );
  }
  return {
    policy: parsed.policy,
    templates: row.templates as StoredPolicy['templates'],
    isDefault: false,
    updatedBy: row.updated_by,
    updatedAt: row.updated_at,
  };
}

export async function saveDunningPolicy(
  db: Queryable,
  orgId: string,
  policy: DunningPolicy,
  templates: StoredPolicy['templates'],
  updatedBy: string | null,
  now: Date,
): Promise<void> {
  await db
    .insertInto('dunning_policies')
    .values({
      org_id: orgId,
      policy: JSON.stringify(policy),
      templates: JSON.stringify(templates),
      updated_by: updatedBy,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc.column('org_id').doUpdateSet({
        policy: JSON.stringify(policy),
        templates: JSON.stringify(templates),
        updated_by: updatedBy,
        updated_at: now,
      }),
    )
    .execute();
}

export interface ActiveHold {
  readonly id: number;
  readonly contactId: string;
  readonly kind: HoldKind;
  readonly until: IsoDate | null;
  readonly amount: string | null;
  readonly reason: string | null;
  /** The invoices the hold is about (a dispute on some invoices); empty or absent: the whole customer. */
  readonly invoiceIds?: readonly string[];
  readonly createdBy: string | null;
  readonly createdByName: string | null;
  readonly createdAt: Date;
}

/** Holds not released by a person. Whether a dated one still applies on a given day is the planner's call. */
export async function listActiveHolds(
  db: Queryable,
  orgId: string,
  contactId?: string,
): Promise<ActiveHold[]> {
  let q = db
    .selectFrom('customer_holds')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('released_at', 'is', null);
  if (contactId) q = q.where('contact_id', '=', contactId);
  const rows = await q.orderBy('created_at').execute();
  return rows.map((r) => ({
    id: r.id,
    contactId: r.contact_id,
    kind: r.kind,
    until: r.until,
    amount: r.amount,
    reason: r.reason,
    invoiceIds: r.invoice_ids ?? [],
    createdBy: r.created_by,
    createdByName: r.created_by_name,
    createdAt: r.created_at,
  }));
}

export async function addCustomerHold(
  db: Queryable,
  hold: {
    orgId: string;
    contactId: string;
    kind: HoldKind;
    until: IsoDate | null;
    amount?: string | null;
    reason: string | null;
    /** Only these invoices (a dispute's); absent or empty: the whole customer. */
    invoiceIds?: readonly string[];
    actor: { id: string | null; name: string | null };
    now: Date;
  },
): Promise<number> {
  const row = await db
    .insertInto('customer_holds')
    .values({
      org_id: hold.orgId,
      contact_id: hold.contactId,
      kind: hold.kind,
      until: hold.until,
      amount: hold.amount ?? null,
      reason: hold.reason,
      invoice_ids: [...(hold.invoiceIds ?? [])],
      created_by: hold.actor.id,
      created_by_name: hold.actor.name,
      created_at: hold.now,
      released_at: null,
      released_by: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Releases every active hold of these kinds for a customer; returns how many were released. */
export async function releaseCustomerHolds(
  db: Queryable,
  orgId: string,
  contactId: string,
  kinds: readonly HoldKind[],
  actorId: string | null,
  now: Date,
): Promise<number> {
  const res = await db
    .updateTable('customer_holds')
    .set({ released_at: now, released_by: actorId })
    .where('org_id', '=', orgId)
    .where('contact_id', '=', contactId)
    .where('kind', 'in', kinds)
    .where('released_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}

/** Releases one hold if it is still active (a promise rescheduled or settled lets chasing resume). */
export async function releaseHold(
  db: Queryable,
  holdId: number,
  actorId: string | null,
  now: Date,
): Promise<void> {
  await db
    .updateTable('customer_holds')
    .set({ released_at: now, released_by: actorId })
    .where('id', '=', holdId)
    .where('released_at', 'is', null)
    .execute();
}

/** Statuses that count as "we contacted them" for pacing: sent, and in shadow mode what we would have sent. */
// An unconfirmed send may well have reached the customer: it counts as a contact until a person says otherwise.
const CONTACTED: ReminderStatus[] = ['sent', 'shadowed', 'unconfirmed'];

export async function loadContactHistory(
  db: Queryable,
  orgId: string,
): Promise<Map<string, ContactRecord[]>> {
  const rows = await db
    .selectFrom('reminders')
    .select(['contact_id', 'plan_date', 'sent_at', 'purpose', 'step_index', 'invoice_ids'])
    .where('org_id', '=', orgId)
    .where('status', 'in', CONTACTED)
    .execute();
  const byContact = new Map<string, ContactRecord[]>();
  for (const r of rows) {
    const list = byContact.get(r.contact_id) ?? [];
    list.push({
      sentOn: r.plan_date,
      purpose: r.purpose,
      stepIndex: r.step_index,
      invoiceIds: r.invoice_ids,
    });
    byContact.set(r.contact_id, list);
  }
  return byContact;
}

/**
 * Overdue reminders already sent (or possibly sent) to this customer about any of these invoices, this one aside:
 * what "first reminder" and "reminder 2" count.
 */
export async function countPriorReminders(
  db: Queryable,
  reminder: {
    readonly id: string;
    readonly orgId: string;
    readonly contactId: string;
    readonly invoiceIds: readonly string[];
  },
): Promise<number> {
  const rows = await db
    .selectFrom('reminders')
    .select('invoice_ids')
    .where('org_id', '=', reminder.orgId)
    .where('contact_id', '=', reminder.contactId)
    .where('purpose', '=', 'overdue')
    .where('status', 'in', ['sent', 'unconfirmed'])
    .where('id', '<>', reminder.id)
    .execute();
  const mine = new Set(reminder.invoiceIds);
  return rows.filter((r) => r.invoice_ids.some((id) => mine.has(id))).length;
}

export interface ReminderRow {
  readonly id: string;
  readonly orgId: string;
  readonly contactId: string;
  readonly purpose: 'overdue' | 'upcoming';
  readonly segment: string;
  readonly stepIndex: number;
  readonly stepCount: number;
  readonly tone: string;
  readonly channel: string;
  readonly mode: string;
  readonly autoSend: boolean;
  readonly carryingInvoiceId: string;
  readonly invoiceIds: readonly string[];
  readonly planDate: IsoDate;
  readonly reason: string;
  readonly status: ReminderStatus;
  readonly recipients: readonly string[];
  readonly cc: readonly string[];
  readonly messageId: string;
  readonly draftVersion: number;
  readonly decidedBy: string | null;
  readonly decidedByName: string | null;
  readonly decidedAt: Date | null;
  readonly snoozedUntil: IsoDate | null;
  readonly sentAt: Date | null;
  readonly lastError: string | null;
  readonly slackChannel: string | null;
  readonly slackTs: string | null;
}

export async function getReminder(db: Queryable, id: string): Promise<ReminderRow | null> {
  const r = await db.selectFrom('reminders').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) return null;
  return {
    id: r.id,
    orgId: r.org_id,
    contactId: r.contact_id,
    purpose: r.purpose,
    segment: r.segment,
    stepIndex: r.step_index,
    stepCount: r.step_count,
    tone: r.tone,
    channel: r.channel,
    mode: r.mode,
    autoSend: r.auto_send,
    carryingInvoiceId: r.carrying_invoice_id,
    invoiceIds: r.invoice_ids,
    planDate: r.plan_date,
    reason: r.reason,
    status: r.status,
    recipients: r.recipients,
    cc: r.cc,
    messageId: r.message_id,
    draftVersion: r.draft_version,
    decidedBy: r.decided_by,
    decidedByName: r.decided_by_name,
    decidedAt: r.decided_at,
    snoozedUntil: r.snoozed_until,
    sentAt: r.sent_at,
    lastError: r.last_error,
    slackChannel: r.slack_channel,
    slackTs: r.slack_ts,
  };
}

/**
 * Moves a reminder from one of `from` to `to` only if nobody else did first. The conditional UPDATE is the
 * claim: a second click, a second collector or a double submit finds 0 rows and does nothing.
 */
export async function transitionReminder(
  db: Queryable,
  id: string,
  from: readonly ReminderStatus[],
  to: ReminderStatus,
  fields: {
    now: Date;
    decidedBy?: string | null;
    decidedByName?: string | null;
    snoozedUntil?: IsoDate | null;
    sentAt?: Date | null;
    lastError?: string | null;
  },
): Promise<boolean> {
  const res = await db
    .updateTable('reminders')
    .set({
      status: to,
      updated_at: fields.now,
      ...(fields.decidedBy !== undefined
        ? {
            decided_by: fields.decidedBy,
            decided_by_name: fields.decidedByName ?? null,
            decided_at: fields.now,
          }
        : {}),
      ...(fields.snoozedUntil !== undefined ? { snoozed_until: fields.snoozedUntil } : {}),
      ...(fields.sentAt !== undefined ? { sent_at: fields.sentAt } : {}),
      ...(fields.lastError !== undefined ? { last_error: fields.lastError } : {}),
    })
    .where('id', '=', id)
    .where('status', 'in', from)
    .executeTakeFirst();
  return res.numUpdatedRows > 0n;
}

/** What the callers holding a reminder's row lock decide on. */
export interface LockedReminder {
  readonly status: ReminderStatus;
  readonly slackChannel: string | null;
  readonly slackTs: string | null;
}

/**
 * Locks one reminder's row (`select … for update`) until the transaction ends, so a second decision, card post
 * or draft for the same reminder waits and then sees what the first one wrote. A reminder is never deleted: a
 * missing row throws.
 */
export async function lockReminder(trx: Transaction<DB>, reminderId: string): Promise<LockedReminder> {
  const row = await trx
    .selectFrom('reminders')
    .select(['status', 'slack_channel', 'slack_ts'])
    .where('id', '=', reminderId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  return { status: row.status, slackChannel: row.slack_channel, slackTs: row.slack_ts };
}

export interface CustomerReminderRef {
  readonly id: string;
  readonly status: ReminderStatus;
  readonly planDate: IsoDate;
  readonly createdAt: Date;
}

/**
 * Locks every reminder row of one customer, so two of their cards approved in the same second are decided one
 * after the other (the contact rules look across all of them).
 */
export async function lockCustomerReminders(
  trx: Transaction<DB>,
  orgId: string,
  contactId: string,
): Promise<CustomerReminderRef[]> {
  const rows = await trx
    .selectFrom('reminders')
    .select(['id', 'status', 'plan_date', 'created_at'])
    .where('org_id', '=', orgId)
    .where('contact_id', '=', contactId)
    .forUpdate()
    .execute();
  return rows.map((r) => ({ id: r.id, status: r.status, planDate: r.plan_date, createdAt: r.created_at }));
}

/** A reminder's status and whether it sends itself, as a finished earlier run left them. */
export async function getReminderStatus(
  db: Queryable,
  reminderId: string,
): Promise<{ status: ReminderStatus; autoSend: boolean }> {
  const row = await db
    .selectFrom('reminders')
    .select(['status', 'auto_send'])
    .where('id', '=', reminderId)
    .executeTakeFirstOrThrow();
  return { status: row.status, autoSend: row.auto_send };
}

/** When a reminder went out (null: not sent) and the day it was planned for; null for no such reminder. */
export async function getReminderTiming(
  db: Queryable,
  reminderId: string,
): Promise<{ sentAt: Date | null; planDate: IsoDate } | null> {
  const row = await db
    .selectFrom('reminders')
    .select(['sent_at', 'plan_date'])
    .where('id', '=', reminderId)
    .executeTakeFirst();
  return row ? { sentAt: row.sent_at, planDate: String(row.plan_date) } : null;
}

/** Replaces a reminder's recipients, its cc, or both (an Edit on the card). */
export async function setReminderRecipients(
  db: Queryable,
  reminderId: string,
  edit: { readonly to?: readonly string[]; readonly cc?: readonly string[] },
  now: Date,
): Promise<void> {
  await db
    .updateTable('reminders')
    .set({
      ...(edit.to ? { recipients: JSON.stringify(edit.to) } : {}),
      ...(edit.cc ? { cc: JSON.stringify(edit.cc) } : {}),
      updated_at: now,
    })
    .where('id', '=', reminderId)
    .execute();
}

/** Narrows a redrafted reminder to the invoices still open today. */
export async function setReminderInvoices(
  db: Queryable,
  reminderId: string,
  invoiceIds: readonly string[],
  now: Date,
): Promise<void> {
  await db
    .updateTable('reminders')
    .set({ invoice_ids: JSON.stringify(invoiceIds), updated_at: now })
    .where('id', '=', reminderId)
    .execute();
}

export interface DraftVersion {
  readonly version: number;
  readonly subject: string;
  readonly body: string;
  readonly source: 'claude' | 'template' | 'human';
  readonly model: string | null;
  readonly promptVersion: string;
  readonly inputsHash: string;
  readonly fallbackReason: string | null;
  readonly authorId: string | null;
  readonly authorName: string | null;
  readonly createdAt: Date;
}

export async function listDraftVersions(db: Queryable, reminderId: string): Promise<DraftVersion[]> {
  const rows = await db
    .selectFrom('reminder_drafts')
    .selectAll()
    .where('reminder_id', '=', reminderId)
    .orderBy('version')
    .execute();
  return rows.map((r) => ({
    version: r.version,
    subject: r.subject,
    body: r.body,
    source: r.source,
    model: r.model,
    promptVersion: r.prompt_version,
    inputsHash: r.inputs_hash,
    fallbackReason: r.fallback_reason,
    authorId: r.author_id,
    authorName: r.author_name,
    createdAt: r.created_at,
  }));
}

export async function currentDraft(db: Queryable, reminderId: string): Promise<DraftVersion | null> {
  const versions = await listDraftVersions(db, reminderId);
  return versions.at(-1) ?? null;
}

/** Whether a reminder has any draft yet: a drafted reminder was finished by an earlier run (or another instance). */
export async function hasDraft(db: Queryable, reminderId: string): Promise<boolean> {
  const row = await db
    .selectFrom('reminder_drafts')
    .select('version')
    .where('reminder_id', '=', reminderId)
    .executeTakeFirst();
  return row !== undefined;
}

/** Appends a draft version (edits never overwrite) and points the reminder at it. */
export async function addDraftVersion(
  db: Transaction<DB>,
  reminderId: string,
  draft: Omit<DraftVersion, 'version' | 'createdAt'>,
  now: Date,
): Promise<number> {
  const { next } = await db
    .selectFrom('reminder_drafts')
    .select(sql<number>`coalesce(max(version), 0) + 1`.as('next'))
    .where('reminder_id', '=', reminderId)
    .executeTakeFirstOrThrow();
  await db
    .insertInto('reminder_drafts')
    .values({
      reminder_id: reminderId,
      version: next,
      subject: draft.subject,
      body: draft.body,
      source: draft.source,
      model: draft.model,
      prompt_version: draft.promptVersion,
      inputs_hash: draft.inputsHash,
      fallback_reason: draft.fallbackReason,
      author_id: draft.authorId,
      author_name: draft.authorName,
      created_at: now,
    })
    .execute();
  await db
    .updateTable('reminders')
    .set({ draft_version: next, updated_at: now })
    .where('id', '=', reminderId)
    .execute();
  return next;
}

/** What the planner decides; everything else on a reminder comes from later decisions. */
export type NewReminder = Pick<
  ReminderRow,
  | 'orgId'
  | 'contactId'
  | 'purpose'
  | 'segment'
  | 'stepIndex'
  | 'stepCount'
  | 'tone'
  | 'channel'
  | 'mode'
  | 'autoSend'
  | 'carryingInvoiceId'
  | 'invoiceIds'
  | 'planDate'
  | 'reason'
  | 'status'
  | 'recipients'
  | 'cc'
  | 'messageId'
>;

/**
 * Inserts a planned reminder unless the same step for the same carrying invoice already exists (planning runs
 * daily and after restarts; it must never propose the same step twice).
 */
export async function insertReminderIfAbsent(
  db: Queryable,
  r: NewReminder,
  now: Date,
): Promise<{ id: string; created: boolean }> {
  const inserted = await db
    .insertInto('reminders')
    .values({
      org_id: r.orgId,
      contact_id: r.contactId,
      purpose: r.purpose,
      segment: r.segment,
      step_index: r.stepIndex,
      step_count: r.stepCount,
      tone: r.tone,
      channel: r.channel,
      mode: r.mode,
      auto_send: r.autoSend,
      carrying_invoice_id: r.carryingInvoiceId,
      invoice_ids: JSON.stringify(r.invoiceIds),
      plan_date: r.planDate,
      reason: r.reason,
      status: r.status,
      recipients: JSON.stringify(r.recipients),
      cc: JSON.stringify(r.cc),
      message_id: r.messageId,
      decided_by: null,
      decided_by_name: null,
      decided_at: null,
      snoozed_until: null,
      sent_at: null,
      last_error: null,
      slack_channel: null,
      slack_ts: null,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.constraint('reminders_step_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) return { id: inserted.id, created: true };
  const existing = await db
    .selectFrom('reminders')
    .select('id')
    .where('org_id', '=', r.orgId)
    .where('contact_id', '=', r.contactId)
    .where('purpose', '=', r.purpose)
    .where('step_index', '=', r.stepIndex)
    .where('carrying_invoice_id', '=', r.carryingInvoiceId)
    .executeTakeFirstOrThrow();
  return { id: existing.id, created: false };
}
