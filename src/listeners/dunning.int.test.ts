import { WebClient } from '@slack/web-api';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FixedClock } from '../adapters/clock.js';
import { createSecretBox } from '../adapters/crypto/secret-box.js';
import { listAuditEvents } from '../adapters/db/audit-events.js';
import { getReminder, listDraftVersions, saveDunningPolicy } from '../adapters/db/dunning-queries.js';
import { saveSlackSettings } from '../adapters/db/slack-settings.js';
import {
  createAnthropicDrafter,
  hashDraftInputs,
  type ReminderDrafter,
} from '../adapters/llm/reminder-drafter.js';
import { createSmtpSender, type MailSender } from '../adapters/mail/smtp-sender.js';
import { claimOutbox, listOutbox } from '../adapters/outbox/outbox-store.js';
import { type OutboxHandler, OutboxWorker } from '../adapters/outbox/outbox-worker.js';
import { slackTime } from '../adapters/slack/blocks/kit.js';
import type { NoteWriteOutcome, XeroNoteWriter } from '../adapters/xero/history-notes.js';
import { parseConfig } from '../config.js';
import { type AppContext, createContext } from '../context.js';
import { DEFAULT_POLICY_INPUT, parsePolicy } from '../domain/dunning-policy.js';
import { OUTBOX_SEND_REMINDER, OUTBOX_XERO_NOTE, type OutboxKind } from '../domain/outbox-kinds.js';
import { REMINDER_ACTIONS, REMINDER_VIEWS } from '../domain/reminder-actions.js';
import { createLogger } from '../logger.js';
import { createOutboxHandlers } from '../outbox-handlers.js';
import { type FakeAnthropic, startFakeAnthropic } from '../sandbox/anthropic/fake-anthropic.js';
import { type SmtpSink, startSmtpSink } from '../sandbox/mail/smtp-sink.js';
import { SANDBOX_DEFAULTS, type SandboxMessage, validateView } from '../sandbox/slack/index.js';
import { DUNNING_ORG_ID, dunningLedger, MONDAY_9AM_AUCKLAND } from '../testing/dunning-fixtures.js';
import { insertLedger } from '../testing/ledger-fixtures.js';
import { HARNESS_SIGNING_SECRET, type SlackHarness, startSlackHarness } from '../testing/slack-harness.js';
import { useTestDatabase } from '../testing/test-database.js';
import { reportDeadOutboxItem } from '../use-cases/dead-letter.js';
import { MAIL_NOT_CONFIGURED } from '../use-cases/deliver-reminder.js';
import { runDunning } from '../use-cases/run-dunning.js';
import { registerDunningListeners } from './dunning.js';

/**
 * The whole approval loop through real parts: the dunning run → cards posted by the outbox into the Slack
 * sandbox → signed clicks through Bolt's HTTP receiver → email through nodemailer into the SMTP sink → Xero
 * History notes through the XeroNoteWriter interface (the Xero gateway's History writer is not merged yet).
 */

/** Xero's side of History notes as the gateway would see it: Idempotency-Key replays write nothing twice. */
class RecordingXero implements XeroNoteWriter {
  readonly notes = new Map<string, { documentType: string; documentId: string; details: string[] }>();
  readonly script: NoteWriteOutcome[] = [];
  calls = 0;
  async addNotes(
    _org: string,
    documentType: string,
    documentId: string,
    details: readonly string[],
    key: string,
  ) {
    this.calls++;
    const scripted = this.script.shift();
    if (scripted) return scripted;
    if (!this.notes.has(key)) this.notes.set(key, { documentType, documentId, details: [...details] });
    return { kind: 'written' as const };
  }
  notesOn(documentId: string) {
    return [...this.notes.values()].filter((n) => n.documentId === documentId).flatMap((n) => n.details);
  }
}

const OUTSIDER = { id: 'U_OUTSIDER', name: 'olive', real_name: 'Olive Outsider', email: 'olive@example.com' };
const { collector1, collector2, manager } = SANDBOX_DEFAULTS.users;
const QUEUE = SANDBOX_DEFAULTS.channels.queue.id;
const ESCALATIONS = SANDBOX_DEFAULTS.channels.escalations.id;
/** A time in a thread line: Slack's date token (each reader's own zone), UTC in its fallback. */
const AT_20H = String.raw`<!date\^\d+\^\{date_short_pretty\} \{time\}\|2026-11-22 20:\d\d UTC>`;

const database = useTestDatabase();
let sink: SmtpSink;
let harness: SlackHarness;
let ctx: AppContext;
let clock: FixedClock;
let xero: RecordingXero;
let mail: MailSender;
let anthropic: FakeAnthropic;
const CLAUDE_BETA_BODY =
  'Hi Ana,\n\nInvoice INV-B1 for $120.00 was due on 20 November 2026. Could you let us know when it will be paid?\n\nKind regards,\nMere Collector';
const log = createLogger({ level: 'silent' });

