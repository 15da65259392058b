import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { listAuditEvents } from '../adapters/db/audit-events.js';
import { getImapCursor, listCustomerReplies } from '../adapters/db/customer-replies.js';
import { listActiveHolds } from '../adapters/db/dunning-queries.js';
import { openImapInbox } from '../adapters/mail/imap-inbox.js';
import { parseImapUrl } from '../adapters/mail/imap-url.js';
import { parseInboundEmail } from '../adapters/mail/inbound-email.js';
import { createLogger } from '../logger.js';
import { createOutboxHandlers } from '../outbox-handlers.js';
import { SANDBOX_DEFAULTS } from '../sandbox/slack/index.js';
import { type Dovecot, startDovecot } from '../testing/dovecot.js';
import { type DunningApp, startDunningApp } from '../testing/dunning-app.js';
import { DUNNING_ORG_ID } from '../testing/dunning-fixtures.js';
import { postedReminderOf, replyMime } from '../testing/reply-fixtures.js';
import { openTestDatabase, type TestDatabase } from '../testing/test-database.js';
import type { ReadReplyMailboxResult } from '../use-cases/read-reply-mailbox.js';
import { runDunning } from '../use-cases/run-dunning.js';
import { ReplyMailboxPoller } from './reply-mailbox.js';

/**
 * The reply mailbox against a real IMAP server (dovecot on loopback) and the whole product around it (the Slack
 * sandbox, the outbox, the planner): a reply appended to INBOX pauses its customer within one poll interval,
 * and a restart neither loses nor repeats a message.
 */
const QUEUE = SANDBOX_DEFAULTS.channels.queue.id;
const POLL_MS = 60_000;
const log = createLogger({ level: process.env.IMAP_TEST_LOG ? 'debug' : 'silent' });

let database: TestDatabase;
let app: DunningApp;
let dovecot: Dovecot;

beforeAll(async () => {
  database = await openTestDatabase();
  app = await startDunningApp(database);
  for (const [kind, handler] of createOutboxHandlers(app.ctx, {
    minPostIntervalMs: 0,
    only: ['slack.post', 'slack.chart'],
  }))
    app.handlers.set(kind, handler);
  dovecot = await startDovecot({ users: ['ar'] });
});

// A failed test must not leave its instance holding the mailbox for the next one.
const started: ReplyMailboxPoller[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((p) => p.stop()));
});

afterAll(async () => {
  await dovecot?.close();
  await app?.close();
  await database?.destroy();
});

function poller(holder: string, options: { idle?: boolean; pollMs?: number } = {}) {
  const address = parseImapUrl(dovecot.urlFor('ar'));
  if ('error' in address) throw new Error(address.error);
  const passes: ReadReplyMailboxResult[] = [];
  const p = new ReplyMailboxPoller({
    openInbox: () => openImapInbox({ address, folder: 'INBOX', timeoutMs: 5_000, idle: options.idle }),
    pollMs: options.pollMs ?? POLL_MS,
    log,
    onPass: (r) => passes.push(r),
    read: {
      db: database.db,
      slack: true,
      slackDefaults: app.ctx.config.slack!.defaults,
      sha256: (t) => createHash('sha256').update(t).digest('hex'),
      parse: parseInboundEmail,
      now: () => app.clock.now(),
      mailbox: `ar@127.0.0.1:${dovecot.port}/INBOX`,
      holder,
      ownAddresses: ['ar@harbour.example'],
    },
  });
  started.push(p);
  return { poller: p, passes };
}

