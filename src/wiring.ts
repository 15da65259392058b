import type { App } from '@slack/bolt';
import type { AppContext } from './context.js';
import { MORNING_JOB, WEEKLY_REPORT_JOB } from './domain/job-names.js';
import { morningJob } from './jobs/morning.js';
import type { Scheduler } from './jobs/scheduler.js';
import { weeklyReportJob } from './jobs/weekly-report.js';
import { registerDunningListeners } from './listeners/dunning.js';
import { registerListeners } from './listeners/index.js';
import { createOutboxHandlers } from './outbox-handlers.js';
import { runMorning } from './use-cases/business-morning.js';
import { runWeeklyJob } from './use-cases/weekly-report-job.js';

export { MORNING_JOB, WEEKLY_REPORT_JOB };

/**
 * The one place that plugs the product's features into a running service: Slack listeners, outbox handlers,
 * scheduled jobs. Production (main.ts) and the demo use the same wiring.
 */
export const wiring = {
  registerSlackListeners(app: App, ctx: AppContext): void {
    registerListeners(app, ctx);
    registerDunningListeners(app, ctx);
  },
  outboxHandlers: createOutboxHandlers,
  registerJobs(scheduler: Scheduler): void {
    scheduler.registerJob(morningJob()).registerJob(weeklyReportJob());
  },
  runMorning,
  runWeekly: runWeeklyJob,
};
