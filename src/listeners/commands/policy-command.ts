import type { App, BlockAction, ButtonAction, ViewSubmitAction } from '@slack/bolt';
import { escapeMrkdwn } from '../../adapters/slack/blocks/kit.js';
import {
  POLICY_INPUT_MAX as INPUT_MAX,
  POLICY_BLOCK,
  POLICY_EDIT_ACTION,
  POLICY_EDIT_VIEW,
  type PolicyReply,
  policyEditMessage,
  policyModal,
} from '../../adapters/slack/blocks/policy-editor.js';
import { loadingModal, messageModal, VALUE_ACTION } from '../../adapters/slack/blocks/reminder-modals.js';
import type { AppContext } from '../../context.js';
import { policyAccessFromSlack, updatePolicy } from '../../use-cases/manage-policy.js';
import { decisionDeps } from '../dunning-deps.js';

/**
 * `/ar policy [org]` for managers: the summary and an Edit button. The /ar router (listeners/commands)
 * calls this for the `policy` subcommand and shows the reply ephemerally.
 */
export async function handleArPolicy(
  ctx: AppContext,
  input: { userId: string; orgRef?: string },
): Promise<PolicyReply> {
  const access = await policyAccessFromSlack(decisionDeps(ctx), input);
  if (access.kind === 'refused') return { text: access.message };
  const { view } = access;
  const heading = `*Dunning policy for ${escapeMrkdwn(access.orgName)}*${view.isDefault ? ' (the default: none saved yet)' : ''}`;
  const text = `${heading}\n${view.summary.map((l) => `• ${l}`).join('\n')}`;
  return policyEditMessage(access.orgName, access.orgId, text);
}

/** Pretty JSON when it fits Slack's text box, compact otherwise. */
function policyJson(policy: unknown): string {
  const pretty = JSON.stringify(policy, null, 1);
  return pretty.length <= INPUT_MAX ? pretty : JSON.stringify(policy);
}

export function registerPolicyListeners(app: App, ctx: AppContext): void {
  app.action<BlockAction<ButtonAction>>(POLICY_EDIT_ACTION, async ({ ack, body, action, client }) => {
    await ack();
    const opened = await client.views.open({
      trigger_id: body.trigger_id,
      view: loadingModal(action.value ?? '', POLICY_EDIT_VIEW, 'Dunning policy'),
    });
    if (!opened.view?.id) return;
    const access = await policyAccessFromSlack(decisionDeps(ctx), {
      userId: body.user.id,
      orgRef: action.value,
    });
    const json = access.kind === 'allowed' ? policyJson(access.view.policy) : '';
    const next =
      access.kind === 'refused'
        ? messageModal('', POLICY_EDIT_VIEW, 'Dunning policy', access.message)
        : json.length > INPUT_MAX
          ? messageModal(
              '',
              POLICY_EDIT_VIEW,
              'Dunning policy',
              'This policy is too long for Slack: use `npm run cli -- policy set --file`.',
            )
          : policyModal(access.orgId, json, access.orgName);
    await client.views.update({
      view_id: opened.view.id,
      ...(opened.view.hash ? { hash: opened.view.hash } : {}),
      view: next,
    });
  });
  app.view<ViewSubmitAction>(POLICY_EDIT_VIEW, async ({ ack, body, view }) => {
    const raw = view.state.values[POLICY_BLOCK]?.[VALUE_ACTION]?.value;
    if (raw === undefined) return void (await ack());
    let json: unknown;
    try {
      json = JSON.parse(raw ?? '');
    } catch (err) {
      return void (await ack({
        response_action: 'errors',
        errors: { [POLICY_BLOCK]: `Not valid JSON: ${(err as Error).message}` },
      }));
    }
    const access = await policyAccessFromSlack(decisionDeps(ctx), {
      userId: body.user.id,
      orgRef: view.private_metadata,
    });
    if (access.kind === 'refused') {
      return void (await ack({ response_action: 'errors', errors: { [POLICY_BLOCK]: access.message } }));
    }
    const out = await updatePolicy(ctx.database.db, {
      orgId: access.orgId,
      policy: json,
      actor: { type: 'user', id: access.actor.id, name: access.actor.name },
      now: ctx.clock.now(),
    });
    if (out.kind === 'invalid') {
      const listed = out.errors.slice(0, 8).join('\n');
      const more = out.errors.length > 8 ? `\n…and ${out.errors.length - 8} more` : '';
      return void (await ack({
        response_action: 'errors',
        errors: { [POLICY_BLOCK]: `${listed}${more}`.slice(0, 1900) },
      }));
    }
    await ack();
  });
}
