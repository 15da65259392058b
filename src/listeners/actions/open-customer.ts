import type { App, BlockButtonAction } from '@slack/bolt';
import { customerModal as modal } from '../../adapters/slack/blocks/customer.js';
import { ACTION, unpackValue } from '../../adapters/slack/blocks/ids.js';
import { type Block, section } from '../../adapters/slack/blocks/kit.js';
import { customerCardNow } from '../../use-cases/customer-card.js';
import { apologise, authorizeClick, type ListenerDeps } from '../slack-context.js';

const NO_LONGER_AVAILABLE = 'That customer is no longer available.';

/**
 * "Open" on a customer (digest, /ar top, App Home): a modal with the customer card. The trigger_id lasts 3
 * seconds and a big ledger can take longer to score, so a loading modal opens first and is then updated.
 */
export function registerOpenCustomer(app: App, deps: ListenerDeps): void {
  app.action<BlockButtonAction>(ACTION.openCustomer, async ({ ack, action, body, client }) => {
    await ack();
    const opened = await client.views.open({
      trigger_id: body.trigger_id,
      view: modal([section(':hourglass_flowing_sand: Loading the customer…')]) as never,
    });
    const viewId = opened.view?.id as string;
    const show = (blocks: Block[]) => client.views.update({ view_id: viewId, view: modal(blocks) as never });
    try {
      const ids = unpackValue(action.value, 2);
      if (!ids) return void (await show([section(NO_LONGER_AVAILABLE)]));
      const auth = await authorizeClick(deps, {
        orgRef: ids[0],
        userId: body.user.id,
        role: 'collector',
        what: 'open customer',
        refusal: ({ org }) => `You are not on the AR team for ${org.name}.`,
      });
      if (auth.kind === 'refused')
        return void (await show([section(auth.reason === 'role' ? auth.message : NO_LONGER_AVAILABLE)]));
      const cardDeps = { db: deps.ctx.database.db, now: () => deps.ctx.clock.now(), ledgers: deps.ledgers };
      await show((await customerCardNow(cardDeps, auth.org, ids[1]!)).blocks);
    } catch (err) {
      await show([section(apologise(deps.log, err, 'open customer'))]).catch(() => undefined);
    }
  });
  // A link button still sends a click; acknowledge it so Slack shows no error.
  app.action(ACTION.openInXero, async ({ ack }) => {
    await ack();
  });
}
