import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAuditEvents } from '../adapters/db/audit-events.js';
import { listCustomerReplies } from '../adapters/db/customer-replies.js';
import { getReminder, listActiveHolds } from '../adapters/db/dunning-queries.js';
import type { MailSender } from '../adapters/mail/smtp-sender.js';
import type { AppContext } from '../context.js';
import { REMINDER_ACTIONS } from '../domain/reminder-actions.js';
import { createRouteServer, listen } from '../http/server.js';
import { createOutboxHandlers } from '../outbox-handlers.js';
import { SANDBOX_DEFAULTS } from '../sandbox/slack/index.js';
import { type DunningApp, startDunningApp } from '../testing/dunning-app.js';
import { DUNNING_ORG_ID } from '../testing/dunning-fixtures.js';
import { postedReminderOf, replyMime } from '../testing/reply-fixtures.js';
import { useTestDatabase } from '../testing/test-database.js';
import { handleCustomerReply } from '../use-cases/handle-reply.js';
import { runDunning } from '../use-cases/run-dunning.js';
import { sendApprovedReminder } from '../use-cases/send-reminder.js';
import { INBOUND_EMAIL_PATH, inboundEmailRoutes, signInboundEmail } from './inbound-email-route.js';

const SECRET = 'inbound-secret-0123456789abcdef';
const QUEUE = SANDBOX_DEFAULTS.channels.queue.id;

const database = useTestDatabase({ emptyBeforeEach: false });
let app: DunningApp;
let server: Server;
let url: string;

function withSecret(ctx: AppContext, secret: string | null): AppContext {
  return { ...ctx, config: { ...ctx.config, inboundEmail: secret ? { secret } : null } };
}

