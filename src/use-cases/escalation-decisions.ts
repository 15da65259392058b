import type { Kysely } from 'kysely';
import { recordAuditEvent } from '../adapters/db/audit-events.js';
import type { DB } from '../adapters/db/schema.js';
import { enqueueOutbox } from '../adapters/outbox/outbox-store.js';
import { clampNote } from '../domain/audit-notes.js';
import { addDays } from '../domain/calendar.js';
import type { IsoDate } from '../domain/ledger.js';
import { OUTBOX_XERO_NOTE } from '../domain/outbox-kinds.js';
import { pauseCustomer } from './customer-pause.js';
import type { Actor } from './decide-reminder.js';
export type EscalationDecision = 'acknowledge' | 'pause' | 'plan_call';

export const ESCALATION_PAUSE_DAYS = 14;

export type EscalationDecisionOutcome =
  | { readonly kind: 'done'; readonly summary: string }
  | { readonly kind: 'already-decided' }
  | { readonly kind: 'forbidden'; readonly reason: string }
  | { readonly kind: 'invalid'; readonly reason: string };

const NOTES: Record<Exclude<EscalationDecision, 'pause'>, (by: string) => string> = {
  acknowledge: (by) => `Escalation acknowledged in Slack by ${by} (AR Copilot).`,
  plan_call: (by) => `Call planned in Slack by ${by} after escalation (AR Copilot).`,
};

/**
 * A manager's decision on an escalation post. Only managers; each decision counts once per crossing (a double
 * click or a second manager gets `already-decided`), through the Xero note's idempotency key.
 */
export async function decideEscalation(
  db: Kysely<DB>,
  input: {
    orgId: string;
    contactId: string;
    contactName: string;
    crossedOn: IsoDate;
    decision: EscalationDecision;
    actor: Actor;
    asOf: IsoDate;
    now: Date;
  },
): Promise<EscalationDecisionOutcome> {
  if (!input.actor.isManager) return { kind: 'forbidden', reason: 'Only managers can act on escalations.' };
  if (input.decision === 'pause') {
    const until = addDays(input.asOf, ESCALATION_PAUSE_DAYS);
    const paused = await pauseCustomer(db, {
      orgId: input.orgId,
      contactId: input.contactId,
      contactName: input.contactName,
      until,
      reason: 'escalation under review',
      actor: input.actor,
      asOf: input.asOf,
      now: input.now,
      via: `escalation ${input.crossedOn}`,
    });
    if (paused.kind !== 'paused') return paused;
    return { kind: 'done', summary: `Chasing paused until ${until}` };
  }
  const decision = input.decision;
  return db.transaction().execute(async (trx) => {
    const { created } = await enqueueOutbox(trx, {
      orgId: input.orgId,
      kind: OUTBOX_XERO_NOTE,
      idempotencyKey: `note:escalation-${input.decision}:${input.orgId}:${input.contactId}:${input.crossedOn}:contact`,
      payload: {
        documentType: 'contact',
        documentId: input.contactId,
        details: clampNote(NOTES[decision](input.actor.name)),
      },
      now: input.now,
    });
    if (!created) return { kind: 'already-decided' } as const;
    await recordAuditEvent(trx, {
      orgId: input.orgId,
      occurredAt: input.now,
      actor: { type: 'user', id: input.actor.id, name: input.actor.name },
      action: input.decision === 'acknowledge' ? 'escalation.acknowledged' : 'escalation.call_planned',
      subject: { type: 'contact', id: input.contactId },
      payload: {
        customer: input.contactName,
        crossedOn: input.crossedOn,
        before: { decision: null },
        after: { decision: input.decision },
      },
    });
    return {
      kind: 'done',
      summary: input.decision === 'acknowledge' ? 'Acknowledged' : 'Call planned',
    } as const;
  });
}
