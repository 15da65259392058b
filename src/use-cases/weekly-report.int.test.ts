import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PNG_SIGNATURE } from '../adapters/charts/png.js';
import { listReportSnapshots } from '../adapters/db/report-snapshots.js';
import { getSlackSettings, NO_SLACK_DEFAULTS, saveSlackSettings } from '../adapters/db/slack-settings.js';
import type { AppContext } from '../context.js';
import { buildReportHere } from '../domain/collections-report.js';
import { WEEKLY_REPORT_JOB } from '../domain/job-names.js';
import { Scheduler } from '../jobs/scheduler.js';
import { type SlackSandbox, startSlackSandbox, validateMessageBlocks } from '../sandbox/slack/index.js';
import { TEST_ORG_ID } from '../testing/ledger-builders.js';
import { insertLedger } from '../testing/ledger-fixtures.js';
import {
  outboxWorker,
  SURFACES_NOW,
  surfacesContext,
  surfacesLedger,
} from '../testing/slack-surfaces-fixture.js';
import { useTestDatabase } from '../testing/test-database.js';
import { wiring } from '../wiring.js';
import { loadCollectionsReport } from './collections-report.js';
import { saveSlackSetup } from './slack-admin.js';
import { runWeeklyReport } from './weekly-report.js';

const ESCALATIONS = 'C_ESCALATIONS';
const HOUR = 3_600_000;
// SURFACES_NOW is Monday 2026-11-23 09:00 UTC, the organisation's zone: the default slot (Monday 09:00).

