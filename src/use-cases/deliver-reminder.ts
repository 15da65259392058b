import type { Kysely } from 'kysely';
import { getReminder } from '../adapters/db/dunning-queries.js';
import type { DB } from '../adapters/db/schema.js';
import type { SentMailbox } from '../adapters/mail/sent-mailbox.js';
import type { MailSender } from '../adapters/mail/smtp-sender.js';
import type { HandlerOutcome } from '../adapters/outbox/outbox-worker.js';
import type { XeroInvoiceEmailer } from '../adapters/xero/invoice-email.js';
import { markFailed, sendApprovedReminder } from './send-reminder.js';
import { sendViaXeroEmail } from './send-xero-email.js';

export interface DeliverDeps {
  readonly db: Kysely<DB>;
  /** null when SMTP_URL / MAIL_FROM are not set. */
  readonly mail: MailSender | null;
  readonly sentMailbox?: SentMailbox | null;
  /** Xero's own invoice email, for steps whose channel is xero_email; null when Xero is not configured. */
  readonly xeroEmail?: XeroInvoiceEmailer | null;
  readonly now: () => Date;
}

export const MAIL_NOT_CONFIGURED =
  'email is not configured on this installation (set SMTP_URL and MAIL_FROM), so the reminder was not sent';
export const XERO_EMAIL_UNAVAILABLE =
  "Xero is not connected on this installation, so Xero's invoice email cannot be sent; change the step's channel to email in the policy";

/**
 * The `reminder.send` outbox item: route by channel. A missing mailbox is a permanent failure the collector
 * must see on the card, not something retrying will fix.
 */
export async function deliverReminder(deps: DeliverDeps, reminderId: string): Promise<HandlerOutcome> {
  const reminder = await getReminder(deps.db, reminderId);
  if (!reminder) return { status: 'failed', error: `reminder ${reminderId} no longer exists` };
  const pending = reminder.status === 'approved' || reminder.status === 'sending';
  if (pending && reminder.mode !== 'shadow') {
    // Xero's own invoice email (POST /Invoices/{id}/Email): no SMTP needed, but Xero must be connected here.
    if (reminder.channel === 'xero_email') {
      if (!deps.xeroEmail) return refuse(deps, reminderId, XERO_EMAIL_UNAVAILABLE);
      return sendViaXeroEmail({ db: deps.db, xeroEmail: deps.xeroEmail, now: deps.now }, reminderId);
    }
    if (!deps.mail) return refuse(deps, reminderId, MAIL_NOT_CONFIGURED);
  }
  if (!deps.mail) return sendApprovedReminderWithoutMail(reminder.status);
  return sendApprovedReminder(
    {
      db: deps.db,
      mail: deps.mail,
      now: deps.now,
      sentMailbox: deps.sentMailbox ?? null,
    },
    reminderId,
  );
}

async function refuse(deps: DeliverDeps, reminderId: string, why: string): Promise<HandlerOutcome> {
  await markFailed(deps, reminderId, why);
  return { status: 'failed', error: why };
}

function sendApprovedReminderWithoutMail(status: string): HandlerOutcome {
  return { status: 'done', result: { notSent: status } };
}
