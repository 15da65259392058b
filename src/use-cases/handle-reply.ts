import type { Kysely, Transaction } from 'kysely';
import { recordAuditEvent } from '../adapters/db/audit-events.js';
import { getCustomerReply, markReplyHandled } from '../adapters/db/customer-replies.js';
import type { DB } from '../adapters/db/schema.js';

export type HandleReplyOutcome =
  | { readonly kind: 'handled'; readonly orgId: string | null; readonly contactId: string | null }
  | { readonly kind: 'already-handled' }
  | { readonly kind: 'not-found' };

export interface HandleReplyInput {
  readonly replyId: string;
  readonly actor: { id: string; name: string | null };
  readonly outcome: string;
  readonly now: Date;
}

/**
 * A collector handled a customer's reply (accepted, edited or rejected its suggestion): it stops pausing its
 * customer. Another reply of theirs still waiting keeps them paused (each reply holds its own 'reply' hold).
 * Callers check the clicker's role first; this records who and when.
 */
export async function handleCustomerReply(
  db: Kysely<DB>,
  input: HandleReplyInput,
): Promise<HandleReplyOutcome> {
  return db.transaction().execute((trx) => handleCustomerReplyIn(trx, input));
}

/**
 * The same, inside the caller's transaction (the suggestion card's Accept stores its holds and notes with it):
 * the reply is marked handled at most once, so a double click or a second collector acts once.
 */
export async function handleCustomerReplyIn(
  trx: Transaction<DB>,
  input: HandleReplyInput,
): Promise<HandleReplyOutcome> {
  const reply = await getCustomerReply(trx, input.replyId);
  if (!reply) return { kind: 'not-found' } as const;
  if (!(await markReplyHandled(trx, reply.id, input.actor.id, input.now))) {
    return { kind: 'already-handled' } as const;
  }
  await recordAuditEvent(trx, {
    orgId: reply.orgId,
    occurredAt: input.now,
    actor: { type: 'user', id: input.actor.id, name: input.actor.name },
    action: 'reply.handled',
    subject: { type: 'customer_reply', id: reply.id },
    payload: { contactId: reply.contactId, outcome: input.outcome, holdId: reply.holdId },
  });
  return { kind: 'handled', orgId: reply.orgId, contactId: reply.contactId } as const;
}
