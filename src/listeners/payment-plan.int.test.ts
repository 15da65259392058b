import { describe, expect, it } from 'vitest';
import { listAuditEvents } from '../adapters/db/audit-events.js';
import { listActiveHolds } from '../adapters/db/dunning-queries.js';
import { openPaymentPlan } from '../adapters/db/payment-plans.js';
import { ACTION, VIEW } from '../adapters/slack/blocks/ids.js';
import { PLAN_BLOCK, PLAN_INPUT } from '../adapters/slack/blocks/payment-plan.js';
import { blocksAsText } from '../adapters/slack/blocks/plain-text.js';
import {
  SANDBOX_DEFAULTS,
  type SandboxMessage,
  validateMessageBlocks,
  validateView,
} from '../sandbox/slack/index.js';
import { DUNNING_ORG_ID } from '../testing/dunning-fixtures.js';
import { insertSyncedPayment } from '../testing/ledger-fixtures.js';
import { buttonOf, clickButton, type ReplyApp, useReplyApp } from '../testing/reply-app.js';
import type { TestDatabase } from '../testing/test-database.js';
import { slackDefaults } from '../use-cases/daily-digest.js';
import { proposePaymentPlan } from '../use-cases/payment-plans.js';
import { wiring } from '../wiring.js';

/**
 * Payment plans (#18 part 5) through Bolt's real receiver: a collector proposes instalments from the customer
 * view, chasing pauses, a manager approves in the escalation channel (a collector cannot), and each instalment
 * becomes a promise to pay; the plan completes when all are kept and breaks at the first one missed.
 */

const { collector1, collector2, manager } = SANDBOX_DEFAULTS.users;
const QUEUE = SANDBOX_DEFAULTS.channels.queue.id;
const ESCALATIONS = SANDBOX_DEFAULTS.channels.escalations.id;

let database: TestDatabase;
let app: ReplyApp;
useReplyApp((a, d) => {
  app = a;
  database = d;
});

const textOf = (m: { blocks?: unknown[] }) => blocksAsText((m.blocks ?? []) as never);

/** `/ar customer acme` as a collector, then "Propose a payment plan": the modal that opens. */
async function openPlanModal(userId = collector1.id) {
  await app.harness.slack.command({ text: 'customer acme', userId, channelId: QUEUE });
  const view = app.harness.sandbox.ephemerals({ channel: QUEUE, user: userId }).at(-1)!;
  expect(textOf(view)).toContain('Acme Ltd');
  await app.harness.slack.blockAction({
    userId,
    fromEphemeral: { channel: QUEUE, ts: view.ts },
    actions: [buttonOf(view, ACTION.planPropose)],
  });
  const modal = app.harness.sandbox.openViews(userId).at(-1)!;
  expect(modal.view.callback_id).toBe(VIEW.paymentPlan);
  expect(validateView(modal.view)).toEqual([]);
  return modal;
}

const submitPlan = (modalId: string, schedule: string, userId = collector1.id) =>
  app.harness.slack.viewSubmission({
    userId,
    fromView: modalId,
    values: { [PLAN_BLOCK]: { [PLAN_INPUT]: { type: 'plain_text_input', value: schedule } } },
  });

const proposalPost = () => {
  const post = app.harness.sandbox
    .messages(ESCALATIONS)
    .find((m) => m.text.startsWith('Payment plan for Acme'));
  expect(post).toBeDefined();
  expect(validateMessageBlocks(post!.blocks)).toEqual([]);
  return post!;
};

const clickOn = (userId: string, m: SandboxMessage, actionId: string) =>
  clickButton(app, userId, m, actionId);

const planPromises = () =>
  database.db
    .selectFrom('payment_promises')
    .select(['id', 'earliest', 'latest', 'amount', 'currency', 'source', 'instalment', 'status', 'plan_id'])
    .where('contact_id', '=', 'c-acme')
    .orderBy('instalment')
    .execute();

