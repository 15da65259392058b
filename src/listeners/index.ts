import type { App } from '@slack/bolt';
import type { AppContext } from '../context.js';
import { registerCustomerOverrideActions } from './actions/customer-override-actions.js';
import { registerEscalationActions } from './actions/escalation-actions.js';
import { registerFallThroughActions } from './actions/fall-through-actions.js';
import { registerOpenCustomer } from './actions/open-customer.js';
import { registerPaymentPlanActions } from './actions/payment-plan-actions.js';
import { registerPickCustomer } from './actions/pick-customer.js';
import { registerPolicyEditor } from './actions/policy-editor.js';
import { registerPromiseActions } from './actions/promise-actions.js';
import { registerReplySuggestionActions } from './actions/reply-suggestion-actions.js';
import { registerReportShare } from './actions/report-share.js';
import { registerArCommand } from './commands/ar-command.js';
import { registerAppHomeOpened } from './events/app-home-opened.js';
import { registerCardThreadReply } from './events/card-thread-reply.js';
import { registerLogCustomerReply } from './shortcuts/log-customer-reply.js';
import { listenerDeps } from './slack-context.js';
import { registerSetupSubmission } from './views/setup-submission.js';

/** Every Slack entry point of the app (the approval cards register theirs alongside). */
export function registerListeners(app: App, ctx: AppContext): void {
  const deps = listenerDeps(ctx);
  registerArCommand(app, deps);
  registerOpenCustomer(app, deps);
  registerPickCustomer(app, deps);
  registerReportShare(app, deps);
  registerEscalationActions(app, deps);
  registerFallThroughActions(app, deps);
  registerReplySuggestionActions(app, deps);
  registerPromiseActions(app, deps);
  registerPaymentPlanActions(app, deps);
  registerCustomerOverrideActions(app, deps);
  registerSetupSubmission(app, deps);
  registerPolicyEditor(app, deps);
  registerAppHomeOpened(app, deps);
  registerCardThreadReply(app, deps);
  registerLogCustomerReply(app, deps);
}
