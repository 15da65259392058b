import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listAuditEvents } from '../adapters/db/audit-events.js';
import { insertReminderIfAbsent } from '../adapters/db/dunning-queries.js';
import { getSlackSettings } from '../adapters/db/slack-settings.js';
import { listOutbox } from '../adapters/outbox/outbox-store.js';
import { ACTION } from '../adapters/slack/blocks/ids.js';
import { blocksAsText } from '../adapters/slack/blocks/plain-text.js';
import type { AppContext } from '../context.js';
import { DEFAULT_POLICY_INPUT } from '../domain/dunning-policy.js';
import { validateMessageBlocks, validateView } from '../sandbox/slack/index.js';
import { fxLedger } from '../testing/fx-ledger-fixture.js';
import { LedgerBuilder, TEST_ORG_ID } from '../testing/ledger-builders.js';
import { insertLedger } from '../testing/ledger-fixtures.js';
import { type SlackHarness, startSlackHarness } from '../testing/slack-harness.js';
import { outboxWorker, surfacesContext, surfacesLedger } from '../testing/slack-surfaces-fixture.js';
import { useTestDatabase } from '../testing/test-database.js';
import { listPriorities } from '../use-cases/collections-reports.js';
import { runDailyDigest } from '../use-cases/daily-digest.js';
import { showPolicy } from '../use-cases/manage-policy.js';
import { registerListeners } from './index.js';

const MANAGER = 'U_MANAGER';
const COLLECTOR = 'U_COLLECTOR1';
const OUTSIDER = 'U_OUTSIDER';
const CHANNEL = 'C_QUEUE';
const FX_ORG = '7d3c2b1a-0000-4000-8000-00000000f001';

