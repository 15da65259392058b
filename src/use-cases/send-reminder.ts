// Over 300 lines: sending exactly once: the attempt record, the Sent-folder check, the send and the outcome are one guarded sequence.
import type { Kysely } from 'kysely';
import { recordAuditEvent } from '../adapters/db/audit-events.js';
import {
  countPriorReminders,
  currentDraft,
  getReminder,
  listActiveHolds,
  type ReminderRow,
  transitionReminder,
} from '../adapters/db/dunning-queries.js';
import { finishSendAttempt, getSendAttempt, startSendAttempt } from '../adapters/db/email-send-attempts.js';
import { loadInvoiceNumbers } from '../adapters/db/ledger-queries.js';
import type { DB } from '../adapters/db/schema.js';
import type { SentMailbox } from '../adapters/mail/sent-mailbox.js';
import type { MailSender } from '../adapters/mail/smtp-sender.js';
import { enqueueOutbox } from '../adapters/outbox/outbox-store.js';
import type { HandlerOutcome } from '../adapters/outbox/outbox-worker.js';
import { reminderSentNote } from '../domain/audit-notes.js';
import type { Tone } from '../domain/dunning-policy.js';
import { interruptedSendVerdict } from '../domain/interrupted-send.js';
import { OUTBOX_REMINDER_CARD, OUTBOX_SEND_REMINDER } from '../domain/outbox-kinds.js';
import { enqueueXeroNotes } from './decide-reminder.js';
export interface SendDeps {
  readonly db: Kysely<DB>;
  readonly mail: MailSender;
  /**
   * The sending mailbox's Sent folder (IMAP_URL), where an attempt that died between handing the email to SMTP and
   * recording the answer is looked up by its Message-ID. Absent → nobody can tell, and a person decides.
   */
  readonly sentMailbox?: SentMailbox | null;
  readonly now: () => Date;
}

const REPLY_WAITING =
  'not sent: the customer replied and the reply waits for a collector; chasing is paused until someone handles it';

/**
 * A reply that arrived after the approval (or before an automatic send's window opened) stops the send, on
 * either channel: the customer wrote to us, and a collector reads it first (issue #18). Only a send not yet
 * started: one already `sending` is resolved by its journal.
 */
export async function stopIfReplyWaiting(
  deps: Pick<SendDeps, 'db' | 'now'>,
  reminder: Pick<ReminderRow, 'id' | 'orgId' | 'contactId' | 'status'>,
): Promise<HandlerOutcome | null> {
  if (reminder.status !== 'approved') return null;
  const holds = await listActiveHolds(deps.db, reminder.orgId, reminder.contactId);
  if (!holds.some((h) => h.kind === 'reply')) return null;
  await markFailed(deps, reminder.id, REPLY_WAITING);
  return { status: 'done', result: { notSent: 'reply-waiting' } };
}

/**
 * The reminder a `reminder.send` item names, when it still is to be sent (approved, or sending after a crash);
 * otherwise the item's outcome: gone, already sent, snoozed, skipped or superseded after approval, or shadowed.
 * Both channels (our email, Xero's) start here.
 */
export async function reminderToSend(
  db: Kysely<DB>,
  reminderId: string,
): Promise<
  | { readonly kind: 'send'; readonly reminder: ReminderRow }
  | { readonly kind: 'settled'; readonly outcome: HandlerOutcome }
> {
  const settled = (outcome: HandlerOutcome) => ({ kind: 'settled' as const, outcome });
  const reminder = await getReminder(db, reminderId);
  if (!reminder) return settled({ status: 'failed', error: `reminder ${reminderId} no longer exists` });
  if (reminder.status === 'sent') return settled({ status: 'done', result: { alreadySent: true } });
  if (reminder.status !== 'approved' && reminder.status !== 'sending') {
    return settled({ status: 'done', result: { notSent: reminder.status } });
  }
  if (reminder.mode === 'shadow') return settled({ status: 'done', result: { notSent: 'shadow mode' } });
  return { kind: 'send', reminder };
}

