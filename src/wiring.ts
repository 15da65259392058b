import type { App } from '@slack/bolt';
import { getOrganisation } from './adapters/db/organisations.js';
import { getSlackSettings, NO_SLACK_DEFAULTS } from './adapters/db/slack-settings.js';
import { markSyncRequested } from './adapters/db/xero-sync-state.js';
import { installDunning, runMorningDunning } from './adapters/outbox/dunning-handlers.js';
import { registerReplyHandlers } from './adapters/outbox/reply-handlers.js';
import { registerSlackOutboxHandlers } from './adapters/slack/slack-poster.js';
import { createGatewayContactGroupWriter } from './adapters/xero/contact-groups.js';
import { createGatewayNoteWriter } from './adapters/xero/history-notes.js';
import type { AppContext } from './context.js';
import { nextDigestAfter } from './domain/digest-schedule.js';
import { MORNING_JOB, WEEKLY_REPORT_JOB, XERO_SYNC_JOB } from './domain/job-names.js';
import { nextWeeklyReportAfter, type WeeklyReportSchedule } from './domain/weekly-report-schedule.js';
import { isAppError } from './errors.js';
import { contactGroupTiersHandler } from './jobs/contact-group-tiers.js';
import type { Scheduler } from './jobs/scheduler.js';
import { registerDunningListeners } from './listeners/dunning.js';
import { registerListeners } from './listeners/index.js';
import { OUTBOX_CONTACT_GROUP_TIERS, queueContactGroupSync } from './use-cases/contact-group-tiers.js';
import { runDailyDigest } from './use-cases/daily-digest.js';
import { runPromiseEvaluation } from './use-cases/promise-outcomes.js';
import { ensureFreshLedger, syncRunDepsOf } from './use-cases/run-xero-sync.js';
import { OUTBOX_XERO_SYNC_REQUEST } from './use-cases/slack-admin.js';
import { runWeeklyReport } from './use-cases/weekly-report.js';

export { MORNING_JOB, WEEKLY_REPORT_JOB };
const DEFAULT_DIGEST_TIME = '08:30';

/**
 * Each organisation's digest time, as last read from its Slack settings. The scheduler asks for the next run
 * synchronously right after a run, which is when this was refreshed; a change made with `/ar setup` therefore
 * applies from the following morning.
 */
const digestTimes = new Map<string, string>();

/** A digest and a plan are never built on a ledger older than this (the poll may be up to 2 hours apart). */
export const MORNING_FRESHNESS_MS = 15 * 60_000;

/** Each organisation's weekly report day and time, as last read by its weekly run (Monday 09:00 until then). */
const weeklySchedules = new Map<string, WeeklyReportSchedule>();
const DEFAULT_WEEKLY: WeeklyReportSchedule = { weeklyReportDay: 1, weeklyReportTime: '09:00' };

/**
 * The weekly report: the morning's fresh-ledger check first (a report on a day-old ledger is skipped), then the
 * report queued once per ISO week; the next run comes from the settings read now, so a changed day applies from
 * the next run (a run that fires before this week's new slot posts nothing and moves to it).
 */
async function runWeekly(ctx: AppContext, orgId: string, now: Date): Promise<{ nextRunAt: Date }> {
  const org = await getOrganisation(ctx.database.db, orgId);
  if (org?.status === 'active' && ctx.config.xero.credentials) {
    try {
      await ensureFreshLedger(syncRunDepsOf(ctx, 'service'), org, MORNING_FRESHNESS_MS);
    } catch (err) {
      ctx.log.warn({ orgId, err }, 'weekly report: the ledger could not be refreshed');
    }
  }
  const { run, schedule } = await runWeeklyReport(ctx, orgId, now);
  weeklySchedules.set(orgId, schedule);
  if (run.kind === 'skipped') {
    ctx.log.info({ orgId, code: 'WEEKLY_REPORT_SKIPPED', reason: run.reason }, 'weekly report not posted');
  } else {
    ctx.log.info({ orgId, ...run }, 'weekly report queued');
  }
  return { nextRunAt: nextWeeklyReportAfter(org ?? { timezone: 'UTC' }, schedule, now) };
}

