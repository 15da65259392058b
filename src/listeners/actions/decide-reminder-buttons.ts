import type { App, BlockAction, ButtonAction, DatepickerAction } from '@slack/bolt';
import type { AppContext } from '../../context.js';
import { REMINDER_ACTIONS, reminderIdFromBlockId } from '../../domain/reminder-actions.js';
import { decideFromSlack, resolveUnconfirmedFromSlack } from '../../use-cases/decide-from-slack.js';
import type { Decision } from '../../use-cases/decide-reminder.js';
import { decisionDeps, tellUser } from '../dunning-deps.js';

/**
 * Approve & send, Skip, the Snooze date picker, Mark as sent and Resend: decide, then ack. Recording first means a
 * process killed between the two leaves Slack without its 200, so the clicker sees the click fail and clicks
 * again (and hears "someone got there first" if it had been recorded); acking first lost such clicks silently.
 * Deciding takes milliseconds, well inside Slack's three seconds. The card itself is refreshed by the outbox
 * (chat.update + a line in its thread); the clicker hears back only when the click did nothing.
 */
export function registerDecisionButtons(app: App, ctx: AppContext): void {
  const decide = async (
    body: BlockAction,
    reminderId: string | null,
    decision: Decision,
  ): Promise<string | null> => {
    if (!reminderId) return null;
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
    return message;
  };
  const tell = (body: BlockAction, client: Parameters<typeof tellUser>[0], message: string | null) =>
    tellUser(client, body.channel?.id, body.user.id, message).catch((err: unknown) =>
      ctx.log.warn({ err, code: 'SLACK_TELL_USER_FAILED' }, 'could not tell the clicker'),
    );
  app.action<BlockAction<ButtonAction>>(REMINDER_ACTIONS.approve, async ({ ack, body, action, client }) => {
    const message = await decide(body, action.value ?? null, { kind: 'approve' });
    await ack();
    await tell(body, client, message);
  });
  app.action<BlockAction<ButtonAction>>(REMINDER_ACTIONS.skip, async ({ ack, body, action, client }) => {
    const message = await decide(body, action.value ?? null, { kind: 'skip' });
    await ack();
    await tell(body, client, message);
  });
  // An unconfirmed send: the collector looked in the Sent folder.
  for (const [actionId, resolution] of [
    [REMINDER_ACTIONS.markSent, 'mark-sent'],
    [REMINDER_ACTIONS.resend, 'resend'],
  ] as const) {
    app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action, client }) => {
      if (!action.value) return void (await ack());
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
      await ack();
      await tell(body, client, message);
    });
  }
  app.action<BlockAction<DatepickerAction>>(
    REMINDER_ACTIONS.snooze,
    async ({ ack, body, action, client }) => {
      if (!action.selected_date) return void (await ack());
      const message = await decide(body, reminderIdFromBlockId(action.block_id), {
        kind: 'snooze',
        until: action.selected_date,
      });
      await ack();
      await tell(body, client, message);
    },
  );
}
