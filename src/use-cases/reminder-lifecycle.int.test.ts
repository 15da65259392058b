import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listAuditEvents } from '../adapters/db/audit-events.js';
import {
  addDraftVersion,
  getReminder,
  insertReminderIfAbsent,
  listDraftVersions,
} from '../adapters/db/dunning-queries.js';
import { hashDraftInputs } from '../adapters/llm/reminder-drafter.js';
import { createSmtpSender, type MailSender } from '../adapters/mail/smtp-sender.js';
import { listOutbox } from '../adapters/outbox/outbox-store.js';
import { OUTBOX_SEND_REMINDER, OUTBOX_XERO_NOTE } from '../domain/outbox-kinds.js';
import { type SmtpSink, startSmtpSink } from '../sandbox/mail/smtp-sink.js';
import { useTestDatabase } from '../testing/test-database.js';
import { type Actor, decideReminder } from './decide-reminder.js';
import { sendApprovedReminder } from './send-reminder.js';

const database = useTestDatabase();
let sink: SmtpSink;
let mail: MailSender;
const NOW = new Date('2026-11-23T21:00:00Z');
const collector: Actor = { id: 'U_COLL', name: 'Mere Collector', isCollector: true, isManager: false };
const other: Actor = { id: 'U_OTHER', name: 'Sam Other', isCollector: true, isManager: false };
const manager: Actor = { id: 'U_MGR', name: 'Pat Manager', isCollector: false, isManager: true };
const outsider: Actor = { id: 'U_X', name: 'Nobody', isCollector: false, isManager: false };

beforeAll(async () => {
  sink = await startSmtpSink();
  mail = createSmtpSender({
    smtpUrl: sink.url,
    from: 'ar@harbour.example',
    replyTo: 'ar+org@harbour.example',
  });
});
afterAll(async () => {
  mail?.close();
  await sink?.close();
});