/**
 * The outbox handler for an approved reminder: claim, send, record. A crash before SMTP accepted the email
 * retries it; a crash after is detected through the send journal and never resends blindly.
 */
export async function sendApprovedReminder(deps: SendDeps, reminderId: string): Promise<HandlerOutcome> {
  const { db } = deps;
  const found = await reminderToSend(db, reminderId);
  if (found.kind === 'settled') return found.outcome;
  const { reminder } = found;
  const draft = await currentDraft(db, reminder.id);
  if (!draft) return { status: 'failed', error: `reminder ${reminder.id} has no draft` };
  if (reminder.recipients.length === 0) {
    await markFailed(deps, reminder.id, 'no recipient email address');
    return { status: 'failed', error: 'no recipient email address' };
  }

  // 1. Did an earlier attempt die after handing the email over?
  const previous = await getSendAttempt(db, reminder.messageId);
  if (previous && previous.finishedAt === null) {
    const mailbox = deps.sentMailbox ?? null;
    const verdict = interruptedSendVerdict({
      lookup: mailbox ? await mailbox.find(reminder.messageId) : null,
      copies: mailbox?.copies ?? 'append',
      attemptStartedAt: previous.startedAt,
      now: deps.now(),
    });
    switch (verdict.kind) {
      case 'sent':
        return recordSentPersistently(
          deps,
          reminder.id,
          'found in the Sent folder after an interrupted attempt',
        );
      case 'wait':
        // Not a failed attempt: the server may still be filing its copy.
        return {
          status: 'retry',
          error: 'waiting for the Sent folder',
          retryAfterMs: verdict.ms,
          rateLimited: true,
        };
      case 'retry':
        return { status: 'retry', error: verdict.error };
      case 'ask':
        // Nobody can tell by looking: a person decides from the Sent folder (Mark as sent, or Resend on the card).
        await markUnconfirmed(deps, reminder.id);
        return { status: 'done', result: { unconfirmed: true } };
      case 'resend':
        // The server files every message it accepts, and this one is not there: it never went. Send again.
        break;
    }
  }

  const stopped = await stopIfReplyWaiting(deps, reminder);
  if (stopped) return stopped;

  // 2. Journal the attempt in its own committed transaction, then hand the email to SMTP.
  const startedAt = deps.now();
  await db.transaction().execute(async (trx) => {
    await startSendAttempt(trx, { messageId: reminder.messageId, reminderId: reminder.id, startedAt });
    await transitionReminder(trx, reminder.id, ['approved'], 'sending', { now: startedAt });
  });
  const outcome = await deps.mail.send({
    messageId: reminder.messageId,
    to: reminder.recipients,
    cc: reminder.cc,
    subject: draft.subject,
    text: draft.body,
  });

  // 3. Record. The email is out: a database that fails now gets the recording retried, never the send.
  if (outcome.kind === 'sent') {
    // Filed before recording: a crash between the two then finds the copy instead of asking a person.
    if (deps.sentMailbox?.copies === 'append') await deps.sentMailbox.fileCopy(outcome.raw);
    return recordSentPersistently(deps, reminder.id, outcome.response);
  }
  // The connection died mid-conversation: it may have gone. The journal stays open, so the next attempt looks in
  // the Sent folder (or asks a person) instead of sending a second copy.
  if (outcome.kind === 'uncertain') return { status: 'retry', error: `delivery uncertain: ${outcome.error}` };
  // The server refused: we know it did not go, so the journal entry is closed as not sent.
  await finishSendAttempt(db, reminder.messageId, `failed: ${outcome.error}`, deps.now());
  if (outcome.retryable) return { status: 'retry', error: outcome.error };
  await markFailed(deps, reminder.id, outcome.error);
  return { status: 'failed', error: outcome.error };
}

/** Waits between tries to record a delivered email (about half a minute in all, within the outbox's lease). */
export const RECORD_RETRY_DELAYS_MS = [250, 1_000, 3_000, 8_000, 15_000];

