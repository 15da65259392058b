import { describe, expect, it } from 'vitest';
import { listAuditEvents } from '../adapters/db/audit-events.js';
import { listActiveHolds } from '../adapters/db/dunning-queries.js';
import {
  listPaymentPromises,
  recordPaymentPromise,
  settlePaymentPromise,
} from '../adapters/db/payment-promises.js';
import { ACTION } from '../adapters/slack/blocks/ids.js';
import { blocksAsText } from '../adapters/slack/blocks/plain-text.js';
import { SANDBOX_DEFAULTS, type SandboxMessage, validateMessageBlocks } from '../sandbox/slack/index.js';
import { DUNNING_ORG_ID } from '../testing/dunning-fixtures.js';
import { insertSyncedPayment } from '../testing/ledger-fixtures.js';
import { buttonOf, clickButton, type ReplyApp, useReplyApp } from '../testing/reply-app.js';
import { postedReminderOf, replyMime } from '../testing/reply-fixtures.js';
import type { TestDatabase } from '../testing/test-database.js';
import { slackDefaults } from '../use-cases/daily-digest.js';
import { evaluatePromises } from '../use-cases/promise-outcomes.js';
import { wiring } from '../wiring.js';

/**
 * Promises to pay tracked from the ledger (#18 part 4), end to end: a customer's reply through the signed
 * webhook, Accept through a signed click, a payment synced into the ledger, the morning job judging the promise,
 * the verdict in the card's thread with its History note once, the thank-you, a broken promise escalated and
 * cited by the next card, a second promise rescheduling the first, and two instances judging at once.
 */

const { collector1, collector2 } = SANDBOX_DEFAULTS.users;
const ESCALATIONS = SANDBOX_DEFAULTS.channels.escalations.id;
/** 09:00 on Wednesday 2026-12-09 in Auckland: a promise for Friday 4 December, plus two business days, is due. */
const WEDNESDAY_9AM = new Date('2026-12-08T20:00:00Z');

let database: TestDatabase;
let app: ReplyApp;
useReplyApp((a, d) => {
  app = a;
  database = d;
});

const textOf = (m: Pick<SandboxMessage, 'blocks'>) => blocksAsText(m.blocks as never);

/** The customer answers their latest reminder; a collector accepts the suggestion. */
async function promiseFromReply(contactId: string, text: string) {
  const reminder = await postedReminderOf(database.db, contactId);
  const raw = replyMime({
    from: 'ap@acme.example',
    subject: 'Re: Overdue invoices',
    messageId: `<${contactId}-${Math.random().toString(36).slice(2)}@customer.example>`,
    inReplyTo: reminder.messageId,
    references: reminder.messageId,
    text,
  });
  const res = await app.postReply(raw);
  expect(res.status).toBe(200);
  await app.drain();
  const card = app.harness.sandbox
    .thread(reminder.channel, reminder.ts)
    .find((m) => m.text.startsWith('Suggested from') && !m.text.includes('accepted'));
  expect(card).toBeDefined();
  await click(collector1.id, card!, ACTION.replyAccept);
  await app.drain();
  return reminder;
}

const click = (userId: string, m: SandboxMessage, actionId: string, action = buttonOf(m, actionId)) =>
  clickButton(app, userId, m, actionId, action);

/** A payment as the next Xero sync stores it. */
const syncPayment = (invoiceId: string, date: string, amount: string) =>
  insertSyncedPayment(database.db, DUNNING_ORG_ID, { invoiceId, date, amount });

async function morning(now = WEDNESDAY_9AM) {
  app.clock.set(now);
  await wiring.runMorning(app.ctx, DUNNING_ORG_ID, now);
  await app.drain();
}

const promisesOf = (contactId: string) =>
  listPaymentPromises(database.db, DUNNING_ORG_ID, { contactId }).then((ps) =>
    ps.sort((a, b) => a.id - b.id),
  );

