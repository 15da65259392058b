import { describe, expect, it } from 'vitest';
import { listAuditEvents } from '../adapters/db/audit-events.js';
import { listCustomerReplies } from '../adapters/db/customer-replies.js';
import { listActiveHolds } from '../adapters/db/dunning-queries.js';
import { LOG_REPLY } from '../adapters/slack/blocks/log-reply.js';
import { blocksAsText } from '../adapters/slack/blocks/plain-text.js';
import { SANDBOX_DEFAULTS, type SandboxMessage, validateView } from '../sandbox/slack/index.js';
import { createSlackRequestClient } from '../sandbox/slack/signed-client.js';
import { OUTSIDER } from '../testing/dunning-app.js';
import { DUNNING_ORG_ID } from '../testing/dunning-fixtures.js';
import { type ReplyApp, useReplyApp } from '../testing/reply-app.js';
import { postedReminderOf } from '../testing/reply-fixtures.js';
import { HARNESS_SIGNING_SECRET } from '../testing/slack-harness.js';
import type { TestDatabase } from '../testing/test-database.js';
import { runDunning } from '../use-cases/run-dunning.js';

/**
 * Capture through Slack (#18 part 1): a customer's answer pasted into a reminder card's thread, and the message
 * shortcut "Log customer reply", both through Bolt's real receiver with signed requests. A captured reply flows
 * like an email: the customer is paused at once, the reading is queued, the suggestion follows in the thread.
 */

const { collector1, collector2 } = SANDBOX_DEFAULTS.users;
const QUEUE = SANDBOX_DEFAULTS.channels.queue.id;
const TEAM = SANDBOX_DEFAULTS.team.id;
const BOT = SANDBOX_DEFAULTS.bot;

let database: TestDatabase;
let app: ReplyApp;
useReplyApp((a, d) => {
  app = a;
  database = d;
});

const repliesOf = (contactId?: string) =>
  listCustomerReplies(database.db, contactId ? { contactId } : {}).then((r) => r);
const allReplies = () => database.db.selectFrom('customer_replies').selectAll().execute();
const textOf = (m: SandboxMessage) => blocksAsText(m.blocks as never);
const ephemeralTexts = (user: string) => app.harness.sandbox.ephemerals({ user }).map((e) => e.text);

async function planFor(contactId: string) {
  const run = await runDunning(
    { db: database.db, drafter: null, hashInputs: () => 'h' },
    {
      orgId: DUNNING_ORG_ID,
      now: app.clock.now(),
      messageDomain: 'harbour.example',
      senderName: 'Mere',
      dryRun: true,
    },
  );
  return run.plan.actions.filter((a) => a.contactId === contactId);
}

/** A person's top-level message in the queue channel (Slack tells the app; a top-level message is no reply). */
async function postInQueue(user: string, text: string) {
  const { ts, responses } = await app.harness.slack.userMessage({ channel: QUEUE, user, text });
  expect(responses.map((r) => r.status)).toEqual([200]);
  return ts;
}

const shortcut = (userId: string, ts: string, client = app.harness.slack) =>
  client.messageShortcut({ callbackId: LOG_REPLY.shortcut, userId, fromMessage: { channel: QUEUE, ts } });

