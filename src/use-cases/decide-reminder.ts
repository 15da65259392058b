// Over 300 lines: every decision on a reminder (approve, skip, snooze, escalate, edit) is claimed and recorded under the same lock and checks.
import type { Kysely, Transaction } from 'kysely';
import { recordAuditEvent } from '../adapters/db/audit-events.js';
import { loadContactCredits } from '../adapters/db/contact-credits.js';
import {
  addDraftVersion,
  currentDraft,
  getDunningPolicy,
  getReminder,
  listActiveHolds,
  lockCustomerReminders,
  lockReminder,
  type ReminderRow,
  setReminderInvoices,
  setReminderRecipients,
  transitionReminder,
} from '../adapters/db/dunning-queries.js';
import { loadInvoicesNow } from '../adapters/db/ledger-queries.js';
import { getReminderFacts, type ReminderCardFacts, setReminderFacts } from '../adapters/db/reminder-cards.js';
import type { DB } from '../adapters/db/schema.js';
import { enqueueOutbox } from '../adapters/outbox/outbox-store.js';
import type { SlackMessage } from '../adapters/slack/blocks/kit.js';
import { type DecisionNote, decisionNote } from '../domain/audit-notes.js';
import { businessDaysBetween } from '../domain/business-calendar.js';
import { cardFreshness, type Freshness, type InvoiceNow, invoicesToday } from '../domain/card-freshness.js';
import { contactBlock } from '../domain/contact-guard.js';
import { type AccountCredit, creditsOnAccount } from '../domain/credit-on-account.js';
import { checkDraftAgainstLedger } from '../domain/draft-vouching.js';
import { calendarOf } from '../domain/dunning-planner.js';
import type { IsoDate } from '../domain/ledger.js';
import { fixedUnits, toBaseUnits, unitsOf } from '../domain/money-units.js';
import { OUTBOX_REMINDER_CARD, OUTBOX_SEND_REMINDER, OUTBOX_XERO_NOTE } from '../domain/outbox-kinds.js';
import {
  CARD_BODY_BUDGET,
  cardBodyLength,
  type DraftFacts,
  ReminderDraftSchema,
  renderTemplate,
  type TemplateKey,
} from '../domain/reminder-draft.js';
import { TEMPLATE_VERSION } from './compose-reminder-draft.js';
import { cachedOnlineInvoiceLinks } from './online-invoice-links.js';
import { enqueueSlackPost } from './slack-posts.js';

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
  | { readonly kind: 'already-decided'; readonly reminder: ReminderRow }
  /**
   * Approve found the card out of date against today's ledger: it was redrafted from today's figures (or closed,
   * when nothing is left to chase) instead of sent, and says what changed.
   */
  | {
      readonly kind: 'refreshed';
      readonly reminder: ReminderRow;
      readonly changes: readonly string[];
      readonly closed: boolean;
    };

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
    /** Hash of a redraft's facts, stored with it as every draft's inputs are. */
    hashInputs: (facts: DraftFacts) => string;
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
  if (decision.kind === 'edit') return editDraft(db, before, actor, decision, now, input.asOf);

  const from: ReminderRow['status'][] =
    before.status === 'escalated' && actor.isManager && decision.kind !== 'escalate'
      ? ['escalated']
      : ['proposed'];
  const to = STATUS_AFTER[decision.kind];
  return db.transaction().execute(async (trx) => {
    if (decision.kind === 'approve' && before.mode !== 'shadow') {
      const gate = await approvalGate(trx, before, input.asOf);
      if (gate.kind === 'blocked') return { kind: 'invalid', reason: gate.reason };
      const current = (await getReminder(trx, before.id))!;
      if (!from.includes(current.status)) return { kind: 'already-decided', reminder: current };
      if (gate.kind === 'stale') {
        return redraft(trx, current, actor, gate, from, {
          now,
          asOf: input.asOf,
          hashInputs: input.hashInputs,
        });
      }
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
    ...reminder.invoiceIds.map((id) => ({ documentType: 'invoice' as const, documentId: id })),
    { documentType: 'contact' as const, documentId: reminder.contactId },
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
  asOf: IsoDate,
): Promise<DecisionOutcome> {
  const parsed = ReminderDraftSchema.safeParse({ subject: edit.subject, body: edit.body });
  if (!parsed.success) {
    return {
      kind: 'invalid',
      reason: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    };
  }
  // A collector writes the words; the figures are still the ledger's, as of today.
  const ledger = await loadCardLedger(db, before, asOf);
  if (ledger?.card.draftFacts) {
    const { facts } = invoicesToday({
      drafted: ledger.drafted,
      invoiceIds: ledger.invoiceIds,
      now: ledger.now,
      creditsNow: ledger.creditsNow,
      asOf,
    });
    if (!facts) return { kind: 'invalid', reason: 'nothing on this card is left to chase: skip it instead' };
    const check = checkDraftAgainstLedger(parsed.data, facts);
    if (!check.ok) {
      return {
        kind: 'invalid',
        reason: `the customer would read what the ledger does not say: ${listProblems(check.problems)}`,
      };
    }
  }
  const bad = [...(edit.to ?? []), ...(edit.cc ?? [])].filter((a) => !EMAIL.test(a));
  if (bad.length) return { kind: 'invalid', reason: `not an email address: ${bad.join(', ')}` };
  if (edit.to && edit.to.length === 0) return { kind: 'invalid', reason: 'at least one recipient is needed' };
  return db.transaction().execute(async (trx) => {
    // Editing is allowed only while the reminder still waits for a decision.
    const current = await lockReminder(trx, before.id);
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
    if (edit.to || edit.cc) await setReminderRecipients(trx, before.id, edit, now);
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

const UNDECIDED: readonly ReminderRow['status'][] = ['proposed', 'escalated'];

type ApprovalGate =
  | { readonly kind: 'clear' }
  | { readonly kind: 'blocked'; readonly reason: string }
  | {
      readonly kind: 'stale';
      readonly stale: Extract<Freshness, { kind: 'stale' }>;
      readonly ledger: CardLedger;
      readonly templates: Awaited<ReturnType<typeof getDunningPolicy>>['templates'];
    };

/**
 * Everything Approve checks before a send, in one pass over the database. The customer's reminder rows are locked
 * first, so two cards approved in the same second are decided one after the other. Then the contact rules across
 * the customer's cards (`domain/contact-guard.ts`), a body the card can show whole, and the card held against
 * today's ledger (`domain/card-freshness.ts`).
 */
async function approvalGate(
  trx: Transaction<DB>,
  reminder: ReminderRow,
  asOf: IsoDate,
): Promise<ApprovalGate> {
  const rows = await lockCustomerReminders(trx, reminder.orgId, reminder.contactId);
  const [{ policy, templates }, holds, draft, ledger] = await Promise.all([
    getDunningPolicy(trx, reminder.orgId),
    listActiveHolds(trx, reminder.orgId, reminder.contactId),
    currentDraft(trx, reminder.id),
    loadCardLedger(trx, reminder, asOf),
  ]);
  const self = rows.find((r) => r.id === reminder.id);
  const rest = rows.filter((r) => r.id !== reminder.id);
  const blocked = contactBlock({
    asOf,
    minDaysBetweenContacts: policy.minDaysBetweenContacts,
    contactedOn: rest.filter((r) => ['sent', 'unconfirmed'].includes(r.status)).map((r) => r.planDate),
    inFlight: rest.filter((r) => r.status === 'approved' || r.status === 'sending').length,
    doNotContact:
      policy.doNotContact.includes(reminder.contactId) || holds.some((h) => h.kind === 'do_not_contact'),
    replyWaiting: holds.some((h) => h.kind === 'reply'),
  });
  if (blocked) return { kind: 'blocked', reason: `not sent: ${blocked}. Snooze or skip this card instead` };
  if (draft && cardBodyLength(draft.body) > CARD_BODY_BUDGET) {
    return {
      kind: 'blocked',
      reason: 'the draft is too long to show in full on the card: shorten it with Edit first',
    };
  }
  if (!ledger) return { kind: 'clear' };
  const freshness = cardFreshness({
    drafted: ledger.drafted,
    invoiceIds: ledger.invoiceIds,
    now: ledger.now,
    creditsNow: ledger.creditsNow,
    // Cards drafted before their facts were stored are checked on their invoices only.
    draft: ledger.card.draftFacts && draft ? { subject: draft.subject, body: draft.body } : null,
    asOf,
    businessDaysOld: businessDaysBetween(
      ledger.card.draftedOn ?? reminder.planDate,
      asOf,
      calendarOf(policy),
    ),
    staleAfterBusinessDays: policy.cardStaleBusinessDays,
    newerCard: rest.some(
      (r) => UNDECIDED.includes(r.status) && self !== undefined && r.createdAt > self.createdAt,
    ),
  });
  return freshness.kind === 'stale'
    ? { kind: 'stale', stale: freshness, ledger, templates }
    : { kind: 'clear' };
}

/** A card's stored facts and its invoices as the ledger holds them now. Null for a card without stored facts. */
interface CardLedger {
  readonly card: ReminderCardFacts;
  readonly drafted: DraftFacts;
  readonly invoiceIds: readonly string[];
  readonly now: ReadonlyMap<string, InvoiceNow & { readonly currencyRate: string | null }>;
  /** The customer's unapplied credit today, which a redraft states and an edit may state. */
  readonly creditsNow: readonly AccountCredit[];
}

/**
 * Also reads what recomputing the facts needs besides the invoices: Xero's online-invoice links from the cache (a
 * link never changes, so a draft or an edit stating one is true today; no call to Xero at a click) and the
 * customer's unapplied credit as of today.
 */
async function loadCardLedger(
  db: Parameters<typeof getReminderFacts>[0],
  reminder: ReminderRow,
  asOf: IsoDate,
): Promise<CardLedger | null> {
  const card = await getReminderFacts(db, reminder.id);
  if (!card) return null;
  const invoiceIds = card.invoices.map((i) => i.invoiceId);
  const [now, links, contactCredits] = await Promise.all([
    loadInvoicesNow(db, reminder.orgId, invoiceIds),
    cachedOnlineInvoiceLinks(db, reminder.orgId, invoiceIds),
    loadContactCredits(db, reminder.orgId, reminder.contactId),
  ]);
  const creditsNow =
    creditsOnAccount(contactCredits, asOf, new Set([reminder.contactId])).get(reminder.contactId) ?? [];
  const withLinks = (facts: DraftFacts): DraftFacts => ({
    ...facts,
    invoices: facts.invoices.map((f, i) => {
      const id = invoiceIds[i];
      return { ...f, onlineUrl: f.onlineUrl ?? (id ? links.get(id) : undefined) ?? null };
    }),
  });
  const drafted: DraftFacts = withLinks(
    card.draftFacts ?? {
      purpose: reminder.purpose,
      tone: reminder.tone as DraftFacts['tone'],
      customerName: card.customerName,
      contactFirstName: null,
      companyName: '',
      senderName: '',
      asOf: reminder.planDate,
      invoices: card.invoices.map((i) => ({
        number: i.number ?? i.invoiceId,
        currency: i.currency,
        amountDue: i.amountDue,
        dueDate: i.dueDate,
        daysOverdue: i.daysOverdue,
        onlineUrl: null,
      })),
    },
  );
  return { card, drafted, invoiceIds, now, creditsNow };
}

/**
 * A stale card at Approve: redrafted from today's figures (the organisation's template) and shown again, or
 * closed when nothing is left to chase. Nothing is sent; the thread says what changed.
 */
async function redraft(
  trx: Transaction<DB>,
  before: ReminderRow,
  actor: Actor,
  gate: Extract<ApprovalGate, { kind: 'stale' }>,
  from: ReminderRow['status'][],
  at: { now: Date; asOf: IsoDate; hashInputs: (facts: DraftFacts) => string },
): Promise<DecisionOutcome> {
  const { now, asOf } = at;
  const { changes, facts, openInvoiceIds } = gate.stale;
  const { card } = gate.ledger;
  const reason = `redrafted at approval: ${changes.join('; ')}`;
  if (facts === null) {
    const claimed = await transitionReminder(trx, before.id, from, 'superseded', {
      now,
      decidedBy: actor.id,
      decidedByName: actor.name,
    });
    if (!claimed) return { kind: 'already-decided', reminder: (await getReminder(trx, before.id))! };
  } else {
    const draft = renderTemplate(facts, gate.templates[`${facts.purpose}.${facts.tone}` as TemplateKey]);
    await addDraftVersion(
      trx,
      before.id,
      {
        subject: draft.subject,
        body: draft.body,
        source: 'template',
        model: null,
        promptVersion: TEMPLATE_VERSION,
        inputsHash: at.hashInputs(facts),
        fallbackReason: reason,
        authorId: null,
        authorName: null,
      },
      now,
    );
    const invoices = openInvoiceIds.map((id, i) => {
      const was = card.invoices.find((c) => c.invoiceId === id)!;
      const today = facts.invoices[i]!;
      return { ...was, amountDue: today.amountDue, dueDate: today.dueDate, daysOverdue: today.daysOverdue };
    });
    const rate = (id: string) => gate.ledger.now.get(id)?.currencyRate;
    await setReminderFacts(trx, before.id, {
      ...card,
      invoices,
      // Each invoice converted and rounded to the cent, as the planner has it: the card's total is their sum.
      totalBase: fixedUnits(
        invoices.reduce(
          (t, i) => t + toBaseUnits(unitsOf(i.amountDue), rate(i.invoiceId), card.baseCurrency),
          0,
        ),
      ),
      draftSource: 'template',
      fallbackReason: reason,
      draftFacts: facts,
      draftedOn: asOf,
    });
    await setReminderInvoices(trx, before.id, openInvoiceIds, now);
  }
  await recordAuditEvent(trx, {
    orgId: before.orgId,
    occurredAt: now,
    actor: { type: 'user', id: actor.id, name: actor.name },
    action: facts === null ? 'reminder.superseded' : 'reminder.redrafted',
    subject: { type: 'contact', id: before.contactId },
    payload: { reminderId: before.id, attempted: 'approve', changes, invoiceIds: before.invoiceIds },
  });
  await enqueueOutbox(trx, {
    orgId: before.orgId,
    kind: OUTBOX_REMINDER_CARD,
    idempotencyKey: `card:${before.id}:redrafted:${now.getTime()}`,
    payload: { reminderId: before.id, changes: [...changes], by: actor.name, closed: facts === null },
    now,
  });
  return {
    kind: 'refreshed',
    reminder: (await getReminder(trx, before.id))!,
    changes,
    closed: facts === null,
  };
}

/** The first problems of a refused edit, most important first, and how many more: a modal error stays readable. */
function listProblems(problems: readonly string[], shown = 5): string {
  const more = problems.length - shown;
  return `${problems.slice(0, shown).join('; ')}${more > 0 ? ` (and ${more} more)` : ''}`;
}
