import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PNG_SIGNATURE, pngSize } from '../adapters/charts/png.js';
import { listAuditEvents } from '../adapters/db/audit-events.js';
import { ACTION } from '../adapters/slack/blocks/ids.js';
import type { AppContext } from '../context.js';
import { type SandboxEphemeral, validateMessageBlocks } from '../sandbox/slack/index.js';
import { TEST_ORG_ID } from '../testing/ledger-builders.js';
import { insertLedger } from '../testing/ledger-fixtures.js';
import { type SlackHarness, startSlackHarness } from '../testing/slack-harness.js';
import { outboxWorker, surfacesContext, surfacesLedger } from '../testing/slack-surfaces-fixture.js';
import { useTestDatabase } from '../testing/test-database.js';
import { registerListeners } from './index.js';

const MANAGER = 'U_MANAGER';
const COLLECTOR = 'U_COLLECTOR1';
const OUTSIDER = 'U_OUTSIDER';
const CHANNEL = 'C_QUEUE';

type Table = { type: 'table'; rows: { text: string }[][] };
const tableOf = (m: { blocks?: unknown[] }) =>
  (m.blocks ?? []).find((b) => (b as Table).type === 'table') as Table;

describe('/ar report through the real Bolt app, signed requests and the sandbox', () => {
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

  /** The command's ephemeral answers (main, top debtors, promises due), newest three. */
  const report = async (text: string, user = COLLECTOR): Promise<SandboxEphemeral[]> => {
    const before = h.sandbox.ephemerals({ channel: CHANNEL, user }).length;
    const res = await h.slack.command({ text, userId: user, channelId: CHANNEL });
    expect(res.status).toBe(200);
    return h.sandbox.ephemerals({ channel: CHANNEL, user }).slice(before);
  };
  const share = (user: string, from: SandboxEphemeral) => {
    const block = (
      from.blocks as { type: string; block_id: string; elements?: { action_id: string; value: string }[] }[]
    ).find((b) => b.type === 'actions')!;
    const button = block.elements!.find((e) => e.action_id === ACTION.reportShare)!;
    return h.slack.blockAction({
      userId: user,
      fromEphemeral: { channel: CHANNEL, ts: from.ts },
      actions: [
        { action_id: button.action_id, block_id: block.block_id, type: 'button', value: button.value },
      ],
    });
  };

  it('/ar report answers ephemerally with the headline, the ageing table over 12 weeks, top debtors and promises due', async () => {
    const [main, debtors, promises] = await report('report');
    expect(main!.source).toBe('response_url');
    expect(main!.text).toMatch(/^Collections report · Demo Trading · week 2026-W48: overdue US\$16,800\.00/);
    for (const m of [main!, debtors!, promises!]) expect(validateMessageBlocks(m.blocks)).toEqual([]);
    expect(tableOf(main!).rows).toHaveLength(13);
    expect(tableOf(main!).rows[12]![0]!.text).toBe('2026-W48');
    expect(
      tableOf(debtors!)
        .rows[1]!.map((c) => c.text)
        .slice(0, 2),
    ).toEqual(['Gamma Co', 'US$12,000.00']);
    expect(promises!.text).toContain('Promises due · Demo Trading');
    expect(JSON.stringify(main!.blocks)).toContain(ACTION.reportShare);
    expect(h.sandbox.messages(CHANNEL)).toHaveLength(0);
  });

  it('/ar report month gives 12 months', async () => {
    const [main] = await report('report month');
    expect(main!.text).toContain('· month 2026-11:');
    expect(tableOf(main!).rows[0]![0]!.text).toBe('Month');
    expect(tableOf(main!).rows.at(-1)![0]!.text).toBe('2026-11');
  });

  it('Share posts the report once, the tables and both charts (PNG through files.uploadV2) in its thread', async () => {
    const [main] = await report('report');
    expect((await share(COLLECTOR, main!)).status).toBe(200);
    expect((await share(COLLECTOR, main!)).status).toBe(200);
    await outboxWorker(ctx).drain();
    const posts = h.sandbox.messages(CHANNEL).filter((m) => m.text === main!.text);
    expect(posts).toHaveLength(1);
    const thread = h.sandbox.thread(CHANNEL, posts[0]!.ts);
    expect(thread.map((m) => (m.files?.length ? `file:${m.files[0]!.name}` : m.text.split(':')[0]))).toEqual([
      main!.text.split(':')[0],
      'Top debtors · Demo Trading · as of 2026-11-23',
      'Promises due · Demo Trading',
      'file:ageing-week-2026-11-23.png',
      'file:forecast-week-2026-11-23.png',
    ]);
    expect(h.sandbox.callsTo('files.getUploadURLExternal')).toHaveLength(2);
    expect(h.sandbox.callsTo('files.completeUploadExternal')).toHaveLength(2);
    const files = h.sandbox.files().filter((f) => f.thread_ts === posts[0]!.ts);
    expect(files.map((f) => f.title)).toEqual([
      'Demo Trading: overdue by age, last 12 weeks',
      'Demo Trading: 30-day forecast against receipts',
    ]);
    for (const f of files) {
      expect(f.completed).toBe(true);
      expect(f.thread_ts).toBe(posts[0]!.ts);
      expect(f.mimetype).toBe('image/png');
      expect(f.bytes!.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
      expect(pngSize(f.bytes!)).toEqual({ width: 1920, height: 960 });
      expect(f.bytes!.length).toBeGreaterThan(10_000);
      expect(f.bytes!.length).toBeLessThan(1_000_000);
      expect(f.alt_text).toMatch(/chart/);
    }
    const notes = h.sandbox.ephemerals({ channel: CHANNEL, user: COLLECTOR }).map((e) => e.text);
    expect(notes).toContain('Posting the report in the channel, with its charts in the thread.');
    expect(notes).toContain('You already shared this report in this channel.');
  });

  it('a chart that cannot be uploaded leaves the report and a line saying so', async () => {
    const [main] = await report('report', MANAGER);
    const before = h.sandbox.messages(CHANNEL).length;
    h.sandbox.faults.error('files.getUploadURLExternal', 'internal_error', 2);
    await share(MANAGER, main!);
    await outboxWorker(ctx).drain();
    const posts = h.sandbox.messages(CHANNEL).slice(before);
    expect(posts).toHaveLength(1);
    const thread = h.sandbox.thread(CHANNEL, posts[0]!.ts);
    expect(thread.filter((m) => m.text.includes('could not be drawn'))).toHaveLength(2);
  });

  it('someone not on the AR team is refused, and the refusal audited', async () => {
    const [main] = await report('report');
    const before = h.sandbox.messages(CHANNEL).length;
    await share(OUTSIDER, main!);
    await outboxWorker(ctx).drain();
    expect(h.sandbox.messages(CHANNEL)).toHaveLength(before);
    expect(h.sandbox.ephemerals({ channel: CHANNEL, user: OUTSIDER }).at(-1)!.text).toContain(
      'You are not on the AR team for Demo Trading.',
    );
    const denied = await listAuditEvents(database.db, { orgId: TEST_ORG_ID });
    expect(JSON.stringify(denied)).toContain('share /ar report');
    const [refused] = await report('report', OUTSIDER);
    expect(JSON.stringify(refused!.blocks)).toContain('not on the AR team');
  });
});
