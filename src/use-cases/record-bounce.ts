import type { Kysely, Transaction } from 'kysely';
import { recordAuditEvent } from '../adapters/db/audit-events.js';
import { findSentReminderByMessageId, recordReminderBounce } from '../adapters/db/reminder-cards.js';
import type { DB } from '../adapters/db/schema.js';
import { enqueueOutbox } from '../adapters/outbox/outbox-store.js';
import { clampNote } from '../domain/audit-notes.js';
import { bouncedMessageId, bounceSummary, failedRecipients } from '../domain/delivery-status.js';
import { OUTBOX_REMINDER_CARD, OUTBOX_XERO_NOTE } from '../domain/outbox-kinds.js';

export type BounceOutcome = {
  readonly kind: 'bounce';
  /** The reminder the bounce returned, when it is one of ours. */
  readonly reminderId: string | null;
  /** False for a redelivered notification, a delay notice, or a bounce of a message that is not a reminder. */
  readonly recorded: boolean;
  readonly reason: string;
};

const SYSTEM = { type: 'system', id: 'reply-capture', name: 'Reply capture' } as const;

/**
 * A delivery status notification in the collections mailbox: the receiving server gave up on a sent reminder's
 * address. It is not the customer's words, so nothing is paused or read. When it returns one of our reminders and
 * names addresses that failed for good, in one transaction: the bounce is recorded on the reminder (planning then
 * treats those addresses as refused until someone gives another, and the customer falls through to a person), a
 * line goes in the card's thread, a History note on the Xero contact, and an audit event. Once per reminder.
 */
export async function recordBounce(
  deps: { readonly db: Kysely<DB> },
  input: {
    readonly report: { readonly deliveryStatus: string; readonly returnedHeaders: string };
    readonly now: Date;
    /** The IMAP cursor's move, in the same transaction (see captureReply). */
    readonly alsoInTransaction?: (trx: Transaction<DB>) => Promise<void>;
  },
): Promise<BounceOutcome> {
  const failed = failedRecipients(input.report.deliveryStatus);
  const messageId = bouncedMessageId(input.report.returnedHeaders);
  return deps.db.transaction().execute(async (trx) => {
    await input.alsoInTransaction?.(trx);
    const none = (reason: string): BounceOutcome => ({
      kind: 'bounce',
      reminderId: null,
      recorded: false,
      reason,
    });
    if (failed.length === 0) return none('a delivery notice that reports no permanent failure');
    if (!messageId) return none('a bounce that does not say which message it returns');
    const reminder = await findSentReminderByMessageId(trx, messageId);
    if (!reminder) return none('a bounce of a message that is not a sent reminder');
    const summary = bounceSummary(failed);
    const smtp = failed.map((f) => /\b([45]\d\d)\b/.exec(f.diagnostic ?? '')?.[1]).find(Boolean) ?? '5xx';
    const recorded = await recordReminderBounce(trx, reminder.id, {
      recipients: failed.map((f) => f.address),
      error: `SMTP ${smtp} bounced: ${summary}`,
      at: input.now,
    });
    const done: BounceOutcome = {
      kind: 'bounce',
      reminderId: reminder.id,
      recorded,
      reason: recorded ? `bounced: ${summary}` : 'this bounce was recorded already',
    };
    if (!recorded) return done;
    await recordAuditEvent(trx, {
      orgId: reminder.orgId,
      occurredAt: input.now,
      actor: SYSTEM,
      action: 'reminder.bounced',
      subject: { type: 'reminder', id: reminder.id },
      payload: { recipients: failed.map((f) => f.address), statuses: failed.map((f) => f.status) },
    });
    await enqueueOutbox(trx, {
      orgId: reminder.orgId,
      kind: OUTBOX_REMINDER_CARD,
      idempotencyKey: `card:${reminder.id}:bounced`,
      payload: { reminderId: reminder.id, event: 'bounced', detail: summary },
      now: input.now,
    });
    await enqueueOutbox(trx, {
      orgId: reminder.orgId,
      kind: OUTBOX_XERO_NOTE,
      idempotencyKey: `note:bounced:${reminder.id}:contact`,
      payload: {
        documentType: 'contact',
        documentId: reminder.contactId,
        details: clampNote(
          `Collections: the payment reminder emailed to ${summary} bounced; no reminder goes there again until another address is given (AR Copilot).`,
        ),
      },
      now: input.now,
    });
    return done;
  });
}
