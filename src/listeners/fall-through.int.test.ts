import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAuditEvents } from '../adapters/db/audit-events.js';
import { addCustomerHold } from '../adapters/db/dunning-queries.js';
import { saveSlackSettings } from '../adapters/db/slack-settings.js';
import { ACTION, VIEW } from '../adapters/slack/blocks/ids.js';
import { blocksAsText } from '../adapters/slack/blocks/plain-text.js';
import { createOutboxHandlers } from '../outbox-handlers.js';
import {
  SANDBOX_DEFAULTS,
  type SandboxMessage,
  validateMessageBlocks,
  validateView,
} from '../sandbox/slack/index.js';
import { type DunningApp, OUTSIDER, startDunningApp } from '../testing/dunning-app.js';
import { DUNNING_ORG_ID } from '../testing/dunning-fixtures.js';
import { useTestDatabase } from '../testing/test-database.js';
import { runDailyDigest } from '../use-cases/daily-digest.js';
import { runDunning } from '../use-cases/run-dunning.js';

/**
 * Nobody silently falls through (#17 point 6): customers the plan cannot email appear in the digest's thread and
 * App Home with the reason, and a collector can add an address for reminders (kept in our store, noted in Xero
 * History, the contact untouched) or make it a call task, through signed clicks on Bolt's real receiver.
 */

const { collector1, collector2, manager } = SANDBOX_DEFAULTS.users;
const DIGEST = SANDBOX_DEFAULTS.channels.digest.id;

const database = useTestDatabase();
let app: DunningApp;

beforeEach(async () => {
  app = await startDunningApp(database);
  // The digest's posts (the dunning app registers the cards' handlers only).
  for (const [kind, handler] of createOutboxHandlers(app.ctx, { only: ['slack.post', 'slack.chart'] }))
    app.handlers.set(kind, handler);
  await saveSlackSettings(
    database.db,
    {
      orgId: DUNNING_ORG_ID,
      digestChannel: DIGEST,
      queueChannel: SANDBOX_DEFAULTS.channels.queue.id,
      escalationChannel: null,
      managers: [manager.id],
      collectors: [collector1.id, collector2.id],
      digestTime: '08:30',
      updatedBy: 'test',
    },
    app.clock.now(),
  );
});
afterEach(async () => {
  await app.close();
});

const textOf = (m: SandboxMessage) => blocksAsText(m.blocks as never);

async function postDigest(): Promise<SandboxMessage[]> {
  const run = await runDailyDigest(app.ctx, DUNNING_ORG_ID, app.clock.now());
  expect(run.kind).toBe('enqueued');
  await app.drain();
  const root = app.harness.sandbox.lastMessage(DIGEST)!;
  return app.harness.sandbox.thread(DIGEST, root.ts);
}

function buttonIn(m: SandboxMessage, actionId: string, text: string) {
  const blocks = m.blocks as {
    type: string;
    block_id?: string;
    text?: { text: string };
    elements?: unknown[];
  }[];
  const at = blocks.findIndex((b) => b.type === 'section' && b.text?.text.includes(text));
  expect(at).toBeGreaterThanOrEqual(0);
  const next = blocks.slice(at + 1).find((b) => b.type === 'actions') as {
    block_id: string;
    elements: { action_id: string; value: string }[];
  };
  const el = next.elements.find((e) => e.action_id === actionId);
  expect(el).toBeDefined();
  return { block_id: next.block_id, action_id: actionId, type: 'button', value: el!.value };
}

const click = (userId: string, m: SandboxMessage, action: ReturnType<typeof buttonIn>) =>
  app.harness.slack.blockAction({ userId, fromMessage: { channel: m.channel, ts: m.ts }, actions: [action] });

