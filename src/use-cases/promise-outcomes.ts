import type { Kysely } from 'kysely';
import { recordAuditEvent } from '../adapters/db/audit-events.js';
import { contactName } from '../adapters/db/customer-replies.js';
import { getDunningPolicy, releaseHold } from '../adapters/db/dunning-queries.js';
import { loadLedger } from '../adapters/db/ledger-queries.js';
import { getPaymentPlan, type PaymentPlan } from '../adapters/db/payment-plans.js';
import {
  countBrokenPromises,
  listPaymentPromises,
  type PaymentPromiseRecord,
  settlePaymentPromise,
} from '../adapters/db/payment-promises.js';
import type { DB } from '../adapters/db/schema.js';
import { getSlackSettings, type SlackDefaults } from '../adapters/db/slack-settings.js';
import { getSyncState } from '../adapters/db/xero-sync-state.js';
import { money } from '../adapters/slack/blocks/kit.js';
import {
  brokenPromisesEscalation,
  type PromiseLine,
  promiseOutcomeMessage,
  promiseWords,
} from '../adapters/slack/blocks/promises.js';
import type { AppContext } from '../context.js';
import { clampNote } from '../domain/audit-notes.js';
import { localDateOf } from '../domain/calendar.js';
import { calendarOf } from '../domain/dunning-planner.js';
import type { IsoDate, Ledger } from '../domain/ledger.js';
import { ledgerAge } from '../domain/ledger-freshness.js';
import { dec } from '../domain/money.js';
import {
  instalmentOutcome,
  type PromiseOutcome,
  promiseOutcome,
  shortfall,
} from '../domain/promise-outcome.js';
import { slackDefaults } from './daily-digest.js';
import { enqueueXeroNotes } from './decide-reminder.js';
import { settlePlanAfterInstalment } from './payment-plans.js';
import { customerThread, enqueueSlackPost } from './slack-posts.js';

export interface PromiseEvaluationDeps {
  readonly db: Kysely<DB>;
  /** Whether Slack is configured: the posts are queued only then. */
  readonly slack: boolean;
  readonly slackDefaults: SlackDefaults;
}

export type PromiseEvaluationRun =
  | {
      readonly kind: 'evaluated';
      readonly asOf: IsoDate;
      readonly pending: number;
      readonly settled: { readonly kept: number; readonly part_kept: number; readonly broken: number };
      /** Judged here but settled by another instance first. */
      readonly alreadySettled: number;
      readonly escalated: number;
    }
  | { readonly kind: 'skipped'; readonly reason: string };

type Judged = Extract<PromiseOutcome, { kind: 'kept' | 'part_kept' | 'broken' }>;

const SYSTEM = { type: 'system', id: 'promise-tracker', name: 'Promise tracker' } as const;

/**
 * The morning's judgement of promises to pay (#18 part 4), before planning, in the organisation's zone:
 * 1. a stale ledger judges nothing (a customer may have paid since the last complete sync: that is not broken);
 * 2. each active promise whose grace is over gets its outcome from the ledger (domain/promise-outcome.ts);
 * 3. per promise, in one transaction: settle it (only if still active: a second instance settles nothing), release
 *    its hold, audit, note the covered invoices and the contact in Xero History once, post the verdict in the
 *    customer's card thread (or the queue channel), and escalate a broken one when the customer's broken
 *    promises reach the policy's threshold.
 */
export async function evaluatePromises(
  deps: PromiseEvaluationDeps,
  input: { readonly orgId: string; readonly now: Date },
): Promise<PromiseEvaluationRun> {
  const { db } = deps;
  const active = await listPaymentPromises(db, input.orgId, { statuses: ['active'] });
  if (active.length === 0) return { kind: 'skipped', reason: 'no active promises' };
  const stored = await getDunningPolicy(db, input.orgId);
  const sync = await getSyncState(db, input.orgId, input.now.getTime());
  if (ledgerAge(sync?.lastCompleteAt ?? null, input.now, stored.policy.staleLedgerHours)?.stale)
    return { kind: 'skipped', reason: 'the ledger is stale: promises are judged after a sync completes' };
  const ledger = await loadLedger(db, input.orgId);
  const asOf = localDateOf(input.now, ledger.organisation.timezone);
  const grace = {
    graceBusinessDays: stored.policy.promiseGraceBusinessDays,
    calendar: calendarOf(stored.policy),
  };
  const settled = { kept: 0, part_kept: 0, broken: 0 };
  let pending = 0;
  let alreadySettled = 0;
  let escalated = 0;
  // A plan's instalments are judged together: each counts what the payments left after the ones before it.
  const plans = new Map<number, PaymentPlan | null>();
  const judge = async (p: PaymentPromiseRecord): Promise<PromiseOutcome> => {
    if (p.planId === null || p.instalment === null || p.amount === null)
      return promiseOutcome(p, ledger, asOf, grace);
    if (!plans.has(p.planId)) plans.set(p.planId, await getPaymentPlan(db, input.orgId, p.planId));
    const before = (plans.get(p.planId)?.instalments ?? [])
      .slice(0, p.instalment - 1)
      .reduce((t, l) => t.plus(dec(l.amount)), dec(0));
    return instalmentOutcome({ ...p, amount: p.amount }, before.toString(), ledger, asOf, grace);
  };
  // Oldest first: a plan's earlier instalment is settled before a later one can end the plan.
  const inOrder = [...active].sort((a, b) => a.latest.localeCompare(b.latest) || a.id - b.id);
  for (const p of inOrder) {
    const outcome = await judge(p);
    if (outcome.kind === 'pending') {
      pending++;
      continue;
    }
    const done = await settleOne(deps, ledger, p, outcome, {
      threshold: stored.policy.escalation.brokenPromisesAtLeast,
      now: input.now,
    });
    if (done === 'already') alreadySettled++;
    else {
      settled[outcome.kind]++;
      if (done === 'escalated') escalated++;
    }
  }
  return { kind: 'evaluated', asOf, pending, settled, alreadySettled, escalated };
}