async function runMorning(ctx: AppContext, orgId: string, now: Date): Promise<void> {
  const org = await getOrganisation(ctx.database.db, orgId);
  if (org?.status === 'active' && ctx.config.xero.credentials) {
    await ensureFreshLedger(syncRunDepsOf(ctx, 'service'), org, MORNING_FRESHNESS_MS);
  }
  const settings = await getSlackSettings(
    ctx.database.db,
    orgId,
    ctx.config.slack?.defaults ?? NO_SLACK_DEFAULTS,
  );
  digestTimes.set(orgId, settings.digestTime);
  // Promises whose grace ran out are judged before planning: a broken one resumes its customer's sequence today,
  // and its failure must not stop the morning's plan and digest.
  try {
    await runPromiseEvaluation(ctx, orgId, now);
  } catch (err) {
    ctx.log.error({ orgId, code: 'PROMISE_EVALUATION_FAILED', err }, 'promises not evaluated');
  }
  // Plan first, so the digest that follows counts today's proposals. A stale ledger plans nothing, but the digest
  // still goes out, saying how old its figures are.
  try {
    const run = await runMorningDunning(ctx, orgId, now);
    // Today's tiers to Xero's contact groups (when the policy says so), after the scoring the plan just used.
    await queueContactGroupSync(ctx.database.db, orgId, run.asOf, now);
  } catch (err) {
    if (!isAppError(err, 'LEDGER_STALE')) throw err;
    ctx.log.warn(
      { orgId, code: 'LEDGER_STALE', reason: err.message },
      'no reminders planned: the ledger is stale',
    );
  }
  if (ctx.slack) await runDailyDigest(ctx, orgId, now);
}

/**
 * The one place that plugs the product's features into a running service: Slack listeners, outbox handlers,
 * scheduled jobs, and what a business morning does. Production (main.ts) and the demo use the same wiring.
 */
export const wiring = {
  registerSlackListeners(app: App, ctx: AppContext): void {
    registerListeners(app, ctx);
    registerDunningListeners(app, ctx);
  },
  registerHandlers(ctx: AppContext): void {
    registerSlackOutboxHandlers(ctx);
    registerReplyHandlers(ctx);
    // `/ar sync` (managers): the sync itself runs in the scheduler (a full sync can outlast an outbox lease);
    // the request just makes it due now, so the next tick (within a minute) runs it on one instance.
    ctx.outboxHandlers.set(OUTBOX_XERO_SYNC_REQUEST, async (item) => {
      const orgId = typeof item.payload.orgId === 'string' ? item.payload.orgId : item.orgId;
      if (!orgId) return { status: 'failed', error: 'sync request without an organisation' };
      await markSyncRequested(ctx.database.db, orgId, ctx.clock.now());
      await ctx.jobStore.runSoon(orgId, XERO_SYNC_JOB, ctx.clock.now());
      return { status: 'done', result: { scheduled: XERO_SYNC_JOB } };
    });
    ctx.outboxHandlers.set(
      OUTBOX_CONTACT_GROUP_TIERS,
      contactGroupTiersHandler(
        {
          db: ctx.database.db,
          writerFor: (org, signal) =>
            createGatewayContactGroupWriter(ctx.xero.tenantApi(org, 'background', signal)),
          limits: ctx.xero.limits,
          wallMs: Date.now,
        },
        () => ctx.clock.now(),
      ),
    );
    installDunning(ctx, {
      xeroNotes: createGatewayNoteWriter({
        db: ctx.database.db,
        tenantApi: (org) => ctx.xero.tenantApi(org, 'interactive'),
      }),
    });
  },
  registerJobs(scheduler: Scheduler): void {
    // Each business morning at the organisation's digest time (its own zone): plan reminders, post the digest.
    scheduler.registerJob({
      name: MORNING_JOB,
      nextRunAfter: (org, after) =>
        nextDigestAfter(org, { digestTime: digestTimes.get(org.id) ?? DEFAULT_DIGEST_TIME }, after),
      run: (ctx, org, now) => runMorning(ctx, org.id, now),
      localTime: true,
    });
    // Once a week at the organisation's weekly report day and time (its own zone): the report in the
    // escalation channel. The lease and the report's per-week outbox key keep it to one post with many instances.
    scheduler.registerJob({
      name: WEEKLY_REPORT_JOB,
      nextRunAfter: (org, after) =>
        nextWeeklyReportAfter(org, weeklySchedules.get(org.id) ?? DEFAULT_WEEKLY, after),
      run: (ctx, org, now) => runWeekly(ctx, org.id, now),
      localTime: true,
    });
  },
  runMorning,
  runWeekly,
};
