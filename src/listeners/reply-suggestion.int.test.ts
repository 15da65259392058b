import { describe, expect, it } from 'vitest';
import { listAuditEvents } from '../adapters/db/audit-events.js';
import { listCustomerReplies } from '../adapters/db/customer-replies.js';
import { listActiveHolds } from '../adapters/db/dunning-queries.js';
import { ACTION, VIEW } from '../adapters/slack/blocks/ids.js';
import { blocksAsText } from '../adapters/slack/blocks/plain-text.js';
import { RULES_READER_VERSION } from '../domain/reply-reading/reply-reader.js';
import {
  SANDBOX_DEFAULTS,
  type SandboxMessage,
  validateMessageBlocks,
  validateView,
} from '../sandbox/slack/index.js';
import { OUTSIDER } from '../testing/dunning-app.js';
import { DUNNING_ORG_ID } from '../testing/dunning-fixtures.js';
import { buttonOf, clickButton, type ReplyApp, useReplyApp } from '../testing/reply-app.js';
import { postedReminderOf, replyMime } from '../testing/reply-fixtures.js';
import type { TestDatabase } from '../testing/test-database.js';
import { runDunning } from '../use-cases/run-dunning.js';

/**
 * The suggestion card (#18 part 3): a reply captured through the signed webhook is read, its suggestion posted
 * in the reminder card's thread, and Accept / Edit / Reject act through signed clicks on Bolt's real receiver.
 */

const { collector1, collector2 } = SANDBOX_DEFAULTS.users;
const ESCALATIONS = SANDBOX_DEFAULTS.channels.escalations.id;

let database: TestDatabase;
let app: ReplyApp;
useReplyApp((a, d) => {
  app = a;
  database = d;
});

const textOf = (m: SandboxMessage) => blocksAsText(m.blocks as never);

/** A reply from the customer to their reminder, through the signed webhook; returns its suggestion card. */
async function replyAndCard(contactId: string, from: string, text: string) {
  const reminder = await postedReminderOf(database.db, contactId);
  const raw = replyMime({
    from,
    subject: 'Re: Overdue invoices',
    messageId: `<${contactId}-${Math.random().toString(36).slice(2)}@customer.example>`,
    inReplyTo: reminder.messageId,
    references: reminder.messageId,
    text,
  });
  const res = await app.postReply(raw);
  expect(res.status).toBe(200);
  const { replyId } = (await res.json()) as { replyId: string };
  await app.drain();
  const thread = app.harness.sandbox.thread(reminder.channel, reminder.ts).slice(1);
  const card = thread.find((m) => m.text.startsWith('Suggested from'));
  expect(card).toBeDefined();
  expect(validateMessageBlocks(card!.blocks)).toEqual([]);
  return { replyId, card: card!, reminder };
}

const click = (userId: string, m: SandboxMessage, actionId: string, action = buttonOf(m, actionId)) =>
  clickButton(app, userId, m, actionId, action);

const current = (m: SandboxMessage) =>
  app.harness.sandbox.thread(m.channel, m.thread_ts ?? m.ts).find((x) => x.ts === m.ts)!;

const holdsOf = async (contactId: string) => listActiveHolds(database.db, DUNNING_ORG_ID, contactId);

async function planFor(contactId: string, now: Date) {
  const run = await runDunning(
    { db: database.db, drafter: null, hashInputs: () => 'h' },
    { orgId: DUNNING_ORG_ID, now, messageDomain: 'harbour.example', senderName: 'Mere', dryRun: true },
  );
  return run.plan.actions.filter((a) => a.contactId === contactId);
}