describe('the weekly report through the scheduler, the outbox and the Slack sandbox (real SDK)', () => {
  const database = useTestDatabase();
  let sandbox: SlackSandbox;
  let ctx: AppContext;

  beforeAll(async () => {
    sandbox = await startSlackSandbox({ rateLimits: false });
    ctx = await surfacesContext(database, sandbox, { minIntervalMs: 10 });
  });
  afterAll(async () => {
    await sandbox?.close();
  });
  const syncedAgo = async (ms: number, from = SURFACES_NOW) => {
    const at = new Date(from.getTime() - ms);
    await database.db
      .insertInto('xero_sync_state')
      .values({ org_id: TEST_ORG_ID, last_complete_at: at })
      .onConflict((oc) => oc.column('org_id').doUpdateSet({ last_complete_at: at }))
      .execute();
  };
  beforeEach(async () => {
    await insertLedger(database.db, TEST_ORG_ID, surfacesLedger());
    await syncedAgo(10 * 60_000);
    sandbox.clearCalls();
  });

  it('two schedulers ticking at once post it once in the escalation channel, charts in the thread, next run a week on', async () => {
    const a = new Scheduler(ctx, { workerId: 'a' });
    const b = new Scheduler(ctx, { workerId: 'b' });
    wiring.registerJobs(a);
    wiring.registerJobs(b);
    // The first tick gives the organisation its rows (its zone is known): the weekly report at Monday 09:00.
    await a.tick(new Date(SURFACES_NOW.getTime() - HOUR));
    expect(await ctx.jobStore.nextRunAt(TEST_ORG_ID, WEEKLY_REPORT_JOB)).toEqual(SURFACES_NOW);
    const before = sandbox.messages(ESCALATIONS).length;
    const [ra, rb] = await Promise.all([a.tick(SURFACES_NOW), b.tick(SURFACES_NOW)]);
    const runs = [...ra!, ...rb!].filter((r) => r.job === WEEKLY_REPORT_JOB);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.ok).toBe(true);
    expect(runs[0]!.nextRunAt).toEqual(new Date(SURFACES_NOW.getTime() + 7 * 24 * HOUR));
    expect(await ctx.jobStore.nextRunAt(TEST_ORG_ID, WEEKLY_REPORT_JOB)).toEqual(
      new Date('2026-11-30T09:00:00Z'),
    );
    // A second run the same week (a re-run, another instance) queues nothing more.
    await wiring.runWeekly(ctx, TEST_ORG_ID, new Date(SURFACES_NOW.getTime() + 5 * 60_000));
    await Promise.all([outboxWorker(ctx, 'w1').drain(), outboxWorker(ctx, 'w2').drain()]);

    const posts = sandbox
      .messages(ESCALATIONS)
      .slice(before)
      // The morning (digest 08:30, due too) posts its escalations here as well.
      .filter((m) => (!m.thread_ts || m.thread_ts === m.ts) && m.text.startsWith('Collections report'));
    expect(posts).toHaveLength(1);
    expect(posts[0]!.text).toMatch(/^Collections report · Demo Trading · week 2026-W48: overdue/);
    const thread = sandbox.thread(ESCALATIONS, posts[0]!.ts);
    expect(thread.map((m) => (m.files?.length ? `file:${m.files[0]!.name}` : m.text.split(':')[0]))).toEqual([
      posts[0]!.text.split(':')[0],
      'Top debtors · Demo Trading · as of 2026-11-23',
      'Promises due · Demo Trading',
      'file:ageing-week-2026-11-23.png',
      'file:forecast-week-2026-11-23.png',
    ]);
    for (const m of thread.filter((t) => !t.files?.length)) {
      expect(m.text.length).toBeGreaterThan(0);
      expect(validateMessageBlocks(m.blocks)).toEqual([]);
    }
    expect(sandbox.callsTo('files.completeUploadExternal')).toHaveLength(2);
    const files = sandbox.files().filter((f) => f.thread_ts === posts[0]!.ts);
    expect(files).toHaveLength(2);
    for (const f of files) expect(f.bytes!.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(sandbox.messages('C_QUEUE')).toHaveLength(0);
  });

  it('keeps the report as posted, once per week, and the figures recomputed as of that day match it', async () => {
    expect((await runWeeklyReport(ctx, TEST_ORG_ID, SURFACES_NOW)).run.kind).toBe('posted');
    // A re-run the same week (another instance) keeps the first copy.
    await runWeeklyReport(ctx, TEST_ORG_ID, new Date(SURFACES_NOW.getTime() + HOUR));
    const stored = await listReportSnapshots(database.db, TEST_ORG_ID, 'week');
    expect(stored.map((s) => [s.periodKey, s.asOf])).toEqual([['2026-W48', '2026-11-23']]);
    expect(stored[0]!.createdAt).toEqual(SURFACES_NOW);
    // The stored copy is the measures as of its day: recomputing them as of that day gives the same figures.
    const recomputed = await loadCollectionsReport(
      database.db,
      { orgId: TEST_ORG_ID, asOf: '2026-11-23', periodKind: 'week' },
      buildReportHere,
    );
    expect(stored[0]!.report).toEqual(JSON.parse(JSON.stringify(recomputed)));
    expect(stored[0]!.report.periods.length).toBeGreaterThan(0);
  });

  it('a day moved later in settings: the Monday run posts nothing and moves to Thursday', async () => {
    await saveSlackSettings(
      database.db,
      {
        orgId: TEST_ORG_ID,
        digestChannel: 'C_DIGEST',
        queueChannel: 'C_QUEUE',
        escalationChannel: null,
        managers: ['U_MANAGER'],
        collectors: [],
        digestTime: '08:30',
        weeklyReportDay: 4,
        weeklyReportTime: '16:30',
        updatedBy: 'U_MANAGER',
      },
      SURFACES_NOW,
    );
    const out = await wiring.runWeekly(ctx, TEST_ORG_ID, SURFACES_NOW);
    expect(out.nextRunAt).toEqual(new Date('2026-11-26T16:30:00Z'));
    await outboxWorker(ctx).drain();
    expect(sandbox.callsTo('chat.postMessage')).toHaveLength(0);
    // On Thursday (synced since) it goes to the queue channel (no escalation channel set).
    await syncedAgo(10 * 60_000, out.nextRunAt);
    const thursday = await runWeeklyReport(ctx, TEST_ORG_ID, out.nextRunAt);
    expect(thursday.run).toEqual({ kind: 'posted', week: '2026-W48', channel: 'C_QUEUE' });
  });

  it('skipped with its reason on a stale or never-synced ledger', async () => {
    await syncedAgo(25 * HOUR);
    expect((await runWeeklyReport(ctx, TEST_ORG_ID, SURFACES_NOW)).run).toEqual({
      kind: 'skipped',
      reason: expect.stringContaining('stale'),
    });
    await database.db.deleteFrom('xero_sync_state').execute();
    expect((await runWeeklyReport(ctx, TEST_ORG_ID, SURFACES_NOW)).run).toEqual({
      kind: 'skipped',
      reason: expect.stringContaining('not ready'),
    });
    await outboxWorker(ctx).drain();
    expect(sandbox.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('/ar setup validates the weekly day and time and keeps them when not given', async () => {
    const actor = { id: 'U_MANAGER', name: 'maria', isManager: true, isCollector: true } as never;
    const change = {
      digestChannel: 'C_DIGEST',
      queueChannel: 'C_QUEUE',
      escalationChannel: ESCALATIONS,
      managers: ['U_MANAGER'],
      collectors: [],
      digestTime: '08:30',
    };
    const save = (extra: Record<string, unknown>) =>
      saveSlackSetup(database.db, NO_SLACK_DEFAULTS, {
        orgId: TEST_ORG_ID,
        actor,
        now: SURFACES_NOW,
        change: { ...change, ...extra },
      });
    expect(await save({ weeklyReportDay: 8 })).toMatchObject({ kind: 'invalid', field: 'weeklyReportDay' });
    expect(await save({ weeklyReportTime: '9am' })).toMatchObject({
      kind: 'invalid',
      field: 'weeklyReportTime',
    });
    expect(await save({ weeklyReportDay: 5, weeklyReportTime: '17:15' })).toEqual({ kind: 'saved' });
    expect(await save({})).toEqual({ kind: 'saved' });
    const stored = await getSlackSettings(database.db, TEST_ORG_ID, NO_SLACK_DEFAULTS);
    expect([stored.weeklyReportDay, stored.weeklyReportTime]).toEqual([5, '17:15']);
  });
});
