// Over 300 lines: proposing, approving, rejecting and tracking a payment plan share the plan's records and its notes.
import type { Kysely, Transaction } from 'kysely';
import { recordAuditEvent } from '../adapters/db/audit-events.js';
import { contactName, getCustomerReply } from '../adapters/db/customer-replies.js';
import { addCustomerHold, releaseHold } from '../adapters/db/dunning-queries.js';
import { openInvoicesOf } from '../adapters/db/ledger-queries.js';
import {
  cancelPlanInstalments,
  decidePaymentPlan,
  insertPaymentPlan,
  lockPaymentPlan,
  openPaymentPlan,
  type PaymentPlan,
  planInstalmentStatuses,
  settlePaymentPlan,
} from '../adapters/db/payment-plans.js';
import { recordPaymentPromise } from '../adapters/db/payment-promises.js';
import type { DB, Queryable } from '../adapters/db/schema.js';
import { getSlackSettings, type SlackDefaults } from '../adapters/db/slack-settings.js';
import {
  type PlanPostInput,
  planNotice,
  planProposalMessage,
} from '../adapters/slack/blocks/payment-plan.js';
import { clampNote } from '../domain/audit-notes.js';
import { addDays } from '../domain/calendar.js';
import type { IsoDate } from '../domain/ledger.js';
import { formatMoneyForTeam } from '../domain/money.js';
import {
  checkInstalments,
  type InstalmentOutcome,
  instalmentsText,
  planScope,
  planState,
  proposeInstalments,
} from '../domain/payment-plan.js';
import { type Actor, enqueueXeroNotes } from './decide-reminder.js';
import { handleCustomerReplyIn } from './handle-reply.js';
import { customerThread, enqueueSlackPost } from './slack-posts.js';

/**
 * Payment plans (#18 part 5). A collector proposes instalments for a customer's balance (from a reply asking for a
 * plan, or on their own); chasing pauses at once; a manager approves or rejects in the escalation channel.
 * Approved, each instalment becomes a promise to pay (payment_promises, source 'plan') judged by the ledger like
 * any promise; the plan completes when every instalment is kept and breaks at the first one missed or part paid,
 * and chasing resumes. Every step is audited, noted in Xero History once, and said in the customer's card thread.
 */

/** The first instalment of a proposed split: a week out gives the customer a pay run to arrange it. */
const FIRST_INSTALMENT_AFTER_DAYS = 7;

export type PlanFormOutcome =
  | {
      readonly kind: 'form';
      readonly customerName: string;
      readonly currency: string;
      readonly balance: string;
      readonly invoiceNumbers: readonly string[];
      readonly schedule: string;
    }
  | { readonly kind: 'open-plan'; readonly plan: PaymentPlan; readonly customerName: string }
  | { readonly kind: 'nothing-open'; readonly customerName: string }
  | { readonly kind: 'not-found' };

interface PlanTarget {
  readonly orgId: string;
  readonly contactId: string;
  /** The reply that asked for a plan, if the proposal comes from its suggestion card. */
  readonly replyId: string | null;
}

async function scopeOf(db: Queryable, t: PlanTarget) {
  let named: readonly string[] = [];
  if (t.replyId) {
    const reply = await getCustomerReply(db, t.replyId);
    if (!reply || reply.orgId !== t.orgId || reply.contactId !== t.contactId)
      return { kind: 'not-found' } as const;
    named = reply.invoiceIds;
  }
  const name = await contactName(db, t.orgId, t.contactId);
  if (name === null) return { kind: 'not-found' } as const;
  return {
    kind: 'ok',
    name,
    scope: planScope(await openInvoicesOf(db, t.orgId, t.contactId), named),
  } as const;
}

/** What the Propose-a-plan form shows: the balance it must settle and an even monthly split of it. */
export async function paymentPlanForm(
  db: Kysely<DB>,
  input: PlanTarget & { readonly asOf: IsoDate },
): Promise<PlanFormOutcome> {
  const found = await scopeOf(db, input);
  if (found.kind !== 'ok') return found;
  const open = await openPaymentPlan(db, input.orgId, input.contactId);
  if (open) return { kind: 'open-plan', plan: open, customerName: found.name };
  if (!found.scope) return { kind: 'nothing-open', customerName: found.name };
  const { scope } = found;
  return {
    kind: 'form',
    customerName: found.name,
    currency: scope.currency,
    balance: scope.balance,
    invoiceNumbers: scope.numbers,
    schedule: instalmentsText(
      proposeInstalments(scope.balance, scope.currency, addDays(input.asOf, FIRST_INSTALMENT_AFTER_DAYS)),
    ),
  };
}

