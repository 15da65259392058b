import type { Kysely } from 'kysely';
import { recordAuditEvent } from '../adapters/db/audit-events.js';
import {
  countPriorReminders,
  getReminder,
  type ReminderRow,
  transitionReminder,
} from '../adapters/db/dunning-queries.js';
import { loadInvoiceNumbers } from '../adapters/db/ledger-queries.js';
import type { DB } from '../adapters/db/schema.js';
import {
  finishXeroInvoiceEmail,
  journalXeroInvoiceEmail,
  listXeroInvoiceEmails,
} from '../adapters/db/xero-invoice-emails.js';
import { enqueueOutbox } from '../adapters/outbox/outbox-store.js';
import type { HandlerOutcome } from '../adapters/outbox/outbox-worker.js';
import type { XeroInvoiceEmailer } from '../adapters/xero/invoice-email.js';
import { reminderSentNote } from '../domain/audit-notes.js';
import type { Tone } from '../domain/dunning-policy.js';
import { OUTBOX_REMINDER_CARD } from '../domain/outbox-kinds.js';
import { enqueueXeroNotes } from './decide-reminder.js';
import { reminderToSend, stopIfReplyWaiting } from './send-reminder.js';

/**
 * The second sending channel: Xero's own invoice email (POST /Invoices/{id}/Email), one per invoice of the
 * reminder, with the organisation's Xero template to the addresses on the contact in Xero. Our drafted text is
 * not sent (the card says so); our History note is still written.
 *
 * Once only, per reminder and invoice: each call carries an Idempotency-Key derived from the two, and is journalled
 * (committed) before Xero is asked, so a retry, a restart or a second instance asks again with the same key and
 * Xero sends nothing twice; an invoice whose email is recorded as sent is never asked for again.
 */

export interface XeroEmailDeps {
  readonly db: Kysely<DB>;
  readonly xeroEmail: XeroInvoiceEmailer;
  readonly now: () => Date;
}

/** Stored as the reason a xero_email step's draft is a template: nobody needs a model for text that is not sent. */
export const XERO_EMAIL_DRAFT_NOTE =
  'this step is sent by Xero with your Xero invoice email template: this text is not sent';

/**
 * How long an interrupted call's key is trusted to be recognised by Xero as a repeat. Xero does not promise how long
 * it remembers a key; past this, asking again could email the invoice twice, so a person checks the invoice's
 * History in Xero instead.
 */
export const XERO_EMAIL_KEY_TRUST_MS = 6 * 60 * 60_000;

/** Xero's Idempotency-Key for one invoice of one reminder: the same on every retry, on every instance. */
export function xeroEmailKey(reminderId: string, invoiceId: string): string {
  return `ar-copilot-reminder-${reminderId}-invoice-${invoiceId}`;
}

/**
 * The `reminder.send` outbox item of a xero_email step: 1. claim (approved → sending); 2. per invoice not yet
 * emailed, journal, then ask Xero; 3. all emailed → sent (audit, History notes, card); a 400 → failed with Xero's
 * reason on the card (no retry can fix a used-up daily email limit, a voided invoice or a Demo Company); a 429 or
 * a 5xx → the outbox tries again later with the same keys.
 */
export async function sendViaXeroEmail(deps: XeroEmailDeps, reminderId: string): Promise<HandlerOutcome> {
  const { db } = deps;
  const found = await reminderToSend(db, reminderId);
  if (found.kind === 'settled') return found.outcome;
  const { reminder } = found;
  if (reminder.invoiceIds.length === 0) return failReminder(deps, reminder, 'no invoices to email', []);
  const stopped = await stopIfReplyWaiting(deps, reminder);
  if (stopped) return stopped;

  // 1. Claim.
  await transitionReminder(db, reminder.id, ['approved'], 'sending', { now: deps.now() });
  const journal = await listXeroInvoiceEmails(db, reminder.id);
  const numbers = await loadInvoiceNumbers(db, reminder.orgId, reminder.invoiceIds);
  const emailed = reminder.invoiceIds.filter((id) => journal.get(id)?.outcome === 'sent');

  // 2. Each invoice once.
  for (const invoiceId of reminder.invoiceIds) {
    const prior = journal.get(invoiceId);
    if (prior?.outcome === 'sent') continue;
    const number = numbers.get(invoiceId) ?? invoiceId;
    if (prior?.outcome?.startsWith('refused')) {
      const why = prior.outcome.slice('refused: '.length);
      return failReminder(deps, reminder, `Xero refused to email ${number}: ${why}`, emailed);
    }
    if (
      prior &&
      prior.outcome === null &&
      deps.now().getTime() - prior.startedAt.getTime() > XERO_EMAIL_KEY_TRUST_MS
    ) {
      return failReminder(
        deps,
        reminder,
        `Xero may or may not have emailed ${number}: the request was interrupted more than ${XERO_EMAIL_KEY_TRUST_MS / 3_600_000} hours ago, too long ago to ask again without risking a second email. Check the invoice's History in Xero before sending it another way`,
        emailed,
      );
    }
    const key = xeroEmailKey(reminder.id, invoiceId);
    await journalXeroInvoiceEmail(db, {
      idempotencyKey: key,
      reminderId: reminder.id,
      invoiceId,
      startedAt: deps.now(),
    });
    const out = await deps.xeroEmail.emailInvoice(reminder.orgId, invoiceId, key);
    switch (out.kind) {
      case 'sent':
        await finishXeroInvoiceEmail(db, key, 'sent', deps.now());
        emailed.push(invoiceId);
        break;
      case 'refused': {
        await finishXeroInvoiceEmail(db, key, `refused: ${out.error}`, deps.now());
        return failReminder(deps, reminder, `Xero refused to email ${number}: ${out.error}`, emailed);
      }
      case 'rate-limited':
        return { status: 'retry', error: out.error, retryAfterMs: out.retryAfterMs, rateLimited: true };
      case 'retryable':
        // The journal stays open: the next attempt asks again with the same key, and Xero sends nothing twice.
        return { status: 'retry', error: out.error };
    }
  }

  // 3. Record.
  return recordEmailed(deps, reminder.id, numbers, emailed);
}

