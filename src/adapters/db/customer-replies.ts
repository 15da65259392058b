// Over 300 lines: the query module of customer replies, their readings and matches (db first).
import { type Kysely, sql } from 'kysely';
import type { CustomerRef, InvoiceHit, ThreadHit } from '../../domain/reply-matching.js';
import type { DB, Queryable, ReplyChannel, ReplyMatchMethod, ReplyStatus } from './schema.js';

/**
 * Customer replies (issue #18) and the IMAP cursor. A reply is stored once per organisation and Message-ID; its
 * text is the customer's words and is never logged.
 */
export interface CustomerReply {
  readonly id: string;
  readonly orgId: string | null;
  readonly contactId: string | null;
  readonly reminderId: string | null;
  readonly invoiceIds: readonly string[];
  readonly channel: ReplyChannel;
  readonly messageId: string;
  readonly inReplyTo: string | null;
  readonly fromAddress: string | null;
  readonly fromName: string | null;
  readonly subject: string | null;
  readonly receivedAt: Date;
  readonly text: string;
  readonly autoReply: boolean;
  readonly matchMethod: ReplyMatchMethod;
  readonly matchNote: string | null;
  readonly status: ReplyStatus;
  readonly holdId: number | null;
  readonly handledBy: string | null;
  readonly handledAt: Date | null;
  readonly createdAt: Date;
}

export type NewCustomerReply = Omit<CustomerReply, 'id' | 'handledBy' | 'handledAt'>;

// ---- matching evidence ------------------------------------------------------------------------------------

/** Our reminders carrying one of these Message-IDs. */
export async function findRemindersByMessageId(
  db: Queryable,
  messageIds: readonly string[],
): Promise<ThreadHit[]> {
  if (messageIds.length === 0) return [];
  const rows = await db
    .selectFrom('reminders')
    .select(['id', 'org_id', 'contact_id', 'message_id', 'invoice_ids'])
    .where('message_id', 'in', [...messageIds])
    .execute();
  return rows.map((r) => ({
    reminderId: r.id,
    orgId: r.org_id,
    contactId: r.contact_id,
    messageId: r.message_id,
    invoiceIds: r.invoice_ids,
  }));
}

/** Open (AUTHORISED) invoices of any organisation whose number is one of these (compared upper-cased). */
export async function findOpenInvoicesByNumber(
  db: Queryable,
  numbers: readonly string[],
): Promise<InvoiceHit[]> {
  if (numbers.length === 0) return [];
  const rows = await db
    .selectFrom('xero_invoices')
    .select(['org_id', 'contact_id', 'invoice_id', 'number'])
    .where('status', '=', 'AUTHORISED')
    .where(sql<string>`upper(number)`, 'in', [...numbers])
    .limit(100)
    .execute();
  return rows.map((r) => ({
    orgId: r.org_id,
    contactId: r.contact_id,
    invoiceId: r.invoice_id,
    number: r.number ?? '',
  }));
}

/**
 * Customers reached at this address: the contact's own, one of its persons', or an address for reminders we
 * keep for it (`dunning_recipients`). Compared case-insensitively.
 */
export async function findCustomersByAddress(db: Queryable, address: string): Promise<CustomerRef[]> {
  const a = address.trim().toLowerCase();
  const contacts = await db
    .selectFrom('xero_contacts')
    .select(['org_id', 'contact_id'])
    .where((eb) =>
      eb.or([
        eb(sql`lower(email)`, '=', a),
        eb.exists(
          sql`(select 1 from jsonb_array_elements(xero_contacts.persons) p where lower(p->>'email') = ${a})`,
        ),
      ]),
    )
    .where('merged_to_contact_id', 'is', null)
    .limit(20)
    .execute();
  const overrides = await db
    .selectFrom('dunning_recipients')
    .select(['org_id', 'contact_id'])
    .where(
      sql<boolean>`exists (select 1 from jsonb_array_elements_text(dunning_recipients.recipients || dunning_recipients.cc) r where lower(r) = ${a})`,
    )
    .limit(20)
    .execute();
  return [...contacts, ...overrides].map((r) => ({ orgId: r.org_id, contactId: r.contact_id }));
}

