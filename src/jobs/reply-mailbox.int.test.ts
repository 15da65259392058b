import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { getImapCursor, listCustomerReplies } from '../adapters/db/customer-replies.js';
import { NO_SLACK_DEFAULTS } from '../adapters/db/slack-settings.js';
import { parseInboundEmail } from '../adapters/mail/inbound-email.js';
import { createLogger } from '../logger.js';
import { DUNNING_ORG_ID, dunningLedger } from '../testing/dunning-fixtures.js';
import { insertLedger } from '../testing/ledger-fixtures.js';
import { bounceMime, replyMime } from '../testing/reply-fixtures.js';
import { useTestDatabase } from '../testing/test-database.js';
import type { ReadReplyMailboxResult, ReplyInbox } from '../use-cases/read-reply-mailbox.js';
import { ReplyMailboxPoller } from './reply-mailbox.js';

/**
 * The poller's own behaviour with a scripted mailbox (the real server is in reply-mailbox.imap.test.ts):
 * reconnecting after failures and dropped sessions, and a mailbox the server renumbered (UIDVALIDITY).
 */
const database = useTestDatabase({ emptyBeforeEach: false });
beforeAll(async () => {
  await insertLedger(database.db, DUNNING_ORG_ID, dunningLedger());
});

interface Mail {
  uid: number;
  raw: Buffer;
}

const mail = (uid: number, id: string, text = 'About INV-B1') => ({
  uid,
  raw: replyMime({ from: 'accounts@beta.example', subject: 'Re: invoice', messageId: id, text }),
});

/** A scripted inbox: its messages, UIDVALIDITY and whether the session drops after a pass. */
function scriptedMailbox(state: { uidValidity: string; messages: Mail[]; dropAfterPass?: boolean }) {
  let opens = 0;
  const open = async (): Promise<ReplyInbox> => {
    opens++;
    let closed = false;
    const meta = (m: Mail) => ({
      uid: m.uid,
      size: m.raw.length,
      messageId: /Message-ID: (\S+)/.exec(m.raw.toString())![1]!,
      internalDate: new Date('2026-11-23T00:00:00Z'),
    });
    return {
      uidValidity: state.uidValidity,
      uidNext: Math.max(0, ...state.messages.map((m) => m.uid)) + 1,
      idle: false,
      get closed() {
        return closed;
      },
      listAfter: async (uid) => state.messages.filter((m) => m.uid > uid).map(meta),
      listSince: async () => state.messages.map(meta),
      source: async (uid) => state.messages.find((m) => m.uid === uid)?.raw ?? null,
      waitForChange: async (ms, signal) => {
        if (state.dropAfterPass) {
          closed = true;
          return;
        }
        await new Promise<void>((r) => {
          const t = setTimeout(r, ms);
          signal.addEventListener('abort', () => {
            clearTimeout(t);
            r();
          });
        });
      },
      close: async () => {
        closed = true;
      },
    };
  };
  return { open, opens: () => opens };
}

function pollerFor(mailbox: string, openInbox: () => Promise<ReplyInbox>) {
  const passes: ReadReplyMailboxResult[] = [];
  const poller = new ReplyMailboxPoller({
    openInbox,
    pollMs: 200,
    log: createLogger({ level: 'silent' }),
    onPass: (r) => passes.push(r),
    read: {
      db: database.db,
      slack: false,
      slackDefaults: NO_SLACK_DEFAULTS,
      sha256: (t) => createHash('sha256').update(t).digest('hex'),
      parse: parseInboundEmail,
      now: () => new Date('2026-11-23T01:00:00Z'),
      mailbox,
      holder: `holder-${mailbox}`,
    },
  });
  return { poller, passes };
}

