// Over 300 lines: reading a reply, storing the reading, and accepting, editing or rejecting its suggestion share the same records.
import type { Kysely, Transaction } from 'kysely';
import { recordAuditEvent } from '../adapters/db/audit-events.js';
import { contactName, getCustomerReply } from '../adapters/db/customer-replies.js';
import { addCustomerHold } from '../adapters/db/dunning-queries.js';
import { getOrganisation } from '../adapters/db/organisations.js';
import { getReplyReading, insertReplyReading, replyInvoiceRefs } from '../adapters/db/reply-readings.js';
import type { DB } from '../adapters/db/schema.js';
import { getSlackSettings, type SlackDefaults } from '../adapters/db/slack-settings.js';
import type { ClaudeReplyReader } from '../adapters/llm/reply-reader.js';
import { enqueueOutbox } from '../adapters/outbox/outbox-store.js';
import { clip, context, escapeMrkdwn, section } from '../adapters/slack/blocks/kit.js';
import { buildSuggestionCard } from '../adapters/slack/blocks/reply-suggestion.js';
import type { OnlineInvoiceFetcher } from '../adapters/xero/online-invoices.js';
import { localDateOf } from '../domain/calendar.js';
import type { IsoDate } from '../domain/ledger.js';
import { OUTBOX_REPLY_READ } from '../domain/outbox-kinds.js';
import { type ReplyInput, ReplyInputSchema } from '../domain/reply-reading/reply-reading.js';
import {
  type AcceptancePlan,
  acceptancePlan,
  type ReplySuggestion,
  replyDecisionNote,
  replyReadNote,
  type SuggestionForm,
  suggestionFromForm,
  suggestionFromReading,
} from '../domain/reply-suggestion.js';
import { type Actor, enqueueXeroNotes } from './decide-reminder.js';
import { addReminderAddress } from './fall-through.js';
import { handleCustomerReplyIn } from './handle-reply.js';
import { readCustomerReply } from './read-customer-reply.js';
import { recordReplyPromises } from './record-promises.js';
import { enqueueReplyFollowUp, type ReplyFollowUp, replyFindings } from './reply-intents.js';
import { customerThread, enqueueSlackPost } from './slack-posts.js';

export async function enqueueReplyRead(
  trx: Transaction<DB>,
  input: { orgId: string; replyId: string; now: Date },
): Promise<void> {
  await enqueueOutbox(trx, {
    orgId: input.orgId,
    kind: OUTBOX_REPLY_READ,
    idempotencyKey: `reply:${input.replyId}:read`,
    payload: { replyId: input.replyId },
    now: input.now,
  });
}

export interface ReadReplyForSuggestionDeps {
  readonly db: Kysely<DB>;
  readonly claude: ClaudeReplyReader | null;
  readonly hashInput: (input: ReplyInput) => string;
  /** Whether Slack is configured: the card is queued only then. */
  readonly slack: boolean;
  readonly slackDefaults: SlackDefaults;
  readonly now: () => Date;
  readonly signal?: AbortSignal;
  /** Online-invoice links for a document request (null or absent: the cached ones only). */
  readonly onlineInvoices?: OnlineInvoiceFetcher | null;
}

export type ReadForSuggestionOutcome =
  | { readonly kind: 'read'; readonly posted: boolean }
  | { readonly kind: 'skipped'; readonly reason: string };

/**
 * 1. load the matched reply with what it is about (the customer, their zone, the invoices); 2. read it (the
 * rules always, Claude when configured, cross-checked); 3. store the reading once and queue the suggestion card
 * in the thread of the card the reply answered (else the customer's latest card, else the queue channel).
 */
