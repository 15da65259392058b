import type { AppContext } from '../context.js';
import { nextDigestAfter } from '../domain/digest-schedule.js';
import { MORNING_JOB } from '../domain/job-names.js';
import { runMorning } from '../use-cases/business-morning.js';
import type { ScheduledJob } from './scheduler.js';

const DEFAULT_DIGEST_TIME = '08:30';

/**
 * Each business morning at the organisation's digest time (its own zone): plan reminders, post the digest
 * (use-cases/business-morning.ts). The next morning follows the digest time the last run read from the settings
 * (the scheduler asks right after a run), so a change made with `/ar setup` applies from the following morning.
 * The times are held by this job, not the module: two schedulers keep their own.
 */
export function morningJob(): ScheduledJob {
  const digestTimes = new Map<string, string>();
  return {
    name: MORNING_JOB,
    nextRunAfter: (org, after) =>
      nextDigestAfter(org, { digestTime: digestTimes.get(org.id) ?? DEFAULT_DIGEST_TIME }, after),
    run: async (ctx: AppContext, org, now) => {
      const { digestTime } = await runMorning(ctx, org.id, now);
      digestTimes.set(org.id, digestTime);
    },
    localTime: true,
  };
}