function sentNote(
  reminder: ReminderRow,
  priorReminders: number,
  numbers: ReadonlyMap<string, string>,
  invoiceIds: readonly string[],
): string {
  return reminderSentNote({
    priorReminders,
    tone: reminder.tone as Tone,
    purpose: reminder.purpose,
    recipients: [],
    approvedBy: reminder.decidedByName,
    auto: reminder.autoSend,
    invoiceNumbers: invoiceIds.map((id) => numbers.get(id) ?? id),
    channel: 'xero_email',
  });
}

/** Every invoice emailed: the reminder is sent, audited, noted in Xero's History and its card updated. */
async function recordEmailed(
  deps: XeroEmailDeps,
  reminderId: string,
  numbers: ReadonlyMap<string, string>,
  emailed: readonly string[],
): Promise<HandlerOutcome> {
  const now = deps.now();
  return deps.db.transaction().execute(async (trx) => {
    const reminder = (await getReminder(trx, reminderId))!;
    const moved = await transitionReminder(trx, reminderId, ['approved', 'sending'], 'sent', {
      now,
      sentAt: now,
    });
    if (!moved) return { status: 'done', result: { alreadySent: true } };
    await recordAuditEvent(trx, {
      orgId: reminder.orgId,
      occurredAt: now,
      actor: reminder.autoSend
        ? { type: 'system', id: 'auto-policy', name: null }
        : { type: 'user', id: reminder.decidedBy, name: reminder.decidedByName },
      action: 'reminder.sent',
      subject: { type: 'contact', id: reminder.contactId },
      payload: {
        reminderId,
        channel: 'xero_email',
        invoiceIds: [...emailed],
        idempotencyKeys: emailed.map((id) => xeroEmailKey(reminderId, id)),
      },
    });
    const note = sentNote(reminder, await countPriorReminders(trx, reminder), numbers, emailed);
    await enqueueXeroNotes(trx, reminder, note, `sent:${reminder.id}`, now);
    await enqueueOutbox(trx, {
      orgId: reminder.orgId,
      kind: OUTBOX_REMINDER_CARD,
      idempotencyKey: `card:${reminder.id}:sent`,
      payload: { reminderId },
      now,
    });
    return { status: 'done', result: { channel: 'xero_email', emailed: emailed.length } };
  });
}

/**
 * Xero refused (or a person must look): the reminder fails with the reason on its card. Invoices Xero had already
 * emailed for it are said in the reason and get their History note, so nobody sends them again by hand.
 */
async function failReminder(
  deps: XeroEmailDeps,
  reminder: ReminderRow,
  why: string,
  emailed: readonly string[],
): Promise<HandlerOutcome> {
  const now = deps.now();
  const numbers = emailed.length
    ? await loadInvoiceNumbers(deps.db, reminder.orgId, reminder.invoiceIds)
    : new Map<string, string>();
  const already = emailed.map((id) => numbers.get(id) ?? id);
  const error = already.length
    ? `${why}. Xero had already emailed ${already.join(', ')} for this reminder`
    : why;
  await deps.db.transaction().execute(async (trx) => {
    const moved = await transitionReminder(trx, reminder.id, ['approved', 'sending'], 'failed', {
      now,
      lastError: error,
    });
    if (!moved) return;
    await recordAuditEvent(trx, {
      orgId: reminder.orgId,
      occurredAt: now,
      actor: { type: 'system', id: 'xero-email', name: null },
      action: 'reminder.failed',
      subject: { type: 'contact', id: reminder.contactId },
      payload: { reminderId: reminder.id, channel: 'xero_email', error, emailedInvoiceIds: [...emailed] },
    });
    if (emailed.length > 0) {
      const note = sentNote(reminder, await countPriorReminders(trx, reminder), numbers, emailed);
      await enqueueXeroNotes(trx, { ...reminder, invoiceIds: emailed }, note, `sent:${reminder.id}`, now);
    }
    await enqueueOutbox(trx, {
      orgId: reminder.orgId,
      kind: OUTBOX_REMINDER_CARD,
      idempotencyKey: `card:${reminder.id}:failed:${now.getTime()}`,
      payload: { reminderId: reminder.id },
      now,
    });
  });
  return { status: 'failed', error };
}