export type ProposeOutcome =
  | {
      readonly kind: 'proposed';
      readonly planId: number;
      readonly customerName: string;
      readonly where: string;
    }
  | { readonly kind: 'invalid'; readonly error: string }
  | { readonly kind: 'forbidden'; readonly reason: string }
  | Exclude<PlanFormOutcome, { kind: 'form' }>;

/** Another collector's proposal won the race for the customer's one open plan: the transaction is undone. */
class PlanTaken extends Error {}

/**
 * Stores a proposal checked against the balance as the ledger has it now, pauses the customer (the plan's own
 * hold), marks the reply that asked for it handled, and posts the proposal with Approve and Reject to the
 * escalation channel (the queue channel when there is none).
 */
export async function proposePaymentPlan(
  db: Kysely<DB>,
  input: PlanTarget & {
    readonly schedule: string;
    readonly actor: Actor;
    readonly asOf: IsoDate;
    readonly now: Date;
    readonly slackDefaults: SlackDefaults;
  },
): Promise<ProposeOutcome> {
  if (!input.actor.isCollector)
    return { kind: 'forbidden', reason: 'Only collectors and managers can propose a payment plan.' };
  const found = await scopeOf(db, input);
  if (found.kind !== 'ok') return found;
  if (!found.scope) return { kind: 'nothing-open', customerName: found.name };
  const { scope, name } = found;
  const checked = checkInstalments(input.schedule, scope.balance, scope.currency, input.asOf);
  if (!checked.ok) return { kind: 'invalid', error: checked.error };
  const instalments = checked.instalments;
  try {
    return await db.transaction().execute(async (trx) => {
      const open = await openPaymentPlan(trx, input.orgId, input.contactId);
      if (open) return { kind: 'open-plan', plan: open, customerName: name } as const;
      const holdId = await addCustomerHold(trx, {
        orgId: input.orgId,
        contactId: input.contactId,
        kind: 'pause',
        until: null,
        reason: 'payment plan proposed, waiting for a manager',
        actor: { id: input.actor.id, name: input.actor.name },
        now: input.now,
      });
      const planId = await insertPaymentPlan(trx, {
        orgId: input.orgId,
        contactId: input.contactId,
        invoiceIds: scope.invoiceIds,
        currency: scope.currency,
        balance: scope.balance,
        instalments,
        replyId: input.replyId,
        holdId,
        actor: { id: input.actor.id, name: input.actor.name },
        now: input.now,
      });
      if (planId === null) throw new PlanTaken();
      if (input.replyId) {
        // The reply asked for a plan and the collector answered with one: it no longer waits for anyone.
        await handleCustomerReplyIn(trx, {
          replyId: input.replyId,
          actor: input.actor,
          outcome: 'payment_plan_proposed',
          now: input.now,
        });
      }
      await recordAuditEvent(trx, {
        orgId: input.orgId,
        occurredAt: input.now,
        actor: { type: 'user', id: input.actor.id, name: input.actor.name },
        action: 'payment_plan.proposed',
        subject: { type: 'payment_plan', id: String(planId) },
        payload: {
          contactId: input.contactId,
          customer: name,
          currency: scope.currency,
          balance: scope.balance,
          invoiceIds: scope.invoiceIds,
          instalments,
          replyId: input.replyId,
          holdId,
        },
      });
      const post: PlanPostInput = {
        orgId: input.orgId,
        planId,
        customerName: name,
        currency: scope.currency,
        balance: scope.balance,
        instalments,
        proposedByName: input.actor.name,
        fromReply: input.replyId !== null,
      };
      const settings = await getSlackSettings(trx, input.orgId, input.slackDefaults);
      const channel = settings.escalationChannel ?? settings.queueChannel;
      if (channel) {
        await enqueueSlackPost(trx, {
          orgId: input.orgId,
          key: `plan:${planId}:proposal`,
          channel,
          message: planProposalMessage(post),
          now: input.now,
        });
      }
      await tellCustomerThread(trx, input, `plan:${planId}:proposed`, input.now, {
        text: `${input.actor.name} proposed a payment plan for ${name}: ${formatMoneyForTeam(scope.balance, scope.currency)} in ${instalments.length} instalments. Chasing is paused until a manager decides.`,
        slackDefaults: input.slackDefaults,
      });
      return {
        kind: 'proposed',
        planId,
        customerName: name,
        where: channel ? `<#${channel}>` : 'nowhere (no escalation or queue channel is set up)',
      } as const;
    });
  } catch (err) {
    if (err instanceof PlanTaken) {
      const open = await openPaymentPlan(db, input.orgId, input.contactId);
      if (open) return { kind: 'open-plan', plan: open, customerName: name };
    }
    throw err;
  }
}

