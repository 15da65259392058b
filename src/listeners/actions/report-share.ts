import type { App, BlockButtonAction } from '@slack/bolt';
import { ACTION } from '../../adapters/slack/blocks/ids.js';
import { shareReportFromSlack } from '../../use-cases/ar-report.js';
import { apologise, arAnswerDeps, type ListenerDeps } from '../slack-context.js';

/** Share in channel, under an ephemeral `/ar report` or `/ar kpis`. */
export function registerReportShare(app: App, deps: ListenerDeps): void {
  const answerDeps = arAnswerDeps(deps);
  app.action<BlockButtonAction>(ACTION.reportShare, async ({ ack, action, body, respond }) => {
    await ack();
    const say = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text });
    try {
      const text = await deps.afterAck(() =>
        shareReportFromSlack(answerDeps, {
          value: action.value,
          userId: body.user.id,
          channelId: body.channel?.id,
        }),
      );
      await say(text);
    } catch (err) {
      await say(apologise(deps.log, err, 'share report')).catch(() => undefined);
    }
  });
}
