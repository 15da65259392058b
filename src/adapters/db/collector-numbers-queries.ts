import type { SentReminder } from '../../domain/collections-report.js';
import {
  CARD_DECISIONS,
  type CardDecision,
  type CollectorDecision,
  type CollectorPromise,
} from '../../domain/collector-numbers.js';
import { listSentReminders } from './report-queries.js';
import type { Queryable } from './schema.js';

/**
 * The facts behind a collector's own numbers on App Home (#19 part 3), from `since` on: their decisions on approval
 * cards (the audit trail), the reminders sent from their approvals, and the promises to pay they accepted. The
 * domain (domain/collector-numbers.ts) cuts them at the organisation's days.
 */

const ACTIONS = CARD_DECISIONS.map((d) => `reminder.${d}`);

/** The collector's `reminder.approved|edited|snoozed|escalated|skipped` audit events. */
export async function listCardDecisions(
  db: Queryable,
  orgId: string,
  userId: string,
  since: Date,
): Promise<CollectorDecision[]> {
  const rows = await db
    .selectFrom('audit_events')
    .select(['action', 'occurred_at', 'payload'])
    .where('org_id', '=', orgId)
    .where('actor_type', '=', 'user')
    .where('actor_id', '=', userId)
    .where('action', 'in', ACTIONS)
    .where('occurred_at', '>=', since)
    .orderBy('occurred_at')
    .orderBy('id')
    .execute();
  return rows.flatMap((r) => {
    const reminderId = (r.payload as { reminderId?: unknown }).reminderId;
    if (typeof reminderId !== 'string') return [];
    return [{ reminderId, decision: r.action.slice('reminder.'.length) as CardDecision, at: r.occurred_at }];
  });
}

/** Reminders sent on or after `since` that the collector approved. */
export function listSentFromApprovals(
  db: Queryable,
  orgId: string,
  userId: string,
  since: Date,
): Promise<SentReminder[]> {
  return listSentReminders(db, orgId, { since, approvedBy: userId });
}

/** Promises to pay the collector accepted that were judged, rescheduled or cancelled since, or are still open. */
export async function listAcceptedPromises(
  db: Queryable,
  orgId: string,
  userId: string,
  since: Date,
): Promise<CollectorPromise[]> {
  const rows = await db
    .selectFrom('payment_promises')
    .select(['status', 'settled_at', 'made_on'])
    .where('org_id', '=', orgId)
    .where('accepted_by', '=', userId)
    .where((eb) => eb.or([eb('settled_at', '>=', since), eb('status', '=', 'active')]))
    .execute();
  return rows.map((r) => ({ status: r.status, settledAt: r.settled_at, madeOn: r.made_on }));
}