async function recordSentPersistently(
  deps: SendDeps & { readonly sleep?: (ms: number) => Promise<void> },
  reminderId: string,
  response: string,
): Promise<HandlerOutcome> {
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let i = 0; ; i++) {
    try {
      return await recordSent(deps, reminderId, response);
    } catch (err) {
      const delay = RECORD_RETRY_DELAYS_MS[i];
      // Out of tries: the journal still says "handed over, not recorded", which the next attempt resolves by
      // looking (the Sent folder) instead of sending again.
      if (delay === undefined) throw err;
      await sleep(delay);
    }
  }
}

async function recordSent(
  deps: Pick<SendDeps, 'db' | 'now'>,
  reminderId: string,
  response: string,
  markedBy: { readonly id: string; readonly name: string } | null = null,
): Promise<HandlerOutcome> {
  const now = deps.now();
  return deps.db.transaction().execute(async (trx) => {
    const reminder = (await getReminder(trx, reminderId))!;
    const moved = await transitionReminder(
      trx,
      reminderId,
      markedBy ? ['unconfirmed'] : ['approved', 'sending'],
      'sent',
      { now, sentAt: now },
    );
    await finishSendAttempt(trx, reminder.messageId, 'sent', now);
    if (!moved) return { status: 'done', result: { alreadySent: true } };
    const byId = await loadInvoiceNumbers(trx, reminder.orgId, reminder.invoiceIds);
    await recordAuditEvent(trx, {
      orgId: reminder.orgId,
      occurredAt: now,
      actor: markedBy
        ? { type: 'user', id: markedBy.id, name: markedBy.name }
        : reminder.autoSend
          ? { type: 'system', id: 'auto-policy', name: null }
          : { type: 'user', id: reminder.decidedBy, name: reminder.decidedByName },
      action: markedBy ? 'reminder.marked_sent' : 'reminder.sent',
      subject: { type: 'contact', id: reminder.contactId },
      payload: {
        reminderId,
        ...(markedBy ? { markedSentBy: markedBy.id } : {}),
        messageId: reminder.messageId,
        recipients: reminder.recipients,
        cc: reminder.cc,
        draftVersion: reminder.draftVersion,
        smtpResponse: response.slice(0, 200),
      },
    });
    const note = reminderSentNote({
      priorReminders: await countPriorReminders(trx, reminder),
      tone: reminder.tone as Tone,
      purpose: reminder.purpose,
      recipients: [...reminder.recipients, ...reminder.cc],
      approvedBy: reminder.decidedByName,
      auto: reminder.autoSend,
      invoiceNumbers: reminder.invoiceIds.map((id) => byId.get(id) ?? id),
      markedSentBy: markedBy?.name ?? null,
    });
    await enqueueXeroNotes(trx, reminder, note, `sent:${reminder.id}`, now);
    await enqueueOutbox(trx, {
      orgId: reminder.orgId,
      kind: OUTBOX_REMINDER_CARD,
      idempotencyKey: `card:${reminder.id}:sent`,
      payload: { reminderId },
      now,
    });
    return { status: 'done', result: { messageId: reminder.messageId } };
  });
}

/** Moves an approved reminder to failed with the reason, audits it and refreshes its card. */
export async function markFailed(
  deps: Pick<SendDeps, 'db' | 'now'>,
  reminderId: string,
  error: string,
): Promise<void> {
  const now = deps.now();
  await deps.db.transaction().execute(async (trx) => {
    const reminder = await getReminder(trx, reminderId);
    const moved = await transitionReminder(trx, reminderId, ['approved', 'sending'], 'failed', {
      now,
      lastError: error,
    });
    if (!moved || !reminder) return;
    await recordAuditEvent(trx, {
      orgId: reminder.orgId,
      occurredAt: now,
      actor: { type: 'system', id: 'mailer', name: null },
      action: 'reminder.failed',
      subject: { type: 'contact', id: reminder.contactId },
      payload: { reminderId, error },
    });
    await enqueueOutbox(trx, {
      orgId: reminder.orgId,
      kind: OUTBOX_REMINDER_CARD,
      idempotencyKey: `card:${reminderId}:failed:${now.getTime()}`,
      payload: { reminderId },
      now,
    });
  });
}