let orgId: string;
let reminderId: string;
beforeEach(async () => {
  sink.messages.length = 0;
  const org = await database.db
    .insertInto('organisations')
    .values({
      xero_tenant_id: 't',
      name: 'Harbour Foods',
      base_currency: 'NZD',
      timezone: 'Pacific/Auckland',
      xero_connection_id: null,
      token_set_id: null,
      short_code: null,
      status_reason: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  orgId = org.id;
  const created = await insertReminderIfAbsent(
    database.db,
    {
      orgId,
      contactId: 'c-acme',
      purpose: 'overdue',
      segment: 'Standard',
      stepIndex: 1,
      stepCount: 4,
      tone: 'friendly',
      channel: 'email',
      mode: 'assisted',
      autoSend: false,
      carryingInvoiceId: 'inv-1',
      invoiceIds: ['inv-1', 'inv-2'],
      planDate: '2026-11-24',
      reason: 'step 2 of Standard: 4 days overdue, first reminder',
      status: 'proposed',
      recipients: ['ap@acme.example'],
      cc: [],
      messageId: '<reminder.o.c-acme.overdue-2.inv-1@harbour.example>',
    },
    NOW,
  );
  reminderId = created.id;
  await addTemplateDraft(
    reminderId,
    'Overdue: two invoices',
    'Hi Jo,\n\nINV-1 and INV-2 are overdue.\n\nMere',
  );
});

/** A template draft, as planning writes one. */
const addTemplateDraft = (id: string, subject: string, body: string) =>
  database.db.transaction().execute((trx) =>
    addDraftVersion(
      trx,
      id,
      {
        subject,
        body,
        source: 'template',
        model: null,
        promptVersion: 'template-v1',
        inputsHash: 'h',
        fallbackReason: null,
        authorId: null,
        authorName: null,
      },
      NOW,
    ),
  );

const decide = (actor: Actor, decision: Parameters<typeof decideReminder>[1]['decision']) =>
  decideReminder(database.db, {
    reminderId,
    actor,
    decision,
    now: NOW,
    asOf: '2026-11-24',
    hashInputs: hashDraftInputs,
  });
const sendDeps = (extra: Partial<Parameters<typeof sendApprovedReminder>[0]> = {}) => ({
  db: database.db,
  mail,
  now: () => NOW,
  ...extra,
});

describe('planning is idempotent', () => {
  it('proposes the same step for the same carrying invoice once', async () => {
    const again = await insertReminderIfAbsent(database.db, { ...(await asNew()), reason: 'rerun' }, NOW);
    expect(again).toEqual({ id: reminderId, created: false });
  });
});

async function asNew() {
  const r = (await getReminder(database.db, reminderId))!;
  return { ...r, status: 'proposed' as const };
}

describe('decisions on an approval card', () => {
  it('approves once: a double click and a second collector both get already-decided, and one send is queued', async () => {
    const [a, b, c] = await Promise.all([
      decide(collector, { kind: 'approve' }),
      decide(collector, { kind: 'approve' }),
      decide(other, { kind: 'approve' }),
    ]);
    const kinds = [a, b, c].map((r) => r.kind).sort();
    expect(kinds).toEqual(['already-decided', 'already-decided', 'done']);
    const sends = await listOutbox(database.db, { kind: OUTBOX_SEND_REMINDER });
    expect(sends).toHaveLength(1);
    expect((await getReminder(database.db, reminderId))?.status).toBe('approved');
    const audit = await listAuditEvents(database.db, { action: 'reminder.approved' });
    expect(audit).toHaveLength(1);
  });

  it('refuses people who are neither collectors nor managers, and keeps escalations for managers', async () => {
    expect(await decide(outsider, { kind: 'approve' })).toMatchObject({ kind: 'forbidden' });
    expect((await decide(collector, { kind: 'escalate', reason: 'wants a payment plan' })).kind).toBe('done');
    expect(await decide(other, { kind: 'approve' })).toMatchObject({
      kind: 'forbidden',
      reason: expect.stringMatching(/only a manager/),
    });
    expect((await decide(manager, { kind: 'approve' })).kind).toBe('done');
  });

  it('snoozes only to a future date and writes a Xero note per invoice and on the contact', async () => {
    expect(await decide(collector, { kind: 'snooze', until: '2026-11-24' })).toMatchObject({
      kind: 'invalid',
    });
    const r = await decide(collector, { kind: 'snooze', until: '2026-12-01', reason: 'customer on holiday' });
    expect(r).toMatchObject({
      kind: 'done',
      reminder: { status: 'snoozed', snoozedUntil: '2026-12-01', decidedByName: 'Mere Collector' },
    });
    const notes = await listOutbox(database.db, { kind: OUTBOX_XERO_NOTE });
    expect(notes.map((n) => [n.payload.documentType, n.payload.documentId]).sort()).toEqual([
      ['contact', 'c-acme'],
      ['invoice', 'inv-1'],
      ['invoice', 'inv-2'],
    ]);
    expect(notes[0]?.payload.details).toBe(
      'Reminder snoozed in Slack by Mere Collector until 2026-12-01: customer on holiday (AR Copilot).',
    );
  });

  it('keeps every edit as a new version and validates recipients', async () => {
    expect(
      await decide(collector, {
        kind: 'edit',
        subject: 'Hello there',
        body: 'x'.repeat(30),
        to: ['not-an-email'],
      }),
    ).toMatchObject({
      kind: 'invalid',
      reason: 'not an email address: not-an-email',
    });
    const r = await decide(collector, {
      kind: 'edit',
      subject: 'Overdue invoices INV-1, INV-2',
      body: 'Hi Jo, a gentle nudge on INV-1 and INV-2.',
      to: ['jo@acme.example'],
      cc: ['boss@acme.example'],
    });
    expect(r).toMatchObject({
      kind: 'done',
      draftVersion: 2,
      reminder: { recipients: ['jo@acme.example'], cc: ['boss@acme.example'] },
    });
    const versions = await listDraftVersions(database.db, reminderId);
    expect(versions.map((v) => [v.version, v.source, v.authorName])).toEqual([
      [1, 'template', null],
      [2, 'human', 'Mere Collector'],
    ]);
  });
});

describe("the contact rules again at Approve, across the customer's cards", () => {
  const other = (status: 'sent' | 'approved', planDate: string, n: number) =>
    insertReminderIfAbsent(
      database.db,
      {
        orgId,
        contactId: 'c-acme',
        purpose: 'overdue',
        segment: 'Standard',
        stepIndex: 0,
        stepCount: 4,
        tone: 'friendly',
        channel: 'email',
        mode: 'assisted',
        autoSend: false,
        carryingInvoiceId: `inv-${n}`,
        invoiceIds: [`inv-${n}`],
        planDate,
        reason: 'an older card',
        status,
        recipients: ['ap@acme.example'],
        cc: [],
        messageId: `<other-${n}@harbour.example>`,
      },
      NOW,
    );

  it('refuses to send inside the minimum interval since the last email, saying so; nothing is queued', async () => {
    await other('sent', '2026-11-22', 7);
    const out = await decide(collector, { kind: 'approve' });
    expect(out).toEqual({
      kind: 'invalid',
      reason:
        'not sent: this customer was last emailed 2 days ago (the policy keeps 5 days between contacts). Snooze or skip this card instead',
    });
    expect((await getReminder(database.db, reminderId))?.status).toBe('proposed');
    expect(await listOutbox(database.db, { kind: OUTBOX_SEND_REMINDER })).toHaveLength(0);
    // Snoozing past the interval is still possible.
    expect(await decide(collector, { kind: 'snooze', until: '2026-11-28' })).toMatchObject({ kind: 'done' });
  });

  it('refuses a second card while another for the customer is on its way, and past the interval lets it go', async () => {
    await other('approved', '2026-11-24', 8);
    expect(await decide(collector, { kind: 'approve' })).toMatchObject({
      kind: 'invalid',
      reason: expect.stringMatching(/another reminder to this customer was approved and is being sent/),
    });
    await database.db
      .updateTable('reminders')
      .set({ status: 'sent', plan_date: '2026-11-10' })
      .where('message_id', '=', '<other-8@harbour.example>')
      .execute();
    expect(await decide(collector, { kind: 'approve' })).toMatchObject({ kind: 'done' });
  });

  it('refuses a customer put on do-not-contact after the card was drafted', async () => {
    await database.db
      .insertInto('customer_holds')
      .values({
        org_id: orgId,
        contact_id: 'c-acme',
        kind: 'do_not_contact',
        until: null,
        amount: null,
        reason: 'asked us to stop',
        created_by: 'U_MGR',
        created_by_name: 'Pat Manager',
        created_at: NOW,
      })
      .execute();
    expect(await decide(collector, { kind: 'approve' })).toMatchObject({
      kind: 'invalid',
      reason: expect.stringMatching(/do-not-contact/),
    });
  });
});

describe('sending an approved reminder', () => {
  it('sends exactly once, records it, and queues the Xero notes naming the approver', async () => {
    await decide(collector, { kind: 'approve' });
    expect(await sendApprovedReminder(sendDeps(), reminderId)).toMatchObject({ status: 'done' });
    // The outbox may run the handler again (lease expiry): nothing more is sent.
    expect(await sendApprovedReminder(sendDeps(), reminderId)).toMatchObject({
      status: 'done',
      result: { alreadySent: true },
    });
    expect(sink.messages).toHaveLength(1);
    expect(sink.messages[0]).toMatchObject({
      messageId: '<reminder.o.c-acme.overdue-2.inv-1@harbour.example>',
      to: ['ap@acme.example'],
    });
    const r = await getReminder(database.db, reminderId);
    expect(r).toMatchObject({ status: 'sent', sentAt: NOW });
    const notes = await listOutbox(database.db, { kind: OUTBOX_XERO_NOTE });
    expect(notes).toHaveLength(3);
    expect(notes[0]?.payload.details).toBe(
      'First reminder (friendly) emailed to ap@acme.example covering inv-1, inv-2, approved in Slack by Mere Collector (AR Copilot).',
    );

    // The next step about one of the same invoices is the second reminder the customer gets.
    const next = await insertReminderIfAbsent(
      database.db,
      {
        orgId,
        contactId: 'c-acme',
        purpose: 'overdue',
        segment: 'Standard',
        stepIndex: 2,
        stepCount: 4,
        tone: 'firm',
        channel: 'email',
        mode: 'assisted',
        autoSend: false,
        carryingInvoiceId: 'inv-2',
        invoiceIds: ['inv-2'],
        planDate: '2026-12-05',
        reason: 'step 3 of Standard',
        status: 'approved',
        recipients: ['ap@acme.example'],
        cc: [],
        messageId: '<reminder.o.c-acme.overdue-3.inv-2@harbour.example>',
      },
      NOW,
    );
    await addTemplateDraft(next.id, 'Overdue: INV-2', 'Hi Jo,\n\nINV-2 is overdue.\n\nMere');
    expect(await sendApprovedReminder(sendDeps(), next.id)).toMatchObject({ status: 'done' });
    const after = await listOutbox(database.db, { kind: OUTBOX_XERO_NOTE });
    expect(
      after.map((n) => String(n.payload.details)).filter((d) => d.startsWith('Reminder 2 (firm)')),
    ).toHaveLength(2);
  });

  it('retries a temporary SMTP refusal', async () => {
    await decide(collector, { kind: 'approve' });
    sink.failNext(1, 451);
    expect(await sendApprovedReminder(sendDeps(), reminderId)).toMatchObject({ status: 'retry' });
    expect(await sendApprovedReminder(sendDeps(), reminderId)).toMatchObject({ status: 'done' });
    expect(sink.messages).toHaveLength(1);
  });

  it('fails a permanent SMTP refusal with the reason and sends nothing more', async () => {
    await decide(collector, { kind: 'approve' });
    sink.failNext(1, 550);
    expect(await sendApprovedReminder(sendDeps(), reminderId)).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/^SMTP 550/),
    });
    expect(await getReminder(database.db, reminderId)).toMatchObject({
      status: 'failed',
      lastError: expect.stringMatching(/^SMTP 550/),
    });
    expect(await sendApprovedReminder(sendDeps(), reminderId)).toMatchObject({
      status: 'done',
      result: { notSent: 'failed' },
    });
    expect(sink.messages).toHaveLength(0);
  });

  it('after a kill between send and record: confirms from the mailbox instead of sending again', async () => {
    await decide(collector, { kind: 'approve' });
    // The first attempt journals, hands the email over, and the process dies before recording.
    const reminder = (await getReminder(database.db, reminderId))!;
    await database.db
      .insertInto('email_send_attempts')
      .values({
        message_id: reminder.messageId,
        reminder_id: reminderId,
        started_at: NOW,
        finished_at: null,
        outcome: null,
      })
      .execute();
    await mail.send({
      messageId: reminder.messageId,
      to: reminder.recipients,
      cc: [],
      subject: 's',
      text: 'body of the email',
    });
    expect(sink.messages).toHaveLength(1);

    expect(
      await sendApprovedReminder(sendDeps({ sentMailbox: sink.sentMailbox() }), reminderId),
    ).toMatchObject({
      status: 'done',
    });
    expect(sink.messages).toHaveLength(1);
    expect((await getReminder(database.db, reminderId))?.status).toBe('sent');
  });

  it('a server that accepts and then drops the connection gets one copy: the retry finds it in Sent', async () => {
    await decide(collector, { kind: 'approve' });
    const reminder = (await getReminder(database.db, reminderId))!;
    sink.dropAfterAcceptNext(1);
    expect(
      await sendApprovedReminder(sendDeps({ sentMailbox: sink.sentMailbox() }), reminderId),
    ).toMatchObject({
      status: 'retry',
      error: expect.stringMatching(/^delivery uncertain/),
    });
    expect((await getReminder(database.db, reminderId))?.status).toBe('sending');
    expect(
      await sendApprovedReminder(sendDeps({ sentMailbox: sink.sentMailbox() }), reminderId),
    ).toMatchObject({
      status: 'done',
    });
    expect(sink.messages.map((m) => m.messageId)).toEqual([reminder.messageId]);
    expect((await getReminder(database.db, reminderId))?.status).toBe('sent');
  });

  it('after a kill with no way to check the mailbox: never resends blindly, waits for a person', async () => {
    await decide(collector, { kind: 'approve' });
    const reminder = (await getReminder(database.db, reminderId))!;
    await database.db
      .insertInto('email_send_attempts')
      .values({
        message_id: reminder.messageId,
        reminder_id: reminderId,
        started_at: NOW,
        finished_at: null,
        outcome: null,
      })
      .execute();
    const outcome = await sendApprovedReminder(sendDeps(), reminderId);
    // Not a failure of the send: it waits for a person, whose card offers Mark as sent and Resend.
    expect(outcome).toMatchObject({ status: 'done', result: { unconfirmed: true } });
    expect(sink.messages).toHaveLength(0);
    expect(await getReminder(database.db, reminderId)).toMatchObject({
      status: 'unconfirmed',
      lastError: expect.stringMatching(/delivery not confirmed/),
    });
  });

  it('sends nothing in shadow mode', async () => {
    await database.db.updateTable('reminders').set({ mode: 'shadow' }).execute();
    await decide(collector, { kind: 'approve' });
    expect(await listOutbox(database.db, { kind: OUTBOX_SEND_REMINDER })).toHaveLength(0);
    expect(await sendApprovedReminder(sendDeps(), reminderId)).toMatchObject({
      status: 'done',
      result: { notSent: 'shadow mode' },
    });
    expect(sink.messages).toHaveLength(0);
  });
});