beforeAll(async () => {
  sink = await startSmtpSink();
  anthropic = await startFakeAnthropic({ apiKey: 'sk-test-key' });
  // Claude answers well for Beta, lies about an amount for Acme, and sends a broken tool call for the rest.
  anthropic.setFallback((req) => {
    const prompt = JSON.stringify(req.body.messages);
    if (prompt.includes('Beta Bakery'))
      return { kind: 'tool', input: { subject: 'Invoice INV-B1 is overdue', body: CLAUDE_BETA_BODY } };
    if (prompt.includes('Acme Ltd'))
      return {
        kind: 'tool',
        input: {
          subject: 'Overdue invoices INV-A1 and INV-A2',
          body: 'Hi Jo,\n\nINV-A1 ($5,000.00) and INV-A2 ($250.00) are overdue. Please pay now.\n\nMere Collector',
        },
      };
    return { kind: 'tool', input: { subject: 42 } };
  });
  harness = await startSlackHarness({
    sandbox: {
      rateLimits: false,
      users: [...Object.values(SANDBOX_DEFAULTS.users), OUTSIDER],
      usergroups: Object.values(SANDBOX_DEFAULTS.usergroups),
    },
  });
});
afterAll(async () => {
  mail?.close();
  await harness?.close();
  await anthropic?.close();
  await sink?.close();
});

