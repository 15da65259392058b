import type { App } from '@slack/bolt';
import { helpMessage } from '../../adapters/slack/blocks/reports.js';
import { answerArCommand } from '../../use-cases/ar-command.js';
import { apologise, arAnswerDeps, type ListenerDeps } from '../slack-context.js';
import { parseArCommand } from './parse-ar-command.js';

/**
 * `/ar …`: acks at once (usage help goes in the ack itself), then answers through response_url, ephemeral unless
 * the user added `share`, or opens the modal the answer is (`/ar setup`).
 */
export function registerArCommand(app: App, deps: ListenerDeps): void {
  const answerDeps = arAnswerDeps(deps);
  app.command('/ar', async ({ ack, command, respond, client }) => {
    const parsed = parseArCommand(command.text ?? '');
    if (parsed.kind === 'help') {
      await ack({ response_type: 'ephemeral', ...helpMessage(parsed.problem) });
      return;
    }
    await ack();
    try {
      await deps.afterAck(async () => {
        const replies = await answerArCommand(answerDeps, parsed, {
          userId: command.user_id,
          channelId: command.channel_id,
        });
        for (const r of replies) {
          if (r.kind === 'modal')
            await client.views.open({ trigger_id: command.trigger_id, view: r.view as never });
          else
            await respond({
              response_type: r.share ? 'in_channel' : 'ephemeral',
              text: r.message.text,
              blocks: r.message.blocks,
            });
        }
      });
    } catch (err) {
      await respond({
        response_type: 'ephemeral',
        text: apologise(deps.log, err, `/ar ${parsed.kind}`),
      }).catch(() => undefined);
    }
  });
}
