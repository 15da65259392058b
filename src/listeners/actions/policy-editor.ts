import type { App, BlockAction, ButtonAction, ViewSubmitAction } from '@slack/bolt';
import {
  POLICY_BLOCK,
  POLICY_EDIT_ACTION,
  POLICY_EDIT_VIEW,
} from '../../adapters/slack/blocks/policy-editor.js';
import { loadingModal, VALUE_ACTION } from '../../adapters/slack/blocks/reminder-modals.js';
import { openPolicyEditor, savePolicyFromSlack } from '../../use-cases/manage-policy.js';
import { authorizeDeps, type ListenerDeps } from '../slack-context.js';

/** `/ar policy`'s Edit button (managers) and the JSON modal's Save; the role is checked on each. */
export function registerPolicyEditor(app: App, deps: ListenerDeps): void {
  app.action<BlockAction<ButtonAction>>(POLICY_EDIT_ACTION, async ({ ack, body, action, client }) => {
    await ack();
    // The trigger lapses in 3 s: open a loading view at once, then fill it.
    const opened = await client.views.open({
      trigger_id: body.trigger_id,
      view: loadingModal('', POLICY_EDIT_VIEW, 'Dunning policy', 'the policy'),
    });
    if (!opened.view?.id) return;
    const view = await openPolicyEditor(authorizeDeps(deps), { orgRef: action.value, userId: body.user.id });
    await client.views.update({
      view_id: opened.view.id,
      ...(opened.view.hash ? { hash: opened.view.hash } : {}),
      view,
    });
  });
  app.view<ViewSubmitAction>(POLICY_EDIT_VIEW, async ({ ack, body, view }) => {
    const text = view.state.values[POLICY_BLOCK]?.[VALUE_ACTION]?.value;
    // A loading or message view has no policy field: Close just closes it.
    if (text === undefined) return void (await ack());
    const out = await savePolicyFromSlack(authorizeDeps(deps), {
      orgRef: view.private_metadata,
      userId: body.user.id,
      text: text ?? '',
    });
    if (out.kind === 'problem') {
      return void (await ack({ response_action: 'errors', errors: { [POLICY_BLOCK]: out.message } }));
    }
    await ack();
  });
}
