import { describe, expect, it } from 'vitest';
import { listAuditEvents } from '../adapters/db/audit-events.js';
import { listActiveHolds } from '../adapters/db/dunning-queries.js';
import { EXCLUDE_BLOCK, EXCLUDE_INPUT } from '../adapters/slack/blocks/customer.js';
import { ACTION, VIEW } from '../adapters/slack/blocks/ids.js';
import { blocksAsText } from '../adapters/slack/blocks/plain-text.js';
import type { ChaseAction, SkipAction } from '../domain/dunning-planner.js';
import { SANDBOX_DEFAULTS, validateMessageBlocks, validateView } from '../sandbox/slack/index.js';
import { type ActionInput, createSlackRequestClient } from '../sandbox/slack/signed-client.js';
import { DUNNING_ORG_ID } from '../testing/dunning-fixtures.js';
import { buttonOf, type ReplyApp, useReplyApp } from '../testing/reply-app.js';
import { HARNESS_SIGNING_SECRET } from '../testing/slack-harness.js';
import type { TestDatabase } from '../testing/test-database.js';
import { currentGroupTiers } from '../use-cases/contact-group-tiers.js';
import { runDunning } from '../use-cases/run-dunning.js';

/**
 * Overrides, recorded (#19 part 4) through Bolt's real receiver: a manager sets a customer's tier or excludes them
 * from chasing on the customer card; the change is stored, audited, noted once in Xero History, and honoured by
 * the dunning plan, the lists people read and the contact groups until removed. Collectors are refused.
 */

const { collector1, manager } = SANDBOX_DEFAULTS.users;
const QUEUE = SANDBOX_DEFAULTS.channels.queue.id;
const BETA = 'c-beta';

let database: TestDatabase;
let app: ReplyApp;
useReplyApp((a, d) => {
  app = a;
  database = d;
});

const textOf = (m: { blocks?: unknown[] }) => blocksAsText((m.blocks ?? []) as never);
const lastEphemeral = (userId: string) =>
  app.harness.sandbox.ephemerals({ channel: QUEUE, user: userId }).at(-1)!;

/** `/ar customer beta`: the card as the user sees it (an ephemeral message in the queue channel). */
async function openCard(userId: string) {
  await app.harness.slack.command({ text: 'customer beta', userId, channelId: QUEUE });
  const card = lastEphemeral(userId);
  expect(textOf(card)).toContain('Beta Bakery');
  expect(validateMessageBlocks(card.blocks as unknown[])).toEqual([]);
  return card;
}

/** The "Set priority" select as a click sends it, with the option whose value ends in `choice`. */
function tierChoice(card: { blocks?: unknown }, choice: string): ActionInput {
  const block = (
    card.blocks as { type: string; block_id: string; elements?: Record<string, unknown>[] }[]
  ).find((b) => b.type === 'actions' && b.elements?.some((e) => e.action_id === ACTION.customerSetTier));
  expect(block, 'a Set priority select').toBeDefined();
  const select = block!.elements!.find((e) => e.action_id === ACTION.customerSetTier)!;
  const option = (select.options as { text: { type: 'plain_text'; text: string }; value: string }[]).find(
    (o) => o.value.endsWith(`|${choice}`),
  );
  expect(option, `option ${choice}`).toBeDefined();
  return {
    block_id: block!.block_id,
    action_id: ACTION.customerSetTier,
    type: 'static_select',
    selected_option: option!,
  };
}

const choose = (
  userId: string,
  card: { ts: string; blocks?: unknown },
  choice: string,
  client = app.harness.slack,
) =>
  client.blockAction({
    userId,
    fromEphemeral: { channel: QUEUE, ts: card.ts },
    actions: [tierChoice(card, choice)],
  });

const clickOnCard = (userId: string, card: { ts: string; blocks?: unknown[] }, actionId: string) =>
  app.harness.slack.blockAction({
    userId,
    fromEphemeral: { channel: QUEUE, ts: card.ts },
    actions: [buttonOf(card, actionId)],
  });

/** What the next dunning run would do for Beta (a dry run: nothing written). */
async function betaPlan() {
  const out = await runDunning(
    { db: database.db, drafter: null, hashInputs: () => 'h' },
    {
      orgId: DUNNING_ORG_ID,
      now: app.clock.now(),
      dryRun: true,
      messageDomain: 'harbour.example',
      senderName: 'Mere',
    },
  );
  return out.plan.actions.filter((a) => a.contactId === BETA);
}
const chaseOf = (actions: readonly (ChaseAction | SkipAction)[]) =>
  actions.find((a): a is ChaseAction => a.kind === 'chase');

