import type { App, BlockButtonAction } from '@slack/bolt';
import { resolvedEscalationBlocks } from '../../adapters/slack/blocks/escalation.js';
import { ACTION, unpackValue } from '../../adapters/slack/blocks/ids.js';
import type { Block } from '../../adapters/slack/blocks/kit.js';
import { onlyManagersCan } from '../../use-cases/authorize-slack.js';
import { loadCollectionsView } from '../../use-cases/collections-view.js';
import { decideEscalation, type EscalationDecision } from '../../use-cases/escalation-decisions.js';
import { apologise, authorizeClick, type ListenerDeps } from '../slack-context.js';

const DECISIONS: readonly [string, EscalationDecision, string][] = [
  [ACTION.escalationAcknowledge, 'acknowledge', 'acknowledge escalations'],
  [ACTION.escalationPause, 'pause', 'pause customers from an escalation'],
  [ACTION.escalationPlanCall, 'plan_call', 'plan calls on escalations'],
];

/** Manager buttons on escalation posts; every click is checked against the manager list. */
export function registerEscalationActions(app: App, deps: ListenerDeps): void {
  for (const [actionId, decision, label] of DECISIONS) {
    app.action<BlockButtonAction>(actionId, async ({ ack, action, body, respond }) => {
      await ack();
      const tell = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text });
      try {
        const ids = unpackValue(action.value, 3);
        const db = deps.ctx.database.db;
        if (!ids) return void (await tell('This escalation is no longer valid.'));
        const [orgId, contactId, crossedOn] = ids as [string, string, string];
        const auth = await authorizeClick(deps, {
          orgRef: orgId,
          userId: body.user.id,
          role: 'manager',
          what: `escalation ${decision} (${contactId})`,
          refusal: onlyManagersCan(label),
        });
        if (auth.kind === 'refused')
          return void (await tell(
            auth.reason === 'role' ? auth.message : 'This escalation is no longer valid.',
          ));
        const { actor } = auth;
        const now = deps.ctx.clock.now();
        const view = await loadCollectionsView(db, auth.org, now, deps.ledgers);
        const contactName = view.ledger.contacts.find((c) => c.id === contactId)?.name ?? contactId;
        const out = await decideEscalation(db, {
          orgId,
          contactId,
          contactName,
          crossedOn,
          decision,
          actor,
          asOf: view.asOf,
          now,
        });
        if (out.kind === 'already-decided')
          return void (await tell('Someone already did that for this escalation.'));
        if (out.kind !== 'done') return void (await tell(out.reason));
        const posted = ((body as { message?: { blocks?: Block[] } }).message?.blocks ?? []) as Block[];
        const blocks = resolvedEscalationBlocks(posted, { by: actor.name, what: out.summary });
        await respond({ replace_original: true, text: `${out.summary} by ${actor.name}`, blocks });
      } catch (err) {
        await tell(apologise(deps.log, err, `escalation ${decision}`)).catch(() => undefined);
      }
    });
  }
}