export async function readReplyForSuggestion(
  deps: ReadReplyForSuggestionDeps,
  replyId: string,
): Promise<ReadForSuggestionOutcome> {
  const { db } = deps;
  const reply = await getCustomerReply(db, replyId);
  if (!reply?.orgId || !reply.contactId) return { kind: 'skipped', reason: 'the reply matches no customer' };
  if (await getReplyReading(db, replyId)) return { kind: 'skipped', reason: 'already read' };
  const orgId = reply.orgId;
  const contactId = reply.contactId;
  const org = await getOrganisation(db, orgId);
  const customerName = (await contactName(db, orgId, contactId)) ?? 'this customer';
  const invoices = await replyInvoiceRefs(db, orgId, reply.invoiceIds);
  const candidate = {
    id: reply.id,
    received: reply.receivedAt.toISOString(),
    timezone: org?.timezone ?? 'UTC',
    customer: customerName.slice(0, 500),
    ...(invoices.length > 0 && invoices[0]!.currency
      ? {
          reminder: {
            currency: invoices[0]!.currency,
            invoices: invoices.map((i) => ({
              number: i.number,
              amount: i.amountDue,
              ...(i.due ? { due: i.due } : {}),
            })),
          },
        }
      : {}),
    text: reply.text,
  };
  const parsed = ReplyInputSchema.safeParse(candidate);
  const input: ReplyInput = parsed.success
    ? parsed.data
    : { id: reply.id, received: candidate.received, timezone: 'UTC', text: reply.text };
  const record = await readCustomerReply(input, {
    claude: deps.claude,
    hashInput: deps.hashInput,
    ...(deps.signal ? { signal: deps.signal } : {}),
  });
  const now = deps.now();
  // What the ledger says about it (a matching payment, the invoice's link), for the card: before any transaction,
  // as a link may be fetched from Xero.
  const findings = await replyFindings(
    { db, onlineInvoices: deps.onlineInvoices ?? null, now },
    { orgId, reply, reading: record.reading, timezone: org?.timezone ?? 'UTC' },
  );
  let posted = false;
  await db.transaction().execute(async (trx) => {
    const stored = await insertReplyReading(trx, {
      replyId,
      source: record.source,
      model: record.model,
      promptVersion: record.promptVersion,
      inputHash: record.inputHash,
      reading: record.reading,
      fallbackReason: record.fallbackReason,
      createdAt: now,
    });
    if (!stored) return;
    await recordAuditEvent(trx, {
      orgId,
      occurredAt: now,
      actor: { type: 'system', id: 'reply-reader', name: 'Reply reader' },
      action: 'reply.read',
      subject: { type: 'customer_reply', id: replyId },
      // What was suggested and by whom; the evidence (the customer's words) stays in reply_readings.
      payload: {
        contactId,
        intent: record.reading.intent,
        promises: record.reading.promises,
        disputeReason: record.reading.dispute_reason,
        backOn: record.reading.back_on,
        source: record.source,
        model: record.model,
        promptVersion: record.promptVersion,
        inputHash: record.inputHash,
        fallbackReason: record.fallbackReason,
        ignoredInstructions: record.ignoredInstructions.length,
      },
    });
    // The reply and what it was read as, in Xero History once (the decision is noted when it is made).
    await enqueueXeroNotes(
      trx,
      { orgId, contactId, invoiceIds: [...reply.invoiceIds] },
      replyReadNote({
        channel: reply.channel,
        receivedOn: localDateOf(reply.receivedAt, org?.timezone ?? 'UTC'),
        summary: acceptancePlan(suggestionFromReading(record.reading)).summary,
        readBy: record.source === 'claude' ? 'claude' : 'rules',
      }),
      `reply:${replyId}:read`,
      now,
    );
    if (!deps.slack || reply.status === 'handled') return;
    const message = buildSuggestionCard({
      orgId,
      replyId,
      contactId,
      customerName,
      currency: invoices[0]?.currency ?? null,
      record,
      findings,
    });
    const where = await customerThread(trx, orgId, reply, deps.slackDefaults);
    if (!where) return;
    await enqueueSlackPost(trx, { orgId, key: `reply:${replyId}:suggestion`, ...where, message, now });
    posted = true;
  });
  return { kind: 'read', posted };
}

// ---- decisions --------------------------------------------------------------------------------------------

export type SuggestionDecisionOutcome =
  | {
      readonly kind: 'accepted' | 'rejected';
      readonly customerName: string;
      readonly plan: AcceptancePlan;
      readonly escalated: boolean;
      /** What accepting posted in the thread besides (a drafted reply, a matching payment). */
      readonly followUp?: ReplyFollowUp | null;
    }
  | { readonly kind: 'already'; readonly by: string | null; readonly customerName: string }
  | { readonly kind: 'forbidden'; readonly reason: string }
  | { readonly kind: 'invalid'; readonly errors: Partial<Record<string, string>> }
  | { readonly kind: 'not-found' };

export interface SuggestionDecisionInput {
  readonly orgId: string;
  readonly replyId: string;
  readonly actor: Actor;
  /** Today in the organisation's zone (an edited date must not be in the past). */
  readonly asOf: IsoDate;
  readonly now: Date;
  readonly slackDefaults: SlackDefaults;
}