/** Customers with an address at this domain (at most `limit`: more than one is already ambiguous). */
export async function findCustomersByDomain(
  db: Queryable,
  domain: string,
  limit = 5,
): Promise<CustomerRef[]> {
  const suffix = `%@${domain
    .trim()
    .toLowerCase()
    .replace(/[\\%_]/g, (c) => `\\${c}`)}`;
  const rows = await db
    .selectFrom('xero_contacts')
    .select(['org_id', 'contact_id'])
    .where((eb) =>
      eb.or([
        eb(sql`lower(email)`, 'like', suffix),
        eb.exists(
          sql`(select 1 from jsonb_array_elements(xero_contacts.persons) p where lower(p->>'email') like ${suffix})`,
        ),
      ]),
    )
    .where('merged_to_contact_id', 'is', null)
    .limit(limit)
    .execute();
  return rows.map((r) => ({ orgId: r.org_id, contactId: r.contact_id }));
}

/** A contact's display name, for notices. */
export async function contactName(db: Queryable, orgId: string, contactId: string): Promise<string | null> {
  const row = await db
    .selectFrom('xero_contacts')
    .select('name')
    .where('org_id', '=', orgId)
    .where('contact_id', '=', contactId)
    .executeTakeFirst();
  return row?.name ?? null;
}

/** Where a reminder's card is in Slack (null until it was posted). */
export async function reminderCardMessage(
  db: Queryable,
  reminderId: string,
): Promise<{ channel: string; ts: string } | null> {
  const row = await db
    .selectFrom('reminders')
    .select(['slack_channel', 'slack_ts'])
    .where('id', '=', reminderId)
    .executeTakeFirst();
  return row?.slack_channel && row.slack_ts ? { channel: row.slack_channel, ts: row.slack_ts } : null;
}

/** The reminder whose approval card is this Slack message (a message in its thread answers it). */
export async function findReminderByCard(
  db: Queryable,
  channel: string,
  ts: string,
): Promise<ThreadHit | null> {
  const row = await db
    .selectFrom('reminders')
    .select(['id', 'org_id', 'contact_id', 'message_id', 'invoice_ids'])
    .where('slack_channel', '=', channel)
    .where('slack_ts', '=', ts)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row
    ? {
        reminderId: row.id,
        orgId: row.org_id,
        contactId: row.contact_id,
        messageId: row.message_id,
        invoiceIds: row.invoice_ids,
      }
    : null;
}

/**
 * An organisation's customers with open (AUTHORISED) invoices, by name: who a reply logged in Slack can be
 * from. At most `limit` (a Slack select holds 100 options).
 */
export async function listCustomersWithOpenInvoices(
  db: Queryable,
  orgId: string,
  limit = 100,
): Promise<{ orgId: string; contactId: string; name: string }[]> {
  const rows = await db
    .selectFrom('xero_contacts as c')
    .select(['c.org_id', 'c.contact_id', 'c.name'])
    .where('c.org_id', '=', orgId)
    .where('c.merged_to_contact_id', 'is', null)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('xero_invoices as i')
          .select('i.invoice_id')
          .whereRef('i.org_id', '=', 'c.org_id')
          .whereRef('i.contact_id', '=', 'c.contact_id')
          .where('i.status', '=', 'AUTHORISED'),
      ),
    )
    .orderBy('c.name')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ orgId: r.org_id, contactId: r.contact_id, name: r.name }));
}

/** The customer's latest reminder with a card in Slack: where a reply matched by invoice or sender is noted. */
export async function latestReminderWithCard(
  db: Queryable,
  orgId: string,
  contactId: string,
): Promise<{ reminderId: string; channel: string; ts: string } | null> {
  const row = await db
    .selectFrom('reminders')
    .select(['id', 'slack_channel', 'slack_ts'])
    .where('org_id', '=', orgId)
    .where('contact_id', '=', contactId)
    .where('slack_ts', 'is not', null)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.slack_channel && row.slack_ts
    ? { reminderId: row.id, channel: row.slack_channel, ts: row.slack_ts }
    : null;
}

// ---- replies ----------------------------------------------------------------------------------------------

/** A reply already stored under this Message-ID, whichever organisation it matched. */
export async function findReplyByMessageId(db: Queryable, messageId: string): Promise<CustomerReply | null> {
  const row = await db
    .selectFrom('customer_replies')
    .selectAll()
    .where('message_id', '=', messageId)
    .orderBy('created_at')
    .limit(1)
    .executeTakeFirst();
  return row ? toReply(row) : null;
}

