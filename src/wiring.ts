import type { App } from '@slack/bolt';
import type { AppContext } from './context.js';
import type { Scheduler } from './jobs/scheduler.js';

/**
 * The one place that plugs the product's features into a running service: Slack listeners, outbox handlers,
 * scheduled jobs, and what a business morning does. Production (main.ts) and the demo use the same wiring.
 */
export const wiring = {
  registerSlackListeners(_app: App, _ctx: AppContext): void {},
  registerHandlers(_ctx: AppContext): void {},
  registerJobs(_scheduler: Scheduler): void {},
  async runMorning(_ctx: AppContext, _orgId: string, _now: Date): Promise<void> {},
};
