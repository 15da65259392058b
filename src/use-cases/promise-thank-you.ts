import type { Kysely } from 'kysely';
import { recordAuditEvent } from '../adapters/db/audit-events.js';
import { contactName } from '../adapters/db/customer-replies.js';
import { loadContact } from '../adapters/db/ledger-queries.js';
import { getOrganisation } from '../adapters/db/organisations.js';
import {
  claimThankYou,
  claimThankYouAttempt,
  getPaymentPromise,
  getThankedBy,
  type PaymentPromiseRecord,
  recordThankYouOutcome,
} from '../adapters/db/payment-promises.js';
import { listRecipientOverrides } from '../adapters/db/reminder-cards.js';
import type { DB } from '../adapters/db/schema.js';
import type { MailSender } from '../adapters/mail/smtp-sender.js';
import { enqueueOutbox } from '../adapters/outbox/outbox-store.js';
import type { HandlerOutcome } from '../adapters/outbox/outbox-worker.js';
import { money } from '../adapters/slack/blocks/kit.js';
import { OUTBOX_PROMISE_THANK_YOU } from '../domain/outbox-kinds.js';
import type { Actor } from './decide-reminder.js';
import { recipientsFor } from './run-dunning.js';

export type ThankYouRequest =
  | { readonly kind: 'queued'; readonly customerName: string; readonly promise: PaymentPromiseRecord }
  | { readonly kind: 'already'; readonly by: string | null }
  | { readonly kind: 'forbidden'; readonly reason: string }
  | { readonly kind: 'not-found' };

export async function requestThankYou(
  db: Kysely<DB>,
  input: { readonly orgId: string; readonly promiseId: number; readonly actor: Actor; readonly now: Date },
): Promise<ThankYouRequest> {
  if (!input.actor.isCollector)
    return { kind: 'forbidden', reason: 'Only collectors and managers can thank a customer.' };
  const promise = await getPaymentPromise(db, input.promiseId);
  if (!promise || promise.orgId !== input.orgId || promise.status !== 'kept') return { kind: 'not-found' };
  return db.transaction().execute(async (trx) => {
    if (!(await claimThankYou(trx, promise.id, input.orgId, input.actor, input.now))) {
      return { kind: 'already', by: await getThankedBy(trx, promise.id) } as const;
    }
    await enqueueOutbox(trx, {
      orgId: input.orgId,
      kind: OUTBOX_PROMISE_THANK_YOU,
      idempotencyKey: `promise:${promise.id}:thank-you`,
      payload: { promiseId: promise.id },
      now: input.now,
    });
    await recordAuditEvent(trx, {
      orgId: input.orgId,
      occurredAt: input.now,
      actor: { type: 'user', id: input.actor.id, name: input.actor.name },
      action: 'promise.thank_you_queued',
      subject: { type: 'payment_promise', id: String(promise.id) },
      payload: { contactId: promise.contactId },
    });
    const customerName = (await contactName(trx, input.orgId, promise.contactId)) ?? 'this customer';
    return { kind: 'queued', customerName, promise } as const;
  });
}

export interface ThankYouDeps {
  readonly db: Kysely<DB>;
  readonly mail: MailSender | null;
  readonly now: () => Date;
  /** Right-hand side of the Message-ID, and the name the email is signed with. */
  readonly messageDomain: string;
  readonly senderName: string;
}

/** The outbox handler: one attempt, recorded on the promise and audited (no addresses or text in the log). */
export async function sendPromiseThankYou(deps: ThankYouDeps, promiseId: number): Promise<HandlerOutcome> {
  const { db } = deps;
  const promise = await getPaymentPromise(db, promiseId);
  if (!promise) return { status: 'failed', error: `promise ${promiseId} no longer exists` };
  if (!deps.mail) return { status: 'failed', error: 'no SMTP sender configured (SMTP_URL)' };
  if (!(await claimThankYouAttempt(db, promise.id, deps.now())))
    return { status: 'done', result: { alreadyAttempted: true } };
  const org = await getOrganisation(db, promise.orgId);
  const contact = await loadContact(db, promise.orgId, promise.contactId);
  const overrides = await listRecipientOverrides(db, promise.orgId);
  const { recipients, cc } = recipientsFor(contact ?? undefined, overrides.get(promise.contactId));
  const finish = async (outcome: string, audit: 'promise.thanked' | 'promise.thank_you_failed') => {
    await recordThankYouOutcome(db, promise.id, outcome);
    await recordAuditEvent(db, {
      orgId: promise.orgId,
      occurredAt: deps.now(),
      actor: { type: 'system', id: 'promise-tracker', name: 'Promise tracker' },
      action: audit,
      subject: { type: 'payment_promise', id: String(promise.id) },
      payload: { contactId: promise.contactId, outcome, recipients: recipients.length },
    });
  };
  if (recipients.length === 0) {
    await finish('not sent: no email address for this customer', 'promise.thank_you_failed');
    return { status: 'done', result: { notSent: 'no recipient' } };
  }
  const greeting = contact?.firstName?.trim() || contact?.name || 'there';
  const company = org?.name ?? deps.senderName;
  const paid =
    promise.paidAmount && promise.currency ? ` of ${money(promise.paidAmount, promise.currency)}` : '';
  const out = await deps.mail.send({
    messageId: `<promise-${promise.id}-thanks.${promise.orgId}@${deps.messageDomain}>`,
    to: recipients,
    cc,
    subject: `Thank you for your payment to ${company}`,
    text: `Hi ${greeting},\n\nThank you for your payment${paid}, made as you said it would be. We appreciate it.\n\nKind regards,\n${deps.senderName}\n${company}`,
  });
  if (out.kind === 'sent') {
    await finish('sent', 'promise.thanked');
    return { status: 'done', result: { sent: true } };
  }
  // One attempt only: a failed or uncertain thank-you is recorded, not retried (never two thank-yous).
  await finish(`not sent: ${out.error}`, 'promise.thank_you_failed');
  return { status: 'done', result: { notSent: out.kind } };
}