async function settleOne(
  deps: PromiseEvaluationDeps,
  ledger: Ledger,
  p: PaymentPromiseRecord,
  o: Judged,
  opts: { readonly threshold: number; readonly now: Date },
): Promise<'settled' | 'escalated' | 'already'> {
  const { now } = opts;
  return deps.db.transaction().execute(async (trx) => {
    // 1. Claim: whoever moves it from active settles it; the other instance stops here.
    if (!(await settlePaymentPromise(trx, p.id, { status: o.kind, paidAmount: o.paid, now })))
      return 'already';
    // 2. Chasing resumes (kept: nothing left to chase on these invoices; otherwise the sequence picks up again).
    if (p.holdId !== null) await releaseHold(trx, p.holdId, null, now);
    const customerName =
      (await contactName(trx, p.orgId, p.contactId)) ??
      ledger.contacts.find((c) => c.id === p.contactId)?.name ??
      'this customer';
    const line: PromiseLine = { ...p, customerName, currency: p.currency ?? o.currency };
    await recordAuditEvent(trx, {
      orgId: p.orgId,
      occurredAt: now,
      actor: SYSTEM,
      action: `promise.${o.kind}`,
      subject: { type: 'payment_promise', id: String(p.id) },
      payload: {
        contactId: p.contactId,
        earliest: p.earliest,
        latest: p.latest,
        madeOn: p.madeOn,
        amount: p.amount,
        currency: o.currency,
        paid: o.paid,
        needed: o.needed,
        stillDue: o.stillDue,
        judgedAfter: o.judgedAfter,
        invoiceIds: o.invoiceIds,
      },
    });
    // 3. Xero History, once per invoice and contact (the key names the promise).
    await enqueueXeroNotes(
      trx,
      { orgId: p.orgId, contactId: p.contactId, invoiceIds: [...o.invoiceIds] },
      promiseNote(line, o),
      `promise:${p.id}:${o.kind}`,
      now,
    );
    // A payment plan's instalment: the plan completes or breaks with it (payment-plans.ts), and says so itself.
    const plan =
      p.planId === null
        ? null
        : await settlePlanAfterInstalment(trx, {
            orgId: p.orgId,
            planId: p.planId,
            now,
            slackDefaults: deps.slackDefaults,
          });
    if (!deps.slack) return 'settled';
    // 4. The verdict where the collector follows this customer.
    const settings = await getSlackSettings(trx, p.orgId, deps.slackDefaults);
    const where = await customerThread(trx, p.orgId, p, deps.slackDefaults);
    if (where) {
      await enqueueSlackPost(trx, {
        orgId: p.orgId,
        key: `promise:${p.id}:outcome`,
        ...where,
        message: promiseOutcomeMessage({
          orgId: p.orgId,
          promiseId: p.id,
          outcome: o.kind,
          promise: line,
          currency: o.currency,
          paid: o.paid,
          stillDue: o.kind === 'part_kept' ? shortfall(o) : o.stillDue,
        }),
        now,
      });
    }
    // A missed instalment is escalated as the plan's end (one post), not also as a broken promise.
    if (o.kind !== 'broken' || !settings.escalationChannel || plan === 'broken') return 'settled';
    // 5. Too many broken promises: a manager looks (the policy's threshold, counted from recorded outcomes).
    const broken = await countBrokenPromises(trx, p.orgId, p.contactId);
    if (broken < opts.threshold) return 'settled';
    await enqueueSlackPost(trx, {
      orgId: p.orgId,
      key: `promise:${p.id}:escalation`,
      channel: settings.escalationChannel,
      message: brokenPromisesEscalation({ customerName, broken, threshold: opts.threshold, promise: line }),
      now,
    });
    return 'escalated';
  });
}

const VERDICT: Record<Judged['kind'], string> = { kept: 'kept', part_kept: 'part-kept', broken: 'broken' };

/** No customer words: what was promised, when it was judged, what arrived. */
export function promiseNote(line: PromiseLine, o: Judged): string {
  const received = o.kind === 'broken' ? 'nothing received' : `${money(o.paid, o.currency)} received`;
  return clampNote(
    `Promise to pay ${promiseWords(line)} ${VERDICT[o.kind]}: ${received} by ${o.judgedAfter} (AR Copilot).`,
  );
}

/** The morning job's step: judged promises first, so the plan that follows resumes chasing the broken ones. */
export async function runPromiseEvaluation(
  ctx: Pick<AppContext, 'database' | 'config' | 'slack' | 'log'>,
  orgId: string,
  now: Date,
): Promise<PromiseEvaluationRun> {
  const run = await evaluatePromises(
    { db: ctx.database.db, slack: Boolean(ctx.slack), slackDefaults: slackDefaults(ctx) },
    { orgId, now },
  );
  if (run.kind === 'evaluated') ctx.log.info({ orgId, ...run }, 'promises evaluated');
  return run;
}