/**
 * An interrupted send nobody can confirm by looking: the reminder waits as `unconfirmed`, its card asking a person
 * to check the Sent folder and press Mark as sent or Resend.
 */
async function markUnconfirmed(deps: Pick<SendDeps, 'db' | 'now'>, reminderId: string): Promise<void> {
  const now = deps.now();
  await deps.db.transaction().execute(async (trx) => {
    const reminder = await getReminder(trx, reminderId);
    const moved = await transitionReminder(trx, reminderId, ['approved', 'sending'], 'unconfirmed', {
      now,
      lastError: 'delivery not confirmed: the send was interrupted after the email went to the mail server',
    });
    if (!moved || !reminder) return;
    await recordAuditEvent(trx, {
      orgId: reminder.orgId,
      occurredAt: now,
      actor: { type: 'system', id: 'mailer', name: null },
      action: 'reminder.unconfirmed',
      subject: { type: 'contact', id: reminder.contactId },
      payload: { reminderId, messageId: reminder.messageId },
    });
    await enqueueOutbox(trx, {
      orgId: reminder.orgId,
      kind: OUTBOX_REMINDER_CARD,
      idempotencyKey: `card:${reminderId}:unconfirmed:${now.getTime()}`,
      payload: { reminderId },
      now,
    });
  });
}

export type UnconfirmedResolution = 'mark-sent' | 'resend';

/**
 * A person resolves an unconfirmed send. Mark as sent: recorded as sent (audit, History notes naming who
 * confirmed it). Resend: the journal entry is closed as "resend requested" and the send queued again.
 * Returns false when the reminder is no longer unconfirmed (someone got there first).
 */
export async function resolveUnconfirmedSend(
  deps: Pick<SendDeps, 'db' | 'now'>,
  input: {
    reminderId: string;
    actor: { readonly id: string; readonly name: string };
    resolution: UnconfirmedResolution;
  },
): Promise<boolean> {
  const reminder = await getReminder(deps.db, input.reminderId);
  if (reminder?.status !== 'unconfirmed') return false;
  const now = deps.now();
  if (input.resolution === 'mark-sent') {
    const out = await recordSent(
      deps,
      input.reminderId,
      `marked as sent by ${input.actor.name}`,
      input.actor,
    );
    return out.status === 'done' && out.result?.alreadySent !== true;
  }
  return deps.db.transaction().execute(async (trx) => {
    const moved = await transitionReminder(trx, input.reminderId, ['unconfirmed'], 'approved', {
      now,
      lastError: null,
    });
    if (!moved) return false;
    await finishSendAttempt(trx, reminder.messageId, `resend requested by ${input.actor.name}`, now);
    await recordAuditEvent(trx, {
      orgId: reminder.orgId,
      occurredAt: now,
      actor: { type: 'user', id: input.actor.id, name: input.actor.name },
      action: 'reminder.resend',
      subject: { type: 'contact', id: reminder.contactId },
      payload: { reminderId: reminder.id, messageId: reminder.messageId },
    });
    await enqueueOutbox(trx, {
      orgId: reminder.orgId,
      kind: OUTBOX_SEND_REMINDER,
      idempotencyKey: `send:${reminder.messageId}:resend:${now.getTime()}`,
      payload: { reminderId: reminder.id },
      now,
    });
    await enqueueOutbox(trx, {
      orgId: reminder.orgId,
      kind: OUTBOX_REMINDER_CARD,
      idempotencyKey: `card:${reminder.id}:resend:${now.getTime()}`,
      payload: { reminderId: reminder.id },
      now,
    });
    return true;
  });
}
