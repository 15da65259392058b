import type { IsoDate } from '../../domain/ledger.js';
import type { ReminderCardFacts } from '../../domain/reminder-card-facts.js';
import type { Queryable } from './schema.js';

export type { CardInvoice, ReminderCardFacts } from '../../domain/reminder-card-facts.js';

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

export interface RefusedRecipients {
  readonly recipients: readonly string[];
  readonly error: string;
  readonly at: Date;
}

/**
 * Per customer, the addresses whose latest reminder (the newest sent or refused reminder written to them) the
 * receiving mail server refused outright (SMTP 5xx: the sender records the code in last_error) or bounced later
 * (a delivery status notification naming them), with the newest such refusal's error and time. Each address
 * keeps its own verdict: after a bounce of one of two addresses the next reminder goes to the other, and the
 * bounced one stays refused (it was not written to since). The planner reads this so a refused address is not
 * written to again until someone gives another.
 */
export async function listRefusedRecipients(
  db: Queryable,
  orgId: string,
): Promise<Map<string, RefusedRecipients>> {
  const rows = await db
    .selectFrom('reminders')
    .select([
      'contact_id',
      'status',
      'recipients',
      'last_error',
      'updated_at',
      'bounced_at',
      'bounced_recipients',
      'bounce_error',
    ])
    .where('org_id', '=', orgId)
    .where((eb) =>
      eb.or([
        eb('status', '=', 'sent'),
        eb.and([eb('status', '=', 'failed'), eb('last_error', 'like', 'SMTP 5%')]),
      ]),
    )
    .orderBy('updated_at', 'desc')
    .execute();
  const decided = new Map<string, Set<string>>();
  const out = new Map<string, { recipients: string[]; error: string; at: Date }>();
  for (const r of rows) {
    // A refused send refuses every address it had; a sent reminder that bounced later, those the bounce named.
    const bounced = r.status === 'sent' && r.bounced_at ? (r.bounced_recipients ?? []) : [];
    const refusedHere = new Set((r.status === 'sent' ? bounced : r.recipients).map((a) => a.toLowerCase()));
    const seen = decided.get(r.contact_id) ?? new Set<string>();
    decided.set(r.contact_id, seen);
    for (const address of [...r.recipients, ...bounced]) {
      const key = address.toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      if (!refusedHere.has(key)) continue;
      const at = r.status === 'sent' ? new Date(r.bounced_at!) : new Date(r.updated_at);
      const error = (r.status === 'sent' ? r.bounce_error : r.last_error) ?? '';
      const entry = out.get(r.contact_id) ?? { recipients: [], error, at };
      entry.recipients.push(address);
      out.set(r.contact_id, entry);
    }
  }
  return out;
}

export interface BouncedReminder {
  readonly id: string;
  readonly orgId: string;
  readonly contactId: string;
  readonly invoiceIds: readonly string[];
  readonly recipients: readonly string[];
  readonly purpose: 'overdue' | 'upcoming';
}

/** The sent reminder carrying this Message-ID (a bounce names the message it returns). */
export async function findSentReminderByMessageId(
  db: Queryable,
  messageId: string,
): Promise<BouncedReminder | null> {
  const r = await db
    .selectFrom('reminders')
    .select(['id', 'org_id', 'contact_id', 'invoice_ids', 'recipients', 'purpose'])
    .where('message_id', '=', messageId)
    .where('status', '=', 'sent')
    .executeTakeFirst();
  return r
    ? {
        id: r.id,
        orgId: r.org_id,
        contactId: r.contact_id,
        invoiceIds: r.invoice_ids,
        recipients: r.recipients,
        purpose: r.purpose,
      }
    : null;
}

/** Records a reminder's bounce once: false when it was recorded already (a redelivered notification). */
export async function recordReminderBounce(
  db: Queryable,
  reminderId: string,
  bounce: { readonly recipients: readonly string[]; readonly error: string; readonly at: Date },
): Promise<boolean> {
  const updated = await db
    .updateTable('reminders')
    .set({
      bounced_at: bounce.at,
      bounced_recipients: JSON.stringify(bounce.recipients),
      bounce_error: bounce.error,
    })
    .where('id', '=', reminderId)
    .where('bounced_at', 'is', null)
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) > 0;
}
