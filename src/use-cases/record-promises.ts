import type { Transaction } from 'kysely';
import { recordAuditEvent } from '../adapters/db/audit-events.js';
import { releaseHold } from '../adapters/db/dunning-queries.js';
import { getOrganisation } from '../adapters/db/organisations.js';
import { recordPaymentPromise } from '../adapters/db/payment-promises.js';
import { replyInvoiceRefs } from '../adapters/db/reply-readings.js';
import type { DB } from '../adapters/db/schema.js';
import { localDateOf } from '../domain/calendar.js';
import type { PaymentPromise } from '../domain/reply-reading/reply-reading.js';
import type { Actor } from './decide-reminder.js';

/**
 * Accepting a reply's promises (#18 part 4): one payment_promises row per promise, about the reply's invoices in
 * their currency (the organisation's base currency when the reply named none: the whole balance), linked to the
 * promise hold that pauses chasing. A promise made before this reply and still active is rescheduled by it: its
 * row says by which, and its hold is released (the new hold governs). Runs in the acceptance's transaction.
 */
export async function recordReplyPromises(
  trx: Transaction<DB>,
  input: {
    readonly orgId: string;
    readonly contactId: string;
    readonly replyId: string;
    readonly invoiceIds: readonly string[];
    readonly promises: readonly PaymentPromise[];
    /** The promise holds added for them, in the same order. */
    readonly holdIds: readonly number[];
    readonly actor: Pick<Actor, 'id' | 'name'>;
    readonly now: Date;
  },
): Promise<number[]> {
  if (input.promises.length === 0) return [];
  const org = await getOrganisation(trx, input.orgId);
  const refs = await replyInvoiceRefs(trx, input.orgId, input.invoiceIds);
  const currency = refs[0]?.currency ?? org?.baseCurrency ?? null;
  const madeOn = localDateOf(input.now, org?.timezone ?? 'UTC');
  const ids: number[] = [];
  for (const [n, p] of input.promises.entries()) {
    const { id, rescheduled } = await recordPaymentPromise(
      trx,
      {
        orgId: input.orgId,
        contactId: input.contactId,
        invoiceIds: refs.map((r) => r.invoiceId),
        earliest: p.earliest,
        latest: p.latest,
        madeOn,
        amount: p.amount,
        currency,
        source: 'reply',
        replyId: input.replyId,
        holdId: input.holdIds[n] ?? null,
        actor: input.actor,
        now: input.now,
      },
      ids,
    );
    ids.push(id);
    for (const old of rescheduled) {
      if (old.holdId !== null) await releaseHold(trx, old.holdId, input.actor.id, input.now);
      await recordAuditEvent(trx, {
        orgId: input.orgId,
        occurredAt: input.now,
        actor: { type: 'user', id: input.actor.id, name: input.actor.name },
        action: 'promise.rescheduled',
        subject: { type: 'payment_promise', id: String(old.id) },
        payload: {
          contactId: input.contactId,
          supersededBy: id,
          was: { earliest: old.earliest, latest: old.latest, amount: old.amount, currency: old.currency },
          now: { earliest: p.earliest, latest: p.latest, amount: p.amount, currency },
        },
      });
    }
  }
  return ids;
}
