import type { DisputeHold, ReportPromise, SentReminder } from '../../domain/collections-report.js';
import { listPaymentPromises } from './payment-promises.js';
import type { Queryable } from './schema.js';

/**
 * The recorded facts the collections report reads (#19 part 1), each with the dates it is placed by. The report
 * cuts them at its as-of day itself; these return everything an organisation has.
 */

/**
 * Reminders that went out (status 'sent', with the instant they were sent); narrowed, when asked, to those sent
 * on or after `since` and to those `approvedBy` approved (their `reminder.approved` audit event names the reminder;
 * an approval can only come before the send).
 */
export async function listSentReminders(
  db: Queryable,
  orgId: string,
  filter: { readonly since?: Date; readonly approvedBy?: string } = {},
): Promise<SentReminder[]> {
  const { since, approvedBy } = filter;
  let query = db
    .selectFrom('reminders')
    .select(['id', 'contact_id', 'purpose', 'step_index', 'tone', 'invoice_ids', 'sent_at'])
    .where('org_id', '=', orgId)
    .where('status', '=', 'sent')
    .where('sent_at', 'is not', null);
  if (since) query = query.where('sent_at', '>=', since);
  if (approvedBy !== undefined) {
    const approved = db
      .selectFrom('audit_events')
      .select((eb) => eb.fn<string>('jsonb_extract_path_text', ['payload', eb.val('reminderId')]).as('id'))
      .where('org_id', '=', orgId)
      .where('actor_type', '=', 'user')
      .where('actor_id', '=', approvedBy)
      .where('action', '=', 'reminder.approved');
    query = query.where((eb) => eb(eb.cast('id', 'text'), 'in', approved));
  }
  const rows = await query.orderBy('sent_at').orderBy('id').execute();
  return rows.map((r) => ({
    id: r.id,
    contactId: r.contact_id,
    purpose: r.purpose,
    stepIndex: r.step_index,
    tone: r.tone,
    invoiceIds: r.invoice_ids,
    sentAt: r.sent_at!,
  }));
}

/** Every tracked promise, whatever became of it (a rescheduled one was in force until it was replaced). */
export async function listReportPromises(db: Queryable, orgId: string): Promise<ReportPromise[]> {
  const all = await listPaymentPromises(db, orgId);
  return all.map((p) => ({
    id: String(p.id),
    contactId: p.contactId,
    invoiceIds: p.invoiceIds,
    latest: p.latest,
    madeOn: p.madeOn,
    amount: p.amount,
    currency: p.currency,
    planId: p.planId,
    instalment: p.instalment,
    status: p.status,
    settledAt: p.settledAt,
  }));
}

/** Every dispute hold, released ones included: a resolved dispute still counts in the periods it was open. */
export async function listDisputeHolds(db: Queryable, orgId: string): Promise<DisputeHold[]> {
  const rows = await db
    .selectFrom('customer_holds')
    .select(['id', 'contact_id', 'invoice_ids', 'created_at', 'released_at', 'until'])
    .where('org_id', '=', orgId)
    .where('kind', '=', 'dispute')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: String(r.id),
    contactId: r.contact_id,
    invoiceIds: r.invoice_ids ?? [],
    createdAt: r.created_at,
    releasedAt: r.released_at,
    until: r.until,
  }));
}
