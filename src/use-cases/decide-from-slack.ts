import type { Kysely } from 'kysely';
import { recordAuditEvent } from '../adapters/db/audit-events.js';
import { currentDraft, getReminder, type ReminderRow } from '../adapters/db/dunning-queries.js';
import { getOrganisation } from '../adapters/db/organisations.js';
import { getReminderFacts } from '../adapters/db/reminder-cards.js';
import type { DB } from '../adapters/db/schema.js';
import { getSlackSettings, type SlackDefaults } from '../adapters/db/slack-settings.js';
import { cardEscalationMessage } from '../adapters/slack/blocks/card-escalation.js';
import type { SlackMessage } from '../adapters/slack/blocks/kit.js';
import type { EditableReminder } from '../adapters/slack/blocks/reminder-modals.js';
import type { UserDirectory } from '../adapters/slack/user-directory.js';
import { localDateOf } from '../domain/calendar.js';
import { isUuid } from '../domain/ids.js';
import type { DraftFacts } from '../domain/reminder-draft.js';
import { rolesOf } from '../domain/slack-roles.js';
import { type Actor, type Decision, type DecisionOutcome, decideReminder } from './decide-reminder.js';
import { resolveUnconfirmedSend, type UnconfirmedResolution } from './send-reminder.js';
import { actorFor } from './slack-scope.js';

export interface SlackDecisionDeps {
  readonly db: Kysely<DB>;
  /** null when Slack is not configured (then only explicitly listed user ids count, no groups). */
  readonly users: UserDirectory | null;
  readonly defaults: SlackDefaults;
  readonly now: () => Date;
  /** The inputs hash stored with a draft (a card redrafted at Approve records what it was drafted from). */
  readonly hashInputs: (facts: DraftFacts) => string;
}

/** Who is clicking, with the roles the organisation's Slack settings give them (checked on every click). */
export async function resolveSlackActor(
  deps: SlackDecisionDeps,
  orgId: string,
  userId: string,
): Promise<Actor> {
  const settings = await getSlackSettings(deps.db, orgId, deps.defaults);
  // The same roles authorizeSlack gives; without Slack, only user ids listed in the settings count.
  if (deps.users) return actorFor(deps.users, settings, userId);
  return { id: userId, name: userId, ...rolesOf(userId, settings, new Map()) };
}

export type SlackDecisionResult = DecisionOutcome & {
  /** What to tell the person who clicked (ephemeral), or null when the card update says it all. */
  readonly message: string | null;
};

/**
 * A click or submission on an approval card: resolve the actor's roles, decide (the use-case claims), and
 * audit refusals so a manager can see who tried what.
 */
export async function decideFromSlack(
  deps: SlackDecisionDeps,
  input: { reminderId: string; userId: string; decision: Decision },
): Promise<SlackDecisionResult> {
  const reminder = isUuid(input.reminderId) ? await getReminder(deps.db, input.reminderId) : null;
  if (!reminder) {
    await auditUnknownReminder(deps, input.userId, input.reminderId, input.decision.kind);
    return { kind: 'not-found', message: 'This reminder no longer exists.' };
  }
  const org = await getOrganisation(deps.db, reminder.orgId);
  const now = deps.now();
  const asOf = localDateOf(now, org?.timezone ?? 'UTC');
  const actor = await resolveSlackActor(deps, reminder.orgId, input.userId);
  const outcome = await decideReminder(deps.db, {
    reminderId: input.reminderId,
    actor,
    decision: input.decision,
    now,
    asOf,
    hashInputs: deps.hashInputs,
    escalationPost:
      input.decision.kind === 'escalate'
        ? await escalationPostFor(deps, reminder, actor, input.decision.reason)
        : null,
  });
  if (outcome.kind === 'forbidden') {
    await auditRefusal(deps, reminder, actor, input.decision.kind, outcome.reason);
    return { ...outcome, message: `Sorry, you can't do that: ${outcome.reason}.` };
  }
  return { ...outcome, message: messageFor(outcome) };
}

/**
 * Mark as sent / Resend on an unconfirmed send's card: collectors and managers; refusals audited; a second click
 * (or a second person) hears that someone got there first.
 */
export async function resolveUnconfirmedFromSlack(
  deps: SlackDecisionDeps,
  input: { reminderId: string; userId: string; resolution: UnconfirmedResolution },
): Promise<{ readonly message: string | null }> {
  const reminder = isUuid(input.reminderId) ? await getReminder(deps.db, input.reminderId) : null;
  if (!reminder) {
    await auditUnknownReminder(deps, input.userId, input.reminderId, input.resolution);
    return { message: 'This reminder no longer exists.' };
  }
  const actor = await resolveSlackActor(deps, reminder.orgId, input.userId);
  if (!actor.isCollector && !actor.isManager) {
    await auditRefusal(deps, reminder, actor, input.resolution, 'not a collector or manager');
    return { message: "Sorry, you can't do that: only collectors and managers can act on reminders." };
  }
  const done = await resolveUnconfirmedSend(
    { db: deps.db, now: deps.now },
    { reminderId: reminder.id, actor: { id: actor.id, name: actor.name }, resolution: input.resolution },
  );
  if (done) return { message: null };
  const current = await getReminder(deps.db, reminder.id);
  return {
    message: `Someone got there first: this reminder is already ${current ? describe(current) : 'gone'}.`,
  };
}

