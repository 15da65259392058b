import type { Kysely, Transaction } from 'kysely';
import { recordAuditEvent } from '../adapters/db/audit-events.js';
import {
  addDraftVersion,
  getDunningPolicy,
  getReminder,
  listActiveHolds,
  type ReminderRow,
  transitionReminder,
} from '../adapters/db/dunning-queries.js';
import type { DB } from '../adapters/db/schema.js';
import { enqueueOutbox } from '../adapters/outbox/outbox-store.js';
import type { SlackMessage } from '../adapters/slack/blocks/kit.js';
import { type DecisionNote, decisionNote } from '../domain/audit-notes.js';
import { contactBlock } from '../domain/contact-guard.js';
import type { IsoDate } from '../domain/ledger.js';
import { ReminderDraftSchema } from '../domain/reminder-draft.js';
import { enqueueSlackPost } from './slack-posts.js';

export const OUTBOX_SEND_REMINDER = 'reminder.send';
export const OUTBOX_XERO_NOTE = 'xero.history_note';
export const OUTBOX_REMINDER_CARD = 'slack.reminder_card';

export interface Actor {
  readonly id: string;
  readonly name: string;
  readonly isCollector: boolean;
  readonly isManager: boolean;
}

export type Decision =
  | { readonly kind: 'approve' }
  | { readonly kind: 'skip'; readonly reason?: string | null }
  | { readonly kind: 'snooze'; readonly until: IsoDate; readonly reason?: string | null }
  | { readonly kind: 'escalate'; readonly reason?: string | null }
  | {
      readonly kind: 'edit';
      readonly subject: string;
      readonly body: string;
      readonly to?: readonly string[];
      readonly cc?: readonly string[];
    };

export type DecisionOutcome =
  | { readonly kind: 'done'; readonly reminder: ReminderRow; readonly draftVersion?: number }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'forbidden'; readonly reason: string }
  | { readonly kind: 'invalid'; readonly reason: string }
  | { readonly kind: 'already-decided'; readonly reminder: ReminderRow };

const STATUS_AFTER: Record<
  Exclude<Decision['kind'], 'edit'>,
  'approved' | 'skipped' | 'snoozed' | 'escalated'
> = {
  approve: 'approved',
  skip: 'skipped',
  snooze: 'snoozed',
  escalate: 'escalated',
};

const EMAIL = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;

/**
 * A human's decision on an approval card. 1. Check who may decide. 2. Claim the reminder with a conditional
 * update (a second click or a second collector gets `already-decided`). 3. Record the audit event, the Xero
 * notes and the follow-up side effects in the same transaction.
 */