async function post(body: Buffer, signature: string | null, target = url) {
  const res = await fetch(`${target}${INBOUND_EMAIL_PATH}`, {
    method: 'POST',
    headers: {
      'content-type': 'message/rfc822',
      ...(signature !== null ? { 'x-signature-sha256': signature } : {}),
    },
    body,
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

beforeAll(async () => {
  app = await startDunningApp(database);
  for (const [kind, handler] of createOutboxHandlers(app.ctx, {
    minPostIntervalMs: 0,
    only: ['slack.post', 'slack.chart'],
  }))
    app.handlers.set(kind, handler);
  server = createRouteServer(inboundEmailRoutes(withSecret(app.ctx, SECRET)));
  url = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
});

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await app?.close();
});

describe('POST /inbound/email', () => {
  it('stores a signed reply once, pauses the customer, and says so in the card’s thread', async () => {
    const reminder = await postedReminderOf(database.db, 'c-acme');
    const raw = replyMime({
      from: 'Jo Bloggs <ap@acme.example>',
      subject: 'Re: Overdue invoices',
      messageId: '<reply-1@acme.example>',
      inReplyTo: reminder.messageId,
      references: reminder.messageId,
      text: 'We will pay *everything* on Friday <!channel>.\n\nOn Mon, Accounts wrote:\n> Dear Jo, INV-A1 is overdue',
    });
    const first = await post(raw, `sha256=${signInboundEmail(SECRET, raw)}`);
    expect(first).toMatchObject({ status: 200, body: { status: 'stored' } });
    const again = await post(raw, signInboundEmail(SECRET, raw));
    expect(again).toEqual({ status: 200, body: { status: 'duplicate', replyId: first.body.replyId } });

    const replies = await listCustomerReplies(database.db, { contactId: 'c-acme' });
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({
      orgId: DUNNING_ORG_ID,
      reminderId: reminder.id,
      matchMethod: 'thread',
      status: 'pending',
      channel: 'webhook',
    });
    const holds = await listActiveHolds(database.db, DUNNING_ORG_ID, 'c-acme');
    expect(holds.filter((h) => h.kind === 'reply')).toHaveLength(1);

    // The audit event names the reply but never carries the customer's words.
    const audit = (await listAuditEvents(database.db, { orgId: DUNNING_ORG_ID })).filter(
      (e) => e.action === 'reply.received',
    );
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit[0]!.payload)).not.toContain('Friday');
    expect(audit[0]!.payload).toMatchObject({ matchMethod: 'thread', subject: 'Re: Overdue invoices' });

    await app.drain();
    const thread = app.harness.sandbox.thread(reminder.channel, reminder.ts).slice(1);
    const notice = thread.find((m) => m.text.includes('chasing paused'));
    expect(notice).toBeDefined();
    const shown = JSON.stringify(notice!.blocks);
    expect(shown).toContain('We will pay *everything* on Friday &lt;!channel&gt;.');
    expect(shown).not.toContain('Dear Jo');
    expect(shown).toContain('Jo Bloggs (ap@acme.example)');
    expect(shown).toContain('paused until someone handles it');

    // The next run plans no chase for Acme, with the reason.
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
    const acme = run.plan.actions.filter((a) => a.contactId === 'c-acme');
    expect(acme).toEqual([
      expect.objectContaining({
        kind: 'skip',
        code: 'reply-waiting',
        reason: 'a reply waits for a collector',
      }),
    ]);
  });

  it('refuses Approve on the customer’s card while the reply waits, and stops an approved send', async () => {
    const reminder = await postedReminderOf(database.db, 'c-acme');
    const card = app.harness.sandbox.message(reminder.channel, reminder.ts)!;
    const actions = (
      card.blocks as { type: string; block_id: string; elements: { action_id: string; value?: string }[] }[]
    ).find((b) => b.type === 'actions')!;
    const approve = actions.elements.find((e) => e.action_id === REMINDER_ACTIONS.approve)!;
    const told = app.harness.sandbox.ephemerals({ channel: reminder.channel }).length;
    await app.harness.slack.blockAction({
      userId: SANDBOX_DEFAULTS.users.collector1.id,
      fromMessage: { channel: reminder.channel, ts: reminder.ts },
      actions: [
        { action_id: approve.action_id, block_id: actions.block_id, type: 'button', value: approve.value! },
      ],
    });
    await app.drain();
    expect((await getReminder(database.db, reminder.id))?.status).toBe('proposed');
    const said = app.harness.sandbox
      .ephemerals({ channel: reminder.channel })
      .slice(told)
      .map((e) => e.text)
      .join('\n');
    expect(said).toContain('the reply waits for a collector');

    // A card approved before the reply arrived is not sent once the reply is in.
    await database.db
      .updateTable('reminders')
      .set({ status: 'approved' })
      .where('id', '=', reminder.id)
      .execute();
    const mail = { sent: 0 };
    const outcome = await sendApprovedReminder(
      {
        db: database.db,
        mail: {
          send: async () => {
            mail.sent++;
            throw new Error('must not send');
          },
        } as unknown as MailSender,
        now: () => app.clock.now(),
      },
      reminder.id,
    );
    expect(outcome).toMatchObject({ status: 'done', result: { notSent: 'reply-waiting' } });
    expect(mail.sent).toBe(0);
    expect(await getReminder(database.db, reminder.id)).toMatchObject({
      status: 'failed',
      lastError: expect.stringContaining('the customer replied'),
    });
  });

  it('matches by invoice number, and sends a reply nobody matches to triage in the queue channel', async () => {
    const byNumber = replyMime({
      from: 'Someone <someone@gmail.com>',
      subject: 'Remittance for INV-B1',
      messageId: '<reply-2@gmail.com>',
      text: 'Paid today.',
    });
    expect(await post(byNumber, signInboundEmail(SECRET, byNumber))).toMatchObject({ status: 200 });
    const beta = await listCustomerReplies(database.db, { contactId: 'c-beta' });
    expect(beta[0]).toMatchObject({ matchMethod: 'invoice_number', invoiceIds: ['i-b1'], status: 'pending' });
    const betaHolds = async () =>
      (await listActiveHolds(database.db, DUNNING_ORG_ID, 'c-beta')).filter((h) => h.kind === 'reply');
    expect(await betaHolds()).toHaveLength(1);
    // A collector handles it: chasing Beta resumes; handling it twice changes nothing.
    const handle = () =>
      handleCustomerReply(database.db, {
        replyId: beta[0]!.id,
        actor: { id: 'U_COLLECTOR1', name: 'Cole' },
        outcome: 'accepted',
        now: app.clock.now(),
      });
    expect(await handle()).toMatchObject({ kind: 'handled', contactId: 'c-beta' });
    expect(await handle()).toEqual({ kind: 'already-handled' });
    expect(await betaHolds()).toHaveLength(0);

    const before = app.harness.sandbox.messages(QUEUE).length;
    const mailed = app.sink.messages.length;
    const stranger = replyMime({
      from: 'Out of Office <nobody@stranger.example>',
      subject: 'Out of Office: back on Monday',
      messageId: '<reply-3@stranger.example>',
      text: 'I am away.',
      headers: { 'Auto-Submitted': 'auto-replied' },
    });
    const res = await post(stranger, signInboundEmail(SECRET, stranger));
    expect(res).toMatchObject({ status: 200, body: { status: 'stored' } });
    const [triaged] = await listCustomerReplies(database.db, { status: 'triage' });
    expect(triaged).toMatchObject({ orgId: null, contactId: null, matchMethod: 'none', autoReply: true });
    await app.drain();
    const posted = app.harness.sandbox.messages(QUEUE).slice(before);
    expect(posted.map((m) => m.text)).toEqual([expect.stringContaining('matches no customer')]);
    // An automatic reply is captured, and nothing is ever sent back.
    expect(app.sink.messages.length).toBe(mailed);
  });

  it('refuses forged, unsigned, oversized and unreadable bodies, and does not exist without a secret', async () => {
    const raw = replyMime({
      from: 'ap@acme.example',
      subject: 'x',
      messageId: '<forged@acme.example>',
      text: 'x',
    });
    expect((await post(raw, signInboundEmail('another-secret-0123456789', raw))).status).toBe(401);
    expect((await post(raw, null)).status).toBe(401);
    expect((await post(raw, 'sha256=zz')).status).toBe(401);
    const huge = Buffer.alloc(10 * 1024 * 1024 + 1, 'a');
    expect((await post(huge, signInboundEmail(SECRET, huge))).status).toBe(413);
    const garbage = Buffer.from('\u0000\u0001 this is not an email at all');
    const bad = await post(garbage, signInboundEmail(SECRET, garbage));
    expect(bad.status).toBe(400);
    expect(await listCustomerReplies(database.db, {})).not.toContainEqual(
      expect.objectContaining({ messageId: '<forged@acme.example>' }),
    );

    const off = createRouteServer(inboundEmailRoutes(withSecret(app.ctx, null)));
    const offUrl = `http://127.0.0.1:${await listen(off, 0, '127.0.0.1')}`;
    try {
      expect((await post(raw, signInboundEmail(SECRET, raw), offUrl)).status).toBe(404);
    } finally {
      await new Promise((r) => off.close(r));
    }
  });
});