/**
 * A click or submission naming a reminder we do not have (made up, mangled, or of a deleted organisation): kept
 * in the audit log with who tried it. The id is stored only when it has an id's shape (no arbitrary text).
 */
/** Who tried what on which reminder, and why it was refused: managers read these. */
async function auditRefusal(
  deps: SlackDecisionDeps,
  reminder: ReminderRow,
  actor: Actor,
  attempted: string,
  reason: string,
): Promise<void> {
  await recordAuditEvent(deps.db, {
    orgId: reminder.orgId,
    occurredAt: deps.now(),
    actor: { type: 'user', id: actor.id, name: actor.name },
    action: 'reminder.refused',
    subject: { type: 'contact', id: reminder.contactId },
    payload: { reminderId: reminder.id, attempted, reason },
  });
}

async function auditUnknownReminder(
  deps: SlackDecisionDeps,
  userId: string,
  reminderId: unknown,
  attempted: string,
): Promise<void> {
  await recordAuditEvent(deps.db, {
    orgId: null,
    occurredAt: deps.now(),
    actor: { type: 'user', id: String(userId).slice(0, 64), name: null },
    action: 'reminder.refused',
    payload: {
      reminderId: isUuid(reminderId) ? reminderId : null,
      attempted,
      reason: isUuid(reminderId) ? 'no such reminder' : 'not a reminder id',
    },
  });
}

function messageFor(outcome: DecisionOutcome): string | null {
  switch (outcome.kind) {
    case 'already-decided':
      return `Someone got there first: this reminder is already ${describe(outcome.reminder)}.`;
    case 'invalid':
      return `That didn't work: ${outcome.reason}.`;
    case 'not-found':
      return 'This reminder no longer exists.';
    case 'refreshed':
      return outcome.closed
        ? `Not sent: nothing on this card is left to chase (${outcome.changes.join('; ')}). The card is closed.`
        : `Not sent: the card was out of date (${outcome.changes.join('; ')}). It now shows today's figures: check it and approve again.`;
    default:
      return null;
  }
}

function describe(r: ReminderRow): string {
  const by = r.decidedByName ? ` by ${r.decidedByName}` : '';
  return r.status === 'snoozed' ? `snoozed${by} until ${r.snoozedUntil}` : `${r.status}${by}`;
}

export type EditLookup =
  | { readonly kind: 'editable'; readonly draft: EditableReminder }
  | { readonly kind: 'refused'; readonly message: string };

/** What the Edit modal is filled with, once the person may edit and the reminder still waits for a decision. */
export async function loadReminderForEdit(
  deps: SlackDecisionDeps,
  input: { reminderId: string; userId: string },
): Promise<EditLookup> {
  const reminder = isUuid(input.reminderId) ? await getReminder(deps.db, input.reminderId) : null;
  if (!reminder) {
    await auditUnknownReminder(deps, input.userId, input.reminderId, 'edit');
    return { kind: 'refused', message: 'This reminder no longer exists.' };
  }
  const actor = await resolveSlackActor(deps, reminder.orgId, input.userId);
  const refuse = async (reason: string, message: string): Promise<EditLookup> => {
    await auditRefusal(deps, reminder, actor, 'edit', reason);
    return { kind: 'refused', message };
  };
  if (!actor.isCollector && !actor.isManager) {
    return refuse('not a collector or manager', 'Only collectors and managers can edit reminders.');
  }
  if (reminder.status === 'escalated' && !actor.isManager) {
    return refuse(
      'escalated: managers only',
      'This reminder was escalated: only a manager can change it now.',
    );
  }
  if (reminder.status !== 'proposed' && reminder.status !== 'escalated') {
    return { kind: 'refused', message: `This reminder is already ${describe(reminder)}.` };
  }
  const draft = await currentDraft(deps.db, reminder.id);
  if (!draft) return { kind: 'refused', message: 'This reminder has no draft yet.' };
  return {
    kind: 'editable',
    draft: {
      reminderId: reminder.id,
      subject: draft.subject,
      body: draft.body,
      recipients: reminder.recipients,
      cc: reminder.cc,
      version: draft.version,
    },
  };
}

/** The managers' post for an escalated card: the escalation channel, the reason, who, the amounts, a link back. */
async function escalationPostFor(
  deps: SlackDecisionDeps,
  reminder: ReminderRow,
  actor: Actor,
  reason: string | null | undefined,
): Promise<{ channel: string; message: SlackMessage } | null> {
  const settings = await getSlackSettings(deps.db, reminder.orgId, deps.defaults);
  const facts = await getReminderFacts(deps.db, reminder.id);
  if (!settings.escalationChannel || !facts) return null;
  return {
    channel: settings.escalationChannel,
    message: cardEscalationMessage({
      facts,
      reason: reason ?? null,
      by: actor.name,
      managers: settings.managers,
      card:
        reminder.slackChannel && reminder.slackTs
          ? { channel: reminder.slackChannel, ts: reminder.slackTs }
          : null,
    }),
  };
}
