import type { Kysely } from 'kysely';
import { recordAuditEvent } from '../adapters/db/audit-events.js';
import {
  type CallTask,
  closeCallTask,
  getCallTask,
  listOpenCallTasks,
  openCallTask,
} from '../adapters/db/call-tasks.js';
import { loadContact } from '../adapters/db/ledger-queries.js';
import { listRecipientOverrides, saveRecipientOverride } from '../adapters/db/reminder-cards.js';
import type { DB } from '../adapters/db/schema.js';
import { clampNote } from '../domain/audit-notes.js';
import { type FallThroughEntry, fallThrough } from '../domain/fall-through.js';
import type { PriorityList } from '../domain/priority.js';
import type { CollectionsView } from './collections-view.js';
import { type Actor, enqueueXeroNotes } from './decide-reminder.js';
import { EMAIL_ADDRESS, loadPlanInputs, planChases, recipientsFor } from './run-dunning.js';

/**
 * The customers today's plan cannot chase by email, with the reason and their open call task if any: the same
 * plan the morning run makes (same policy, holds, addresses and history), over the caller's scored ledger.
 */
export async function loadFallThrough(
  db: Kysely<DB>,
  view: CollectionsView,
  priorities: PriorityList,
): Promise<FallThroughEntry[]> {
  const orgId = view.organisation.id;
  const [inputs, tasks] = await Promise.all([loadPlanInputs(db, orgId), listOpenCallTasks(db, orgId)]);
  const { plan, customers } = planChases({ ...inputs, ledger: view.ledger, asOf: view.asOf, priorities });
  const overdue = new Map(
    priorities.customers.map((c) => [
      c.contactId,
      { overdueBase: c.overdueBase, overdueCount: c.overdueCount },
    ]),
  );
  const byContact = new Map(tasks.map((t) => [t.contactId, t]));
  return fallThrough(plan, customers, overdue).map((f) => {
    const t = byContact.get(f.contactId);
    return {
      ...f,
      callTask: t
        ? { id: t.id, assigneeId: t.assigneeId, assigneeName: t.assigneeName, createdAt: t.createdAt }
        : null,
    };
  });
}

/** The customer's name and the addresses reminders go to today, for the address modal; null if unknown. */
export async function reminderAddressForm(
  db: Kysely<DB>,
  orgId: string,
  contactId: string,
): Promise<{ customerName: string; current: readonly string[] } | null> {
  const [contact, overrides] = await Promise.all([
    loadContact(db, orgId, contactId),
    listRecipientOverrides(db, orgId),
  ]);
  if (!contact) return null;
  return { customerName: contact.name, current: recipientsFor(contact, overrides.get(contactId)).recipients };
}

/** The task and its customer's name, for the "Call made" modal; null when there is no such task. */
export async function callTaskForm(
  db: Kysely<DB>,
  orgId: string,
  taskId: number,
): Promise<{ task: CallTask; customerName: string } | null> {
  const task = await getCallTask(db, orgId, taskId);
  if (!task) return null;
  return { task, customerName: await customerName(db, orgId, task.contactId) };
}

/** A customer's name for a confirmation; the id itself when the contact is gone. */
export async function customerName(db: Kysely<DB>, orgId: string, contactId: string): Promise<string> {
  return (await loadContact(db, orgId, contactId))?.name ?? contactId;
}

/** At most this many addresses per customer: a reminder is not a mailing list. */
export const MAX_REMINDER_ADDRESSES = 5;

export type AddressOutcome =
  | { readonly kind: 'saved'; readonly recipients: readonly string[] }
  | { readonly kind: 'forbidden'; readonly reason: string }
  | { readonly kind: 'invalid'; readonly reason: string };

/** Splits what a person typed ("a@x.com, b@y.com" or one per line) into addresses, or says what is wrong. */
export function parseAddresses(
  text: string,
): { ok: true; addresses: string[] } | { ok: false; reason: string } {
  const parts = text
    .split(/[\s,;]+/)
    .map((p) => p.trim().replace(/^<|>$/g, ''))
    .filter((p) => p.length > 0);
  if (parts.length === 0) return { ok: false, reason: 'Enter at least one email address.' };
  const bad = parts.find((p) => p.length > 254 || !EMAIL_ADDRESS.test(p));
  if (bad) return { ok: false, reason: `"${bad.slice(0, 80)}" is not an email address.` };
  // The first spelling typed is kept; a repeat in another case is the same mailbox.
  const seen = new Set<string>();
  const unique = parts.filter((p) => !seen.has(p.toLowerCase()) && seen.add(p.toLowerCase()));
  if (unique.length > MAX_REMINDER_ADDRESSES)
    return { ok: false, reason: `At most ${MAX_REMINDER_ADDRESSES} addresses per customer.` };
  return { ok: true, addresses: unique };
}

/**
 * "Add an address for reminders": kept in our store (the planner writes to it instead of the contact's own),
 * audited, and noted on the Xero contact's History. The Xero contact itself is never edited: its owners keep
 * their record as it is.
 */
