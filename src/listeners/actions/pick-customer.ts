import type { App, BlockButtonAction } from '@slack/bolt';
import { ACTION } from '../../adapters/slack/blocks/ids.js';
import { answerCustomerPick } from '../../use-cases/ar-customer.js';
import { apologise, arAnswerDeps, type ListenerDeps } from '../slack-context.js';

/** A customer chosen from "several customers match": runs the original subcommand on them. */
export function registerPickCustomer(app: App, deps: ListenerDeps): void {
  const answerDeps = arAnswerDeps(deps);
  app.action<BlockButtonAction>(
    new RegExp(`^${ACTION.pickCustomer}_\\d+$`),
    async ({ ack, action, body, respond }) => {
      await ack();
      try {
        const out = await answerCustomerPick(answerDeps, { value: action.value, userId: body.user.id });
        if (out.kind === 'refused')
          return void (await respond({
            response_type: 'ephemeral',
            replace_original: false,
            text: out.message,
          }));
        const { text, blocks } = out.message;
        await respond(
          out.share
            ? { response_type: 'in_channel', replace_original: false, text, blocks }
            : { response_type: 'ephemeral', replace_original: true, text, blocks },
        );
      } catch (err) {
        await respond({ replace_original: false, text: apologise(deps.log, err, 'pick customer') }).catch(
          () => undefined,
        );
      }
    },
  );
}
