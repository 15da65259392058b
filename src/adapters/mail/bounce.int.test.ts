import { describe, expect, it } from 'vitest';
import { REMINDER_ACTIONS } from '../../domain/reminder-actions.js';
import { SANDBOX_DEFAULTS } from '../../sandbox/slack/index.js';
import { DUNNING_ORG_ID } from '../../testing/dunning-fixtures.js';
import { clickButton, type ReplyApp, useReplyApp } from '../../testing/reply-app.js';
import { bounceMime, postedReminderOf } from '../../testing/reply-fixtures.js';
import type { TestDatabase } from '../../testing/test-database.js';
import { runDunning } from '../../use-cases/run-dunning.js';
import { listAuditEvents } from '../db/audit-events.js';
import { listCustomerReplies } from '../db/customer-replies.js';
import { getReminder, listActiveHolds } from '../db/dunning-queries.js';
import { listRefusedRecipients } from '../db/reminder-cards.js';

/**
 * A sent reminder bounces (#18): the receiving server's delivery status notification reaches the collections
 * mailbox (here through the signed inbound webhook). It is not the customer's reply: nothing is paused or read;
 * the bounce is recorded once on the reminder, said in the card's thread and on the Xero contact, and planning
 * stops writing to the address until someone gives another.
 */

const { collector1 } = SANDBOX_DEFAULTS.users;

let database: TestDatabase;
let app: ReplyApp;
useReplyApp((a, d) => {
  app = a;
  database = d;
});

/** Approves Acme's card with a signed click and lets the outbox send it. */
async function sendAcmeReminder() {
  const posted = await postedReminderOf(database.db, 'c-acme');
  const card = app.harness.sandbox.messages(posted.channel).find((m) => m.ts === posted.ts)!;
  await clickButton(app, collector1.id, { ...card, channel: posted.channel }, REMINDER_ACTIONS.approve);
  await app.drain();
  const sent = await getReminder(database.db, posted.id);
  expect(sent?.status).toBe('sent');
  return { ...posted, recipients: sent!.recipients };
}

describe('a bounce in the collections mailbox', () => {
  it('is recorded on the reminder once, said in its thread and on the Xero contact, and not read as a reply', async () => {
    const reminder = await sendAcmeReminder();
    // Both of Acme's addresses (the contact's and its person's) are gone: the domain's mail server refuses them.
    const [address, other] = reminder.recipients as [string, string];
    expect(reminder.recipients).toHaveLength(2);
    const raw = bounceMime({
      returnedMessageId: reminder.messageId,
      recipients: [{ address }, { address: other }],
    });

    const first = await app.postReply(raw);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ status: 'bounce', reminderId: reminder.id, recorded: true });
    // A redelivered notification records nothing more.
    expect(await (await app.postReply(raw)).json()).toMatchObject({ status: 'bounce', recorded: false });

    // Not the customer's words: no reply stored, nothing paused.
    expect(await listCustomerReplies(database.db, { contactId: 'c-acme' })).toEqual([]);
    expect((await listActiveHolds(database.db, DUNNING_ORG_ID, 'c-acme')).map((h) => h.kind)).toEqual([]);
    const audit = (await listAuditEvents(database.db, { orgId: DUNNING_ORG_ID })).filter(
      (e) => e.action === 'reminder.bounced',
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]!.payload).toEqual({ recipients: [address, other], statuses: ['5.1.1', '5.1.1'] });

    await app.drain();
    const thread = app.harness.sandbox.thread(reminder.channel, reminder.ts);
    expect(thread.filter((m) => m.text.startsWith(':warning: Bounced'))).toHaveLength(1);
    expect(thread.at(-1)!.text).toContain(`${address} (5.1.1), ${other} (5.1.1) could not be reached`);
    const notes = app.notes.get('c-acme') ?? [];
    expect(notes.filter((n) => n.includes('bounced'))).toEqual([
      `Collections: the payment reminder emailed to ${address} (5.1.1), ${other} (5.1.1) bounced; no reminder goes there again until another address is given (AR Copilot).`,
    ]);

    // Planning no longer writes to the address: the customer falls through to a person, with the reason.
    app.clock.advance(42 * 24 * 3_600_000); // six weeks on, a Monday: the next step is due
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
    expect(run.plan.actions.filter((a) => a.contactId === 'c-acme')).toEqual([
      expect.objectContaining({
        kind: 'skip',
        code: 'bounced',
        reason: expect.stringContaining(`the mail server refused ${address}, ${other} (SMTP 550)`),
      }),
    ]);
  });

  it('a bounce of one of two addresses: later reminders go to the other only, as the Xero note promised', async () => {
    const first = await sendAcmeReminder();
    const [address, other] = first.recipients as [string, string];
    const raw = bounceMime({ returnedMessageId: first.messageId, recipients: [{ address }] });
    expect(await (await app.postReply(raw)).json()).toMatchObject({ status: 'bounce', recorded: true });
    await app.drain();
    expect((app.notes.get('c-acme') ?? []).filter((n) => n.includes('bounced'))).toEqual([
      `Collections: the payment reminder emailed to ${address} (5.1.1) bounced; no reminder goes there again until another address is given (AR Copilot).`,
    ]);

    // The next step, six weeks on, is written to the address that still works.
    app.clock.advance(42 * 24 * 3_600_000);
    const run = await runDunning(
      { db: database.db, drafter: null, hashInputs: () => 'h' },
      { orgId: DUNNING_ORG_ID, now: app.clock.now(), messageDomain: 'harbour.example', senderName: 'Mere' },
    );
    const acme = run.reminders.filter((r) => r.contactId === 'c-acme' && r.created);
    expect(acme).toHaveLength(1);
    expect((await getReminder(database.db, acme[0]!.reminderId))?.recipients).toEqual([other]);
    await app.drain();
    expect((await sendAcmeReminder()).recipients).toEqual([other]);
    // The bounced address stays refused after a reminder that was not written to it (were only the latest
    // reminder's bounce to count, the step after would go to both again).
    expect((await listRefusedRecipients(database.db, DUNNING_ORG_ID)).get('c-acme')).toMatchObject({
      recipients: [address],
    });
  });

  it('records nothing for a delay notice, or a bounce of a message that is not one of our sent reminders', async () => {
    const reminder = await sendAcmeReminder();
    const address = reminder.recipients[0]!;
    const delayed = bounceMime({
      messageId: '<dsn-delay@mx.acme.example>',
      returnedMessageId: reminder.messageId,
      recipients: [{ address, action: 'delayed', status: '4.4.1', diagnostic: 'connection timed out' }],
    });
    expect(await (await app.postReply(delayed)).json()).toEqual({
      status: 'bounce',
      reminderId: null,
      recorded: false,
    });
    const stranger = bounceMime({
      messageId: '<dsn-other@mx.acme.example>',
      returnedMessageId: '<someone-else@elsewhere.example>',
      recipients: [{ address }],
    });
    expect(await (await app.postReply(stranger)).json()).toMatchObject({ recorded: false });
    expect((await getReminder(database.db, reminder.id))?.status).toBe('sent');
    expect(await listCustomerReplies(database.db, { contactId: 'c-acme' })).toEqual([]);
    const audit = await listAuditEvents(database.db, { orgId: DUNNING_ORG_ID });
    expect(audit.filter((e) => e.action === 'reminder.bounced')).toEqual([]);
  });
});