export async function addReminderAddress(
  db: Kysely<DB>,
  input: {
    orgId: string;
    contactId: string;
    contactName: string;
    addresses: string;
    actor: Actor;
    now: Date;
  },
): Promise<AddressOutcome> {
  if (!input.actor.isCollector)
    return { kind: 'forbidden', reason: 'Only collectors and managers can add addresses for reminders.' };
  const parsed = parseAddresses(input.addresses);
  if (!parsed.ok) return { kind: 'invalid', reason: parsed.reason };
  const recipients = parsed.addresses;
  return db.transaction().execute(async (trx) => {
    const before = (await listRecipientOverrides(trx, input.orgId)).get(input.contactId) ?? null;
    await saveRecipientOverride(trx, {
      orgId: input.orgId,
      contactId: input.contactId,
      recipients,
      cc: before?.cc ?? [],
      updatedBy: input.actor.id,
      now: input.now,
    });
    await recordAuditEvent(trx, {
      orgId: input.orgId,
      occurredAt: input.now,
      actor: { type: 'user', id: input.actor.id, name: input.actor.name },
      action: 'customer.reminder_address_set',
      subject: { type: 'contact', id: input.contactId },
      payload: {
        customer: input.contactName,
        before: before?.recipients ?? [],
        after: recipients,
      },
    });
    await enqueueXeroNotes(
      trx,
      { orgId: input.orgId, contactId: input.contactId, invoiceIds: [] },
      clampNote(
        `Reminders will go to ${recipients.join(', ')}, set in Slack by ${input.actor.name} (AR Copilot; this contact's own details are unchanged).`,
      ),
      `address:${input.orgId}:${input.contactId}:${input.now.getTime()}`,
      input.now,
    );
    return { kind: 'saved', recipients };
  });
}

export type CallTaskOutcome =
  | { readonly kind: 'created' | 'exists'; readonly task: CallTask }
  | { readonly kind: 'forbidden'; readonly reason: string };

/**
 * "Make it a call task": one open task per customer, in the clicking collector's queue. A second click, or a
 * colleague's, finds the open one and says whose it is.
 */
export async function makeCallTask(
  db: Kysely<DB>,
  input: { orgId: string; contactId: string; contactName: string; reason: string; actor: Actor; now: Date },
): Promise<CallTaskOutcome> {
  if (!input.actor.isCollector)
    return { kind: 'forbidden', reason: 'Only collectors and managers can take on calls.' };
  const reason = clampNote(input.reason).slice(0, 500);
  return db.transaction().execute(async (trx) => {
    const { task, created } = await openCallTask(trx, {
      orgId: input.orgId,
      contactId: input.contactId,
      reason,
      assigneeId: input.actor.id,
      assigneeName: input.actor.name,
      now: input.now,
    });
    if (!created) return { kind: 'exists', task } as const;
    await recordAuditEvent(trx, {
      orgId: input.orgId,
      occurredAt: input.now,
      actor: { type: 'user', id: input.actor.id, name: input.actor.name },
      action: 'call_task.created',
      subject: { type: 'contact', id: input.contactId },
      payload: { customer: input.contactName, taskId: task.id, reason },
    });
    await enqueueXeroNotes(
      trx,
      { orgId: input.orgId, contactId: input.contactId, invoiceIds: [] },
      clampNote(`Call planned in Slack by ${input.actor.name}: ${reason} (AR Copilot).`),
      `call-task:${input.orgId}:${task.id}:created`,
      input.now,
    );
    return { kind: 'created', task } as const;
  });
}

export type FinishCallOutcome =
  | { readonly kind: 'done'; readonly task: CallTask }
  | { readonly kind: 'not-open' }
  | { readonly kind: 'forbidden'; readonly reason: string }
  | { readonly kind: 'invalid'; readonly reason: string };

export const CALL_OUTCOME_MAX = 1_000;

/** The call was made: closed with what came of it, by its assignee or a manager, once. */
export async function finishCallTask(
  db: Kysely<DB>,
  input: {
    orgId: string;
    taskId: number;
    contactName: string;
    outcome: string;
    actor: Actor;
    now: Date;
  },
): Promise<FinishCallOutcome> {
  const outcome = input.outcome.trim();
  if (outcome.length === 0) return { kind: 'invalid', reason: 'Say what came of the call.' };
  if (outcome.length > CALL_OUTCOME_MAX)
    return { kind: 'invalid', reason: `Keep it under ${CALL_OUTCOME_MAX} characters.` };
  return db.transaction().execute(async (trx) => {
    const open = (await listOpenCallTasks(trx, input.orgId)).find((t) => t.id === input.taskId);
    if (!open) return { kind: 'not-open' } as const;
    if (open.assigneeId !== input.actor.id && !input.actor.isManager)
      return {
        kind: 'forbidden',
        reason: `This call is ${open.assigneeName}'s; only they or a manager can close it.`,
      } as const;
    const task = await closeCallTask(trx, {
      orgId: input.orgId,
      id: input.taskId,
      by: input.actor.id,
      byName: input.actor.name,
      outcome,
      now: input.now,
    });
    if (!task) return { kind: 'not-open' } as const;
    await recordAuditEvent(trx, {
      orgId: input.orgId,
      occurredAt: input.now,
      actor: { type: 'user', id: input.actor.id, name: input.actor.name },
      action: 'call_task.done',
      subject: { type: 'contact', id: task.contactId },
      payload: { customer: input.contactName, taskId: task.id },
    });
    await enqueueXeroNotes(
      trx,
      { orgId: input.orgId, contactId: task.contactId, invoiceIds: [] },
      clampNote(`Call made by ${input.actor.name}: ${outcome} (AR Copilot).`),
      `call-task:${input.orgId}:${task.id}:done`,
      input.now,
    );
    return { kind: 'done', task } as const;
  });
}