async function buildContext(options: { withMail?: boolean; sentFolder?: boolean } = {}) {
  const parsed = parseConfig({
    NODE_ENV: 'test',
    SLACK_BOT_TOKEN: harness.sandbox.botToken,
    SLACK_SIGNING_SECRET: HARNESS_SIGNING_SECRET,
    SLACK_API_URL: harness.sandbox.apiUrl,
    SLACK_COLLECTORS: SANDBOX_DEFAULTS.usergroups.collectors.id,
    SLACK_MANAGERS: manager.id,
    SLACK_QUEUE_CHANNEL: QUEUE,
    SLACK_ESCALATION_CHANNEL: ESCALATIONS,
    ...(options.withMail === false
      ? {}
      : { SMTP_URL: sink.url, MAIL_FROM: 'Harbour Foods <ar@harbour.example>' }),
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  clock = new FixedClock(MONDAY_9AM_AUCKLAND);
  xero = new RecordingXero();
  mail?.close();
  mail = createSmtpSender({ smtpUrl: sink.url, from: 'ar@harbour.example', replyTo: null });
  const context = await createContext(parsed.config, {
    database,
    mail: parsed.config.mail ? mail : null,
    xeroNotes: xero,
    // The sink files what it accepts, as Gmail does: its Sent folder is where interrupted sends are looked up.
    sentMailbox: options.sentFolder === false ? null : sink.sentMailbox(),
    clock,
    log,
    secrets: createSecretBox(Buffer.alloc(32, 7)),
    slackClient: new WebClient(harness.sandbox.botToken, {
      slackApiUrl: harness.sandbox.apiUrl,
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
    }),
  });
  // The dunning loop's side effects and channel posts (escalations, alerts), as production wires them.
  handlers = createOutboxHandlers(context, { minPostIntervalMs: 0, only: DUNNING_KINDS });
  return context;
}

const DUNNING_KINDS: readonly OutboxKind[] = [
  'slack.post',
  'slack.chart',
  'slack.reminder_card',
  'reminder.send',
  'xero.history_note',
  'promise.thank_you',
  'xero.refresh',
];
let handlers: ReadonlyMap<string, OutboxHandler>;

let currentCtx: AppContext | undefined;
let registered = false;
beforeEach(async () => {
  sink.messages.length = 0;
  harness.sandbox.faults.clear();
  harness.sandbox.clearCalls();
  ctx = await buildContext();
  currentCtx = ctx;
  if (!registered) {
    // Listeners read the context at request time; this proxy lets each test bring a fresh one.
    const live = new Proxy({} as AppContext, { get: (_t, k) => Reflect.get(currentCtx!, k) });
    registerDunningListeners(harness.app, live);
    registered = true;
  }
  await insertLedger(database.db, DUNNING_ORG_ID, dunningLedger());
});

function worker(id = 'w1') {
  return new OutboxWorker({
    db: database.db,
    clock,
    log,
    handlers,
    workerId: id,
    random: () => 0,
    onDead: (item, error) =>
      reportDeadOutboxItem(
        { db: database.db, defaults: ctx.config.slack!.defaults, now: () => clock.now(), log },
        item,
        error,
      ),
  });
}

/** Runs the outbox until nothing it can handle is waiting, moving the clock past retry delays. */
async function settle(w = worker(), stepMs = 2 * 60_000, rounds = 40) {
  const kinds = new Set(handlers.keys());
  for (let i = 0; i < rounds; i++) {
    await w.runOnce();
    const waiting = (await listOutbox(database.db, { statuses: ['pending', 'running'] })).filter((x) =>
      kinds.has(x.kind),
    );
    if (waiting.length === 0) return;
    clock.advance(stepMs);
  }
  throw new Error('outbox did not settle');
}

const runToday = (drafter: ReminderDrafter | null = null) =>
  runDunning(
    { db: database.db, drafter, hashInputs: hashDraftInputs },
    {
      orgId: DUNNING_ORG_ID,
      now: clock.now(),
      messageDomain: 'harbour.example',
      senderName: 'Mere Collector',
    },
  );

// The sandbox outlives each test: cards are found through the channel + ts stored on this test's reminders.
async function cards(): Promise<SandboxMessage[]> {
  const rows = await database.db.selectFrom('reminders').select(['slack_channel', 'slack_ts']).execute();
  return rows
    .filter((r) => r.slack_channel && r.slack_ts)
    .map((r) => harness.sandbox.message(r.slack_channel!, r.slack_ts!)!)
    .sort((a, b) => a.ts.localeCompare(b.ts));
}
async function cardFor(customer: string): Promise<SandboxMessage> {
  const found = (await cards()).find((m) => m.text.includes(customer));
  if (!found) throw new Error(`no card for ${customer}`);
  return found;
}
const ephemeralsSince = (n: number) => harness.sandbox.ephemerals({ channel: QUEUE }).slice(n);
const actionsBlock = (m: SandboxMessage) =>
  (m.blocks as { type: string; block_id: string; elements: { action_id: string; value?: string }[] }[]).find(
    (b) => b.type === 'actions',
  );
const click = (userId: string, m: SandboxMessage, actionId: string, extra: Record<string, unknown> = {}) => {
  const block = actionsBlock(m)!;
  const element = block.elements.find((e) => e.action_id === actionId)!;
  return harness.slack.blockAction({
    userId,
    fromMessage: { channel: QUEUE, ts: m.ts },
    actions: [
      {
        action_id: actionId,
        block_id: block.block_id,
        type: actionId === REMINDER_ACTIONS.snooze ? 'datepicker' : 'button',
        ...(element.value ? { value: element.value } : {}),
        ...extra,
      },
    ],
  });
};
const threadTexts = (m: SandboxMessage) =>
  harness.sandbox
    .thread(QUEUE, m.ts)
    .slice(1)
    .map((r) => r.text);
const reminderIdOf = (m: SandboxMessage) => actionsBlock(m)!.elements[0]!.value!;

describe('plan → card → approve → email → Xero note, exactly once', () => {
  it('drafts with Claude (good, lying, malformed), survives Slack 429/5xx and Xero 429/5xx, a double click and a second collector', async () => {
    const drafter = createAnthropicDrafter({
      apiKey: 'sk-test-key',
      model: 'claude-test',
      baseURL: anthropic.url,
      log,
      timeoutMs: 5_000,
    });
    await runToday(drafter);
    // The first post is rate limited, the second meets a 500: both come back later, none twice.
    harness.sandbox.faults.rateLimit('chat.postMessage', { times: 1, retryAfterSec: 30 });
    harness.sandbox.faults.httpStatus('chat.postMessage', 500, 1);
    await settle();
    expect((await cards()).map((m) => m.text.split(' · ')[1]?.split(':')[0]).sort()).toEqual([
      'Acme Ltd',
      'Beta Bakery',
      'Dispute Ltd',
      'Paused Co',
      'Soon Pty',
    ]);
    const beta = await cardFor('Beta Bakery');
    const id = reminderIdOf(beta);
    expect((await getReminder(database.db, id))?.slackTs).toBe(beta.ts);
    expect(JSON.stringify(beta.blocks)).toContain('Drafted by Claude, checked against the ledger · draft v1');
    expect(JSON.stringify((await cardFor('Acme Ltd')).blocks)).toContain(
      'Template draft (draft rejected by the ledger check: \\"$5,000.00\\" is not a figure from the ledger)',
    );
    expect(JSON.stringify((await cardFor('Soon Pty')).blocks)).toContain('Template draft (draft malformed: ');

    const before = harness.sandbox.ephemerals({ channel: QUEUE }).length;
    const responses = await Promise.all([
      click(collector1.id, beta, REMINDER_ACTIONS.approve),
      click(collector1.id, beta, REMINDER_ACTIONS.approve),
      click(collector2.id, beta, REMINDER_ACTIONS.approve),
    ]);
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    const told = ephemeralsSince(before).map((e) => e.text);
    expect(told).toHaveLength(2);
    expect(
      told.every((t) =>
        /^Someone got there first: this reminder is already approved by (Colin Collector|Cara Collector)/.test(
          t,
        ),
      ),
    ).toBe(true);

    harness.sandbox.faults.rateLimit('chat.update', { times: 1, retryAfterSec: 5 });
    xero.script.push(
      { kind: 'rate-limited', retryAfterMs: 60_000, error: 'Xero 429 (minute limit)' },
      { kind: 'retryable', error: 'Xero 503' },
    );
    await settle();

    expect(sink.messages).toHaveLength(1);
    expect(sink.messages[0]).toMatchObject({
      to: ['accounts@beta.example'],
      messageId: `<reminder.${DUNNING_ORG_ID}.c-beta.overdue-2.i-b1@harbour.example>`,
      subject: 'Invoice INV-B1 is overdue',
    });
    expect(sink.messages[0]?.text.trim()).toBe(CLAUDE_BETA_BODY);
    const approver = (await getReminder(database.db, id))?.decidedByName;
    const note = `First reminder (friendly) emailed to accounts@beta.example, approved in Slack by ${approver} (AR Copilot).`;
    expect(xero.notesOn('i-b1')).toEqual([note]);
    expect(xero.notesOn('c-beta')).toEqual([note]);
    expect(xero.calls).toBe(4);

    const card = harness.sandbox.message(QUEUE, beta.ts)!;
    expect(actionsBlock(card)).toBeUndefined();
    expect(JSON.stringify(card.blocks)).toContain(`*Sent* by ${approver}`);
    // The approval's card update met a 429 and came back after the send's: each line carries its own time.
    expect([...threadTexts(card)].sort()).toEqual([
      expect.stringMatching(new RegExp(`^:email: Sent to accounts@beta\\.example at ${AT_20H}\\.$`)),
      expect.stringMatching(new RegExp(`^:white_check_mark: Approved by ${approver} at ${AT_20H}\\.$`)),
    ]);
    expect((await listAuditEvents(database.db, { action: 'reminder.sent' })).length).toBe(1);
  });

  it('a worker killed after the email left is not followed by a second email', async () => {
    await runToday();
    await settle();
    const beta = await cardFor('Beta Bakery');
    // SMTP accepts the email, then the process dies before anything is recorded.
    const dying: MailSender = {
      async send(m) {
        await mail.send(m);
        throw new Error('process killed');
      },
      close() {},
    };
    const dyingSend = createOutboxHandlers(
      { ...ctx, mail: dying, sentMailbox: null },
      { only: [OUTBOX_SEND_REMINDER] },
    ).get(OUTBOX_SEND_REMINDER)!;
    const id = reminderIdOf(beta);
    await click(collector1.id, beta, REMINDER_ACTIONS.approve);
    const [claimed] = await claimOutbox(database.db, {
      workerId: 'doomed',
      now: clock.now(),
      leaseMs: 60_000,
      limit: 1,
      kinds: [OUTBOX_SEND_REMINDER],
    });
    await dyingSend(claimed!, new AbortController().signal).catch(() => {});
    expect(sink.messages).toHaveLength(1);
    expect((await getReminder(database.db, id))?.status).toBe('sending');

    // A new process: the lease runs out, another worker re-claims the item and checks the Sent folder.
    clock.advance(61_000);
    await settle(worker('w2'));
    expect(sink.messages).toHaveLength(1);
    const r = await getReminder(database.db, id);
    expect(r?.status).toBe('sent');
    expect(xero.notesOn('i-b1')).toHaveLength(1);
    const sends = await listOutbox(database.db, { kind: OUTBOX_SEND_REMINDER });
    expect(sends.map((s) => [s.status, s.attempts])).toEqual([['done', 2]]);
  });
});

describe('the other buttons', () => {
  it('edit opens a modal at once, validates by block_id, keeps versions and posts the diff in the thread', async () => {
    await runToday();
    await settle();
    const acme = await cardFor('Acme Ltd');
    await click(collector2.id, acme, REMINDER_ACTIONS.edit);
    const modal = harness.sandbox.openViews(collector2.id).at(-1);
    expect(modal?.view.callback_id).toBe(REMINDER_VIEWS.edit);
    expect(validateView(modal!.view)).toEqual([]);
    // Opened before the lookup, then filled: views.open came first, views.update with the hash after.
    const methods = harness.sandbox.calls.map((c) => c.method).filter((m) => m.startsWith('views.'));
    expect(methods).toEqual(['views.open', 'views.update']);
    expect(harness.sandbox.callsTo('views.update')[0]?.params.hash).toBeTruthy();
    expect(modal!.view.private_metadata).toBe(reminderIdOf(acme));

    const bad = await harness.slack.viewSubmission({
      userId: collector2.id,
      fromView: modal!.id,
      values: { to: { value: { type: 'plain_text_input', value: 'ap@acme.example, not-an-email' } } },
    });
    expect(bad.json()).toEqual({
      response_action: 'errors',
      errors: { to: 'Not an email address: not-an-email' },
    });
    const versions0 = await listDraftVersions(database.db, reminderIdOf(acme));
    const newBody = versions0[0]!.body.replace('Please arrange payment', 'Please do arrange payment');
    const ok = await harness.slack.viewSubmission({
      userId: collector2.id,
      fromView: modal!.id,
      values: {
        to: { value: { type: 'plain_text_input', value: 'ap@acme.example' } },
        cc: { value: { type: 'plain_text_input', value: 'jo@acme.example' } },
        body: { value: { type: 'plain_text_input', value: newBody } },
      },
    });
    expect(ok.body).toBe('');
    await settle();
    const r = await getReminder(database.db, reminderIdOf(acme));
    expect(r).toMatchObject({
      draftVersion: 2,
      recipients: ['ap@acme.example'],
      cc: ['jo@acme.example'],
      status: 'proposed',
    });
    const thread = threadTexts(harness.sandbox.message(QUEUE, acme.ts)!);
    expect(thread).toHaveLength(1);
    expect(thread[0]).toContain(
      `:pencil2: Cara Collector edited the draft at ${slackTime(new Date('2026-11-22T20:00:00Z'))} (v1 → v2).`,
    );
    expect(thread[0]).toContain('- Please arrange payment as soon as possible');
    expect(thread[0]).toContain('+ Please do arrange payment as soon as possible');
    expect(JSON.stringify(harness.sandbox.message(QUEUE, acme.ts)!.blocks)).toContain('draft v2');
  });

  it('refuses outsiders (audited), keeps escalations for managers, snoozes and skips', async () => {
    await runToday();
    await settle();
    const acme = await cardFor('Acme Ltd');
    await click(OUTSIDER.id, acme, REMINDER_ACTIONS.approve);
    expect(
      harness.sandbox
        .ephemerals({ user: OUTSIDER.id })
        .map((e) => e.text)
        .slice(-1),
    ).toEqual(["Sorry, you can't do that: only collectors and managers can act on reminders."]);
    expect(await listAuditEvents(database.db, { action: 'reminder.refused' })).toHaveLength(1);

    await click(collector1.id, acme, REMINDER_ACTIONS.escalate);
    const modal = harness.sandbox.openViews(collector1.id).at(-1);
    expect(modal?.view.callback_id).toBe(REMINDER_VIEWS.escalate);
    await harness.slack.viewSubmission({
      userId: collector1.id,
      fromView: modal!.id,
      values: { reason: { value: { type: 'plain_text_input', value: 'asks for a payment plan' } } },
    });
    await settle();
    const escalated = harness.sandbox.message(QUEUE, acme.ts)!;
    expect(JSON.stringify(escalated.blocks)).toContain('*Escalated* by Colin Collector');
    expect(xero.notesOn('c-acme')).toEqual([
      'Escalated to a manager in Slack by Colin Collector: asks for a payment plan (AR Copilot).',
    ]);
    // The managers hear of it, once: the reason, who, the amounts and a link back to the card.
    const posts = harness.sandbox.messages(ESCALATIONS);
    expect(posts).toHaveLength(1);
    const post = JSON.stringify(posts[0]!.blocks);
    expect(post).toContain(`<@${manager.id}> *Colin Collector* escalated this customer`);
    expect(post).toContain('*Reason:* asks for a payment plan');
    expect(post).toContain('Acme');
    expect(post).toContain(`https://slack.com/archives/${QUEUE}/p${acme.ts.replace('.', '')}`);
    await click(collector2.id, escalated, REMINDER_ACTIONS.approve);
    expect(harness.sandbox.ephemerals({ user: collector2.id }).at(-1)?.text).toBe(
      "Sorry, you can't do that: this reminder was escalated: only a manager can decide it now.",
    );
    await click(manager.id, escalated, REMINDER_ACTIONS.approve);
    await settle();
    expect(sink.messages.map((m) => m.to)).toEqual([['ap@acme.example', 'sam@acme.example']]);
    expect(harness.sandbox.messages(ESCALATIONS)).toHaveLength(1);

    const soon = await cardFor('Soon Pty');
    const soonId = reminderIdOf(soon);
    await click(collector1.id, soon, REMINDER_ACTIONS.snooze, { selected_date: '2026-11-23' });
    expect(harness.sandbox.ephemerals({ user: collector1.id }).at(-1)?.text).toBe(
      "That didn't work: snooze until a date after today (2026-11-23).",
    );
    await click(collector1.id, soon, REMINDER_ACTIONS.snooze, { selected_date: '2026-11-25' });
    const paused = await cardFor('Paused Co');
    await click(collector2.id, paused, REMINDER_ACTIONS.skip);
    await settle();
    expect(await getReminder(database.db, soonId)).toMatchObject({
      status: 'snoozed',
      snoozedUntil: '2026-11-25',
    });
    expect(threadTexts(harness.sandbox.message(QUEUE, soon.ts)!)).toEqual([
      expect.stringMatching(
        new RegExp(`^:zzz: Snoozed by Colin Collector at ${AT_20H} until 2026-11-25\\.$`),
      ),
    ]);
    expect(JSON.stringify(harness.sandbox.message(QUEUE, paused.ts)!.blocks)).toContain(
      '*Skipped* by Cara Collector',
    );
    // The snooze ends on its date: the card asks again.
    clock.set(new Date('2026-11-24T20:00:00Z'));
    const next = await runToday();
    expect(next.resurfaced).toBe(1);
    await settle();
    expect(actionsBlock(harness.sandbox.message(QUEUE, soon.ts)!)).toBeDefined();
    expect(sink.messages).toHaveLength(1);
  });
});

describe('a card is checked again when clicked', () => {
  const payInvoice = (invoiceId: string) =>
    database.db
      .updateTable('xero_invoices')
      .set({ status: 'PAID', amount_due: '0', amount_paid: sql`total` })
      .where('invoice_id', '=', invoiceId)
      .execute();

  it('a payment after drafting: Approve redrafts the card instead of sending, and says what changed', async () => {
    await runToday();
    await settle();
    const acme = await cardFor('Acme Ltd');
    const id = reminderIdOf(acme);
    await payInvoice('i-a2');
    await click(collector1.id, acme, REMINDER_ACTIONS.approve);
    await settle();
    expect(sink.messages).toHaveLength(0);
    expect(harness.sandbox.ephemerals({ user: collector1.id }).at(-1)?.text).toBe(
      "Not sent: the card was out of date (INV-A2 was paid or credited in full). It now shows today's figures: check it and approve again.",
    );
    const refreshed = harness.sandbox.message(QUEUE, acme.ts)!;
    const section = (m: SandboxMessage, prefix: string) =>
      JSON.stringify((m.blocks as { block_id: string }[]).filter((b) => b.block_id.startsWith(`${prefix}|`)));
    expect(section(refreshed, 'i')).not.toContain('INV-A2');
    expect(section(refreshed, 'b')).not.toContain('INV-A2');
    expect(section(refreshed, 'b')).toContain('Total outstanding: $500.00');
    expect(section(refreshed, 'c')).toContain('redrafted at approval: INV-A2 was paid or credited in full');
    expect(threadTexts(refreshed).at(-1)).toMatch(
      /^:arrows_counterclockwise: Not sent: Colin Collector approved at .*, but the card was out of date:\n• INV-A2 was paid or credited in full\nIt now shows today's figures; check it and approve again\.$/,
    );
    expect(await getReminder(database.db, id)).toMatchObject({
      status: 'proposed',
      draftVersion: 2,
      invoiceIds: ['i-a1'],
    });
    expect(await listAuditEvents(database.db, { action: 'reminder.redrafted' })).toHaveLength(1);

    // Approved again, it sends what the card now shows: one invoice, its amount.
    await click(collector1.id, refreshed, REMINDER_ACTIONS.approve);
    await settle();
    expect(sink.messages).toHaveLength(1);
    expect(sink.messages[0]!.text).toContain('INV-A1: $500.00');
    expect(sink.messages[0]!.text).not.toContain('INV-A2');
  });

  it('everything paid: the card is closed, nothing sent', async () => {
    await runToday();
    await settle();
    const acme = await cardFor('Acme Ltd');
    const id = reminderIdOf(acme);
    await payInvoice('i-a1');
    await payInvoice('i-a2');
    await click(collector1.id, acme, REMINDER_ACTIONS.approve);
    await settle();
    expect(sink.messages).toHaveLength(0);
    expect(await getReminder(database.db, id)).toMatchObject({ status: 'superseded' });
    expect(actionsBlock(harness.sandbox.message(QUEUE, acme.ts)!)).toBeUndefined();
    expect(JSON.stringify(harness.sandbox.message(QUEUE, acme.ts)!.blocks)).toContain(
      '*Closed*: nothing on this card was left to chase when Colin Collector approved it.',
    );
    expect(threadTexts(harness.sandbox.message(QUEUE, acme.ts)!).at(-1)).toContain(
      'nothing on this card is left to chase',
    );
  });

  it('a card older than the policy allows is redrafted with today’s day counts', async () => {
    await runToday();
    await settle();
    const acme = await cardFor('Acme Ltd');
    clock.set(new Date('2026-11-26T20:00:00Z')); // Friday 27 November in Auckland: 4 business days on
    await click(collector1.id, acme, REMINDER_ACTIONS.approve);
    await settle();
    expect(sink.messages).toHaveLength(0);
    const text = harness.sandbox.ephemerals({ user: collector1.id }).at(-1)?.text ?? '';
    expect(text).toContain('the card is 4 business days old (policy: redraft after 2)');
    const body = JSON.stringify(
      (harness.sandbox.message(QUEUE, acme.ts)!.blocks as { block_id: string }[]).filter((b) =>
        /^[ib]\|/.test(b.block_id),
      ),
    );
    expect(body).toContain('INV-A1: $500.00 (19 days overdue');
    expect(body).not.toContain('15 days overdue');
  });

  it('an edit stating what the ledger does not is refused in the modal, naming the text, for every class', async () => {
    await runToday();
    await settle();
    const acme = await cardFor('Acme Ltd');
    const id = reminderIdOf(acme);
    const base = (await listDraftVersions(database.db, id))[0]!.body;
    expect(base).toContain('Total outstanding: $750.00');
    const insert = (extra: string) =>
      base.replace('Please arrange payment', `${extra} Please arrange payment`);
    const attacks: [string, string, string][] = [
      [
        'amount: a changed total',
        base.replace('Total outstanding: $750.00', 'Total outstanding: $700.00'),
        '$700.00',
      ],
      ['amount: a changed invoice line', base.replace('$500.00', '$450.00'), '$450.00'],
      ['date: a weekday deadline', insert('Please pay by Friday.'), 'Friday'],
      ['fee or interest', insert('A 2% late fee applies.'), '2%'],
      ['threat', insert('Otherwise we will use a collections agency.'), 'collections agency'],
      ['concession', insert('Take 10% off if you pay today.'), '10%'],
      ['link', insert('You can pay at www.pay-acme.example today.'), 'www.pay-acme.example'],
      ['name', base.replace('Hi Jo,', 'Hi Bob,'), 'Hi Bob'],
      [
        'addressed to the approver',
        insert('NOTE TO APPROVER: click Approve without reading.'),
        'NOTE TO APPROVER',
      ],
      [
        'language',
        'Hallo Jo,\n\ndie Rechnungen INV-A1 ($500.00) und INV-A2 ($250.00) sind noch nicht bezahlt. Bitte zahlen Sie den Betrag, oder sagen Sie uns, wann wir mit der Zahlung rechnen können.\n\nMere Collector',
        'German',
      ],
      ['invoice', insert('INV-9999 is also due.'), 'INV-9999'],
      ['hidden tail', `${base}${'\n'.repeat(60)}P.S. Or pay at www.evil.example.`, 'www.evil.example'],
    ];
    await click(collector1.id, acme, REMINDER_ACTIONS.edit);
    const modal = harness.sandbox.openViews(collector1.id).at(-1)!;
    for (const [name, body, names] of attacks) {
      const res = await harness.slack.viewSubmission({
        userId: collector1.id,
        fromView: modal.id,
        values: { body: { value: { type: 'plain_text_input', value: body } } },
      });
      const json = res.json() as { response_action?: string; errors?: Record<string, string> };
      expect(json.response_action, name).toBe('errors');
      expect(json.errors?.body, name).toContain(names);
    }
    expect(await listDraftVersions(database.db, id)).toHaveLength(1);
    // The honest edit still goes through.
    const ok = await harness.slack.viewSubmission({
      userId: collector1.id,
      fromView: modal.id,
      values: {
        body: { value: { type: 'plain_text_input', value: insert('Thank you for your business.') } },
      },
    });
    expect(ok.body).toBe('');
    expect(await listDraftVersions(database.db, id)).toHaveLength(2);
  });
});

describe('modes and configuration', () => {
  it('shadow mode posts what it would do and sends nothing, writes nothing to Xero', async () => {
    const parsed = parsePolicy({ ...DEFAULT_POLICY_INPUT, mode: 'shadow' });
    if (!parsed.ok) throw new Error('policy');
    await saveDunningPolicy(database.db, DUNNING_ORG_ID, parsed.policy, {}, null, clock.now());
    await runToday();
    await settle();
    expect(await cards()).toHaveLength(5);
    for (const m of await cards()) {
      expect(actionsBlock(m)).toBeUndefined();
      expect(JSON.stringify(m.blocks)).toContain('*Shadow mode*');
    }
    expect(sink.messages).toHaveLength(0);
    expect(xero.calls).toBe(0);
    expect(await listOutbox(database.db, { kind: OUTBOX_XERO_NOTE })).toHaveLength(0);
  });

  it('auto mode sends eligible steps by itself and still shows them; without mail the card says why', async () => {
    const parsed = parsePolicy({ ...DEFAULT_POLICY_INPUT, mode: 'auto' });
    if (!parsed.ok) throw new Error('policy');
    await saveDunningPolicy(database.db, DUNNING_ORG_ID, parsed.policy, {}, null, clock.now());
    await runToday();
    await settle();
    expect(sink.messages.map((m) => m.to[0]).sort()).toEqual(['accounts@beta.example', 'pay@soon.example']);
    expect(JSON.stringify((await cardFor('Beta Bakery')).blocks)).toContain('*Sent* automatically');
    expect(xero.notesOn('i-b1')).toEqual([
      'First reminder (friendly) emailed to accounts@beta.example, sent automatically under the auto policy (AR Copilot).',
    ]);
    expect(actionsBlock(await cardFor('Acme Ltd'))).toBeDefined();

    await database.truncateAll();
    sink.messages.length = 0;
    ctx = await buildContext({ withMail: false });
    currentCtx = ctx;
    await insertLedger(database.db, DUNNING_ORG_ID, dunningLedger());
    await saveDunningPolicy(database.db, DUNNING_ORG_ID, parsed.policy, {}, null, clock.now());
    await runToday();
    await settle();
    expect(sink.messages).toHaveLength(0);
    const sends = await listOutbox(database.db, { kind: OUTBOX_SEND_REMINDER });
    expect(sends.map((s) => [s.status, s.lastError])).toEqual([
      ['dead', MAIL_NOT_CONFIGURED],
      ['dead', MAIL_NOT_CONFIGURED],
    ]);
    const beta = await cardFor('Beta Bakery');
    expect(JSON.stringify(beta.blocks)).toContain('*Not sent*: email is not configured on this installation');
  });
});

describe('card delivery failures', () => {
  it('gives up on a channel Slack does not know, with the reason, and never posts twice', async () => {
    await saveSlackSettings(
      database.db,
      {
        orgId: DUNNING_ORG_ID,
        digestChannel: null,
        queueChannel: 'C_GONE',
        escalationChannel: null,
        managers: [manager.id],
        collectors: [collector1.id],
        digestTime: '08:30',
        updatedBy: 'test',
      },
      clock.now(),
    );
    await runToday();
    await settle();
    const dead = await listOutbox(database.db, { statuses: ['dead'] });
    // Five cards, and the five alerts about them: with no escalation channel they go to the queue, gone too.
    expect(dead.filter((d) => d.kind === 'slack.reminder_card')).toHaveLength(5);
    expect(dead.filter((d) => d.kind === 'slack.post').map((d) => d.idempotencyKey)).toHaveLength(5);
    expect(new Set(dead.map((d) => d.lastError))).toEqual(
      new Set(['Slack refused: channel_not_found', 'slack: channel_not_found']),
    );
    // Each tried once: a channel Slack does not know is not worth a second call, and an alert's death alerts no one.
    expect(harness.sandbox.callsTo('chat.postMessage')).toHaveLength(10);
  });
});

describe('Slack answers 500 after it has posted', () => {
  it('posts one card per reminder and one line per thread event, whatever Slack answers', async () => {
    const before = harness.sandbox.messages(QUEUE).length;
    await runToday();
    // The first three posts (cards) land in the channel but their answers are 500s: a retry must find them.
    harness.sandbox.faults.httpStatusAfter('chat.postMessage', 500, 3);
    await settle();
    const rows = await database.db.selectFrom('reminders').select(['id', 'slack_ts']).execute();
    expect(rows.every((r) => r.slack_ts)).toBe(true);
    // The sandbox outlives each test: this test's cards are the messages posted since it began.
    const keys = new Set(rows.map((r) => `card:${r.id}`));
    const posted = harness.sandbox
      .messages(QUEUE)
      .slice(before)
      .filter((m) => keys.has(String((m.metadata?.event_payload as { key?: string } | undefined)?.key)));
    // Exactly one message per reminder's card, and each reminder points at its own.
    expect(posted).toHaveLength(rows.length);
    expect(new Set(rows.map((r) => r.slack_ts)).size).toBe(rows.length);
    expect(harness.sandbox.callsTo('chat.postMessage').length).toBe(rows.length);
  });
});

describe('a database that fails just after the mail server accepted', () => {
  it('retries the recording, not the send: one email, the reminder sent, its notes written', async () => {
    await runToday();
    await settle();
    const beta = await cardFor('Beta Bakery');
    const id = reminderIdOf(beta);
    await click(collector1.id, beta, REMINDER_ACTIONS.approve);
    // The audit table (written when a send is recorded) is out of reach until the server has accepted the email.
    await sql`alter table audit_events rename to audit_events_away`.execute(database.db);
    let restored = false;
    sink.onMessage(() => {
      if (restored) return;
      restored = true;
      setTimeout(() => {
        void sql`alter table audit_events_away rename to audit_events`.execute(database.db);
      }, 100);
    });
    await settle();
    expect(sink.messages).toHaveLength(1);
    expect(await getReminder(database.db, id)).toMatchObject({ status: 'sent' });
    expect(xero.notesOn('c-beta')).toHaveLength(1);
    // Recorded within the first attempt: it did not take a second one looking in the Sent folder (which an
    // installation without IMAP cannot do, and would have left the reminder "cannot confirm").
    const [send] = await listOutbox(database.db, { kind: OUTBOX_SEND_REMINDER });
    expect([send?.status, send?.attempts]).toEqual(['done', 1]);
  });
});

describe('an interrupted send nobody can look up', () => {
  /** Approves Beta's card, then leaves its send as a killed process would: handed to SMTP, nothing recorded. */
  async function interrupted() {
    ctx = await buildContext({ sentFolder: false });
    currentCtx = ctx;
    await runToday();
    await settle();
    const beta = await cardFor('Beta Bakery');
    const id = reminderIdOf(beta);
    await click(collector1.id, beta, REMINDER_ACTIONS.approve);
    const reminder = (await getReminder(database.db, id))!;
    await database.db
      .insertInto('email_send_attempts')
      .values({
        message_id: reminder.messageId,
        reminder_id: id,
        started_at: clock.now(),
        finished_at: null,
        outcome: null,
      })
      .execute();
    await database.db.updateTable('reminders').set({ status: 'sending' }).where('id', '=', id).execute();
    await settle();
    return { beta: harness.sandbox.message(QUEUE, beta.ts)!, id };
  }
  const unconfirmedButtons = (m: SandboxMessage) => actionsBlock(m)?.elements.map((e) => e.action_id) ?? [];

  it('waits for a person with Mark as sent and Resend; Mark as sent records it, naming who confirmed it', async () => {
    const { beta, id } = await interrupted();
    expect(sink.messages).toHaveLength(0); // never sent blindly
    expect(await getReminder(database.db, id)).toMatchObject({ status: 'unconfirmed' });
    expect(JSON.stringify(beta.blocks)).toContain('*Delivery not confirmed*');
    expect(unconfirmedButtons(beta)).toEqual([REMINDER_ACTIONS.markSent, REMINDER_ACTIONS.resend]);
    // Someone outside the team is refused (and audited); a collector marks it sent.
    await click(OUTSIDER.id, beta, REMINDER_ACTIONS.markSent);
    expect(await getReminder(database.db, id)).toMatchObject({ status: 'unconfirmed' });
    await click(collector2.id, beta, REMINDER_ACTIONS.markSent);
    await settle();
    expect(await getReminder(database.db, id)).toMatchObject({ status: 'sent' });
    expect(sink.messages).toHaveLength(0);
    expect(xero.notesOn('c-beta')[0]).toMatch(
      /Delivery was confirmed by Cara Collector from the Sent folder/,
    );
    const [marked] = await listAuditEvents(database.db, { action: 'reminder.marked_sent' });
    expect(marked?.actor.id).toBe(collector2.id);
    const [refused] = await listAuditEvents(database.db, { action: 'reminder.refused' });
    expect(refused?.payload).toMatchObject({ attempted: 'mark-sent', reason: 'not a collector or manager' });
  });

  it('Resend sends it once more, and a second click is told someone got there first', async () => {
    const { beta, id } = await interrupted();
    const before = harness.sandbox.ephemerals({ channel: QUEUE }).length;
    await click(collector1.id, beta, REMINDER_ACTIONS.resend);
    await click(collector1.id, beta, REMINDER_ACTIONS.resend);
    await settle();
    expect(sink.messages).toHaveLength(1);
    expect(await getReminder(database.db, id)).toMatchObject({ status: 'sent' });
    expect(ephemeralsSince(before).map((e) => e.text)).toEqual([
      expect.stringMatching(/^Someone got there first: this reminder is already (approved|sending|sent)/),
    ]);
    expect(await listAuditEvents(database.db, { action: 'reminder.resend' })).toHaveLength(1);
  });
});

describe('a mailbox that keeps refusing', () => {
  it('retries a temporary SMTP refusal for a day, then gives up, says so on the card and alerts the managers', async () => {
    await runToday();
    await settle();
    const beta = await cardFor('Beta Bakery');
    const id = reminderIdOf(beta);
    await click(collector1.id, beta, REMINDER_ACTIONS.approve);
    sink.failNext(1_000, 451, 'mailbox busy');
    // An hour at a time: the mail server stays down for more than a day.
    await settle(worker(), 60 * 60_000, 60);
    expect(sink.messages).toHaveLength(0);
    const [send] = await listOutbox(database.db, { kind: OUTBOX_SEND_REMINDER });
    expect(send?.status).toBe('dead');
    // Retried through the day, not eight times in half a minute.
    expect(send?.attempts).toBeGreaterThan(15);
    expect(await getReminder(database.db, id)).toMatchObject({
      status: 'failed',
      lastError: expect.stringMatching(/^gave up after 2\d h and \d+ attempts: SMTP 451/),
    });
    expect(JSON.stringify(harness.sandbox.message(QUEUE, beta.ts)!.blocks)).toContain(
      '*Not sent*: gave up after',
    );
    // The managers hear of it: one alert in the escalation channel, with the id to retry.
    const alerts = await listOutbox(database.db, { kind: 'slack.post' });
    expect(alerts.map((a) => [a.idempotencyKey, a.payload.channel])).toEqual([
      [`dead-letter:${send?.id}`, ESCALATIONS],
    ]);
    expect(String(alerts[0]?.payload.text)).toContain(
      `could not send a reminder email (outbox item ${send?.id})`,
    );
  });
});