const groupTier = async () =>
  (await currentGroupTiers(database.db, DUNNING_ORG_ID, app.clock.now())).desired.get(BETA);

const overrideRows = () =>
  database.db
    .selectFrom('customer_overrides')
    .select(['tier', 'set_by', 'set_by_name', 'removed_at', 'removed_by'])
    .where('contact_id', '=', BETA)
    .orderBy('id')
    .execute();

/** The History notes on Beta's Xero contact that start with `prefix`, once the outbox has run. */
async function betaNotes(prefix: string) {
  await app.drain();
  return (app.notes.get(BETA) ?? []).filter((n) => n.startsWith(prefix));
}

describe('a priority override', () => {
  it('set to High by a manager: stored, audited, noted once, planned and shown as High; cleared: back to computed', async () => {
    // Beta owes NZ$120.00, 3 days overdue: a Low customer on the Standard sequence's friendly step.
    const before = chaseOf(await betaPlan());
    expect(before).toMatchObject({ segment: 'Standard', step: { tone: 'friendly' } });
    expect(await groupTier()).toBe('low');

    const card = await openCard(manager.id);
    expect(textOf(card)).not.toContain('set by');
    await choose(manager.id, card, 'high');

    expect(await overrideRows()).toEqual([
      { tier: 'high', set_by: manager.id, set_by_name: 'Maria Manager', removed_at: null, removed_by: null },
    ]);
    const set = await listAuditEvents(database.db, { action: 'customer.tier_override_set' });
    expect(set).toHaveLength(1);
    expect(set[0]).toMatchObject({
      actor: { id: manager.id },
      subject: { type: 'contact', id: BETA },
      payload: { after: { tier: 'high' }, computed: 'low' },
    });
    // The card is drawn again, saying what happened and whose tier it is.
    const redrawn = lastEphemeral(manager.id);
    expect(redrawn.ts).toBe(card.ts);
    expect(textOf(redrawn)).toContain('priority set to High (was Low)');
    expect(textOf(redrawn)).toContain('High (set by Maria Manager; computed Low)');
    expect(await betaNotes('Collections:')).toEqual([
      'Collections: priority set to High by Maria Manager (was Low), until cleared (AR Copilot).',
    ]);

    // Planning: the High risk sequence (its firm step one day after due) instead of Standard's friendly one.
    expect(chaseOf(await betaPlan())).toMatchObject({ segment: 'High risk', step: { tone: 'firm' } });
    expect(await groupTier()).toBe('high');
    // The lists people read say it was set by hand.
    await app.harness.slack.command({ text: 'top', userId: manager.id, channelId: QUEUE });
    expect(textOf(lastEphemeral(manager.id))).toMatch(
      /Beta Bakery\* · :red_circle: High \(set by Maria Manager\)/,
    );

    // Clear: back to the computed tier everywhere; the row is kept, marked removed; one more note.
    await choose(manager.id, await openCard(manager.id), 'clear');
    const rows = await overrideRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.removed_at).not.toBeNull();
    expect(rows[0]!.removed_by).toBe(manager.id);
    expect(await listAuditEvents(database.db, { action: 'customer.tier_override_cleared' })).toHaveLength(1);
    expect(chaseOf(await betaPlan())).toMatchObject({ segment: 'Standard', step: { tone: 'friendly' } });
    expect(await groupTier()).toBe('low');
    expect(await betaNotes('Collections: priority override (High) cleared by Maria Manager')).toHaveLength(1);
    expect(await betaNotes('Collections:')).toHaveLength(2);
  });

  it('a double click changes nothing the second time and notes nothing twice', async () => {
    const card = await openCard(manager.id);
    const stale = structuredClone(card);
    await choose(manager.id, card, 'medium');
    await choose(manager.id, stale, 'medium');
    expect(textOf(lastEphemeral(manager.id))).toContain(
      'already set to Medium (by Maria Manager); nothing changed',
    );
    expect((await overrideRows()).map((r) => [r.tier, r.removed_at])).toEqual([['medium', null]]);
    expect(await listAuditEvents(database.db, { action: 'customer.tier_override_set' })).toHaveLength(1);
    expect(await betaNotes('Collections:')).toHaveLength(1);
    // Another tier replaces it: one row in force, the old one kept as removed.
    await choose(manager.id, stale, 'high');
    expect((await overrideRows()).map((r) => [r.tier, r.removed_at === null])).toEqual([
      ['medium', false],
      ['high', true],
    ]);
    expect(await betaNotes('Collections: priority set to High by Maria Manager (was Medium)')).toHaveLength(
      1,
    );
  });

  it('a collector (not a manager) is refused, told so and audited; nothing changes', async () => {
    const card = await openCard(collector1.id);
    await choose(collector1.id, card, 'high');
    expect(lastEphemeral(collector1.id).text).toBe(
      "Only AR managers can change a customer's priority. You are a collector; this attempt was recorded.",
    );
    const denied = await listAuditEvents(database.db, { action: 'access.denied' });
    expect(denied.map((e) => [e.actor.id, e.payload?.attempted, e.payload?.needed])).toEqual([
      [collector1.id, "change a customer's priority", 'manager'],
    ]);
    expect(await overrideRows()).toEqual([]);
    expect(await listAuditEvents(database.db, { action: 'customer.tier_override_set' })).toEqual([]);
    expect(await betaNotes('Collections:')).toEqual([]);
    expect(await groupTier()).toBe('low');

    // Excluding is refused at the click, before any form opens.
    await clickOnCard(collector1.id, card, ACTION.customerExclude);
    expect(lastEphemeral(collector1.id).text).toContain(
      'Only AR managers can exclude a customer from chasing',
    );
    expect(app.harness.sandbox.openViews(collector1.id)).toEqual([]);
    expect(await listAuditEvents(database.db, { action: 'access.denied' })).toHaveLength(2);
  });

  it('refuses a click from another workspace (audited) and one naming an organisation no longer connected', async () => {
    const card = await openCard(manager.id);
    const foreign = createSlackRequestClient({
      baseUrl: app.harness.url,
      signingSecret: HARNESS_SIGNING_SECRET,
      sandbox: app.harness.sandbox,
      teamId: 'T0ELSEWHERE',
    });
    await choose(manager.id, card, 'high', foreign);
    expect(lastEphemeral(manager.id).text).toContain('only in the workspace it is installed in');
    const denied = await listAuditEvents(database.db, { action: 'access.denied' });
    expect(denied.map((e) => [e.orgId, e.payload?.attempted])).toEqual([
      [null, "change a customer's priority from another workspace"],
    ]);

    const high = tierChoice(card, 'high');
    const gone = {
      ...high,
      selected_option: {
        ...high.selected_option!,
        value: high.selected_option!.value.replace(DUNNING_ORG_ID, 'gone-org'),
      },
    };
    await app.harness.slack.blockAction({
      userId: manager.id,
      fromEphemeral: { channel: QUEUE, ts: card.ts },
      actions: [gone],
    });
    expect(lastEphemeral(manager.id).text).toBe('That organisation is no longer connected.');
    // A value that is not one of the choices.
    await app.harness.slack.blockAction({
      userId: manager.id,
      fromEphemeral: { channel: QUEUE, ts: card.ts },
      actions: [
        { ...high, selected_option: { ...high.selected_option!, value: `${DUNNING_ORG_ID}|${BETA}|urgent` } },
      ],
    });
    expect(lastEphemeral(manager.id).text).toBe('That choice is no longer valid.');
    expect(await overrideRows()).toEqual([]);
  });
});