/** Inserts once; null when the same message is already stored (a redelivery, or another instance first). */
export async function insertCustomerReply(db: Queryable, r: NewCustomerReply): Promise<string | null> {
  const row = await db
    .insertInto('customer_replies')
    .values({
      org_id: r.orgId,
      contact_id: r.contactId,
      reminder_id: r.reminderId,
      invoice_ids: JSON.stringify(r.invoiceIds),
      channel: r.channel,
      message_id: r.messageId,
      in_reply_to: r.inReplyTo,
      from_address: r.fromAddress,
      from_name: r.fromName,
      subject: r.subject,
      received_at: r.receivedAt,
      text: r.text,
      auto_reply: r.autoReply,
      match_method: r.matchMethod,
      match_note: r.matchNote,
      status: r.status,
      hold_id: r.holdId,
      created_at: r.createdAt,
    })
    .onConflict((oc) => oc.expression(sql`(coalesce(org_id::text, '')), message_id`).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id ?? null;
}

export async function setReplyHold(db: Queryable, replyId: string, holdId: number): Promise<void> {
  await db.updateTable('customer_replies').set({ hold_id: holdId }).where('id', '=', replyId).execute();
}

export async function getCustomerReply(db: Queryable, id: string): Promise<CustomerReply | null> {
  const row = await db.selectFrom('customer_replies').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toReply(row) : null;
}

export async function listCustomerReplies(
  db: Queryable,
  filter: { orgId?: string; contactId?: string; status?: ReplyStatus } = {},
): Promise<CustomerReply[]> {
  let q = db.selectFrom('customer_replies').selectAll();
  if (filter.orgId) q = q.where('org_id', '=', filter.orgId);
  if (filter.contactId) q = q.where('contact_id', '=', filter.contactId);
  if (filter.status) q = q.where('status', '=', filter.status);
  return (await q.orderBy('received_at').orderBy('created_at').execute()).map(toReply);
}

/**
 * A collector handled the reply: it stops pausing its customer (its own hold is released; another reply still
 * waiting keeps the customer paused). False when it was handled already.
 */
export async function markReplyHandled(
  db: Queryable,
  replyId: string,
  actorId: string | null,
  now: Date,
): Promise<boolean> {
  const row = await db
    .updateTable('customer_replies')
    .set({ status: 'handled', handled_by: actorId, handled_at: now })
    .where('id', '=', replyId)
    .where('status', '!=', 'handled')
    .returning('hold_id')
    .executeTakeFirst();
  if (!row) return false;
  if (row.hold_id !== null) {
    await db
      .updateTable('customer_holds')
      .set({ released_at: now, released_by: actorId })
      .where('id', '=', row.hold_id)
      .where('released_at', 'is', null)
      .execute();
  }
  return true;
}

function toReply(r: {
  id: string;
  org_id: string | null;
  contact_id: string | null;
  reminder_id: string | null;
  invoice_ids: string[];
  channel: ReplyChannel;
  message_id: string;
  in_reply_to: string | null;
  from_address: string | null;
  from_name: string | null;
  subject: string | null;
  received_at: Date;
  text: string;
  auto_reply: boolean;
  match_method: ReplyMatchMethod;
  match_note: string | null;
  status: ReplyStatus;
  hold_id: number | null;
  handled_by: string | null;
  handled_at: Date | null;
  created_at: Date;
}): CustomerReply {
  return {
    id: r.id,
    orgId: r.org_id,
    contactId: r.contact_id,
    reminderId: r.reminder_id,
    invoiceIds: r.invoice_ids,
    channel: r.channel,
    messageId: r.message_id,
    inReplyTo: r.in_reply_to,
    fromAddress: r.from_address,
    fromName: r.from_name,
    subject: r.subject,
    receivedAt: r.received_at,
    text: r.text,
    autoReply: r.auto_reply,
    matchMethod: r.match_method,
    matchNote: r.match_note,
    status: r.status,
    holdId: r.hold_id,
    handledBy: r.handled_by,
    handledAt: r.handled_at,
    createdAt: r.created_at,
  };
}

// ---- the IMAP cursor --------------------------------------------------------------------------------------

export interface ImapCursor {
  readonly mailbox: string;
  readonly uidValidity: string;
  readonly lastUid: number;
  readonly lastPolledAt: Date | null;
}

/**
 * Takes (or renews) the mailbox's lease: one instance reads a mailbox at a time. True when `holder` has it until
 * `now + leaseMs`. The row is created on first use with UID 0 (nothing read yet) and no UIDVALIDITY ('').
 */
export async function claimImapLease(
  db: Kysely<DB>,
  input: { mailbox: string; holder: string; now: Date; leaseMs: number },
): Promise<boolean> {
  const until = new Date(input.now.getTime() + input.leaseMs);
  await db
    .insertInto('imap_cursors')
    .values({ mailbox: input.mailbox, uidvalidity: '', last_uid: 0, updated_at: input.now })
    .onConflict((oc) => oc.column('mailbox').doNothing())
    .execute();
  const res = await db
    .updateTable('imap_cursors')
    .set({ leased_by: input.holder, leased_until: until })
    .where('mailbox', '=', input.mailbox)
    .where((eb) =>
      eb.or([
        eb('leased_by', 'is', null),
        eb('leased_by', '=', input.holder),
        eb('leased_until', '<=', input.now),
      ]),
    )
    .executeTakeFirst();
  return res.numUpdatedRows > 0n;
}

export async function releaseImapLease(db: Kysely<DB>, mailbox: string, holder: string): Promise<void> {
  await db
    .updateTable('imap_cursors')
    .set({ leased_by: null, leased_until: null })
    .where('mailbox', '=', mailbox)
    .where('leased_by', '=', holder)
    .execute();
}

export async function getImapCursor(db: Queryable, mailbox: string): Promise<ImapCursor | null> {
  const row = await db
    .selectFrom('imap_cursors')
    .selectAll()
    .where('mailbox', '=', mailbox)
    .executeTakeFirst();
  return row
    ? {
        mailbox: row.mailbox,
        uidValidity: row.uidvalidity,
        lastUid: row.last_uid,
        lastPolledAt: row.last_polled_at,
      }
    : null;
}

/**
 * Moves the cursor, only for the lease holder and only forward (or to a new UIDVALIDITY): call it in the
 * transaction that stores what was read up to `lastUid`. False when the lease was lost (roll back).
 */
export async function advanceImapCursor(
  db: Queryable,
  input: { mailbox: string; holder: string; uidValidity: string; lastUid: number; now: Date },
): Promise<boolean> {
  const res = await db
    .updateTable('imap_cursors')
    .set({ uidvalidity: input.uidValidity, last_uid: input.lastUid, updated_at: input.now, last_error: null })
    .where('mailbox', '=', input.mailbox)
    .where('leased_by', '=', input.holder)
    .where((eb) => eb.or([eb('uidvalidity', '!=', input.uidValidity), eb('last_uid', '<=', input.lastUid)]))
    .executeTakeFirst();
  return res.numUpdatedRows > 0n;
}

export async function recordImapPoll(
  db: Queryable,
  mailbox: string,
  now: Date,
  error: string | null,
): Promise<void> {
  await db
    .updateTable('imap_cursors')
    .set({ last_polled_at: now, last_error: error ? error.slice(0, 500) : null })
    .where('mailbox', '=', mailbox)
    .execute();
}

/**
 * Replies waiting for a person in an organisation: matched ones (their customer paused) and ones to triage,
 * including those that matched no organisation.
 */
export async function countWaitingReplies(
  db: Queryable,
  orgId: string,
): Promise<{ pending: number; triage: number }> {
  const rows = await db
    .selectFrom('customer_replies')
    .select(['status', (eb) => eb.fn.countAll<string>().as('n')])
    .where((eb) =>
      eb.or([
        eb.and([eb('org_id', '=', orgId), eb('status', 'in', ['pending', 'triage'])]),
        // A reply that matched no organisation is every organisation's to triage.
        eb.and([eb('org_id', 'is', null), eb('status', '=', 'triage')]),
      ]),
    )
    .groupBy('status')
    .execute();
  const n = (s: ReplyStatus) => Number(rows.find((r) => r.status === s)?.n ?? 0);
  return { pending: n('pending'), triage: n('triage') };
}