export type PlanDecisionOutcome =
  | { readonly kind: 'approved' | 'rejected'; readonly post: PlanPostInput }
  | { readonly kind: 'already'; readonly status: string; readonly byName: string | null }
  | { readonly kind: 'forbidden'; readonly reason: string }
  | { readonly kind: 'not-found' };

/**
 * A manager approves or rejects a proposal, once (the plan is locked; a second click or a second manager finds it
 * decided). Approved: each instalment is recorded as a promise to pay, superseding the customer's other active
 * promises, and the plan's hold stays until the plan ends. Rejected: the hold is released and chasing resumes.
 */
export async function decidePaymentPlanProposal(
  db: Kysely<DB>,
  input: {
    readonly orgId: string;
    readonly planId: number;
    readonly approve: boolean;
    readonly actor: Actor;
    readonly asOf: IsoDate;
    readonly now: Date;
    readonly slackDefaults: SlackDefaults;
  },
): Promise<PlanDecisionOutcome> {
  if (!input.actor.isManager)
    return { kind: 'forbidden', reason: 'Only AR managers can decide on a payment plan.' };
  return db.transaction().execute(async (trx) => {
    const plan = await lockPaymentPlan(trx, input.orgId, input.planId);
    if (!plan) return { kind: 'not-found' } as const;
    if (plan.status !== 'proposed')
      return { kind: 'already', status: plan.status, byName: plan.decidedByName } as const;
    const name = (await contactName(trx, input.orgId, plan.contactId)) ?? 'this customer';
    const actor = { id: input.actor.id, name: input.actor.name };
    await decidePaymentPlan(trx, plan.id, {
      status: input.approve ? 'approved' : 'rejected',
      actor,
      now: input.now,
    });
    const promiseIds: number[] = [];
    if (input.approve) {
      for (const [n, line] of plan.instalments.entries()) {
        const recorded = await recordPaymentPromise(
          trx,
          {
            orgId: input.orgId,
            contactId: plan.contactId,
            invoiceIds: plan.invoiceIds,
            earliest: line.due,
            latest: line.due,
            madeOn: input.asOf,
            amount: line.amount,
            currency: plan.currency,
            source: 'plan',
            replyId: plan.replyId,
            // The plan's own hold pauses chasing for the whole plan; an instalment has none of its own.
            holdId: null,
            planId: plan.id,
            instalment: n + 1,
            actor,
            now: input.now,
          },
          promiseIds,
        );
        promiseIds.push(recorded.id);
        for (const older of recorded.rescheduled)
          if (older.holdId !== null) await releaseHold(trx, older.holdId, input.actor.id, input.now);
      }
    } else if (plan.holdId !== null) {
      await releaseHold(trx, plan.holdId, input.actor.id, input.now);
    }
    const summary = `${formatMoneyForTeam(plan.balance, plan.currency)} in ${plan.instalments.length} instalments (${plan.instalments
      .map((l) => `${l.due} ${formatMoneyForTeam(l.amount, plan.currency)}`)
      .join(', ')})`;
    await recordAuditEvent(trx, {
      orgId: input.orgId,
      occurredAt: input.now,
      actor: { type: 'user', id: input.actor.id, name: input.actor.name },
      action: input.approve ? 'payment_plan.approved' : 'payment_plan.rejected',
      subject: { type: 'payment_plan', id: String(plan.id) },
      payload: { contactId: plan.contactId, customer: name, proposedBy: plan.proposedByName, promiseIds },
    });
    await enqueueXeroNotes(
      trx,
      { orgId: input.orgId, contactId: plan.contactId, invoiceIds: [...plan.invoiceIds] },
      clampNote(
        input.approve
          ? `Payment plan approved in Slack by ${input.actor.name} (proposed by ${plan.proposedByName}): ${summary} (AR Copilot).`
          : `Payment plan of ${summary} proposed by ${plan.proposedByName} rejected in Slack by ${input.actor.name}; chasing resumes (AR Copilot).`,
      ),
      `plan:${plan.id}:decided`,
      input.now,
    );
    await tellCustomerThread(
      trx,
      { orgId: input.orgId, contactId: plan.contactId },
      `plan:${plan.id}:decided`,
      input.now,
      {
        text: input.approve
          ? `${input.actor.name} approved the payment plan for ${name}: each instalment is tracked as a promise to pay; a missed one ends the plan and chasing resumes.`
          : `${input.actor.name} rejected the payment plan for ${name}; chasing resumes on the next run.`,
        slackDefaults: input.slackDefaults,
      },
    );
    return {
      kind: input.approve ? 'approved' : 'rejected',
      post: {
        orgId: input.orgId,
        planId: plan.id,
        customerName: name,
        currency: plan.currency,
        balance: plan.balance,
        instalments: plan.instalments,
        proposedByName: plan.proposedByName,
        fromReply: plan.replyId !== null,
      },
    } as const;
  });
}