describe('excluding a customer from chasing', () => {
  it('asks why, holds do-not-contact, plans no reminder and shows Do not chase; resuming plans them again', async () => {
    expect(chaseOf(await betaPlan())).toBeDefined();
    const card = await openCard(manager.id);
    await clickOnCard(manager.id, card, ACTION.customerExclude);
    const modal = app.harness.sandbox.openViews(manager.id).at(-1)!;
    expect(modal.view.callback_id).toBe(VIEW.customerExclude);
    expect(validateView(modal.view)).toEqual([]);
    const submitted = await app.harness.slack.viewSubmission({
      userId: manager.id,
      fromView: modal.id,
      values: {
        [EXCLUDE_BLOCK]: {
          [EXCLUDE_INPUT]: {
            type: 'plain_text_input',
            value: '  In receivership;\n  talk to the receiver  ',
          },
        },
      },
    });
    expect(submitted.status).toBe(200);
    expect(submitted.body).toBe('');

    const holds = (await listActiveHolds(database.db, DUNNING_ORG_ID, BETA)).filter(
      (h) => h.kind === 'do_not_contact',
    );
    expect(holds.map((h) => [h.createdBy, h.reason, h.until, h.invoiceIds])).toEqual([
      [manager.id, 'In receivership; talk to the receiver', null, []],
    ]);
    expect(await listAuditEvents(database.db, { action: 'customer.excluded' })).toHaveLength(1);
    expect(await betaNotes('Collections:')).toEqual([
      'Collections: excluded from chasing by Maria Manager: In receivership; talk to the receiver. No reminders until chasing is resumed (AR Copilot).',
    ]);
    const plan = await betaPlan();
    expect(chaseOf(plan)).toBeUndefined();
    expect(plan).toEqual([expect.objectContaining({ kind: 'skip', code: 'do-not-contact' })]);
    expect(await groupTier()).toBe('do_not_chase');

    // Excluding again changes nothing and notes nothing.
    const again = await openCard(manager.id);
    expect(textOf(again)).toContain('Excluded from chasing');
    expect(JSON.stringify(again.blocks)).not.toContain(ACTION.customerExclude);
    await app.harness.slack.blockAction({
      userId: manager.id,
      fromEphemeral: { channel: QUEUE, ts: card.ts },
      actions: [buttonOf(card, ACTION.customerExclude)],
    });
    const second = app.harness.sandbox.openViews(manager.id).at(-1)!;
    await app.harness.slack.viewSubmission({
      userId: manager.id,
      fromView: second.id,
      values: { [EXCLUDE_BLOCK]: { [EXCLUDE_INPUT]: { type: 'plain_text_input', value: 'again' } } },
    });
    expect(
      (await listActiveHolds(database.db, DUNNING_ORG_ID, BETA)).filter((h) => h.kind === 'do_not_contact'),
    ).toHaveLength(1);
    expect(await betaNotes('Collections:')).toHaveLength(1);

    // Resume: released, planned again, back in its tier's group; noted once.
    await clickOnCard(manager.id, again, ACTION.customerResume);
    expect(textOf(lastEphemeral(manager.id))).toContain('Chasing Beta Bakery resumes from the next run');
    expect(
      (await listActiveHolds(database.db, DUNNING_ORG_ID, BETA)).filter((h) => h.kind === 'do_not_contact'),
    ).toEqual([]);
    expect(await listAuditEvents(database.db, { action: 'customer.exclusion_resumed' })).toHaveLength(1);
    expect(chaseOf(await betaPlan())).toMatchObject({ segment: 'Standard' });
    expect(await groupTier()).toBe('low');
    expect(await betaNotes('Collections: chasing resumed by Maria Manager')).toHaveLength(1);
  });
});

