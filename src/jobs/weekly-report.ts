import type { AppContext } from '../context.js';
import { WEEKLY_REPORT_JOB } from '../domain/job-names.js';
import { nextWeeklyReportAfter, type WeeklyReportSchedule } from '../domain/weekly-report-schedule.js';
import { runWeeklyJob } from '../use-cases/weekly-report-job.js';
import type { ScheduledJob } from './scheduler.js';

const DEFAULT_WEEKLY: WeeklyReportSchedule = { weeklyReportDay: 1, weeklyReportTime: '09:00' };

/**
 * Once a week at the organisation's weekly report day and time (its own zone): the report in the escalation
 * channel. The lease and the report's per-week outbox key keep it to one post with many instances.
 */
export function weeklyReportJob(): ScheduledJob {
  const schedules = new Map<string, WeeklyReportSchedule>();
  return {
    name: WEEKLY_REPORT_JOB,
    nextRunAfter: (org, after) => nextWeeklyReportAfter(org, schedules.get(org.id) ?? DEFAULT_WEEKLY, after),
    run: async (ctx: AppContext, org, now) => {
      const { nextRunAt, schedule } = await runWeeklyJob(ctx, org.id, now);
      schedules.set(org.id, schedule);
      return { nextRunAt };
    },
    localTime: true,
  };
}