describe('a payment plan', () => {
  it('proposed from the customer view (checked against the balance), paused at once, approved once by a manager, each instalment a promise', async () => {
    const modal = await openPlanModal();
    // Acme owes NZ$750.00 (INV-A1 500, INV-A2 250); today is 2026-11-23 in Auckland: three months from a week out.
    const initial = JSON.stringify(modal.view.blocks);
    expect(initial).toContain('2026-11-30 250.00\\n2026-12-30 250.00\\n2027-01-30 250.00');
    expect(textOf({ blocks: modal.view.blocks as unknown[] })).toContain('NZ$750.00');

    const short = await submitPlan(modal.id, '2026-11-30 400\n2026-12-14 300');
    expect(short.json()).toMatchObject({
      response_action: 'errors',
      errors: { [PLAN_BLOCK]: 'The instalments add up to 700.00 NZD; the balance is 750.00 NZD.' },
    });
    const past = await submitPlan(modal.id, '2026-11-01 750');
    expect(past.json()).toMatchObject({ errors: { [PLAN_BLOCK]: expect.stringContaining('in the past') } });
    expect(await openPaymentPlan(database.db, DUNNING_ORG_ID, 'c-acme')).toBeNull();

    const ok = await submitPlan(modal.id, '2026-11-30 400.00\n2026-12-14 350.00');
    expect(ok.status).toBe(200);
    expect(ok.body).toBe('');
    const plan = await openPaymentPlan(database.db, DUNNING_ORG_ID, 'c-acme');
    expect(plan).toMatchObject({
      status: 'proposed',
      currency: 'NZD',
      balance: expect.stringMatching(/^750\.00?0*$/),
      invoiceIds: ['i-a1', 'i-a2'],
      instalments: [
        { due: '2026-11-30', amount: '400.00' },
        { due: '2026-12-14', amount: '350.00' },
      ],
    });
    // Chasing pauses at once, before any manager has looked.
    const holds = await listActiveHolds(database.db, DUNNING_ORG_ID, 'c-acme');
    expect(holds.map((h) => [h.kind, h.reason])).toContainEqual([
      'pause',
      'payment plan proposed, waiting for a manager',
    ]);

    await app.drain();
    const post = proposalPost();
    expect(textOf(post)).toContain('1. 2026-11-30: NZ$400.00\n2. 2026-12-14: NZ$350.00');
    expect(
      app.harness.sandbox.messages(ESCALATIONS).filter((m) => m.text.startsWith('Payment plan for Acme')),
    ).toHaveLength(1);

    // A collector cannot approve: refused, said and audited; nothing changes.
    await clickOn(collector2.id, post, ACTION.planApprove);
    expect(app.harness.sandbox.ephemerals({ user: collector2.id }).at(-1)!.text).toContain(
      'Only AR managers can approve a payment plan',
    );
    expect(await listAuditEvents(database.db, { action: 'access.denied' })).toHaveLength(1);
    expect((await openPaymentPlan(database.db, DUNNING_ORG_ID, 'c-acme'))!.status).toBe('proposed');

    // What a second manager still has on screen: the post as it was before the first approval.
    const stale = { ts: post.ts, blocks: structuredClone(post.blocks) as unknown[] };
    await clickOn(manager.id, post, ACTION.planApprove);
    const decided = app.harness.sandbox.messages(ESCALATIONS).find((m) => m.ts === post.ts)!;
    expect(textOf(decided)).toContain('Approved by');
    expect(JSON.stringify(decided.blocks)).not.toContain(ACTION.planApprove);
    // A second click (or a second manager) changes nothing.
    await app.harness.slack.blockAction({
      userId: manager.id,
      message: stale,
      channelId: ESCALATIONS,
      actions: [buttonOf(stale, ACTION.planApprove)],
    });
    expect(app.harness.sandbox.ephemerals({ user: manager.id }).at(-1)!.text).toContain(
      'This plan was already approved',
    );

    const promises = await planPromises();
    expect(
      promises.map((p) => [
        p.instalment,
        p.earliest,
        p.latest,
        Number(p.amount),
        p.currency,
        p.source,
        p.status,
      ]),
    ).toEqual([
      [1, '2026-11-30', '2026-11-30', 400, 'NZD', 'plan', 'active'],
      [2, '2026-12-14', '2026-12-14', 350, 'NZD', 'plan', 'active'],
    ]);
    expect(new Set(promises.map((p) => Number(p.plan_id)))).toEqual(new Set([plan!.id]));
    expect(await listAuditEvents(database.db, { action: 'payment_plan.approved' })).toHaveLength(1);

    await app.drain();
    for (const doc of ['i-a1', 'i-a2', 'c-acme']) {
      const notes = (app.notes.get(doc) ?? []).filter((n) => n.startsWith('Payment plan approved'));
      expect(notes).toHaveLength(1);
      expect(notes[0]).toContain('NZ$750.00 in 2 instalments (2026-11-30 NZ$400.00, 2026-12-14 NZ$350.00)');
    }
  });

  it('rejected by a manager: the pause is released and chasing resumes; noted once', async () => {
    const modal = await openPlanModal();
    expect((await submitPlan(modal.id, '2026-12-20 750')).status).toBe(200);
    await app.drain();
    await clickOn(manager.id, proposalPost(), ACTION.planReject);
    const holds = await listActiveHolds(database.db, DUNNING_ORG_ID, 'c-acme');
    expect(holds.filter((h) => h.reason?.startsWith('payment plan'))).toEqual([]);
    expect(await openPaymentPlan(database.db, DUNNING_ORG_ID, 'c-acme')).toBeNull();
    expect(await planPromises()).toEqual([]);
    await app.drain();
    expect((app.notes.get('c-acme') ?? []).filter((n) => n.includes('rejected in Slack by'))).toHaveLength(1);
  });

  it('two collectors proposing at once end with one plan; a second proposal is refused while one waits', async () => {
    const actor = (u: { id: string; name: string }) => ({
      id: u.id,
      name: u.name,
      isCollector: true,
      isManager: false,
    });
    const propose = (u: { id: string; name: string }, schedule: string) =>
      proposePaymentPlan(database.db, {
        orgId: DUNNING_ORG_ID,
        contactId: 'c-acme',
        replyId: null,
        schedule,
        actor: actor(u),
        asOf: '2026-11-23',
        now: app.clock.now(),
        slackDefaults: slackDefaults(app.ctx),
      });
    const [a, b] = await Promise.all([
      propose(collector1, '2026-12-01 750'),
      propose(collector2, '2026-12-02 750'),
    ]);
    expect([a.kind, b.kind].sort()).toEqual(['open-plan', 'proposed']);
    const plans = await database.db.selectFrom('payment_plans').select(['id']).execute();
    expect(plans).toHaveLength(1);
    const pauses = (await listActiveHolds(database.db, DUNNING_ORG_ID, 'c-acme')).filter(
      (h) => h.kind === 'pause',
    );
    expect(pauses).toHaveLength(1);
  });

  it('tracked by the morning from the ledger: an instalment paid keeps the plan running, the next one missed ends it (instalments cancelled, pause released, managers told once)', async () => {
    const modal = await openPlanModal();
    await submitPlan(modal.id, '2026-11-30 250\n2026-12-30 250\n2027-01-29 250');
    await app.drain();
    await clickOn(manager.id, proposalPost(), ACTION.planApprove);
    const plan = (await openPaymentPlan(database.db, DUNNING_ORG_ID, 'c-acme'))!;
    const morning = async (iso: string) => {
      const now = new Date(iso);
      app.clock.set(now);
      await wiring.runMorning(app.ctx, DUNNING_ORG_ID, now);
      await app.drain();
    };

    // The first instalment is paid on its day; judged on Thursday 3 December, after two business days' grace.
    await insertSyncedPayment(database.db, DUNNING_ORG_ID, {
      invoiceId: 'i-a1',
      date: '2026-11-30',
      amount: '250.00',
    });
    await morning('2026-12-02T20:00:00Z');
    expect((await planPromises()).map((p) => p.status)).toEqual(['kept', 'active', 'active']);
    expect((await openPaymentPlan(database.db, DUNNING_ORG_ID, 'c-acme'))!.status).toBe('approved');
    // Still paused: the plan runs, whatever the planner would otherwise do.
    expect(
      (await listActiveHolds(database.db, DUNNING_ORG_ID, 'c-acme')).some((h) => h.id === plan.holdId),
    ).toBe(true);

    // Nothing for the second (Wednesday 30 December); its grace runs over New Year (31 December, then Monday 4
    // January), so it is judged on Tuesday 5 January 2027.
    await morning('2027-01-04T20:00:00Z');
    await morning('2027-01-04T20:00:00Z'); // a second run (or instance) changes nothing
    expect((await planPromises()).map((p) => p.status)).toEqual(['kept', 'broken', 'cancelled']);
    expect(await openPaymentPlan(database.db, DUNNING_ORG_ID, 'c-acme')).toBeNull();
    const [row] = await database.db.selectFrom('payment_plans').select(['status']).execute();
    expect(row!.status).toBe('broken');
    expect(
      (await listActiveHolds(database.db, DUNNING_ORG_ID, 'c-acme')).some((h) => h.id === plan.holdId),
    ).toBe(false);
    const told = app.harness.sandbox
      .messages(ESCALATIONS)
      .filter((m) => m.text.includes('missed an instalment'));
    expect(told).toHaveLength(1);
    expect(told[0]!.text).toContain('Acme Ltd missed an instalment of their payment plan (1 of 3 paid)');
    // One escalation for the missed instalment: the plan's end, not also a broken promise.
    expect(app.harness.sandbox.messages(ESCALATIONS).filter((m) => /broke|broken/i.test(m.text))).toEqual([]);
    expect((app.notes.get('c-acme') ?? []).filter((n) => n.startsWith('Payment plan ended'))).toHaveLength(1);
    expect(await listAuditEvents(database.db, { action: 'payment_plan.broken' })).toHaveLength(1);
  });

  it('completes when every instalment is kept', async () => {
    const modal = await openPlanModal();
    await submitPlan(modal.id, '2026-11-30 500\n2026-12-14 250');
    await app.drain();
    await clickOn(manager.id, proposalPost(), ACTION.planApprove);
    await insertSyncedPayment(database.db, DUNNING_ORG_ID, {
      invoiceId: 'i-a1',
      date: '2026-11-27',
      amount: '500.00',
    });
    await insertSyncedPayment(database.db, DUNNING_ORG_ID, {
      invoiceId: 'i-a2',
      date: '2026-12-14',
      amount: '250.00',
    });
    for (const iso of ['2026-12-02T20:00:00Z', '2026-12-16T20:00:00Z']) {
      app.clock.set(new Date(iso));
      await wiring.runMorning(app.ctx, DUNNING_ORG_ID, new Date(iso));
      await app.drain();
    }
    expect((await planPromises()).map((p) => p.status)).toEqual(['kept', 'kept']);
    const [row] = await database.db.selectFrom('payment_plans').select(['status']).execute();
    expect(row!.status).toBe('completed');
    expect(
      (await listActiveHolds(database.db, DUNNING_ORG_ID, 'c-acme')).filter((h) => h.kind === 'pause'),
    ).toEqual([]);
    expect(
      (app.notes.get('c-acme') ?? []).filter((n) => n.startsWith('Payment plan completed')),
    ).toHaveLength(1);
  });
});