/** The suggestion as read, for the Edit modal; null when the reply is not this organisation's or not read. */
export async function suggestionForEdit(
  db: Kysely<DB>,
  orgId: string,
  replyId: string,
): Promise<{ customerName: string; suggestion: ReplySuggestion; handled: boolean } | null> {
  const reply = await getCustomerReply(db, replyId);
  const reading = await getReplyReading(db, replyId);
  if (!reply || reply.orgId !== orgId || !reply.contactId || !reading) return null;
  return {
    customerName: (await contactName(db, orgId, reply.contactId)) ?? 'this customer',
    suggestion: suggestionFromReading(reading.reading),
    handled: reply.status === 'handled',
  };
}

/**
 * Accept (as read, or as edited in the modal): in one transaction the reply is marked handled (at most once:
 * a double click or a second collector finds it handled and changes nothing) and its 'reply' hold released;
 * the plan's holds are added; the decision is audited and noted once in the History of the reply's invoices
 * and the contact; a dispute is posted to the escalation channel.
 */
export async function acceptReplySuggestion(
  db: Kysely<DB>,
  input: SuggestionDecisionInput & { readonly edited?: SuggestionForm },
): Promise<SuggestionDecisionOutcome> {
  if (!input.actor.isCollector)
    return { kind: 'forbidden', reason: 'Only collectors and managers can decide on a reply.' };
  const loaded = await loadForDecision(db, input);
  if (!loaded) return { kind: 'not-found' };
  const { reply, reading, customerName } = loaded;
  let suggestion = suggestionFromReading(reading.reading);
  if (input.edited) {
    const checked = suggestionFromForm(input.edited, suggestion, input.asOf);
    if (!checked.ok) return { kind: 'invalid', errors: checked.errors };
    suggestion = checked.suggestion;
  }
  const plan = acceptancePlan(suggestion);
  const contactId = reply.contactId!;
  return db.transaction().execute(async (trx) => {
    const handled = await handleCustomerReplyIn(trx, {
      replyId: reply.id,
      actor: input.actor,
      outcome: input.edited ? 'edited' : 'accepted',
      now: input.now,
    });
    if (handled.kind !== 'handled') {
      // Whoever was first (a colleague a moment ago, or this same user's first click).
      const by = (await getCustomerReply(trx, reply.id))?.handledBy ?? null;
      return { kind: 'already', by, customerName } as const;
    }
    const holdIds: number[] = [];
    for (const h of plan.holds) {
      holdIds.push(
        await addCustomerHold(trx, {
          orgId: input.orgId,
          contactId,
          kind: h.kind,
          until: h.until,
          amount: h.amount,
          reason: h.reason,
          // A dispute holds the reply's invoices only: the customer is still chased for the others.
          ...(h.kind === 'dispute' ? { invoiceIds: reply.invoiceIds } : {}),
          actor: { id: input.actor.id, name: input.actor.name },
          now: input.now,
        }),
      );
    }
    // A promise is tracked to kept / part-kept / broken from the ledger (#18 part 4), linked to its hold.
    await recordReplyPromises(trx, {
      orgId: input.orgId,
      contactId,
      replyId: reply.id,
      invoiceIds: reply.invoiceIds,
      promises: suggestion.promises,
      holdIds: holdIds.filter((_, n) => plan.holds[n]!.kind === 'promise'),
      actor: input.actor,
      now: input.now,
    });
    await recordAuditEvent(trx, {
      orgId: input.orgId,
      occurredAt: input.now,
      actor: { type: 'user', id: input.actor.id, name: input.actor.name },
      action: 'reply.suggestion_accepted',
      subject: { type: 'customer_reply', id: reply.id },
      payload: {
        contactId,
        customer: customerName,
        edited: Boolean(input.edited),
        before: suggestionFromReading(reading.reading),
        after: suggestion,
        readingSource: reading.source,
        holds: plan.holds.map((h, n) => ({ id: holdIds[n], kind: h.kind, until: h.until, amount: h.amount })),
        summary: plan.summary,
      },
    });
    await enqueueXeroNotes(
      trx,
      { orgId: input.orgId, contactId, invoiceIds: [...reply.invoiceIds] },
      replyDecisionNote({ by: input.actor.name, decision: 'accepted', summary: plan.summary }),
      `reply:${reply.id}`,
      input.now,
    );
    let escalated = false;
    if (plan.escalate) {
      const settings = await getSlackSettings(trx, input.orgId, input.slackDefaults);
      if (settings.escalationChannel) {
        const name = escapeMrkdwn(clip(customerName, 120));
        await enqueueSlackPost(trx, {
          orgId: input.orgId,
          key: `reply:${reply.id}:escalation`,
          channel: settings.escalationChannel,
          message: {
            text: `${name} disputes their invoices: ${plan.summary}`,
            blocks: [
              section(`:warning: *${name} disputes their invoices*: ${escapeMrkdwn(plan.summary)}`),
              context(
                `Accepted from their reply by ${escapeMrkdwn(clip(input.actor.name, 80))}; chasing is on hold until the dispute is resolved.`,
              ),
            ],
          },
          now: input.now,
        });
        escalated = true;
      }
    }
    // A dispute, a "paid already" or a document request: the drafted reply (or the matching payment) in the thread.
    const followUp = await enqueueReplyFollowUp(trx, {
      orgId: input.orgId,
      reply,
      reading: reading.reading,
      suggestion,
      customerName,
      asOf: input.asOf,
      now: input.now,
      slackDefaults: input.slackDefaults,
      actor: input.actor,
    });
    return { kind: 'accepted', customerName, plan, escalated, followUp } as const;
  });
}