describe("a message in a reminder card's thread", () => {
  it("is the customer's reply: stored once (a retried event too), paused at once, read, suggestion posted", async () => {
    const reminder = await postedReminderOf(database.db, 'c-acme');
    const text = 'Hi, we will pay $500 on 4 December <!channel> &lt;script&gt;.\n\nJo';
    const posted = await app.harness.slack.userMessage({
      channel: reminder.channel,
      user: collector1.id,
      text,
      thread_ts: reminder.ts,
    });
    expect(posted.responses.map((r) => r.status)).toEqual([200]);

    const [reply, ...others] = await repliesOf('c-acme');
    expect(others).toEqual([]);
    expect(reply).toMatchObject({
      orgId: DUNNING_ORG_ID,
      channel: 'slack',
      messageId: `slack:${TEAM}:${reminder.channel}:${posted.ts}`,
      reminderId: reminder.id,
      matchMethod: 'thread',
      status: 'pending',
      fromAddress: null,
      fromName: 'Colin Collector (in Slack)',
    });
    expect([...reply!.invoiceIds].sort()).toEqual(['i-a1', 'i-a2']);
    // Data, stored as the customer wrote it (Slack's escapes undone); never an instruction.
    expect(reply!.text).toBe('Hi, we will pay $500 on 4 December <!channel> <script>.\n\nJo');

    // Paused at once: the planner skips Acme while the reply waits.
    expect((await listActiveHolds(database.db, DUNNING_ORG_ID, 'c-acme')).map((h) => h.kind)).toContain(
      'reply',
    );
    expect(await planFor('c-acme')).toEqual([
      expect.objectContaining({ kind: 'skip', code: 'reply-waiting' }),
    ]);

    // Slack retries the event (same channel and ts): still one reply, one hold, one audit.
    const retried = await app.harness.slack.event(
      {
        type: 'message',
        channel: reminder.channel,
        channel_type: 'channel',
        user: collector1.id,
        text,
        ts: posted.ts,
        thread_ts: reminder.ts,
        team: TEAM,
      },
      { retryNum: 1, retryReason: 'http_timeout' },
    );
    expect(retried.status).toBe(200);
    expect(await allReplies()).toHaveLength(1);
    expect(
      (await listActiveHolds(database.db, DUNNING_ORG_ID, 'c-acme')).filter((h) => h.kind === 'reply'),
    ).toHaveLength(1);
    const logged = await listAuditEvents(database.db, { action: 'reply.logged_from_slack' });
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      actor: { type: 'user', id: collector1.id, name: 'Colin Collector' },
      subject: { type: 'customer_reply', id: reply!.id },
      payload: expect.objectContaining({ via: 'thread', contactId: 'c-acme', matchMethod: 'thread' }),
    });
    // The audit keeps ids, never the customer's words.
    const audits = JSON.stringify(await listAuditEvents(database.db, {}));
    expect(audits).not.toContain('4 December');
    expect(audits).not.toContain('script');

    // The outbox runs: the notice and the suggestion card in the card's thread, the customer's words escaped.
    await app.drain();
    const thread = app.harness.sandbox.thread(reminder.channel, reminder.ts);
    const notice = thread.find((m) => m.bot_id && m.text.startsWith('A reply from Colin Collector'));
    expect(notice).toBeDefined();
    const card = thread.find((m) => m.text.startsWith('Suggested from'));
    expect(card).toBeDefined();
    expect(textOf(card!)).toContain("Suggested from Acme Ltd's reply: Promise to pay");
    for (const m of [notice!, card!]) {
      expect(JSON.stringify(m.blocks)).not.toContain('<!channel>');
      expect(JSON.stringify(m.blocks)).not.toContain('<script>');
    }
    // Our own posts in the thread (bot messages, delivered as events too) are never captured.
    for (const m of [notice!, card!]) {
      await app.harness.slack.event({
        type: 'message',
        subtype: 'bot_message',
        bot_id: BOT.botId,
        channel: m.channel,
        text: m.text,
        ts: m.ts,
        thread_ts: reminder.ts,
      });
    }
    expect(await allReplies()).toHaveLength(1);
  });

  it('ignores bots, edits, other threads, top-level messages, notes to the team and people outside the AR team, silently', async () => {
    const reminder = await postedReminderOf(database.db, 'c-acme');
    const event = (fields: Record<string, unknown>) =>
      app.harness.slack.event({
        type: 'message',
        channel: reminder.channel,
        channel_type: 'channel',
        user: collector1.id,
        text: 'We will pay on Friday',
        ts: `${Math.floor(Date.now() / 1000)}.${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`,
        thread_ts: reminder.ts,
        team: TEAM,
        ...fields,
      });
    // Another app's message, and ours.
    expect((await event({ bot_id: 'B0OTHER', subtype: 'bot_message' })).status).toBe(200);
    await event({ user: BOT.userId });
    // An edit and a deletion.
    await event({ subtype: 'message_changed', message: { text: 'changed' } });
    await event({ subtype: 'message_deleted' });
    // A thread that is not one of our cards; a top-level message.
    const other = await postInQueue(collector1.id, 'Lunch?');
    await app.harness.slack.userMessage({
      channel: QUEUE,
      user: collector2.id,
      text: 'Acme will pay INV-A1 Friday',
      thread_ts: other,
    });
    await postInQueue(collector1.id, 'Acme will pay INV-A1 Friday');
    // Someone on no AR team, in the card's thread.
    await app.harness.slack.userMessage({
      channel: reminder.channel,
      user: OUTSIDER.id,
      text: 'Acme will pay Friday',
      thread_ts: reminder.ts,
    });
    // A collector's notes to the team in the card's thread, marked as such.
    for (const text of ['note: calling Jo tomorrow, they will pay Friday', '// <@U_MANAGER> escalate?'])
      await app.harness.slack.userMessage({
        channel: reminder.channel,
        user: collector1.id,
        text,
        thread_ts: reminder.ts,
      });

    expect(await allReplies()).toEqual([]);
    expect((await listActiveHolds(database.db, DUNNING_ORG_ID, 'c-acme')).map((h) => h.kind)).not.toContain(
      'reply',
    );
    // No audit for chatter: a refusal is recorded when someone asks for something, not for every message.
    expect(await listAuditEvents(database.db, { action: 'access.denied' })).toEqual([]);
  });

  it('a forged signature is refused (401) and nothing is stored', async () => {
    const reminder = await postedReminderOf(database.db, 'c-acme');
    const res = await app.harness.slack.event(
      {
        type: 'message',
        channel: reminder.channel,
        user: collector1.id,
        text: 'We will pay Friday',
        ts: '1763900000.000100',
        thread_ts: reminder.ts,
      },
      { signature: 'forged' },
    );
    expect(res.status).toBe(401);
    expect(await allReplies()).toEqual([]);
  });
});

