import { getOrganisation } from '../adapters/db/organisations.js';
import type { AppContext } from '../context.js';
import { nextWeeklyReportAfter, type WeeklyReportSchedule } from '../domain/weekly-report-schedule.js';
import { MORNING_FRESHNESS_MS } from './business-morning.js';
import { ensureFreshLedger, syncRunDepsOf } from './run-xero-sync.js';
import { runWeeklyReport } from './weekly-report.js';

/**
 * The weekly report: the morning's fresh-ledger check first (a report on a day-old ledger is skipped), then the
 * report queued once per ISO week; the next run comes from the settings read now, so a changed day applies from
 * the next run (a run that fires before this week's new slot posts nothing and moves to it).
 */
export async function runWeeklyJob(
  ctx: AppContext,
  orgId: string,
  now: Date,
): Promise<{ readonly nextRunAt: Date; readonly schedule: WeeklyReportSchedule }> {
  const org = await getOrganisation(ctx.database.db, orgId);
  if (org?.status === 'active' && ctx.config.xero.credentials) {
    try {
      await ensureFreshLedger(syncRunDepsOf(ctx, 'service'), org, MORNING_FRESHNESS_MS);
    } catch (err) {
      ctx.log.warn({ orgId, err }, 'weekly report: the ledger could not be refreshed');
    }
  }
  const { run, schedule } = await runWeeklyReport(ctx, orgId, now);
  if (run.kind === 'skipped') {
    ctx.log.info({ orgId, code: 'WEEKLY_REPORT_SKIPPED', reason: run.reason }, 'weekly report not posted');
  } else {
    ctx.log.info({ orgId, ...run }, 'weekly report queued');
  }
  return { nextRunAt: nextWeeklyReportAfter(org ?? { timezone: 'UTC' }, schedule, now), schedule };
}
