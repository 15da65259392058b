import type { KindHandler } from '../../adapters/outbox/outbox-worker.js';
import {
  createChannelPacer,
  postReminderCard,
  type ReminderCardDeps,
} from '../../use-cases/post-reminder-card.js';

/** `slack.reminder_card`: posts or updates the approval card, paced per channel within this process. */
export function reminderCardHandler(deps: ReminderCardDeps): KindHandler<'slack.reminder_card'> {
  const pace = createChannelPacer(deps.minPostIntervalMs ?? 1_100);
  return (item) => postReminderCard(deps, item, pace);
}