describe('promise tracking', () => {
  it('kept: reply → Accept → promise row → payment synced → morning → kept, noted once, thanked once', async () => {
    const reminder = await promiseFromReply('c-acme', 'Hi, we will pay $500 on 4 December.\n\nJo');
    const [promise] = await promisesOf('c-acme');
    const hold = (await listActiveHolds(database.db, DUNNING_ORG_ID, 'c-acme')).find(
      (h) => h.kind === 'promise',
    );
    expect(promise).toMatchObject({
      invoiceIds: ['i-a1', 'i-a2'],
      earliest: '2026-12-04',
      latest: '2026-12-04',
      madeOn: '2026-11-23',
      currency: 'NZD',
      source: 'reply',
      status: 'active',
      holdId: hold!.id,
      acceptedBy: collector1.id,
    });
    expect(Number(promise!.amount)).toBe(500);

    // Paid on the promised day; the morning after the grace judges it.
    await syncPayment('i-a1', '2026-12-04', '500.00');
    await morning(new Date('2026-12-07T20:00:00Z')); // Tuesday 8 December: still within the grace
    expect((await promisesOf('c-acme'))[0]!.status).toBe('active');
    await morning();
    await morning(); // a second run (or instance) changes nothing
    const [kept] = await promisesOf('c-acme');
    expect(kept).toMatchObject({ status: 'kept' });
    expect(Number(kept!.paidAmount)).toBe(500);
    expect(
      (await listActiveHolds(database.db, DUNNING_ORG_ID, 'c-acme')).some((h) => h.id === hold!.id),
    ).toBe(false);
    expect(await listAuditEvents(database.db, { action: 'promise.kept' })).toHaveLength(1);
    const note =
      'Promise to pay NZ$500.00 by 2026-12-04 kept: NZ$500.00 received by 2026-12-08 (AR Copilot).';
    for (const doc of ['i-a1', 'i-a2', 'c-acme'])
      expect(app.notes.get(doc)?.filter((n) => n === note)).toHaveLength(1);

    // The verdict in the thread of the customer's latest card when it was judged, with a thank-you button for
    // collectors. No card was drafted while the promise was in its grace, so that is the card the customer
    // replied to (the same morning then plans what is left, INV-A2, on a new card).
    const latestCard = reminder;
    expect((await postedReminderOf(database.db, 'c-acme')).id).not.toBe(reminder.id);
    const posted = app.harness.sandbox
      .thread(latestCard.channel, latestCard.ts)
      .filter((m) => m.text.includes('kept their promise'));
    expect(posted).toHaveLength(1);
    expect(validateMessageBlocks(posted[0]!.blocks)).toEqual([]);
    expect(textOf(posted[0]!)).toContain('Acme Ltd kept their promise* to pay NZ$500.00 by 2026-12-04');
    await Promise.all([
      click(collector1.id, posted[0]!, ACTION.promiseThankYou),
      click(collector2.id, posted[0]!, ACTION.promiseThankYou),
    ]);
    await app.drain();
    const thanks = app.sink.messages.filter((m) => m.subject.startsWith('Thank you for your payment'));
    expect(thanks).toHaveLength(1);
    expect(thanks[0]!.to).toEqual(['ap@acme.example', 'sam@acme.example']);
    expect(thanks[0]!.text).toContain('Thank you for your payment of NZ$500.00');
    expect(await listAuditEvents(database.db, { action: 'promise.thanked' })).toHaveLength(1);
    const told = [collector1.id, collector2.id].flatMap((u) =>
      app.harness.sandbox.ephemerals({ user: u }).map((e) => e.text),
    );
    expect(told.filter((t) => t.startsWith('A thank-you was already sent'))).toHaveLength(1);
  });

  it('broken: escalated at the policy threshold, chasing resumes, and the next card cites the promise', async () => {
    // Acme broke a promise before (the policy escalates at two).
    await database.db.transaction().execute(async (trx) => {
      const { id } = await recordPaymentPromise(trx, {
        orgId: DUNNING_ORG_ID,
        contactId: 'c-acme',
        invoiceIds: ['i-a1'],
        earliest: '2026-10-30',
        latest: '2026-10-30',
        madeOn: '2026-10-20',
        amount: '100.00',
        currency: 'NZD',
        source: 'collector',
        replyId: null,
        holdId: null,
        actor: { id: collector1.id, name: 'Colin Collector' },
        now: new Date('2026-10-20T01:00:00Z'),
      });
      await settlePaymentPromise(trx, id, {
        status: 'broken',
        paidAmount: '0',
        now: new Date('2026-11-04T20:00:00Z'),
      });
    });
    // Already cited by an earlier reminder: only the new broken promise is cited next.
    await database.db
      .updateTable('payment_promises')
      .set({ cited_in_reminder_id: (await postedReminderOf(database.db, 'c-acme')).id })
      .where('status', '=', 'broken')
      .execute();
    const answered = await promiseFromReply('c-acme', 'We will pay $500 on 4 December.');
    // The firm reminder they answered had been approved and sent: the next step is the final one.
    await database.db
      .updateTable('reminders')
      .set({ status: 'sent', sent_at: new Date('2026-11-22T21:00:00Z') })
      .where('id', '=', answered.id)
      .execute();
    await morning();

    const promises = await promisesOf('c-acme');
    expect(promises.map((p) => p.status)).toEqual(['broken', 'broken']);
    expect(await listAuditEvents(database.db, { action: 'promise.broken' })).toHaveLength(1);
    const escalated = app.harness.sandbox
      .messages(ESCALATIONS)
      .filter((m) => m.text.includes('has broken 2 promises to pay'));
    expect(escalated).toHaveLength(1);
    expect(textOf(escalated[0]!)).toContain('the latest was NZ$500.00 by 2026-12-04');
    expect(app.notes.get('c-acme')).toContainEqual(
      'Promise to pay NZ$500.00 by 2026-12-04 broken: nothing received by 2026-12-08 (AR Copilot).',
    );

    // The same morning's plan chases Acme again; its draft says what was promised.
    const latest = await database.db
      .selectFrom('reminders')
      .select(['id', 'status', 'plan_date'])
      .where('contact_id', '=', 'c-acme')
      .orderBy('created_at', 'desc')
      .executeTakeFirstOrThrow();
    expect(latest).toMatchObject({ plan_date: '2026-12-09', status: 'proposed' });
    const draft = await database.db
      .selectFrom('reminder_drafts')
      .select('body')
      .where('reminder_id', '=', latest.id)
      .executeTakeFirstOrThrow();
    expect(draft.body).toContain(
      'On 23 November 2026 you told us you would pay $500.00 by 4 December 2026; we have not received it.',
    );
    expect((await promisesOf('c-acme'))[1]!.citedInReminderId).toBe(latest.id);
    // The digest lists today's broken promise (not the old one).
    const digest = app.harness.sandbox
      .messages(SANDBOX_DEFAULTS.channels.digest.id)
      .flatMap((m) => [m, ...app.harness.sandbox.thread(m.channel, m.ts)])
      .map(textOf)
      .join('\n');
    expect(digest).toMatch(/Broken promises[\s\S]*Acme Ltd: NZ\$500\.00 promised for 2026-12-04/);
    expect(digest).not.toContain('promised for 2026-10-30');
  });

  it('part-kept says what is still due', async () => {
    const reminder = await promiseFromReply('c-acme', 'We will pay $500 on 4 December.');
    await syncPayment('i-a1', '2026-12-03', '300.00');
    await morning();
    expect((await promisesOf('c-acme'))[0]).toMatchObject({ status: 'part_kept', paidAmount: '300.0000' });
    const posted = app.harness.sandbox
      .thread(reminder.channel, reminder.ts)
      .find((m) => m.text.includes('part-kept'));
    expect(textOf(posted!)).toContain('NZ$300.00 received, NZ$200.00 still due');
  });

  it('rescheduled: a second promise supersedes the first and takes over the pause', async () => {
    await promiseFromReply('c-acme', 'We will pay $500 on 4 December.');
    app.clock.set(new Date('2026-11-24T20:00:00Z'));
    await promiseFromReply('c-acme', 'Sorry, we can only pay $500 on 11 December now.');
    const [first, second] = await promisesOf('c-acme');
    expect(first).toMatchObject({ status: 'rescheduled', supersededBy: second!.id });
    expect(second).toMatchObject({ status: 'active', latest: '2026-12-11' });
    const holds = (await listActiveHolds(database.db, DUNNING_ORG_ID, 'c-acme')).filter(
      (h) => h.kind === 'promise',
    );
    expect(holds.map((h) => h.id)).toEqual([second!.holdId]);
    expect(await listAuditEvents(database.db, { action: 'promise.rescheduled' })).toHaveLength(1);
    // Wednesday 9 December: the rescheduled promise is not judged, the new one not yet due.
    await morning();
    expect((await promisesOf('c-acme')).map((p) => p.status)).toEqual(['rescheduled', 'active']);
  });

  it('two instances judging at once settle a promise once', async () => {
    await promiseFromReply('c-acme', 'We will pay $500 on 4 December.');
    await syncPayment('i-a1', '2026-12-04', '500.00');
    const deps = { db: database.db, slack: true, slackDefaults: slackDefaults(app.ctx) };
    const runs = await Promise.all([
      evaluatePromises(deps, { orgId: DUNNING_ORG_ID, now: WEDNESDAY_9AM }),
      evaluatePromises(deps, { orgId: DUNNING_ORG_ID, now: WEDNESDAY_9AM }),
    ]);
    const settled = runs.map((r) => (r.kind === 'evaluated' ? r.settled.kept : 0));
    expect(settled.reduce((a, b) => a + b, 0)).toBe(1);
    expect(await listAuditEvents(database.db, { action: 'promise.kept' })).toHaveLength(1);
    const notes = await database.db
      .selectFrom('outbox')
      .select('idempotency_key')
      .where('idempotency_key', 'like', 'note:promise:%')
      .execute();
    const [promise] = await promisesOf('c-acme');
    expect(notes.map((n) => n.idempotency_key).sort()).toEqual([
      `note:promise:${promise!.id}:kept:contact:c-acme`,
      `note:promise:${promise!.id}:kept:invoice:i-a1`,
      `note:promise:${promise!.id}:kept:invoice:i-a2`,
    ]);
  });
});