async function until(what: string, fn: () => Promise<boolean> | boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const stored = async (id: string) =>
  (await listCustomerReplies(database.db)).filter((r) => r.messageId === id).length;

describe('the reply mailbox poller', () => {
  it('reconnects with backoff after failed connections and dropped sessions, losing nothing', async () => {
    const state = { uidValidity: '7', messages: [mail(1, '<r1@beta.example>')], dropAfterPass: true };
    const box = scriptedMailbox(state);
    let failures = 0;
    const { poller, passes } = pollerFor('drops', async () => {
      if (failures < 2) {
        failures++;
        throw new Error('connect ECONNREFUSED 127.0.0.1:993');
      }
      return box.open();
    });
    const started = Date.now();
    poller.start();
    await until('the first reply', async () => (await stored('<r1@beta.example>')) === 1);
    // Two failures: waits of 0.5–1 s and 1–2 s before the third attempt.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);
    // The session drops after each pass; what arrives meanwhile is read by the next one.
    state.messages.push(mail(2, '<r2@beta.example>'));
    await until('the second reply', async () => (await stored('<r2@beta.example>')) === 1);
    await until('a quiet pass', () => passes.length >= 3);
    await poller.stop();
    expect(box.opens()).toBeGreaterThanOrEqual(3);
    expect(await stored('<r1@beta.example>')).toBe(1);
    expect(await getImapCursor(database.db, 'drops')).toMatchObject({ uidValidity: '7', lastUid: 2 });
    expect(
      (
        await database.db
          .selectFrom('imap_cursors')
          .selectAll()
          .where('mailbox', '=', 'drops')
          .executeTakeFirst()
      )?.leased_by,
    ).toBeNull();
  });

  it('re-reads a renumbered mailbox by Message-ID: what it holds is passed over, what is new is stored', async () => {
    const state = {
      uidValidity: '100',
      messages: [mail(1, '<v1@beta.example>'), mail(2, '<v2@beta.example>')],
    };
    const first = pollerFor('renumbered', scriptedMailbox(state).open);
    first.poller.start();
    await until('both replies', async () => (await stored('<v2@beta.example>')) === 1);
    await first.poller.stop();

    // The server renumbers: new UIDVALIDITY, new UIDs, one new message among the old ones.
    state.uidValidity = '200';
    state.messages = [
      mail(10, '<v1@beta.example>'),
      mail(11, '<v2@beta.example>'),
      mail(12, '<v3@beta.example>'),
    ];
    const second = pollerFor('renumbered', scriptedMailbox(state).open);
    second.poller.start();
    await until('the new reply', async () => (await stored('<v3@beta.example>')) === 1);
    await until('a pass', () => second.passes.length > 0);
    await second.poller.stop();
    expect(second.passes[0]).toMatchObject({ listed: 3, stored: 1, duplicates: 2 });
    expect(await stored('<v1@beta.example>')).toBe(1);
    expect(await stored('<v2@beta.example>')).toBe(1);
    expect(await getImapCursor(database.db, 'renumbered')).toMatchObject({ uidValidity: '200', lastUid: 12 });
  });

  it('passes over a bounce as the receiving server’s notice, not a reply, and moves the cursor past it', async () => {
    const state = {
      uidValidity: '300',
      messages: [
        {
          uid: 1,
          raw: bounceMime({
            messageId: '<dsn-9@mx.beta.example>',
            returnedMessageId: '<not-ours@elsewhere.example>',
            recipients: [{ address: 'accounts@beta.example' }],
          }),
        },
        mail(2, '<after-bounce@beta.example>'),
      ],
    };
    const { poller, passes } = pollerFor('bounces', scriptedMailbox(state).open);
    poller.start();
    await until('the reply after it', async () => (await stored('<after-bounce@beta.example>')) === 1);
    await until('a pass', () => passes.length > 0);
    await poller.stop();
    expect(passes[0]).toMatchObject({ listed: 2, stored: 1, duplicates: 0 });
    expect(await stored('<dsn-9@mx.beta.example>')).toBe(0);
    expect(await getImapCursor(database.db, 'bounces')).toMatchObject({ uidValidity: '300', lastUid: 2 });
  });
});
