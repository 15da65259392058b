import type { App } from '@slack/bolt';
import type { AppContext } from '../context.js';
import { registerDecisionButtons } from './actions/decide-reminder-buttons.js';
import { registerReminderModalButtons } from './actions/open-reminder-modals.js';
import { registerReminderSubmissions } from './views/reminder-submissions.js';

/** Approval-card buttons and their modals. */
export function registerDunningListeners(app: App, ctx: AppContext): void {
  registerDecisionButtons(app, ctx);
  registerReminderModalButtons(app, ctx);
  registerReminderSubmissions(app, ctx);
}