describe('/ar promises, /ar disputes and App Home', () => {
  const HOSTILE = '<!channel> *Beta* & <https://evil.example|pay here>';
  const QUEUE = SANDBOX_DEFAULTS.channels.queue.id;

  async function promise(contactId: string, amount: string | null, latest: string) {
    return database.db.transaction().execute((trx) =>
      recordPaymentPromise(trx, {
        orgId: DUNNING_ORG_ID,
        contactId,
        invoiceIds: [],
        earliest: latest,
        latest,
        madeOn: '2026-11-20',
        amount,
        currency: 'NZD',
        source: 'collector',
        replyId: null,
        holdId: null,
        actor: { id: collector1.id, name: 'Colin Collector' },
        now: new Date('2026-11-20T01:00:00Z'),
      }),
    );
  }

  const lastEphemeral = (user: string) => app.harness.sandbox.ephemerals({ user }).at(-1)!;

  it('lists promises largest first, escaped, capped with "and N more"; refuses outsiders', async () => {
    await database.db
      .updateTable('xero_contacts')
      .set({ name: HOSTILE })
      .where('contact_id', '=', 'c-beta')
      .execute();
    await promise('c-acme', '200.00', '2026-12-04');
    await promise('c-beta', null, '2026-11-30'); // everything due: NZ$120.00
    await promise('c-paused', '900.00', '2026-12-01');
    await app.harness.slack.command({ text: 'promises', userId: collector1.id, channelId: QUEUE });
    const shown = lastEphemeral(collector1.id);
    expect(validateMessageBlocks(shown.blocks)).toEqual([]);
    const text = textOf(shown);
    expect(text.indexOf('Paused Co')).toBeLessThan(text.indexOf('Acme Ltd'));
    expect(text.indexOf('Acme Ltd')).toBeLessThan(text.indexOf('everything due by 2026-11-30'));
    expect(JSON.stringify(shown.blocks)).toContain(
      '&lt;!channel&gt; *Beta* &amp; &lt;https://evil.example|pay here&gt;',
    );
    expect(JSON.stringify(shown.blocks)).not.toContain('<!channel>');
    expect(text).toContain('everything due by 2026-11-30 (NZ$120.00)');

    // Many promises: within Block Kit's limits, the rest counted.
    for (let n = 0; n < 70; n++) await promise(`c-many-${n}`, `${n + 1}.00`, '2026-12-10');
    await app.harness.slack.command({ text: 'promises', userId: collector1.id, channelId: QUEUE });
    const many = lastEphemeral(collector1.id);
    expect(validateMessageBlocks(many.blocks)).toEqual([]);
    expect(textOf(many)).toMatch(/…and \d+ more\./);

    await app.harness.slack.command({ text: 'promises', userId: 'U_OUTSIDER', channelId: QUEUE });
    expect(app.harness.sandbox.ephemerals({ user: 'U_OUTSIDER' }).at(-1)?.text).toContain(
      'You are not on the AR team',
    );
  });

  it('lists open disputes with their reason and disputed balance, largest first', async () => {
    const { addCustomerHold } = await import('../adapters/db/dunning-queries.js');
    const hold = (contactId: string, reason: string) =>
      addCustomerHold(database.db, {
        orgId: DUNNING_ORG_ID,
        contactId,
        kind: 'dispute',
        until: null,
        reason,
        actor: { id: collector1.id, name: 'Colin Collector' },
        now: app.clock.now(),
      });
    await database.db
      .updateTable('xero_contacts')
      .set({ name: HOSTILE })
      .where('contact_id', '=', 'c-beta')
      .execute();
    await hold('c-beta', 'quality');
    await hold('c-disp', 'not_received');
    await app.harness.slack.command({ text: 'disputes', userId: collector1.id, channelId: QUEUE });
    const shown = lastEphemeral(collector1.id);
    expect(validateMessageBlocks(shown.blocks)).toEqual([]);
    const text = textOf(shown);
    expect(text).toContain(
      'Dispute Ltd*: goods or services not received, NZ$900.00 on 1 invoice, since 2026-11-23',
    );
    expect(text.indexOf('Dispute Ltd')).toBeLessThan(text.indexOf('quality'));
    expect(JSON.stringify(shown.blocks)).not.toContain('<!channel>');
  });

  it("App Home shows today's promises: due today and broken since yesterday", async () => {
    await promise('c-acme', '200.00', '2026-11-23');
    const { id } = await promise('c-beta', '120.00', '2026-11-18');
    await settlePaymentPromise(database.db, id, {
      status: 'broken',
      paidAmount: '0',
      now: new Date('2026-11-22T20:00:00Z'),
    });
    await app.harness.slack.event({
      type: 'app_home_opened',
      user: collector1.id,
      tab: 'home',
      channel: 'D1',
    });
    const home = blocksAsText(app.harness.sandbox.homeView(collector1.id)!.view.blocks as never);
    expect(home).toContain('• 1 promise due today');
    expect(home).toContain('Acme Ltd: NZ$200.00 by 2026-11-23 — due today');
    expect(home).toContain('Beta Bakery: NZ$120.00 by 2026-11-18 — *broken*, chasing resumed');
  });
});