describe('the message shortcut "Log customer reply"', () => {
  it('on a message naming an open invoice: captured at once, told for whom; a second time "already logged"', async () => {
    const ts = await postInQueue(collector1.id, 'Ana from Beta rang: INV-B1 will be paid on Friday');
    expect(await allReplies()).toEqual([]);

    const res = await shortcut(collector2.id, ts);
    expect(res.status).toBe(200);
    const [reply, ...others] = await repliesOf('c-beta');
    expect(others).toEqual([]);
    expect(reply).toMatchObject({
      channel: 'slack',
      messageId: `slack:${TEAM}:${QUEUE}:${ts}`,
      matchMethod: 'invoice_number',
      invoiceIds: ['i-b1'],
      status: 'pending',
      fromName: 'Cara Collector (in Slack)',
    });
    expect(ephemeralTexts(collector2.id).at(-1)).toContain("Logged as *Beta Bakery*'s reply (invoice INV-B1");
    expect(await planFor('c-beta')).toEqual([
      expect.objectContaining({ kind: 'skip', code: 'reply-waiting' }),
    ]);
    const [logged] = await listAuditEvents(database.db, { action: 'reply.logged_from_slack' });
    expect(logged).toMatchObject({
      actor: { id: collector2.id },
      payload: expect.objectContaining({ via: 'shortcut', matchMethod: 'invoice_number' }),
    });

    await shortcut(collector1.id, ts);
    expect(ephemeralTexts(collector1.id).at(-1)).toBe(
      "That message was already logged as *Beta Bakery*'s reply: nothing changed.",
    );
    expect(await allReplies()).toHaveLength(1);
    expect(await listAuditEvents(database.db, { action: 'reply.logged_from_slack' })).toHaveLength(1);

    // Read and suggested in Beta's reminder card's thread, like an email.
    await app.drain();
    const card = await postedReminderOf(database.db, 'c-beta');
    const thread = app.harness.sandbox.thread(card.channel, card.ts);
    expect(thread.some((m) => m.text.startsWith('Suggested from'))).toBe(true);
  });

  it('in a card thread or naming one customer: captured; a message pasted in the thread and logged is one reply', async () => {
    const reminder = await postedReminderOf(database.db, 'c-acme');
    const posted = await app.harness.slack.userMessage({
      channel: reminder.channel,
      user: collector1.id,
      text: 'They will pay next week',
      thread_ts: reminder.ts,
    });
    await app.harness.slack.messageShortcut({
      callbackId: LOG_REPLY.shortcut,
      userId: collector1.id,
      fromMessage: { channel: reminder.channel, ts: posted.ts },
    });
    expect(await allReplies()).toHaveLength(1);
    expect(ephemeralTexts(collector1.id).at(-1)).toContain('already logged as *Acme Ltd*');

    const named = await postInQueue(collector1.id, 'Soon said they pay on the 1st');
    await shortcut(collector1.id, named);
    const [soon] = await repliesOf('c-soon');
    expect(soon).toMatchObject({
      matchMethod: 'none',
      status: 'pending',
      matchNote: 'the customer is named in the message',
    });
    expect(ephemeralTexts(collector1.id).at(-1)).toContain("Logged as *Soon Pty*'s reply");
  });

  it('on a message it cannot place: a modal asks which customer, and submitting captures it', async () => {
    const ts = await postInQueue(collector1.id, 'Paid yesterday, see attached <!here>');
    app.harness.sandbox.clearCalls();
    await shortcut(collector1.id, ts);
    expect(app.harness.sandbox.callsTo('views.open')).toHaveLength(1);
    expect(await allReplies()).toEqual([]);
    const modal = app.harness.sandbox.openViews(collector1.id).at(-1)!;
    expect(modal.view.callback_id).toBe(LOG_REPLY.view);
    expect(validateView(modal.view)).toEqual([]);
    // The message is shown escaped; the picker offers the customers with open invoices.
    expect(JSON.stringify(modal.view.blocks)).not.toContain('<!here>');
    const picker = JSON.stringify(modal.view.blocks);
    for (const name of ['Acme Ltd', 'Beta Bakery', 'Soon Pty']) expect(picker).toContain(name);

    const submitted = await app.harness.slack.viewSubmission({
      userId: collector1.id,
      fromView: modal.id,
      values: {
        [LOG_REPLY.customerBlock]: {
          [LOG_REPLY.customerAction]: {
            type: 'static_select',
            selected_option: {
              text: { type: 'plain_text', text: 'Paused Co' },
              value: `${DUNNING_ORG_ID}|c-paused`,
            },
          },
        },
      },
    });
    expect(submitted.status).toBe(200);
    expect(submitted.json<{ response_action: string }>().response_action).toBe('update');
    const [reply] = await repliesOf('c-paused');
    expect(reply).toMatchObject({
      channel: 'slack',
      messageId: `slack:${TEAM}:${QUEUE}:${ts}`,
      status: 'pending',
      matchNote: 'chosen by Colin Collector in Slack',
      text: 'Paid yesterday, see attached <!here>',
    });
    expect(blocksAsText(app.harness.sandbox.view(modal.id)!.view.blocks as never)).toContain(
      "Logged as *Paused Co*'s reply",
    );

    // Logged again through the shortcut (now it opens the modal again): submitting says already logged.
    await shortcut(collector1.id, ts);
    const again = app.harness.sandbox.openViews(collector1.id).at(-1)!;
    await app.harness.slack.viewSubmission({
      userId: collector1.id,
      fromView: again.id,
      values: {
        [LOG_REPLY.customerBlock]: {
          [LOG_REPLY.customerAction]: {
            type: 'static_select',
            selected_option: {
              text: { type: 'plain_text', text: 'Acme Ltd' },
              value: `${DUNNING_ORG_ID}|c-acme`,
            },
          },
        },
      },
    });
    expect(await allReplies()).toHaveLength(1);
    expect(blocksAsText(app.harness.sandbox.view(again.id)!.view.blocks as never)).toContain(
      'already logged',
    );
  });

  it('refuses (and audits) a forged request, another workspace, and someone without the role', async () => {
    const ts = await postInQueue(collector1.id, 'INV-B1 will be paid Friday');
    const forged = await app.harness.slack.messageShortcut(
      { callbackId: LOG_REPLY.shortcut, userId: collector1.id, fromMessage: { channel: QUEUE, ts } },
      { signature: 'forged' },
    );
    expect(forged.status).toBe(401);
    expect(await allReplies()).toEqual([]);

    const foreign = createSlackRequestClient({
      baseUrl: app.harness.url,
      signingSecret: HARNESS_SIGNING_SECRET,
      sandbox: app.harness.sandbox,
      teamId: 'T0ELSEWHERE',
    });
    await shortcut(collector1.id, ts, foreign);
    expect(ephemeralTexts(collector1.id).at(-1)).toContain('only in the workspace it is installed in');

    await shortcut(OUTSIDER.id, ts);
    expect(ephemeralTexts(OUTSIDER.id).at(-1)).toContain('You are not on the AR team for Harbour Foods');

    expect(await allReplies()).toEqual([]);
    const denied = await listAuditEvents(database.db, { action: 'access.denied' });
    expect(denied).toHaveLength(2);
    expect(denied.map((e) => [e.actor.id, e.payload?.attempted])).toEqual(
      expect.arrayContaining([
        [collector1.id, 'log a customer reply from another workspace'],
        [OUTSIDER.id, 'log a customer reply'],
      ]),
    );
  });
});