/**
 * After one of a plan's instalments is judged by the ledger (called in the same transaction): a missed or part-paid
 * instalment breaks the plan (its other instalments are cancelled, its hold released, the managers told); every
 * instalment kept completes it. Returns what became of the plan; null when it was not running.
 */
export async function settlePlanAfterInstalment(
  trx: Transaction<DB>,
  input: {
    readonly orgId: string;
    readonly planId: number;
    readonly now: Date;
    readonly slackDefaults: SlackDefaults;
  },
): Promise<'completed' | 'broken' | 'on_track' | null> {
  const plan = await lockPaymentPlan(trx, input.orgId, input.planId);
  if (!plan || plan.status !== 'approved') return null;
  const statuses = await planInstalmentStatuses(trx, plan.id);
  const outcomes = statuses.map(
    (s): InstalmentOutcome => (s === 'active' ? 'pending' : (s as InstalmentOutcome)),
  );
  const state = planState(outcomes);
  if (state === 'on_track') return state;
  await settlePaymentPlan(trx, plan.id, state, input.now);
  const cancelled = state === 'broken' ? await cancelPlanInstalments(trx, plan.id, input.now) : 0;
  if (plan.holdId !== null) await releaseHold(trx, plan.holdId, null, input.now);
  const name = (await contactName(trx, input.orgId, plan.contactId)) ?? 'this customer';
  const kept = outcomes.filter((o) => o === 'kept').length;
  const text =
    state === 'completed'
      ? `${name} completed their payment plan: all ${plan.instalments.length} instalments paid.`
      : `${name} missed an instalment of their payment plan (${kept} of ${plan.instalments.length} paid): the plan has ended and chasing resumes.`;
  await recordAuditEvent(trx, {
    orgId: input.orgId,
    occurredAt: input.now,
    actor: { type: 'system', id: 'promise-tracker', name: 'Promise tracker' },
    action: state === 'completed' ? 'payment_plan.completed' : 'payment_plan.broken',
    subject: { type: 'payment_plan', id: String(plan.id) },
    payload: { contactId: plan.contactId, outcomes, cancelledInstalments: cancelled },
  });
  await enqueueXeroNotes(
    trx,
    { orgId: input.orgId, contactId: plan.contactId, invoiceIds: [...plan.invoiceIds] },
    clampNote(
      state === 'completed'
        ? `Payment plan completed: all ${plan.instalments.length} instalments paid (AR Copilot).`
        : `Payment plan ended: an instalment was missed (${kept} of ${plan.instalments.length} paid); reminders resume (AR Copilot).`,
    ),
    `plan:${plan.id}:${state}`,
    input.now,
  );
  if (state === 'broken') {
    const settings = await getSlackSettings(trx, input.orgId, input.slackDefaults);
    if (settings.escalationChannel) {
      await enqueueSlackPost(trx, {
        orgId: input.orgId,
        key: `plan:${plan.id}:broken`,
        channel: settings.escalationChannel,
        message: planNotice(`:warning: ${text}`),
        now: input.now,
      });
    }
  }
  await tellCustomerThread(
    trx,
    { orgId: input.orgId, contactId: plan.contactId },
    `plan:${plan.id}:${state}:thread`,
    input.now,
    {
      text,
      slackDefaults: input.slackDefaults,
    },
  );
  return state;
}

/** A line in the customer's latest card thread, or the queue channel when they have no card yet. */
async function tellCustomerThread(
  trx: Transaction<DB>,
  target: { readonly orgId: string; readonly contactId: string },
  key: string,
  now: Date,
  what: { readonly text: string; readonly slackDefaults: SlackDefaults },
): Promise<void> {
  const where = await customerThread(trx, target.orgId, target, what.slackDefaults);
  if (!where) return;
  await enqueueSlackPost(trx, {
    orgId: target.orgId,
    key: `${key}:notice`,
    ...where,
    message: planNotice(what.text),
    now,
  });
}
