import type { Kysely } from 'kysely';
import { recordAuditEvent } from '../adapters/db/audit-events.js';
import { getCustomerReply, markReplyHandled } from '../adapters/db/customer-replies.js';
import type { DB } from '../adapters/db/schema.js';

export type HandleReplyOutcome =
  | { readonly kind: 'handled'; readonly orgId: string | null; readonly contactId: string | null }
  | { readonly kind: 'already-handled' }
  | { readonly kind: 'not-found' };

/**
 * A collector handled a customer's reply (accepted, edited or rejected its suggestion): it stops pausing its
 * customer. Another reply of theirs still waiting keeps them paused (each reply holds its own 'reply' hold).
 * Callers check the clicker's role first; this records who and when.
 */
export async function handleCustomerReply(
  db: Kysely<DB>,
  input: { replyId: string; actor: { id: string; name: string | null }; outcome: string; now: Date },
): Promise<HandleReplyOutcome> {
  return db.transaction().execute(async (trx) => {
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
  });
}
