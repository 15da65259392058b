import type { App, BlockButtonAction } from '@slack/bolt';
import { ACTION } from '../../adapters/slack/blocks/ids.js';
import { noticeMessage } from '../../adapters/slack/blocks/reports.js';
import { NO_LONGER_CONNECTED } from '../../use-cases/authorize-slack.js';
import { loadCollectionsView } from '../../use-cases/collections-view.js';
import type { PickValue } from '../commands/ar-command.js';
import { runForCustomer } from '../commands/customer-subcommands.js';
import { apologise, authorizeClick, type ListenerDeps } from '../slack-context.js';

const SUBS = new Set(['aging', 'customer', 'pause', 'resume']);

function parsePick(value: string | undefined): PickValue | null {
  try {
    const v = JSON.parse(value ?? '') as PickValue;
    return typeof v.o === 'string' && typeof v.c === 'string' && SUBS.has(v.s) ? v : null;
  } catch {
    return null;
  }
}

/** A customer chosen from "several customers match": runs the original subcommand on them. */
export function registerPickCustomer(app: App, deps: ListenerDeps): void {
  app.action<BlockButtonAction>(
    new RegExp(`^${ACTION.pickCustomer}_\\d+$`),
    async ({ ack, action, body, respond }) => {
      await ack();
      try {
        const pick = parsePick(action.value);
        if (!pick)
          return void (await respond({
            response_type: 'ephemeral',
            replace_original: false,
            text: 'That choice has expired; run the command again.',
          }));
        const auth = await authorizeClick(deps, {
          orgRef: pick.o,
          userId: body.user.id,
          role: 'collector',
          what: `pick ${pick.s}`,
          refusal: ({ org }) => `You are not on the AR team for ${org.name}.`,
        });
        if (auth.kind === 'refused')
          return void (await respond({
            replace_original: false,
            text: auth.reason === 'role' ? auth.message : NO_LONGER_CONNECTED,
          }));
        const db = deps.ctx.database.db;
        const { org, actor } = auth;
        const view = await loadCollectionsView(db, org, deps.ctx.clock.now(), deps.ledgers);
        const contact = view.ledger.contacts.find((c) => c.id === pick.c);
        const m = contact
          ? await runForCustomer(
              deps,
              pick.s,
              org,
              view,
              contact,
              { until: pick.u ?? null, reason: pick.r ?? null },
              actor,
            )
          : noticeMessage('That customer is no longer in Xero.');
        await respond(
          pick.sh
            ? { response_type: 'in_channel', replace_original: false, text: m.text, blocks: m.blocks }
            : { response_type: 'ephemeral', replace_original: true, text: m.text, blocks: m.blocks },
        );
      } catch (err) {
        await respond({ replace_original: false, text: apologise(deps.log, err, 'pick customer') }).catch(
          () => undefined,
        );
      }
    },
  );
}
