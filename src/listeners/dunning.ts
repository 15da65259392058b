import type { App } from '@slack/bolt';
import type { AppContext } from '../context.js';
import { registerDecisionButtons } from './actions/decide-reminder-buttons.js';
import { registerReminderModalButtons } from './actions/open-reminder-modals.js';
import { registerPolicyListeners } from './commands/policy-command.js';
import { registerReminderSubmissions } from './views/reminder-submissions.js';

/**
 * Approval-card buttons and their modals, and the policy editor behind `/ar policy` (the /ar router calls
 * `handleArPolicy` from ./commands/policy-command.js for that subcommand).
 */
export function registerDunningListeners(app: App, ctx: AppContext): void {
  registerDecisionButtons(app, ctx);
  registerReminderModalButtons(app, ctx);
  registerReminderSubmissions(app, ctx);
  registerPolicyListeners(app, ctx);
}