export async function decideReminder(
  db: Kysely<DB>,
  input: {
    reminderId: string;
    actor: Actor;
    decision: Decision;
    now: Date;
    asOf: IsoDate;
    /** On escalate: the managers' post, queued in the same transaction as the decision (so once, and never lost). */
    escalationPost?: { readonly channel: string; readonly message: SlackMessage } | null;
  },
): Promise<DecisionOutcome> {
  const { actor, decision, now } = input;
  const before = await getReminder(db, input.reminderId);
  if (!before) return { kind: 'not-found' };
  if (!actor.isCollector && !actor.isManager) {
    return { kind: 'forbidden', reason: 'only collectors and managers can act on reminders' };
  }
  // An escalated reminder is a manager's call (payment plan, write-off, stop credit, agency).
  if (before.status === 'escalated' && !actor.isManager) {
    return { kind: 'forbidden', reason: 'this reminder was escalated: only a manager can decide it now' };
  }
  if (decision.kind === 'snooze' && decision.until <= input.asOf) {
    return { kind: 'invalid', reason: `snooze until a date after today (${input.asOf})` };
  }
  if (decision.kind === 'edit') return editDraft(db, before, actor, decision, now);

  const from: ReminderRow['status'][] =
    before.status === 'escalated' && actor.isManager && decision.kind !== 'escalate'
      ? ['escalated']
      : ['proposed'];
  const to = STATUS_AFTER[decision.kind];
  return db.transaction().execute(async (trx) => {
    if (decision.kind === 'approve' && before.mode !== 'shadow') {
      const blocked = await approvalBlock(trx, before, input.asOf);
      if (blocked)
        return { kind: 'invalid', reason: `not sent: ${blocked}. Snooze or skip this card instead` };
    }
    const claimed = await transitionReminder(trx, before.id, from, to, {
      now,
      decidedBy: actor.id,
      decidedByName: actor.name,
      ...(decision.kind === 'snooze' ? { snoozedUntil: decision.until } : {}),
    });
    if (!claimed) {
      const current = (await getReminder(trx, before.id))!;
      return { kind: 'already-decided', reminder: current };
    }
    const reason = 'reason' in decision ? (decision.reason ?? null) : null;
    await recordAuditEvent(trx, {
      orgId: before.orgId,
      occurredAt: now,
      actor: { type: 'user', id: actor.id, name: actor.name },
      action: `reminder.${to}`,
      subject: { type: 'contact', id: before.contactId },
      payload: {
        reminderId: before.id,
        before: { status: before.status },
        after: { status: to, ...(decision.kind === 'snooze' ? { snoozedUntil: decision.until } : {}) },
        reason,
        invoiceIds: before.invoiceIds,
      },
    });
    const shadow = before.mode === 'shadow';
    if (decision.kind === 'approve') {
      if (!shadow) {
        await enqueueOutbox(trx, {
          orgId: before.orgId,
          kind: OUTBOX_SEND_REMINDER,
          idempotencyKey: `send:${before.messageId}`,
          payload: { reminderId: before.id },
          now,
        });
      }
    } else if (!shadow) {
      const note: DecisionNote =
        decision.kind === 'snooze'
          ? { kind: 'snoozed', by: actor.name, until: decision.until, reason }
          : decision.kind === 'skip'
            ? { kind: 'skipped', by: actor.name, reason }
            : { kind: 'escalated', by: actor.name, reason };
      await enqueueXeroNotes(trx, before, decisionNote(note), `${to}:${before.id}`, now);
    }
    if (decision.kind === 'escalate' && input.escalationPost) {
      await enqueueSlackPost(trx, {
        orgId: before.orgId,
        key: `escalated-card:${before.id}`,
        channel: input.escalationPost.channel,
        message: input.escalationPost.message,
        now,
      });
    }
    await enqueueOutbox(trx, {
      orgId: before.orgId,
      kind: OUTBOX_REMINDER_CARD,
      idempotencyKey: `card:${before.id}:${to}:${now.getTime()}`,
      payload: { reminderId: before.id },
      now,
    });
    return { kind: 'done', reminder: (await getReminder(trx, before.id))! };
  });
}

/** One note per invoice concerned and one on the contact, each with its own idempotency key. */
export async function enqueueXeroNotes(
  db: Parameters<typeof enqueueOutbox>[0],
  reminder: Pick<ReminderRow, 'orgId' | 'contactId' | 'invoiceIds'>,
  details: string,
  keyPrefix: string,
  now: Date,
): Promise<void> {
  const targets = [
    ...reminder.invoiceIds.map((id) => ({ documentType: 'invoice', documentId: id })),
    { documentType: 'contact', documentId: reminder.contactId },
  ];
  for (const t of targets) {
    await enqueueOutbox(db, {
      orgId: reminder.orgId,
      kind: OUTBOX_XERO_NOTE,
      idempotencyKey: `note:${keyPrefix}:${t.documentType}:${t.documentId}`,
      payload: { ...t, details },
      now,
    });
  }
}