describe('from the customer card in a modal (Open from /ar top)', () => {
  it('updates the card in place, and excluding pushes the reason form over it', async () => {
    await app.harness.slack.command({ text: 'top', userId: manager.id, channelId: QUEUE });
    const top = lastEphemeral(manager.id);
    const open = (top.blocks as { accessory?: { action_id: string; value: string } }[]).find(
      (b) => b.accessory?.action_id === ACTION.openCustomer && b.accessory.value.endsWith(`|${BETA}`),
    )!;
    await app.harness.slack.blockAction({
      userId: manager.id,
      fromEphemeral: { channel: QUEUE, ts: top.ts },
      actions: [
        { block_id: 'x', action_id: ACTION.openCustomer, type: 'button', value: open.accessory!.value },
      ],
    });
    const card = app.harness.sandbox.openViews(manager.id).at(-1)!;
    expect(textOf({ blocks: card.view.blocks as unknown[] })).toContain('Beta Bakery');

    await app.harness.slack.blockAction({
      userId: manager.id,
      fromView: card.id,
      actions: [tierChoice({ blocks: card.view.blocks }, 'high')],
    });
    const updated = app.harness.sandbox.view(card.id)!;
    expect(validateView(updated.view)).toEqual([]);
    expect(textOf({ blocks: updated.view.blocks as unknown[] })).toContain(
      'High (set by Maria Manager; computed Low)',
    );
    expect((await overrideRows()).map((r) => r.tier)).toEqual(['high']);

    await app.harness.slack.blockAction({
      userId: manager.id,
      fromView: card.id,
      actions: [buttonOf({ blocks: updated.view.blocks as unknown[] }, ACTION.customerExclude)],
    });
    const form = app.harness.sandbox.openViews(manager.id).at(-1)!;
    expect(form.view.callback_id).toBe(VIEW.customerExclude);
    expect(form.id).not.toBe(card.id);
    await app.harness.slack.viewSubmission({
      userId: manager.id,
      fromView: form.id,
      values: { [EXCLUDE_BLOCK]: { [EXCLUDE_INPUT]: { type: 'plain_text_input', value: 'gone quiet' } } },
    });
    const after = app.harness.sandbox.view(card.id)!;
    expect(textOf({ blocks: after.view.blocks as unknown[] })).toContain('Excluded from chasing');
    expect(JSON.stringify(after.view.blocks)).toContain(ACTION.customerResume);
    expect(await betaNotes('Collections: excluded from chasing by Maria Manager: gone quiet.')).toHaveLength(
      1,
    );
  });
});