/** Reject: the reply is handled with no hold (chasing resumes on the next run), audited and noted once. */
export async function rejectReplySuggestion(
  db: Kysely<DB>,
  input: SuggestionDecisionInput,
): Promise<SuggestionDecisionOutcome> {
  if (!input.actor.isCollector)
    return { kind: 'forbidden', reason: 'Only collectors and managers can decide on a reply.' };
  const loaded = await loadForDecision(db, input);
  if (!loaded) return { kind: 'not-found' };
  const { reply, reading, customerName } = loaded;
  const plan = acceptancePlan(suggestionFromReading(reading.reading));
  return db.transaction().execute(async (trx) => {
    const handled = await handleCustomerReplyIn(trx, {
      replyId: reply.id,
      actor: input.actor,
      outcome: 'rejected',
      now: input.now,
    });
    if (handled.kind !== 'handled') {
      // Whoever was first (a colleague a moment ago, or this same user's first click).
      const by = (await getCustomerReply(trx, reply.id))?.handledBy ?? null;
      return { kind: 'already', by, customerName } as const;
    }
    await recordAuditEvent(trx, {
      orgId: input.orgId,
      occurredAt: input.now,
      actor: { type: 'user', id: input.actor.id, name: input.actor.name },
      action: 'reply.suggestion_rejected',
      subject: { type: 'customer_reply', id: reply.id },
      payload: { contactId: reply.contactId, customer: customerName, suggested: plan.summary },
    });
    await enqueueXeroNotes(
      trx,
      { orgId: input.orgId, contactId: reply.contactId!, invoiceIds: [...reply.invoiceIds] },
      replyDecisionNote({ by: input.actor.name, decision: 'rejected', summary: plan.summary }),
      `reply:${reply.id}`,
      input.now,
    );
    return { kind: 'rejected', customerName, plan, escalated: false } as const;
  });
}

/** "Use <address> for reminders" after a redirect: the address the reply named, saved as an address for reminders. */
export async function useReplyAddress(
  db: Kysely<DB>,
  input: { orgId: string; replyId: string; actor: Actor; now: Date },
): Promise<Awaited<ReturnType<typeof addReminderAddress>> | { readonly kind: 'not-found' }> {
  const reply = await getCustomerReply(db, input.replyId);
  const reading = await getReplyReading(db, input.replyId);
  const address = reading?.reading.new_contact;
  if (!reply || reply.orgId !== input.orgId || !reply.contactId || !address) return { kind: 'not-found' };
  return addReminderAddress(db, {
    orgId: input.orgId,
    contactId: reply.contactId,
    contactName: (await contactName(db, input.orgId, reply.contactId)) ?? 'this customer',
    addresses: address,
    actor: input.actor,
    now: input.now,
  });
}

async function loadForDecision(db: Kysely<DB>, input: { orgId: string; replyId: string }) {
  const reply = await getCustomerReply(db, input.replyId);
  if (!reply || reply.orgId !== input.orgId || !reply.contactId) return null;
  const reading = await getReplyReading(db, input.replyId);
  if (!reading) return null;
  const customerName = (await contactName(db, input.orgId, reply.contactId)) ?? 'this customer';
  return { reply, reading, customerName };
}
