import type { App, BlockAction, ButtonAction, DatepickerAction } from '@slack/bolt';
import type { AppContext } from '../../context.js';
import { REMINDER_ACTIONS, reminderIdFromBlockId } from '../../domain/reminder-actions.js';
import { decideFromSlack } from '../../use-cases/decide-from-slack.js';
import type { Decision } from '../../use-cases/decide-reminder.js';
import { decisionDeps, tellUser } from '../dunning-deps.js';

/**
 * Approve & send, Skip and the Snooze date picker: ack at once, then decide. The card itself is refreshed by
 * the outbox (chat.update + a line in its thread); the clicker hears back only when the click did nothing.
 */
export function registerDecisionButtons(app: App, ctx: AppContext): void {
  const decide = async (
    body: BlockAction,
    reminderId: string | null,
    decision: Decision,
    client: Parameters<typeof tellUser>[0],
  ) => {
    if (!reminderId) return;
    const out = await decideFromSlack(decisionDeps(ctx), { reminderId, userId: body.user.id, decision });
    await tellUser(client, body.channel?.id, body.user.id, out.message);
  };
  app.action<BlockAction<ButtonAction>>(REMINDER_ACTIONS.approve, async ({ ack, body, action, client }) => {
    await ack();
    await decide(body, action.value ?? null, { kind: 'approve' }, client);
  });
  app.action<BlockAction<ButtonAction>>(REMINDER_ACTIONS.skip, async ({ ack, body, action, client }) => {
    await ack();
    await decide(body, action.value ?? null, { kind: 'skip' }, client);
  });
  app.action<BlockAction<DatepickerAction>>(
    REMINDER_ACTIONS.snooze,
    async ({ ack, body, action, client }) => {
      await ack();
      if (!action.selected_date) return;
      await decide(
        body,
        reminderIdFromBlockId(action.block_id),
        { kind: 'snooze', until: action.selected_date },
        client,
      );
    },
  );
}
