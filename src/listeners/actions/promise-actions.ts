import type { App, BlockButtonAction } from '@slack/bolt';
import { ACTION, unpackValue } from '../../adapters/slack/blocks/ids.js';
import { thankYouQueuedMessage } from '../../adapters/slack/blocks/promises.js';
import { requestThankYou } from '../../use-cases/promise-thank-you.js';
import { apologise, collectorScope, type ListenerDeps } from '../slack-context.js';

/**
 * "Send thank-you" on a kept promise's post (#18 part 4): collectors only (a refusal is audited and said); the
 * first click queues it and replaces the button for everyone, a later click is told who was first.
 */
export function registerPromiseActions(app: App, deps: ListenerDeps): void {
  const db = deps.ctx.database.db;
  app.action<BlockButtonAction>(ACTION.promiseThankYou, async ({ ack, action, body, respond }) => {
    await ack();
    const tell = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text });
    try {
      const ids = unpackValue(action.value, 2);
      const s = await collectorScope(
        deps,
        ids?.[0],
        body.user.id,
        'send a thank-you for a kept promise',
        tell,
      );
      if (!s || !ids) return;
      const out = await requestThankYou(db, {
        orgId: s.orgId,
        promiseId: Number(ids[1]),
        actor: s.actor,
        now: deps.ctx.clock.now(),
      });
      switch (out.kind) {
        case 'queued':
          await respond({
            replace_original: true,
            ...thankYouQueuedMessage({
              customerName: out.customerName,
              by: s.actor.name,
              promise: { ...out.promise, customerName: out.customerName },
            }),
          });
          return;
        case 'already':
          await tell(
            out.by ? `A thank-you was already sent by <@${out.by}>.` : 'A thank-you was already sent.',
          );
          return;
        case 'forbidden':
          await tell(out.reason);
          return;
        case 'not-found':
          await tell('That promise is no longer there.');
          return;
      }
    } catch (err) {
      await tell(apologise(deps.log, err, 'promise thank-you')).catch(() => undefined);
    }
  });
}
