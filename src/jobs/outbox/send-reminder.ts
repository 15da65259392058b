import type { KindHandler } from '../../adapters/outbox/outbox-worker.js';
import { type DeliverDeps, deliverReminder } from '../../use-cases/deliver-reminder.js';

/**
 * `reminder.send`: an approved reminder's email, once (use-cases/deliver-reminder.ts). When the retries run out,
 * the dead letter marks the reminder "Not sent" (use-cases/dead-letter.ts).
 */
export function sendReminderHandler(deps: DeliverDeps): KindHandler<'reminder.send'> {
  return (item) => deliverReminder(deps, item.payload.reminderId);
}