describe('nobody silently falls through', () => {
  it("the digest's thread lists who cannot be emailed, with the reason and a way forward", async () => {
    // Paused Co paused by a collector; Silent Ltd has no address; Beta's address was refused outright.
    await addCustomerHold(database.db, {
      orgId: DUNNING_ORG_ID,
      contactId: 'c-paused',
      kind: 'pause',
      until: '2026-12-31',
      reason: 'talking to their owner',
      actor: { id: collector1.id, name: 'colin' },
      now: app.clock.now(),
    });
    await sql`update reminders set status = 'failed', last_error = 'SMTP 550: 5.1.1 mailbox unavailable'
              where org_id = ${DUNNING_ORG_ID} and contact_id = 'c-beta'`.execute(database.db);
    const thread = await postDigest();
    const header = thread[0]!;
    expect(textOf(header)).toContain('*3 customers* with NZ$1,220.00 overdue cannot be chased by email');
    const part = thread.find((m) => textOf(m).includes('*Not chased by email (3 customers)*'))!;
    expect(part).toBeDefined();
    expect(validateMessageBlocks(part.blocks)).toEqual([]);
    const text = textOf(part);
    // Largest first, each with its reason.
    expect(text.indexOf('Paused Co')).toBeLessThan(text.indexOf('Silent Ltd'));
    expect(text.indexOf('Silent Ltd')).toBeLessThan(text.indexOf('Beta Bakery'));
    expect(text).toContain('*Paused Co* · NZ$800.00 overdue · 1 invoice\nPaused: paused until 2026-12-31');
    expect(text).toContain(
      '*Silent Ltd* · NZ$300.00 overdue · 1 invoice\nNo email address: no email address on the contact or its people',
    );
    expect(text).toContain(
      '*Beta Bakery* · NZ$120.00 overdue · 1 invoice\nAddress refused: the mail server refused accounts@beta.example (SMTP 550) on 2026-11-23',
    );
    // Ways forward: an address where one would help, a call task for all three.
    buttonIn(part, ACTION.addReminderAddress, 'Silent Ltd');
    buttonIn(part, ACTION.addReminderAddress, 'Beta Bakery');
    buttonIn(part, ACTION.makeCallTask, 'Paused Co');
    expect(JSON.stringify(part.blocks).match(new RegExp(ACTION.addReminderAddress, 'g'))).toHaveLength(2);
    // Acme (chased today) and Soon (nothing overdue) are not in it.
    expect(text).not.toContain('Acme');
    expect(text).not.toContain('Soon Pty');
  });

  it('an address for reminders is kept in our store, noted in Xero History, and the next run chases Silent Ltd', async () => {
    const thread = await postDigest();
    const part = thread.find((m) => textOf(m).includes('Not chased by email'))!;
    const add = buttonIn(part, ACTION.addReminderAddress, 'Silent Ltd');

    // Someone on no AR team is refused, told, and audited; no modal opens.
    await click(OUTSIDER.id, part, add);
    expect(app.harness.sandbox.openViews(OUTSIDER.id)).toEqual([]);
    const denied = await listAuditEvents(database.db, { action: 'access.denied' });
    expect(denied.map((e) => e.payload?.attempted)).toContain('add an address for reminders');

    await click(collector1.id, part, add);
    const modal = app.harness.sandbox.openViews(collector1.id).at(-1)!;
    expect(modal.view.callback_id).toBe(VIEW.reminderAddress);
    expect(validateView(modal.view)).toEqual([]);
    expect(blocksAsText(modal.view.blocks as never)).toContain('the Xero contact itself is not changed');
    const submit = (value: string) =>
      app.harness.slack.viewSubmission({
        userId: collector1.id,
        fromView: modal.id,
        values: { address: { addresses: { type: 'plain_text_input', value } } },
      });
    // Hostile and malformed input stays in the modal, named; nothing is saved.
    const bad = await submit('ap@silent.example, not-an-address <script>');
    expect(bad.json()).toMatchObject({
      response_action: 'errors',
      errors: { address: expect.stringContaining('"not-an-address"') },
    });
    const many = await submit('a@x.example b@x.example c@x.example d@x.example e@x.example f@x.example');
    expect(many.json()).toMatchObject({ errors: { address: 'At most 5 addresses per customer.' } });
    expect(await database.db.selectFrom('dunning_recipients').selectAll().execute()).toEqual([]);

    const ok = await submit('  AP@silent.example; ap@silent.example ');
    expect(ok.status).toBe(200);
    const [saved] = await database.db.selectFrom('dunning_recipients').selectAll().execute();
    expect(saved).toMatchObject({
      contact_id: 'c-silent',
      recipients: ['AP@silent.example'],
      updated_by: collector1.id,
    });
    const audit = await listAuditEvents(database.db, { action: 'customer.reminder_address_set' });
    expect(audit[0]?.payload).toMatchObject({
      customer: 'Silent Ltd',
      before: [],
      after: ['AP@silent.example'],
    });
    await app.drain();
    expect(app.notes.get('c-silent')).toEqual([
      "Reminders will go to AP@silent.example, set in Slack by Colin Collector (AR Copilot; this contact's own details are unchanged).",
    ]);
    // The Xero contact row is untouched: our store holds the address.
    const contact = await database.db
      .selectFrom('xero_contacts')
      .select('email')
      .where('contact_id', '=', 'c-silent')
      .executeTakeFirstOrThrow();
    expect(contact.email).toBeNull();

    // The next run chases Silent Ltd at the new address, and it no longer falls through.
    app.clock.advance(24 * 3600_000);
    const run = await runDunning(
      { db: database.db, drafter: null, hashInputs: () => 'h' },
      { orgId: DUNNING_ORG_ID, now: app.clock.now(), messageDomain: 'harbour.example', senderName: 'Mere' },
    );
    const silent = run.plan.actions.find((a) => a.contactId === 'c-silent');
    expect(silent?.kind).toBe('chase');
    const reminder = await database.db
      .selectFrom('reminders')
      .select('recipients')
      .where('contact_id', '=', 'c-silent')
      .executeTakeFirstOrThrow();
    expect(reminder.recipients).toEqual(['AP@silent.example']);
  });

  it("a call task: one per customer whatever the clicks, in the collector's App Home, closed with its outcome", async () => {
    const thread = await postDigest();
    const part = thread.find((m) => textOf(m).includes('Not chased by email'))!;
    const call = buttonIn(part, ACTION.makeCallTask, 'Silent Ltd');
    // A double click and a colleague's click make one task, Colin's.
    await Promise.all([click(collector1.id, part, call), click(collector1.id, part, call)]);
    await click(collector2.id, part, call);
    const tasks = await database.db.selectFrom('call_tasks').selectAll().execute();
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ contact_id: 'c-silent', assignee_id: collector1.id, status: 'open' });
    const told = app.harness.sandbox.ephemerals({ user: collector2.id }).map((e) => e.text);
    expect(told).toContain('Colin Collector already has a call task for Silent Ltd.');
    await app.drain();
    expect(app.notes.get('c-silent')).toEqual([
      'Call planned in Slack by Colin Collector: no email address for reminders (AR Copilot).',
    ]);

    // Colin's App Home: the call in "Your calls"; Silent Ltd still listed as not chased, with the task named.
    await app.harness.slack.event({
      type: 'app_home_opened',
      user: collector1.id,
      tab: 'home',
      channel: 'D1',
    });
    const home = app.harness.sandbox.homeView(collector1.id)!;
    expect(validateView(home.view)).toEqual([]);
    const text = blocksAsText(home.view.blocks as never);
    expect(text).toContain('*Your calls* (1)');
    expect(text).toContain(':telephone_receiver: *Silent Ltd*: no email address for reminders');
    expect(text).toContain('• 1 call to make');
    expect(text).toMatch(/\*Silent Ltd\* · NZ\$300\.00 overdue[\s\S]*Call task with <@U_COLLECTOR1>/);

    // Someone else cannot close Colin's call; Colin can, with what came of it.
    const done = (home.view.blocks as { accessory?: { action_id: string; value: string } }[]).find(
      (b) => b.accessory?.action_id === ACTION.finishCallTask,
    )!.accessory!;
    const press = (userId: string) =>
      app.harness.slack.blockAction({
        userId,
        view: home.view as never,
        container: { type: 'view', view_id: home.id },
        actions: [{ action_id: done.action_id, block_id: 'x', type: 'button', value: done.value }],
      });
    await press(collector2.id);
    const theirs = app.harness.sandbox.openViews(collector2.id).at(-1)!;
    const refused = await app.harness.slack.viewSubmission({
      userId: collector2.id,
      fromView: theirs.id,
      values: { outcome: { outcome: { type: 'plain_text_input', value: 'closing it' } } },
    });
    expect(refused.json()).toMatchObject({
      errors: { outcome: "This call is Colin Collector's; only they or a manager can close it." },
    });
    await press(collector1.id);
    const mine = app.harness.sandbox.openViews(collector1.id).at(-1)!;
    const closed = await app.harness.slack.viewSubmission({
      userId: collector1.id,
      fromView: mine.id,
      values: { outcome: { outcome: { type: 'plain_text_input', value: 'Owner will pay by Friday' } } },
    });
    expect(closed.status).toBe(200);
    const after = await database.db.selectFrom('call_tasks').selectAll().executeTakeFirstOrThrow();
    expect(after).toMatchObject({
      status: 'done',
      outcome: 'Owner will pay by Friday',
      done_by: collector1.id,
    });
    await app.drain();
    expect(app.notes.get('c-silent')?.at(-1)).toBe(
      'Call made by Colin Collector: Owner will pay by Friday (AR Copilot).',
    );
    expect(blocksAsText(app.harness.sandbox.homeView(collector1.id)!.view.blocks as never)).not.toContain(
      '*Your calls*',
    );
  });

  it('App Home counts every waiting card and drops customers decided today from "Your queue"', async () => {
    // Twelve more waiting cards than App Home lists.
    for (let i = 0; i < 12; i++) {
      await sql`insert into reminders (id, org_id, contact_id, purpose, segment, step_index, step_count, tone, channel,
                  mode, carrying_invoice_id, invoice_ids, plan_date, reason, status, recipients, cc, message_id,
                  created_at, updated_at)
                values (${`00000000-0000-4000-8000-0000000001${String(i).padStart(2, '0')}`}, ${DUNNING_ORG_ID},
                  ${`c-extra-${i}`}, 'overdue', 'default', 1, 4, 'firm', 'email', 'manual', 'i-x', '[]',
                  '2026-11-23', 'test', 'proposed', '[]', '[]', ${`<x${i}@t>`}, now(), now())`.execute(
        database.db,
      );
    }
    const waiting = await database.db
      .selectFrom('reminders')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('status', '=', 'proposed')
      .executeTakeFirstOrThrow();
    const home = async () => {
      await app.harness.slack.event({
        type: 'app_home_opened',
        user: collector1.id,
        tab: 'home',
        channel: 'D1',
      });
      return blocksAsText(app.harness.sandbox.homeView(collector1.id)!.view.blocks as never);
    };
    const before = await home();
    expect(before).toContain(`*Waiting for your approval* (${waiting.n})`);
    expect(Number(waiting.n)).toBeGreaterThan(10);
    expect(before).toContain(`…and ${Number(waiting.n) - 10} more, newer`);
    const queueOf = (t: string) => t.slice(t.indexOf('*Your queue*'));
    expect(queueOf(before)).toContain('Acme Ltd');
    // Acme's card is skipped today: Acme leaves the queue.
    await sql`update reminders set status = 'skipped', decided_by = ${collector1.id}, decided_at = ${app.clock.now()}
              where contact_id = 'c-acme'`.execute(database.db);
    expect(queueOf(await home())).not.toContain('Acme Ltd');
  });
});
