import type { App, BlockAction, ButtonAction, DatepickerAction } from '@slack/bolt';
import type { AppContext } from '../../context.js';
import { REMINDER_ACTIONS, reminderIdFromBlockId } from '../../domain/reminder-actions.js';
import { decideFromSlack, resolveUnconfirmedFromSlack } from '../../use-cases/decide-from-slack.js';
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
    let message: string | null;
    try {
      message = (await decideFromSlack(decisionDeps(ctx), { reminderId, userId: body.user.id, decision }))
        .message;
    } catch (err) {
      // Nothing was recorded (the database did not answer, say): the clicker must know to click again.
      ctx.log.error(
        { err, code: 'REMINDER_DECISION_FAILED', reminderId, decision: decision.kind },
        'a click could not be recorded',
      );
      message =
        'Your click could not be recorded just now, so nothing happened. Please try again in a moment.';
    }
    await tellUser(client, body.channel?.id, body.user.id, message).catch((err: unknown) =>
      ctx.log.warn({ err, code: 'SLACK_TELL_USER_FAILED' }, 'could not tell the clicker'),
    );
  };
  app.action<BlockAction<ButtonAction>>(REMINDER_ACTIONS.approve, async ({ ack, body, action, client }) => {
    await ack();
    await decide(body, action.value ?? null, { kind: 'approve' }, client);
  });
  app.action<BlockAction<ButtonAction>>(REMINDER_ACTIONS.skip, async ({ ack, body, action, client }) => {
    await ack();
    await decide(body, action.value ?? null, { kind: 'skip' }, client);
  });
  // An unconfirmed send: the collector looked in the Sent folder.
  for (const [actionId, resolution] of [
    [REMINDER_ACTIONS.markSent, 'mark-sent'],
    [REMINDER_ACTIONS.resend, 'resend'],
  ] as const) {
    app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action, client }) => {
      await ack();
      if (!action.value) return;
      let message: string | null;
      try {
        ({ message } = await resolveUnconfirmedFromSlack(decisionDeps(ctx), {
          reminderId: action.value,
          userId: body.user.id,
          resolution,
        }));
      } catch (err) {
        ctx.log.error({ err, code: 'REMINDER_DECISION_FAILED', resolution }, 'a click could not be recorded');
        message =
          'Your click could not be recorded just now, so nothing happened. Please try again in a moment.';
      }
      await tellUser(client, body.channel?.id, body.user.id, message).catch(() => undefined);
    });
  }
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