async function editDraft(
  db: Kysely<DB>,
  before: ReminderRow,
  actor: Actor,
  edit: Extract<Decision, { kind: 'edit' }>,
  now: Date,
): Promise<DecisionOutcome> {
  const parsed = ReminderDraftSchema.safeParse({ subject: edit.subject, body: edit.body });
  if (!parsed.success) {
    return {
      kind: 'invalid',
      reason: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    };
  }
  const bad = [...(edit.to ?? []), ...(edit.cc ?? [])].filter((a) => !EMAIL.test(a));
  if (bad.length) return { kind: 'invalid', reason: `not an email address: ${bad.join(', ')}` };
  if (edit.to && edit.to.length === 0) return { kind: 'invalid', reason: 'at least one recipient is needed' };
  return db.transaction().execute(async (trx) => {
    // Editing is allowed only while the reminder still waits for a decision.
    const current = await trx
      .selectFrom('reminders')
      .select('status')
      .where('id', '=', before.id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (current.status !== 'proposed' && current.status !== 'escalated') {
      return { kind: 'already-decided', reminder: (await getReminder(trx, before.id))! };
    }
    const version = await addDraftVersion(
      trx,
      before.id,
      {
        subject: parsed.data.subject,
        body: parsed.data.body,
        source: 'human',
        model: null,
        promptVersion: 'human',
        inputsHash: '',
        fallbackReason: null,
        authorId: actor.id,
        authorName: actor.name,
      },
      now,
    );
    if (edit.to || edit.cc) {
      await trx
        .updateTable('reminders')
        .set({
          ...(edit.to ? { recipients: JSON.stringify(edit.to) } : {}),
          ...(edit.cc ? { cc: JSON.stringify(edit.cc) } : {}),
          updated_at: now,
        })
        .where('id', '=', before.id)
        .execute();
    }
    await recordAuditEvent(trx, {
      orgId: before.orgId,
      occurredAt: now,
      actor: { type: 'user', id: actor.id, name: actor.name },
      action: 'reminder.edited',
      subject: { type: 'contact', id: before.contactId },
      payload: {
        reminderId: before.id,
        before: { draftVersion: before.draftVersion, recipients: before.recipients, cc: before.cc },
        after: { draftVersion: version, recipients: edit.to ?? before.recipients, cc: edit.cc ?? before.cc },
      },
    });
    await enqueueOutbox(trx, {
      orgId: before.orgId,
      kind: OUTBOX_REMINDER_CARD,
      idempotencyKey: `card:${before.id}:edit:${version}`,
      payload: { reminderId: before.id, editedVersion: version },
      now,
    });
    return { kind: 'done', reminder: (await getReminder(trx, before.id))!, draftVersion: version };
  });
}

/**
 * The contact rules again at Approve, across the customer's cards (`domain/contact-guard.ts`). The customer's
 * reminder rows are locked first, so two cards approved in the same second are decided one after the other.
 */
async function approvalBlock(
  trx: Transaction<DB>,
  reminder: ReminderRow,
  asOf: IsoDate,
): Promise<string | null> {
  const others = await trx
    .selectFrom('reminders')
    .select(['id', 'status', 'plan_date'])
    .where('org_id', '=', reminder.orgId)
    .where('contact_id', '=', reminder.contactId)
    .forUpdate()
    .execute();
  const [{ policy }, holds] = await Promise.all([
    getDunningPolicy(trx, reminder.orgId),
    listActiveHolds(trx, reminder.orgId, reminder.contactId),
  ]);
  const rest = others.filter((r) => r.id !== reminder.id);
  return contactBlock({
    asOf,
    minDaysBetweenContacts: policy.minDaysBetweenContacts,
    contactedOn: rest.filter((r) => ['sent', 'unconfirmed'].includes(r.status)).map((r) => r.plan_date),
    inFlight: rest.filter((r) => r.status === 'approved' || r.status === 'sending').length,
    doNotContact:
      policy.doNotContact.includes(reminder.contactId) || holds.some((h) => h.kind === 'do_not_contact'),
  });
}
