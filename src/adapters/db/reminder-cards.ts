import type { Kysely, Transaction } from 'kysely';
import type { IsoDate } from '../../domain/ledger.js';
import type { Decimal } from '../../domain/money.js';
import type { DB } from './schema.js';

type Queryable = Kysely<DB> | Transaction<DB>;

/** One invoice as the approval card shows it, frozen when the reminder was planned. */
export interface CardInvoice {
  readonly invoiceId: string;
  readonly number: string | null;
  readonly currency: string;
  readonly amountDue: Decimal;
  readonly dueDate: IsoDate;
  readonly daysOverdue: number;
}

/** What the card needs beyond the reminder row: the customer, the invoices, and why (plan and brain). */
export interface ReminderCardFacts {
  readonly customerName: string;
  readonly baseCurrency: string;
  readonly totalBase: Decimal;
  readonly tier: 'high' | 'medium' | 'low';
  /** Highest late-payment risk of the customer's open invoices, 0..1. */
  readonly risk: number;
  readonly invoices: readonly CardInvoice[];
  /** The collections brain's reasons for this customer's priority. */
  readonly brainReasons: readonly string[];
  /** Escalation reasons from the plan, when the customer also needs a manager's look. */
  readonly escalationReasons: readonly string[];
  readonly draftSource: 'claude' | 'template';
  /** Why a Claude draft was not used, when it was not. */
  readonly fallbackReason: string | null;
}

export async function setReminderFacts(db: Queryable, reminderId: string, facts: ReminderCardFacts) {
  await db
    .updateTable('reminders')
    .set({ facts: JSON.stringify(facts) })
    .where('id', '=', reminderId)
    .execute();
}

export async function getReminderFacts(db: Queryable, reminderId: string): Promise<ReminderCardFacts | null> {
  const row = await db
    .selectFrom('reminders')
    .select('facts')
    .where('id', '=', reminderId)
    .executeTakeFirst();
  const facts = row?.facts as Partial<ReminderCardFacts> | undefined;
  return facts && typeof facts.customerName === 'string' ? (facts as ReminderCardFacts) : null;
}

/** Remembers where the card lives: chat.update and thread replies need channel + ts (never rebuilt from Slack). */
export async function recordReminderMessage(
  db: Queryable,
  reminderId: string,
  channel: string,
  ts: string,
): Promise<void> {
  await db
    .updateTable('reminders')
    .set({ slack_channel: channel, slack_ts: ts })
    .where('id', '=', reminderId)
    .execute();
}

export interface RecipientOverride {
  readonly recipients: readonly string[];
  readonly cc: readonly string[];
}

export async function listRecipientOverrides(
  db: Queryable,
  orgId: string,
): Promise<Map<string, RecipientOverride>> {
  const rows = await db.selectFrom('dunning_recipients').selectAll().where('org_id', '=', orgId).execute();
  return new Map(rows.map((r) => [r.contact_id, { recipients: r.recipients, cc: r.cc }]));
}

export async function saveRecipientOverride(
  db: Queryable,
  input: {
    orgId: string;
    contactId: string;
    recipients: readonly string[];
    cc: readonly string[];
    updatedBy: string | null;
    now: Date;
  },
): Promise<void> {
  const values = {
    recipients: JSON.stringify(input.recipients),
    cc: JSON.stringify(input.cc),
    updated_by: input.updatedBy,
    updated_at: input.now,
  };
  await db
    .insertInto('dunning_recipients')
    .values({ org_id: input.orgId, contact_id: input.contactId, ...values })
    .onConflict((oc) => oc.columns(['org_id', 'contact_id']).doUpdateSet(values))
    .execute();
}

export interface OpenReminderRef {
  readonly id: string;
  readonly contactId: string;
  readonly purpose: 'overdue' | 'upcoming';
  readonly status: 'proposed' | 'snoozed';
  readonly snoozedUntil: IsoDate | null;
}

/** Reminders still waiting on a person (proposed) or on a date (snoozed). */
export async function listOpenReminders(db: Queryable, orgId: string): Promise<OpenReminderRef[]> {
  const rows = await db
    .selectFrom('reminders')
    .select(['id', 'contact_id', 'purpose', 'status', 'snoozed_until'])
    .where('org_id', '=', orgId)
    .where('status', 'in', ['proposed', 'snoozed'])
    .execute();
  return rows.map((r) => ({
    id: r.id,
    contactId: r.contact_id,
    purpose: r.purpose,
    status: r.status as 'proposed' | 'snoozed',
    snoozedUntil: r.snoozed_until,
  }));
}