async function until<T>(
  what: string,
  fn: () => Promise<T | null | undefined | false>,
  ms = 70_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function repliesWith(messageId: string) {
  return (await listCustomerReplies(database.db)).filter((r) => r.messageId === messageId);
}

describe('the reply mailbox over IMAP (dovecot on loopback)', () => {
  it('pauses the customer within one poll interval of a reply arriving, and posts the notice in the card’s thread', async () => {
    const reminder = await postedReminderOf(database.db, 'c-acme');
    const imap = await dovecot.client('ar');
    // Mail that was there before the first read of a fresh install, older than the look-back, stays unread.
    await imap.append(
      'INBOX',
      replyMime({ from: 'ap@acme.example', subject: 'old', messageId: '<old@acme.example>', text: 'old' }),
      [],
      new Date('2026-01-01T00:00:00Z'),
    );
    const a = poller('instance-a');
    a.poller.start();
    await until('the first pass', async () => a.passes.length > 0);

    const appendedAt = Date.now();
    await imap.append(
      'INBOX',
      replyMime({
        from: 'Jo Bloggs <ap@acme.example>',
        subject: 'Re: Overdue invoices',
        messageId: '<imap-reply-1@acme.example>',
        inReplyTo: reminder.messageId,
        references: reminder.messageId,
        text: 'Paying on Friday, sorry for the delay.\n\n> Dear Jo',
      }),
    );
    const [stored] = await until('the reply to be stored', async () => {
      const rows = await repliesWith('<imap-reply-1@acme.example>');
      return rows.length > 0 ? rows : null;
    });
    const paused = await until('the pause', async () =>
      (await listActiveHolds(database.db, DUNNING_ORG_ID, 'c-acme')).find((h) => h.kind === 'reply'),
    );
    const elapsedMs = Date.now() - appendedAt;
    // biome-ignore lint/suspicious/noConsole: the figure the issue's budget asks for, printed by the test run.
    console.log(`IMAP reply → customer paused in ${elapsedMs} ms (poll interval ${POLL_MS} ms, IDLE)`);
    expect(elapsedMs).toBeLessThan(POLL_MS);
    expect(stored).toMatchObject({ channel: 'imap', matchMethod: 'thread', reminderId: reminder.id });
    expect(paused.reason).toContain('a reply waits for a collector');
    expect(await repliesWith('<old@acme.example>')).toHaveLength(0);

    // Read without marking it read: the team reads this mailbox too.
    const lock = await imap.getMailboxLock('INBOX');
    try {
      const flags = (await imap.fetchAll('1:*', { flags: true, envelope: true })).map((m) => [
        m.envelope?.messageId,
        [...(m.flags ?? [])],
      ]);
      const mine = flags.find(([id]) => id === '<imap-reply-1@acme.example>');
      expect(mine?.[1]).not.toContain('\\Seen');
    } finally {
      lock.release();
    }

    await app.drain();
    const thread = app.harness.sandbox.thread(reminder.channel, reminder.ts).slice(1);
    expect(thread.map((m) => m.text)).toContainEqual(expect.stringContaining('chasing paused'));

    const run = await runDunning(
      { db: database.db, drafter: null, hashInputs: () => 'h' },
      {
        orgId: DUNNING_ORG_ID,
        now: app.clock.now(),
        messageDomain: 'harbour.example',
        senderName: 'M',
        dryRun: true,
      },
    );
    expect(run.plan.actions.filter((x) => x.contactId === 'c-acme')).toEqual([
      expect.objectContaining({ code: 'reply-waiting', reason: 'a reply waits for a collector' }),
    ]);
    await a.poller.stop();
  });

  it('after a restart reads what arrived while it was down, reads nothing twice, and polls alone', async () => {
    const imap = await dovecot.client('ar');
    const cursorBefore = await getImapCursor(database.db, `ar@127.0.0.1:${dovecot.port}/INBOX`);
    expect(cursorBefore?.lastUid).toBeGreaterThan(0);
    const queueBefore = app.harness.sandbox.messages(QUEUE).length;
    // Arrives while no instance reads the mailbox; nobody matches it.
    await imap.append(
      'INBOX',
      replyMime({
        from: 'Pat <pat@stranger.example>',
        subject: 'Question',
        messageId: '<imap-reply-2@stranger.example>',
        text: 'Who are you?',
      }),
    );
    // Our own copy in the inbox is not a customer's reply.
    await imap.append(
      'INBOX',
      replyMime({
        from: 'ar@harbour.example',
        subject: 'note',
        messageId: '<own@harbour.example>',
        text: 'x',
      }),
    );
    const b = poller('instance-b');
    const c = poller('instance-c');
    b.poller.start();
    c.poller.start();
    await until('the reply that arrived while down', async () =>
      (await repliesWith('<imap-reply-2@stranger.example>')).length > 0 ? true : null,
    );
    await until('a pass', async () => b.passes.length + c.passes.length > 0);
    // One instance holds the mailbox; the other waits.
    expect([b.passes.length, c.passes.length].filter((n) => n > 0)).toHaveLength(1);
    const all = b.passes.concat(c.passes);
    expect(all.reduce((n, p) => n + p.stored, 0)).toBe(1);
    expect(await repliesWith('<imap-reply-1@acme.example>')).toHaveLength(1);
    expect(await repliesWith('<own@harbour.example>')).toHaveLength(0);
    const received = (await listAuditEvents(database.db)).filter((e) => e.action === 'reply.received');
    expect(received).toHaveLength(2);
    const [triage] = await repliesWith('<imap-reply-2@stranger.example>');
    expect(triage).toMatchObject({ status: 'triage', matchMethod: 'none', orgId: null });

    await app.drain();
    const posted = app.harness.sandbox.messages(QUEUE).slice(queueBefore);
    expect(posted.map((m) => m.text)).toEqual([expect.stringContaining('matches no customer')]);
    await Promise.all([b.poller.stop(), c.poller.stop()]);
    const cursor = await getImapCursor(database.db, `ar@127.0.0.1:${dovecot.port}/INBOX`);
    expect(cursor?.lastUid).toBe((cursorBefore?.lastUid ?? 0) + 2);
  });

  it('polls a server without IDLE every interval', async () => {
    const imap = await dovecot.client('ar');
    const d = poller('instance-d', { idle: false, pollMs: 2_000 });
    d.poller.start();
    await until('a pass', async () => d.passes.length > 0);
    await imap.append(
      'INBOX',
      replyMime({
        from: 'accounts@beta.example',
        subject: 'Remittance',
        messageId: '<imap-reply-3@beta.example>',
        text: 'Paid INV-B1 today.',
      }),
    );
    const [row] = await until(
      'the polled reply',
      async () => {
        const rows = await repliesWith('<imap-reply-3@beta.example>');
        return rows.length > 0 ? rows : null;
      },
      10_000,
    );
    expect(row).toMatchObject({ contactId: 'c-beta', matchMethod: 'invoice_number' });
    await d.poller.stop();
  });
});
