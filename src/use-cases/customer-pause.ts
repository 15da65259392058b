import type { Kysely } from 'kysely';
import { recordAuditEvent } from '../adapters/db/audit-events.js';
import { addCustomerHold, listActiveHolds, releaseCustomerHolds } from '../adapters/db/dunning-queries.js';
import type { DB } from '../adapters/db/schema.js';
import { decisionNote } from '../domain/audit-notes.js';
import { isIsoDate } from '../domain/calendar.js';
import type { IsoDate } from '../domain/ledger.js';
import { type Actor, enqueueXeroNotes } from './decide-reminder.js';

export interface PauseInput {
  readonly orgId: string;
  readonly contactId: string;
  readonly contactName: string;
  /** Null: until someone resumes. */
  readonly until: IsoDate | null;
  readonly reason: string | null;
  readonly actor: Actor;
  /** Today in the organisation's time zone. */
  readonly asOf: IsoDate;
  readonly now: Date;
  /** Where the decision was taken, for the audit trail ('command', 'escalation'). */
  readonly via: string;
}

export type PauseOutcome =
  | { readonly kind: 'paused'; readonly holdId: number; readonly until: IsoDate | null }
  | { readonly kind: 'forbidden'; readonly reason: string }
  | { readonly kind: 'invalid'; readonly reason: string };

export type ResumeOutcome =
  | { readonly kind: 'resumed'; readonly released: number }
  | { readonly kind: 'not-paused' }
  | { readonly kind: 'forbidden'; readonly reason: string };

const REASON_MAX = 500;

/**
 * Stops chasing a customer (a `pause` hold the dunning planner honours), with an audit event and a History
 * note on the Xero contact, all in one transaction.
 */
export async function pauseCustomer(db: Kysely<DB>, input: PauseInput): Promise<PauseOutcome> {
  if (!input.actor.isCollector) {
    return { kind: 'forbidden', reason: 'Only collectors and managers can pause chasing.' };
  }
  if (input.until !== null) {
    if (!isIsoDate(input.until))
      return { kind: 'invalid', reason: `"${input.until}" is not a date (YYYY-MM-DD).` };
    if (input.until < input.asOf) return { kind: 'invalid', reason: `${input.until} is in the past.` };
  }
  const reason = input.reason?.trim() ? input.reason.trim().slice(0, REASON_MAX) : null;
  return db.transaction().execute(async (trx) => {
    const before = (await listActiveHolds(trx, input.orgId, input.contactId)).filter(
      (h) => h.kind === 'pause',
    );
    const holdId = await addCustomerHold(trx, {
      orgId: input.orgId,
      contactId: input.contactId,
      kind: 'pause',
      until: input.until,
      reason,
      actor: { id: input.actor.id, name: input.actor.name },
      now: input.now,
    });
    await recordAuditEvent(trx, {
      orgId: input.orgId,
      occurredAt: input.now,
      actor: { type: 'user', id: input.actor.id, name: input.actor.name },
      action: 'customer.paused',
      subject: { type: 'contact', id: input.contactId },
      payload: {
        customer: input.contactName,
        via: input.via,
        before: { pauses: before.map((h) => ({ id: h.id, until: h.until })) },
        after: { holdId, until: input.until, reason },
      },
    });
    await enqueueXeroNotes(
      trx,
      { orgId: input.orgId, contactId: input.contactId, invoiceIds: [] },
      decisionNote({ kind: 'paused', by: input.actor.name, until: input.until, reason }),
      `pause:${holdId}`,
      input.now,
    );
    return { kind: 'paused', holdId, until: input.until };
  });
}

export async function resumeCustomer(
  db: Kysely<DB>,
  input: Omit<PauseInput, 'until' | 'reason' | 'asOf'>,
): Promise<ResumeOutcome> {
  if (!input.actor.isCollector) {
    return { kind: 'forbidden', reason: 'Only collectors and managers can resume chasing.' };
  }
  return db.transaction().execute(async (trx) => {
    const before = (await listActiveHolds(trx, input.orgId, input.contactId)).filter(
      (h) => h.kind === 'pause',
    );
    if (before.length === 0) return { kind: 'not-paused' } as const;
    const released = await releaseCustomerHolds(
      trx,
      input.orgId,
      input.contactId,
      ['pause'],
      input.actor.id,
      input.now,
    );
    await recordAuditEvent(trx, {
      orgId: input.orgId,
      occurredAt: input.now,
      actor: { type: 'user', id: input.actor.id, name: input.actor.name },
      action: 'customer.resumed',
      subject: { type: 'contact', id: input.contactId },
      payload: {
        customer: input.contactName,
        via: input.via,
        before: { pauses: before.map((h) => ({ id: h.id, until: h.until, reason: h.reason })) },
        after: { pauses: [] },
      },
    });
    await enqueueXeroNotes(
      trx,
      { orgId: input.orgId, contactId: input.contactId, invoiceIds: [] },
      decisionNote({ kind: 'resumed', by: input.actor.name }),
      `resume:${before.map((h) => h.id).join('-')}`,
      input.now,
    );
    return { kind: 'resumed', released } as const;
  });
}