describe('Slack surfaces through the real Bolt app, signed HTTP and the sandbox', () => {
  const database = useTestDatabase();
  let h: SlackHarness;
  let ctx: AppContext;

  beforeAll(async () => {
    h = await startSlackHarness({
      sandbox: {
        users: [
          { id: MANAGER, name: 'maria', real_name: 'Maria Manager', email: 'maria@example.com' },
          { id: COLLECTOR, name: 'colin', real_name: 'Colin Collector', email: 'colin@example.com' },
          { id: OUTSIDER, name: 'otto', real_name: 'Otto Outsider', email: 'otto@example.com' },
        ],
        usergroups: [{ id: 'S_COLLECTORS', handle: 'ar-collectors', users: [COLLECTOR] }],
        rateLimits: false,
      },
      register: async (app, sandbox) => {
        ctx = await surfacesContext(database, sandbox, { minIntervalMs: 10 });
        registerListeners(app, ctx);
      },
    });
  });
  afterAll(async () => {
    await h?.close();
  });
  beforeEach(async () => {
    await insertLedger(database.db, TEST_ORG_ID, surfacesLedger());
    h.sandbox.clearCalls();
  });

  const ask = async (text: string, user = COLLECTOR) => {
    const res = await h.slack.command({ text, userId: user, channelId: CHANNEL });
    expect(res.status).toBe(200);
    const mine = h.sandbox.ephemerals({ channel: CHANNEL, user });
    return mine[mine.length - 1]!;
  };
  const textOf = (m: { blocks?: unknown[] }) => blocksAsText((m.blocks ?? []) as never);

  it('/ar help lists the commands in the ack itself; unknown input gets usage, never a stack trace', async () => {
    const help = await ask('help');
    expect(help.source).toBe('ack');
    expect(textOf(help)).toContain('/ar pause CUSTOMER [until YYYY-MM-DD] [reason…]');
    const bad = await ask('frobnicate <script>');
    expect(textOf(bad)).toContain(':warning: Unknown command "frobnicate".');
    expect(textOf(bad)).not.toMatch(/Error|at .*\.ts/);
    const top = await ask('top 99');
    expect(textOf(top)).toContain('`top` takes a number from 1 to 25');
  });

  it("/ar top N lists customers in the brain's priority order, ephemeral, with Open buttons", async () => {
    const answer = await ask('top 3');
    expect(answer.source).toBe('response_url');
    expect(validateMessageBlocks(answer.blocks)).toEqual([]);
    const expected = listPriorities(surfacesLedger(), '2026-11-23')
      .customers.filter((c) => Number(c.balanceBase) > 0)
      .slice(0, 3)
      .map((c) => c.contactName.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
    const names = (answer.blocks as { text?: { text: string } }[])
      .map((b) => /^\*\d+\. (.+?)\*/.exec(b.text?.text ?? '')?.[1])
      .filter(Boolean);
    expect(names).toEqual(expected);
    expect(names[0]).toBe('Gamma Co');
    expect(JSON.stringify(answer.blocks)).toContain(ACTION.openCustomer);
    expect(h.sandbox.messages(CHANNEL)).toHaveLength(0);
  });

  it('/ar top lists only customers with something overdue, numbered 1..n as their cards number them, in NZ$', async () => {
    // NZD owed in USD, AUD and GBP; Early Bird scores highest but has nothing overdue yet (the digest lists the
    // same customers under the same numbers: blocks/totals.test.ts). A fresh organisation id: the listeners'
    // ledger cache has not seen it.
    await database.truncateAll();
    await insertLedger(database.db, FX_ORG, fxLedger(FX_ORG));
    const answer = await ask('top 10');
    expect(validateMessageBlocks(answer.blocks)).toEqual([]);
    const lines = (answer.blocks as { text?: { text: string } }[])
      .map((b) => /^\*(\d+)\. (.+?)\*.*\n(.*)/.exec(b.text?.text ?? ''))
      .filter((m) => m !== null);
    expect(lines.map((m) => m[1])).toEqual(['1', '2', '3', '4']);
    expect(lines.map((m) => m[2])).not.toContain('Early Bird Ltd');
    expect(textOf(answer)).not.toContain('Early Bird');
    for (const m of lines) expect(m[3]).toMatch(/^NZ\$[\d,]+\.\d{2} overdue of NZ\$[\d,]+\.\d{2} · /);
    // The card says the number /ar top gives; a customer with nothing overdue has none.
    const card = textOf(await ask(`customer ${lines[1]![2]}`));
    expect(card).toMatch(/\*Priority\*\n#2 · /);
    expect(textOf(await ask('customer early bird'))).toMatch(/\*Priority\*\n\w+ · nothing overdue/);
    const yankee = textOf(await ask('customer yankee'));
    expect(yankee).toMatch(/• Y-1 · NZ\$630\.80 \(US\$412\.73\) · 23d overdue/);
  });

  it('share posts the answer in the channel', async () => {
    await h.slack.command({ text: 'aging share', userId: COLLECTOR, channelId: CHANNEL });
    const posted = h.sandbox.lastMessage(CHANNEL);
    expect(posted?.text).toBe('Ageing for Demo Trading as of 2026-11-23: US$17,300.00 open');
    expect(textOf(posted!)).toContain('# Ageing · Demo Trading · 2026-11-23');
    // `/ar kpis share` shares the collections report (its KPI table's own Share): posted by the outbox.
    await h.slack.command({ text: 'kpis share', userId: COLLECTOR, channelId: CHANNEL });
    await outboxWorker(ctx).drain();
    const report = h.sandbox.lastMessage(CHANNEL);
    expect(report?.text).toMatch(
      /^Collections report · Demo Trading · week 2026-W48: overdue US\$16,800\.00/,
    );
  });

  it('/ar aging with an ambiguous name offers buttons; picking one answers for that customer', async () => {
    const picker = await ask('aging acme');
    const buttons = (
      picker.blocks![1] as { elements: { text: { text: string }; action_id: string; value: string }[] }
    ).elements;
    expect(buttons.map((b) => b.text.text)).toEqual(['Acme & <Sons> (AS1)', 'Acme Widgets']);
    const res = await h.slack.blockAction({
      userId: COLLECTOR,
      fromEphemeral: { channel: CHANNEL, ts: picker.ts },
      actions: [
        { action_id: buttons[0]!.action_id, block_id: 'ar_pick', type: 'button', value: buttons[0]!.value },
      ],
    });
    expect(res.status).toBe(200);
    const answer = h.sandbox.ephemerals({ channel: CHANNEL, user: COLLECTOR }).at(-1)!;
    const text = textOf(answer);
    expect(text).toContain('# Ageing · Acme & <Sons>');
    expect(text).toContain('*31–60*\nUS$3,000.00');
    expect(text).toContain('• INV-101 · US$3,000.00 · 53d overdue');
  });

  it('a forged pick or Share value (wrong types, a bad date, an object for text) is refused as expired, and changes nothing', async () => {
    const picker = await ask('pause acme');
    const button = (picker.blocks![1] as { elements: { action_id: string; value: string }[] }).elements[0]!;
    const real = JSON.parse(button.value) as Record<string, unknown>;
    const press = (value: string, action_id = button.action_id) =>
      h.slack.blockAction({
        userId: COLLECTOR,
        fromEphemeral: { channel: CHANNEL, ts: picker.ts },
        actions: [{ action_id, block_id: 'x', type: 'button', value }],
      });
    const forged = [
      { ...real, u: '2026-13-45; drop table customer_holds' },
      { ...real, u: 20261231 },
      { ...real, r: { toString: 'evil' } },
      { ...real, sh: 'yes' },
      { ...real, o: ['x'] },
    ];
    for (const value of forged) {
      await press(JSON.stringify(value));
      expect(h.sandbox.ephemerals({ channel: CHANNEL, user: COLLECTOR }).at(-1)?.text).toBe(
        'That choice has expired; run the command again.',
      );
    }
    expect(await database.db.selectFrom('customer_holds').selectAll().execute()).toEqual([]);
    for (const value of [
      { o: TEST_ORG_ID, p: 'year', a: '2026-11-23' },
      { o: TEST_ORG_ID, p: 'week', a: 5 },
    ]) {
      await press(JSON.stringify(value), ACTION.reportShare);
      expect(h.sandbox.ephemerals({ channel: CHANNEL, user: COLLECTOR }).at(-1)?.text).toBe(
        'That report has expired; run /ar report again.',
      );
    }
    expect(await listOutbox(database.db, { statuses: ['pending'] })).toEqual([]);
  });

  it('/ar aging without a customer gives the organisation buckets', async () => {
    const text = textOf(await ask('aging'));
    expect(text).toContain('*Total*\nUS$17,300.00');
    expect(text).toContain('*90+*\nUS$0.00');
    expect(text).toContain('*61–90*\nUS$12,000.00');
  });

  it('/ar customer shows balance, open invoices, behaviour, contacts and the Xero deep link', async () => {
    const answer = await ask('customer beta');
    expect(validateMessageBlocks(answer.blocks)).toEqual([]);
    const text = textOf(answer);
    expect(text).toContain('# Beta Ltd');
    expect(text).toContain('*Balance*\nUS$1,500.00');
    expect(text).toContain('*Overdue*\nUS$1,000.00');
    expect(text).toContain('• INV-103 · US$1,000.00 · 20d overdue');
    expect(text).toContain('• INV-104 · US$500.00 · due 2026-12-10');
    expect(text).toContain('_No reminders sent yet._');
    expect(JSON.stringify(answer.blocks)).toContain(
      'https://go.xero.com/organisationlogin/default.aspx?shortcode=!dEm0&redirecturl=/Contacts/View/',
    );
    expect(textOf(await ask('customer nobody-at-all'))).toContain('No customer matches "nobody-at-all".');
  });

  it("/ar forecast and /ar kpis answer with the brain's figures", async () => {
    const f = textOf(await ask('forecast'));
    expect(f).toContain('# Cash forecast · Demo Trading');
    expect(f).toContain('*Open receivables*\nUS$17,300.00');
    // The KPIs as a native table, this week against the one before; the figures are in the text too.
    const kpis = await ask('kpis');
    expect(kpis.text).toContain('AR KPIs · Demo Trading · week 2026-W48: Overdue US$16,800.00');
    const table = kpis.blocks!.find((b) => (b as { type: string }).type === 'table') as {
      rows: { text: string }[][];
    };
    expect(table.rows.find((r) => r[0]!.text === 'Receivables')![1]!.text).toBe('US$17,300.00');
  });

  it('/ar pause and /ar resume change the hold, audit before/after, and note it in Xero through the outbox', async () => {
    const paused = await ask('pause beta until 2026-12-01 customer on holiday');
    expect(textOf(paused)).toBe(
      'Paused chasing Beta Ltd until 2026-12-01: customer on holiday. Noted in Xero.',
    );
    const holds = await database.db.selectFrom('customer_holds').selectAll().execute();
    expect(holds).toHaveLength(1);
    expect(holds[0]).toMatchObject({
      kind: 'pause',
      until: '2026-12-01',
      reason: 'customer on holiday',
      created_by: COLLECTOR,
    });
    const [audit] = await listAuditEvents(database.db, { action: 'customer.paused' });
    expect(audit?.actor).toEqual({ type: 'user', id: COLLECTOR, name: 'Colin Collector' });
    expect(audit?.payload).toMatchObject({
      before: { pauses: [] },
      after: { until: '2026-12-01', reason: 'customer on holiday' },
    });
    const notes = await listOutbox(database.db, { kind: 'xero.history_note' });
    expect(notes.map((n) => n.payload)).toEqual([
      {
        documentType: 'contact',
        documentId: holds[0]!.contact_id,
        details:
          'Collections paused in Slack by Colin Collector until 2026-12-01: customer on holiday (AR Copilot).',
      },
    ]);
    expect(textOf(await ask('pause beta until 2020-01-01'))).toBe('2020-01-01 is in the past.');

    expect(textOf(await ask('resume beta'))).toBe('Chasing Beta Ltd again. Noted in Xero.');
    expect(textOf(await ask('resume beta'))).toBe('Beta Ltd is not paused.');
    const [resumed] = await listAuditEvents(database.db, { action: 'customer.resumed' });
    expect(resumed?.payload).toMatchObject({ after: { pauses: [] } });
    expect(
      (await listOutbox(database.db, { kind: 'xero.history_note' })).map((n) => n.payload.details),
    ).toContain('Collections resumed in Slack by Colin Collector (AR Copilot).');
  });

  it('/ar sync is for managers: a manager enqueues a request once a minute, a collector is refused and audited', async () => {
    expect(textOf(await ask('sync', MANAGER))).toContain('Sync of Demo Trading requested');
    expect(textOf(await ask('sync', MANAGER))).toBe('A sync of Demo Trading is already queued.');
    const requests = await listOutbox(database.db, { kind: 'xero.sync_request' });
    expect(requests.map((r) => r.payload)).toEqual([{ orgId: TEST_ORG_ID, requestedBy: MANAGER }]);
    expect(textOf(await ask('sync', COLLECTOR))).toBe(
      'Only AR managers can use /ar sync for Demo Trading. Your attempt was recorded.',
    );
    const [denied] = await listAuditEvents(database.db, { action: 'access.denied' });
    expect(denied?.payload).toEqual({ attempted: '/ar sync', needed: 'manager', had: 'collector' });
    expect(textOf(await ask('top', OUTSIDER))).toContain('You are not on the AR team for Demo Trading.');
  });

  it('/ar setup opens a modal for managers; saving stores the settings and audits before/after', async () => {
    const { xero_tenant_id: tenantId } = await database.db
      .selectFrom('organisations')
      .select('xero_tenant_id')
      .where('id', '=', TEST_ORG_ID)
      .executeTakeFirstOrThrow();
    const now = new Date();
    await database.db
      .insertInto('xero_calls')
      .values(
        [1, 2, 3].map(() => ({
          tenant_id: tenantId,
          purpose: 'background' as const,
          holder: 'h',
          started_at: now,
          finished_at: now,
          lapses_at: now,
        })),
      )
      .execute();
    await database.db
      .insertInto('xero_tenant_budgets')
      .values({
        tenant_id: tenantId,
        day_remaining: 640,
        day_remaining_at: new Date(now.getTime() - 60_000),
        updated_at: now,
      })
      .execute();
    await ask('setup', MANAGER);
    const [modal] = h.sandbox.openViews(MANAGER);
    expect(modal?.view.callback_id).toBe('ar_setup');
    expect(validateView(modal!.view)).toEqual([]);
    // The manager sees Xero's daily budget: 3 calls today, Xero's last word (640) less the 3 made since.
    expect(JSON.stringify(modal!.view.blocks)).toContain(
      'Xero calls today: 3 made, 637 left (300 kept for collectors',
    );
    // The sandbox does not carry initial_users/initial_time into state: untouched fields arrive empty.
    const noTime = await h.slack.viewSubmission({ userId: MANAGER, fromView: modal!.id, values: {} });
    expect(noTime.json()).toEqual({
      response_action: 'errors',
      errors: { setup_digest_time: 'Use a time like 08:30.' },
    });
    const empty = await h.slack.viewSubmission({
      userId: MANAGER,
      fromView: modal!.id,
      values: { setup_digest_time: { value: { type: 'timepicker', selected_time: '07:45' } } },
    });
    expect(empty.json()).toEqual({
      response_action: 'errors',
      errors: { setup_managers: 'Name at least one manager.' },
    });
    expect((await getSlackSettings(database.db, TEST_ORG_ID, ctx.config.slack!.defaults)).fromDefaults).toBe(
      true,
    );
    const res = await h.slack.viewSubmission({
      userId: MANAGER,
      fromView: modal!.id,
      values: {
        setup_managers: { value: { type: 'multi_users_select', selected_users: [MANAGER] } },
        setup_digest_channel: { value: { type: 'conversations_select', selected_conversation: 'C_QUEUE' } },
        setup_escalation_channel: {
          value: { type: 'conversations_select', selected_conversation: 'C_ESCALATIONS' },
        },
        setup_collectors: { value: { type: 'multi_users_select', selected_users: [COLLECTOR] } },
        setup_digest_time: { value: { type: 'timepicker', selected_time: '07:45' } },
      },
    });
    expect(res.status).toBe(200);
    expect(res.body).toBe('');
    const saved = await getSlackSettings(database.db, TEST_ORG_ID, ctx.config.slack!.defaults);
    expect(saved).toMatchObject({
      digestChannel: 'C_QUEUE',
      escalationChannel: 'C_ESCALATIONS',
      managers: [MANAGER],
      // Configured user groups are kept: the modal can only pick people.
      collectors: ['S_COLLECTORS', COLLECTOR],
      digestTime: '07:45',
      updatedBy: MANAGER,
      fromDefaults: false,
    });
    const [audit] = await listAuditEvents(database.db, { action: 'slack.settings_changed' });
    expect(audit?.payload).toMatchObject({
      before: { digestChannel: 'C_DIGEST', collectors: ['S_COLLECTORS'], digestTime: '08:30' },
      after: { digestChannel: 'C_QUEUE', collectors: ['S_COLLECTORS', COLLECTOR], digestTime: '07:45' },
    });
    await ask('setup', COLLECTOR);
    expect(h.sandbox.openViews(COLLECTOR)).toHaveLength(0);
  });

  it('an unexpected failure gives a short apology with a reference, never internals', async () => {
    await sql`alter table customer_holds rename to customer_holds_gone`.execute(database.db);
    try {
      const answer = await ask('top');
      expect(answer.text).toMatch(
        /^Sorry, something went wrong on our side\. Please try again; if it keeps happening, quote reference [0-9a-f]{8}\.$/,
      );
      expect(answer.text).not.toContain('customer_holds');
    } finally {
      await sql`alter table customer_holds_gone rename to customer_holds`.execute(database.db);
    }
  });

  it('/ar policy shows the policy in effect, and says when it is the default', async () => {
    const answer = await ask('policy');
    const text = textOf(answer);
    expect(text).toContain('Dunning policy of');
    expect(text).toContain('(the default: none saved yet)');
    expect(text).toContain('policy set --file');
    expect(text).not.toContain('Unknown');
    // Collectors read it; the editor is the managers'.
    expect(JSON.stringify(answer.blocks)).not.toContain('policy_edit');
  });

  it('/ar policy: a manager edits it as JSON with every problem listed; a collector is refused the editor, audited', async () => {
    const shown = await ask('policy', MANAGER);
    expect(validateMessageBlocks(shown.blocks)).toEqual([]);
    expect(textOf(shown)).toContain('Mode: assisted');
    expect(textOf(shown)).toContain(
      'Segment Standard (everyone else): 3d before due friendly [auto] → 3d overdue friendly [auto] → 14d overdue firm → 30d overdue final',
    );
    const edit = { action_id: 'policy_edit', block_id: 'x', type: 'button', value: TEST_ORG_ID };
    expect(JSON.stringify(shown.blocks)).toContain(JSON.stringify(edit.value));
    await h.slack.blockAction({
      userId: MANAGER,
      fromEphemeral: { channel: CHANNEL, ts: shown.ts },
      actions: [edit],
    });
    const modal = h.sandbox.openViews(MANAGER).at(-1)!;
    expect(validateView(modal.view)).toEqual([]);
    const submit = (value: string, userId = MANAGER) =>
      h.slack.viewSubmission({
        userId,
        fromView: modal.id,
        values: { policy: { value: { type: 'plain_text_input', value } } },
      });
    expect((await submit('{ not json')).json()).toMatchObject({
      response_action: 'errors',
      errors: { policy: expect.stringMatching(/^Not valid JSON/) },
    });
    const bad = await submit(
      JSON.stringify({ ...DEFAULT_POLICY_INPUT, mode: 'sometimes', minimumAmount: '-5' }),
    );
    expect(bad.json()).toEqual({
      response_action: 'errors',
      errors: {
        policy:
          'mode: Invalid option: expected one of "shadow"|"assisted"|"auto"\nminimumAmount: expected a non-negative amount such as 50 or 1250.00',
      },
    });
    // A collector who gets hold of the modal cannot save through it.
    const shadow = JSON.stringify({ ...DEFAULT_POLICY_INPUT, mode: 'shadow' });
    expect((await submit(shadow, COLLECTOR)).json()).toEqual({
      response_action: 'errors',
      errors: {
        policy:
          'Only AR managers can see and change the dunning policy. You are a collector; this attempt was recorded.',
      },
    });
    expect((await showPolicy(database.db, TEST_ORG_ID)).isDefault).toBe(true);
    expect((await submit(shadow)).body).toBe('');
    const events = await listAuditEvents(database.db, { action: 'policy.updated' });
    expect(events).toHaveLength(1);
    expect(events[0]?.actor).toMatchObject({ type: 'user', id: MANAGER });
    expect((await showPolicy(database.db, TEST_ORG_ID)).policy.mode).toBe('shadow');
    expect(textOf(await ask('policy'))).toContain('Mode: shadow');

    // The Edit button pressed by a collector (forged from a manager's message) opens only the refusal.
    await h.slack.blockAction({
      userId: COLLECTOR,
      fromEphemeral: { channel: CHANNEL, ts: shown.ts },
      actions: [edit],
    });
    const refused = h.sandbox.openViews(COLLECTOR).at(-1)!;
    expect(JSON.stringify(refused.view)).toContain('Only AR managers can see and change the dunning policy.');
    expect(JSON.stringify(refused.view)).not.toContain('minimumAmount');
    const denied = await listAuditEvents(database.db, { action: 'access.denied' });
    expect(denied.map((e) => e.payload)).toEqual([
      { attempted: 'edit the dunning policy', needed: 'manager', had: 'collector' },
      { attempted: 'edit the dunning policy', needed: 'manager', had: 'collector' },
    ]);
  });

  it('an organisation not synced yet is explained, not apologised for', async () => {
    // A fresh organisation id: the listeners' ledger cache has not seen it.
    await database.truncateAll();
    const fresh = '7d3c2b1a-0000-4000-8000-00000000b002';
    await insertLedger(database.db, fresh, new LedgerBuilder({ id: fresh, name: 'Fresh Ltd' }).build());
    await database.db.updateTable('organisations').set({ base_currency: null }).execute();
    expect((await ask('top')).text).toBe(
      'The ledger of Fresh Ltd is incomplete: its first sync from Xero has not finished. No figures are shown until it completes; try again in a few minutes.',
    );
    // With the last attempt's failure, which says what is missing; Xero's words are escaped for Slack.
    await database.db
      .updateTable('xero_sync_state')
      .set({ last_ok: false, last_error: 'getPayments failed after 5 attempts: HTTP 500: <!channel>' })
      .where('org_id', '=', fresh)
      .execute();
    const said = (await ask('aging')).text;
    expect(said).toContain(
      'the last attempt failed: getPayments failed after 5 attempts: HTTP 500: &lt;!channel&gt;.',
    );
    expect(said).not.toContain('<!channel>');
  });

  it('refuses forged signatures and stale timestamps with 401 before any listener runs', async () => {
    const forged = await h.slack.command(
      { text: 'sync', userId: MANAGER, channelId: CHANNEL },
      { signature: 'forged' },
    );
    expect(forged.status).toBe(401);
    const stale = await h.slack.command(
      { text: 'sync', userId: MANAGER, channelId: CHANNEL },
      { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 },
    );
    expect(stale.status).toBe(401);
    expect(await listOutbox(database.db, { kind: 'xero.sync_request' })).toEqual([]);
  });

  it('digest and escalation: posted via the outbox; a collector pressing a manager button is refused, explained, audited', async () => {
    const run = await runDailyDigest(ctx, TEST_ORG_ID, ctx.clock.now());
    // The header, and the thread part listing the three customers with no email address (Beta has one).
    expect(run).toMatchObject({ kind: 'enqueued', asOf: '2026-11-23', channel: 'C_DIGEST', parts: 2 });
    await outboxWorker(ctx).drain();
    const digest = h.sandbox.lastMessage('C_DIGEST')!;
    const notChased = textOf(h.sandbox.thread('C_DIGEST', digest.ts)[1]!);
    expect(notChased).toContain('*Not chased by email (3 customers)*');
    expect(notChased).not.toContain('Beta Ltd');
    expect(textOf(digest)).toContain('US$16,800.00 overdue across 4 invoices');
    const escalations = h.sandbox.messages('C_ESCALATIONS');
    const escalation = escalations.find((m) => m.text.startsWith('Escalation: Gamma Co'))!;
    expect(textOf(escalation)).toContain('# Escalation · Gamma Co');
    expect(textOf(escalation)).toContain('• US$12,000.00 overdue');
    expect(textOf(escalation)).toContain('• oldest invoice 84 days overdue');
    const actionsBlock = (
      escalation.blocks as {
        type: string;
        block_id: string;
        elements: { action_id: string; value: string }[];
      }[]
    ).find((b) => b.type === 'actions')!;
    const click = (user: string, index: number) =>
      h.slack.blockAction({
        userId: user,
        fromMessage: { channel: 'C_ESCALATIONS', ts: escalation.ts },
        actions: [{ ...actionsBlock.elements[index]!, block_id: actionsBlock.block_id, type: 'button' }],
      });

    expect((await click(COLLECTOR, 1)).status).toBe(200);
    const refusal = h.sandbox.ephemerals({ channel: 'C_ESCALATIONS', user: COLLECTOR }).at(-1)!;
    expect(refusal.text).toBe(
      'Only AR managers can pause customers from an escalation. You are a collector; this attempt was recorded.',
    );
    expect(await database.db.selectFrom('customer_holds').selectAll().execute()).toEqual([]);
    const [denied] = await listAuditEvents(database.db, { action: 'access.denied' });
    expect(denied?.actor.id).toBe(COLLECTOR);
    expect(denied?.payload).toMatchObject({ needed: 'manager', had: 'collector' });
    expect(h.sandbox.message('C_ESCALATIONS', escalation.ts)?.blocks).toEqual(escalation.blocks);

    await click(MANAGER, 0);
    const updated = h.sandbox.message('C_ESCALATIONS', escalation.ts)!;
    expect(textOf(updated)).toContain(':white_check_mark: Acknowledged by Maria Manager');
    expect(updated.blocks?.some((b) => (b as { type: string }).type === 'actions')).toBe(false);
    const [ack] = await listAuditEvents(database.db, { action: 'escalation.acknowledged' });
    expect(ack?.payload).toMatchObject({ customer: 'Gamma Co', crossedOn: '2026-11-23' });

    // The same post still carries its buttons in another client: pause from the original blocks.
    await h.slack.blockAction({
      userId: MANAGER,
      channelId: 'C_ESCALATIONS',
      message: { ts: escalation.ts, blocks: escalation.blocks as unknown[] },
      actions: [{ ...actionsBlock.elements[1]!, block_id: actionsBlock.block_id, type: 'button' }],
    });
    const holds = await database.db.selectFrom('customer_holds').selectAll().execute();
    expect(holds.map((x) => [x.kind, x.until, x.created_by])).toEqual([['pause', '2026-12-07', MANAGER]]);

    await h.slack.blockAction({
      userId: MANAGER,
      channelId: 'C_ESCALATIONS',
      message: { ts: escalation.ts, blocks: escalation.blocks as unknown[] },
      actions: [{ ...actionsBlock.elements[2]!, block_id: actionsBlock.block_id, type: 'button' }],
    });
    const [call] = await listAuditEvents(database.db, { action: 'escalation.call_planned' });
    expect(call?.actor.id).toBe(MANAGER);
    const notes = (await listOutbox(database.db, { kind: 'xero.history_note' })).map(
      (n) => n.payload.details,
    );
    expect(notes).toEqual(
      expect.arrayContaining([
        'Escalation acknowledged in Slack by Maria Manager (AR Copilot).',
        'Call planned in Slack by Maria Manager after escalation (AR Copilot).',
        'Collections paused in Slack by Maria Manager until 2026-12-07: escalation under review (AR Copilot).',
      ]),
    );
    // A double click on Acknowledge counts once.
    await click(MANAGER, 0);
    expect(h.sandbox.ephemerals({ channel: 'C_ESCALATIONS', user: MANAGER }).at(-1)?.text).toBe(
      'Someone already did that for this escalation.',
    );
    expect(await listAuditEvents(database.db, { action: 'escalation.acknowledged' })).toHaveLength(1);

    // A second run the same day neither re-posts the digest nor the escalation.
    expect(await runDailyDigest(ctx, TEST_ORG_ID, ctx.clock.now())).toMatchObject({
      kind: 'already-enqueued',
      escalations: { crossed: [], ongoing: escalations.length },
    });
  });

  it('the digest "Open" button opens the customer card in a modal', async () => {
    await runDailyDigest(ctx, TEST_ORG_ID, ctx.clock.now());
    await outboxWorker(ctx).drain();
    const digest = h.sandbox.lastMessage('C_DIGEST')!;
    const line = (
      digest.blocks as {
        block_id?: string;
        text?: { text: string };
        accessory?: { action_id: string; value: string };
      }[]
    ).find((b) => b.text?.text.includes('Beta Ltd'))!;
    await h.slack.blockAction({
      userId: COLLECTOR,
      fromMessage: { channel: 'C_DIGEST', ts: digest.ts },
      actions: [
        {
          action_id: line.accessory!.action_id,
          value: line.accessory!.value,
          block_id: line.block_id ?? 'x',
          type: 'button',
        },
      ],
    });
    const [modal] = h.sandbox.openViews(COLLECTOR);
    expect(validateView(modal!.view)).toEqual([]);
    expect(blocksAsText(modal!.view.blocks as never)).toContain('*Balance*\nUS$1,500.00');
  });

  it("App Home shows the collector's queue, today's tasks and team KPIs within 100 blocks", async () => {
    const beta = surfacesLedger().contacts.find((c) => c.name === 'Beta Ltd')!;
    await insertReminderIfAbsent(
      database.db,
      {
        orgId: TEST_ORG_ID,
        contactId: beta.id,
        purpose: 'overdue',
        segment: 'Standard',
        stepIndex: 1,
        stepCount: 4,
        tone: 'friendly',
        channel: 'email',
        mode: 'assisted',
        autoSend: false,
        carryingInvoiceId: 'i-any',
        invoiceIds: ['a', 'b'],
        planDate: '2026-11-23',
        reason: 'step 2 due',
        status: 'proposed',
        recipients: ['ap@beta.example'],
        cc: [],
        messageId: '<r1@ar>',
      },
      new Date('2026-11-23T08:00:00Z'),
    );
    const res = await h.slack.event({ type: 'app_home_opened', user: COLLECTOR, tab: 'home', channel: 'D1' });
    expect(res.status).toBe(200);
    const home = h.sandbox.homeView(COLLECTOR)!;
    expect(validateView(home.view)).toEqual([]);
    const text = blocksAsText(home.view.blocks as never);
    expect(text).toContain('*Demo Trading* · collector · as of 2026-11-23');
    expect(text).toContain(
      '*Waiting for your approval* (1)\n• Beta Ltd: friendly reminder, 2 invoices, planned 2026-11-23',
    );
    expect(text).toContain('• 1 card to decide');
    expect(text).toContain('*Overdue*\nUS$16,800.00');
    const queue = text.slice(text.indexOf('*Your queue*'));
    expect(queue.indexOf('Gamma Co')).toBeGreaterThan(0);
    expect(queue.indexOf('Gamma Co')).toBeLessThan(queue.indexOf('Beta Ltd'));
    await h.slack.event({ type: 'app_home_opened', user: OUTSIDER, tab: 'home', channel: 'D2' });
    expect(blocksAsText(h.sandbox.homeView(OUTSIDER)!.view.blocks as never)).toContain(
      'You are not on an AR team yet.',
    );
  });
});