describe('the suggestion card', () => {
  it('a promise: read, shown with its evidence, accepted once; chasing waits for the promise date', async () => {
    const { replyId, card } = await replyAndCard(
      'c-acme',
      'Jo Bloggs <ap@acme.example>',
      'Hi, we will pay $500 on 4 December <!channel>.\n\nJo',
    );
    const shown = textOf(card);
    expect(shown).toContain("Suggested from Acme Ltd's reply: Promise to pay");
    expect(shown).toContain('*Promise 1:* NZD 500.00 on 2026-12-04');
    // The customer's words are evidence, escaped: no ping.
    expect(JSON.stringify(card.blocks)).toContain('&lt;!channel&gt;');
    expect(JSON.stringify(card.blocks)).not.toContain('<!channel>');
    const [reading] = await database.db.selectFrom('reply_readings').selectAll().execute();
    expect(reading).toMatchObject({
      reply_id: replyId,
      source: 'rules',
      prompt_version: RULES_READER_VERSION,
    });

    // App Home says a reply waits (its customer is paused) until someone handles it.
    const home = async () => {
      await app.harness.slack.event({
        type: 'app_home_opened',
        user: collector1.id,
        tab: 'home',
        channel: 'D1',
      });
      return blocksAsText(app.harness.sandbox.homeView(collector1.id)!.view.blocks as never);
    };
    expect(await home()).toContain('• 1 customer reply to handle (their chasing is paused)');

    // Someone on no AR team is refused, told, and audited; nothing changes.
    await click(OUTSIDER.id, card, ACTION.replyAccept);
    const denied = await listAuditEvents(database.db, { action: 'access.denied' });
    expect(denied.map((e) => e.payload?.attempted)).toContain("accept a reply's suggestion");
    expect((await listCustomerReplies(database.db, { contactId: 'c-acme' }))[0]!.status).toBe('pending');

    // A double click and a colleague's click (on the card as it was) act once.
    const accept = buttonOf(card, ACTION.replyAccept);
    await Promise.all([
      click(collector1.id, card, ACTION.replyAccept),
      click(collector1.id, card, ACTION.replyAccept),
    ]);
    await click(collector2.id, card, ACTION.replyAccept, accept);
    expect(await home()).toContain('• 0 customer replies to handle');
    const holds = await holdsOf('c-acme');
    expect(holds.filter((h) => h.kind === 'reply')).toEqual([]);
    const promises = holds.filter((h) => h.kind === 'promise');
    expect(promises).toHaveLength(1);
    expect(promises[0]).toMatchObject({ until: '2026-12-04' });
    expect(Number(promises[0]!.amount)).toBe(500);
    expect(textOf(current(card))).toContain('Colin Collector accepted:* promise to pay 500.00 on 2026-12-04');
    expect(app.harness.sandbox.ephemerals({ user: collector2.id }).map((e) => e.text)).toContain(
      `This reply was already handled by <@${collector1.id}>.`,
    );
    const accepted = await listAuditEvents(database.db, { action: 'reply.suggestion_accepted' });
    expect(accepted).toHaveLength(1);

    // Noted once on each invoice of the reminder and on the contact.
    await app.drain();
    const note =
      'Customer reply handled in Slack by Colin Collector: promise to pay 500.00 on 2026-12-04 (AR Copilot).';
    for (const doc of ['i-a1', 'i-a2', 'c-acme'])
      expect(app.notes.get(doc)?.filter((n) => n === note)).toHaveLength(1);
    // The reply itself, and what it was read as, were noted once when it was read (no customer words).
    const read =
      'Customer replied by email on 2026-11-23; read as promise to pay 500.00 on 2026-12-04 (by the rules). Reminders wait until a collector decides (AR Copilot).';
    for (const doc of ['i-a1', 'i-a2', 'c-acme'])
      expect(app.notes.get(doc)?.filter((n) => n === read)).toHaveLength(1);

    // Quiet until the promise date (Friday 4 December) and through its grace of two business days (Monday 7 and
    // Tuesday 8, while the payment may still be on its way); from Wednesday 9, Acme is chased again.
    const before = await planFor('c-acme', app.clock.now());
    expect(before).toEqual([expect.objectContaining({ kind: 'skip', code: 'promise-pending' })]);
    const inGrace = await planFor('c-acme', new Date('2026-12-07T20:00:00Z'));
    expect(inGrace).toEqual([
      expect.objectContaining({
        kind: 'skip',
        code: 'promise-pending',
        reason: 'promised to pay by 2026-12-04; waiting until 2026-12-08 for the payment to show in Xero',
      }),
    ]);
    const after = await planFor('c-acme', new Date('2026-12-08T20:00:00Z'));
    expect(after.some((a) => a.kind === 'skip' && (a as { code?: string }).code === 'promise-pending')).toBe(
      false,
    );
  });

  it('Edit opens the fields; a past date is refused in the modal; the edited promise is the one kept', async () => {
    const { card } = await replyAndCard('c-acme', 'ap@acme.example', 'We will pay on the 30th.');
    await click(collector1.id, card, ACTION.replyEdit);
    const modal = app.harness.sandbox.openViews(collector1.id).at(-1)!;
    expect(modal.view.callback_id).toBe(VIEW.replyEdit);
    expect(validateView(modal.view)).toEqual([]);
    const submit = (earliest: string, amount: string) =>
      app.harness.slack.viewSubmission({
        userId: collector1.id,
        fromView: modal.id,
        values: {
          reply_earliest: { reply_earliest: { type: 'datepicker', selected_date: earliest } },
          reply_latest: { reply_latest: { type: 'datepicker', selected_date: earliest } },
          reply_amount: { reply_amount: { type: 'plain_text_input', value: amount } },
        },
      });
    const bad = await submit('2026-11-01', 'lots');
    expect(bad.json()).toMatchObject({
      response_action: 'errors',
      errors: { reply_earliest: expect.stringContaining('in the past'), reply_amount: expect.any(String) },
    });
    expect((await holdsOf('c-acme')).filter((h) => h.kind === 'promise')).toEqual([]);

    const ok = await submit('2026-12-11', '750');
    expect(ok.status).toBe(200);
    const promises = (await holdsOf('c-acme')).filter((h) => h.kind === 'promise');
    expect(promises).toHaveLength(1);
    expect(promises[0]).toMatchObject({ until: '2026-12-11' });
    expect(Number(promises[0]!.amount)).toBe(750);
    expect(textOf(current(card))).toContain('accepted:* promise to pay 750 on 2026-12-11');
    const [audit] = await listAuditEvents(database.db, { action: 'reply.suggestion_accepted' });
    expect(audit?.payload).toMatchObject({ edited: true });
  });

  it('a dispute: a dispute hold with its reason code, posted to the escalation channel', async () => {
    const { card } = await replyAndCard(
      'c-acme',
      'ap@acme.example',
      'We dispute INV-A1: the goods never arrived.',
    );
    expect(textOf(card)).toContain('*Dispute reason:* goods or services not received');
    await click(collector1.id, card, ACTION.replyAccept);
    const disputes = (await holdsOf('c-acme')).filter((h) => h.kind === 'dispute');
    expect(disputes).toEqual([expect.objectContaining({ reason: 'not_received', until: null })]);
    await app.drain();
    const posted = app.harness.sandbox
      .messages(ESCALATIONS)
      .filter((m) => m.text.includes('Acme Ltd disputes'));
    expect(posted).toHaveLength(1);
    expect(textOf(posted[0]!)).toContain('goods or services not received');
  });

  it('Reject: no hold, noted, and the customer is chased again on the next run', async () => {
    const { card } = await replyAndCard('c-acme', 'ap@acme.example', 'We will pay on the 30th.');
    expect(await planFor('c-acme', app.clock.now())).toEqual([
      expect.objectContaining({ kind: 'skip', code: 'reply-waiting' }),
    ]);
    await click(collector1.id, card, ACTION.replyReject);
    expect((await holdsOf('c-acme')).filter((h) => h.kind !== 'pause')).toEqual([]);
    expect(textOf(current(card))).toContain('rejected the suggestion');
    const plan = await planFor('c-acme', app.clock.now());
    expect(plan.some((a) => a.kind === 'skip' && (a as { code?: string }).code === 'reply-waiting')).toBe(
      false,
    );
    await app.drain();
    expect(app.notes.get('c-acme')).toContainEqual(
      expect.stringContaining('rejected in Slack by Colin Collector'),
    );
  });

  it('a redirect offers the new address for reminders; the Xero contact is not edited', async () => {
    const { card } = await replyAndCard(
      'c-beta',
      'accounts@beta.example',
      'Please send reminders to accounts@newco.example from now on, I have left the company.',
    );
    await click(collector1.id, card, ACTION.replyAccept);
    const decided = current(card);
    expect(textOf(decided)).toContain('write to accounts@newco.example instead');
    await click(collector1.id, decided, ACTION.replyUseAddress);
    const [saved] = await database.db.selectFrom('dunning_recipients').selectAll().execute();
    expect(saved).toMatchObject({ contact_id: 'c-beta', recipients: ['accounts@newco.example'] });
  });
});
