import type { App, BlockButtonAction } from '@slack/bolt';
import { ACTION, unpackValue, VIEW } from '../../adapters/slack/blocks/ids.js';
import {
  PLAN_BLOCK,
  PLAN_INPUT,
  paymentPlanModal,
  planDecidedMessage,
} from '../../adapters/slack/blocks/payment-plan.js';
import { localDateOf } from '../../domain/calendar.js';
import {
  decidePaymentPlanProposal,
  paymentPlanForm,
  proposePaymentPlan,
} from '../../use-cases/payment-plans.js';
import { apologise, authorizeClick, collectorScope, type ListenerDeps } from '../slack-context.js';

/** A reply id in a button value; '-' when the plan is proposed from the customer view. */
const NO_REPLY = '-';
const NO_LONGER_VALID = 'This payment plan is no longer valid.';

/**
 * Payment plans: "Propose a payment plan" (collectors; from a reply's suggestion card or the customer view) opens
 * the schedule form; the proposal's Approve and Reject in the escalation channel are for managers only. Every
 * refusal is audited and said.
 */
export function registerPaymentPlanActions(app: App, deps: ListenerDeps): void {
  const db = deps.ctx.database.db;

  app.action<BlockButtonAction>(ACTION.planPropose, async ({ ack, action, body, client, respond }) => {
    await ack();
    const tell = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text });
    try {
      const ids = unpackValue(action.value, 3);
      const s = await collectorScope(deps, ids?.[0], body.user.id, 'propose a payment plan', tell);
      if (!s || !ids) return;
      const [, contactId, reply] = ids as [string, string, string];
      const replyId = reply === NO_REPLY ? null : reply;
      const asOf = localDateOf(deps.ctx.clock.now(), s.timezone);
      const form = await paymentPlanForm(db, { orgId: s.orgId, contactId, replyId, asOf });
      if (form.kind === 'not-found') return void (await tell('That customer is no longer in the ledger.'));
      if (form.kind === 'nothing-open')
        return void (await tell(`${form.customerName} has nothing open to pay in instalments.`));
      if (form.kind === 'open-plan')
        return void (await tell(
          `${form.customerName} already has a payment plan ${form.plan.status === 'proposed' ? `waiting for a manager (proposed by ${form.plan.proposedByName})` : 'running'}.`,
        ));
      await client.views.open({
        trigger_id: body.trigger_id,
        view: paymentPlanModal({
          orgId: s.orgId,
          contactId,
          replyId,
          ...form,
          invoiceNumbers: form.invoiceNumbers,
        }) as never,
      });
    } catch (err) {
      await tell(apologise(deps.log, err, 'open payment plan')).catch(() => undefined);
    }
  });

  app.view(VIEW.paymentPlan, async ({ ack, view, body, client }) => {
    const error = (text: string) =>
      ack({ response_action: 'errors', errors: { [PLAN_BLOCK]: text } }) as Promise<void>;
    try {
      const meta = JSON.parse(view.private_metadata || '{}') as {
        orgId?: string;
        contactId?: string;
        replyId?: string | null;
      };
      const s = await collectorScope(deps, meta.orgId, body.user.id, 'propose a payment plan', error);
      if (!s) return;
      if (!meta.contactId) return void (await error('This form no longer names a customer; open it again.'));
      const schedule =
        (view.state.values as Record<string, Record<string, { value?: string | null }>>)[PLAN_BLOCK]?.[
          PLAN_INPUT
        ]?.value ?? '';
      const now = deps.ctx.clock.now();
      const out = await proposePaymentPlan(db, {
        orgId: s.orgId,
        contactId: meta.contactId,
        replyId: typeof meta.replyId === 'string' ? meta.replyId : null,
        schedule,
        actor: s.actor,
        asOf: localDateOf(now, s.timezone),
        now,
        slackDefaults: deps.defaults,
      });
      switch (out.kind) {
        case 'invalid':
        case 'forbidden':
          return void (await error(out.kind === 'invalid' ? out.error : out.reason));
        case 'not-found':
          return void (await error('That customer is no longer in the ledger.'));
        case 'nothing-open':
          return void (await error(`${out.customerName} has nothing open to pay in instalments any more.`));
        case 'open-plan':
          return void (await error(`${out.customerName} already has a payment plan (${out.plan.status}).`));
        case 'proposed':
          await ack();
          await client.chat.postMessage({
            channel: body.user.id,
            text: `Payment plan for ${out.customerName} sent to a manager in ${out.where}. Chasing is paused until they decide.`,
          });
      }
    } catch (err) {
      await error(apologise(deps.log, err, 'propose payment plan')).catch(() => undefined);
    }
  });

  for (const [actionId, approve] of [
    [ACTION.planApprove, true],
    [ACTION.planReject, false],
  ] as const) {
    app.action<BlockButtonAction>(actionId, async ({ ack, action, body, respond }) => {
      await ack();
      const tell = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text });
      const what = approve ? 'approve a payment plan' : 'reject a payment plan';
      try {
        const ids = unpackValue(action.value, 2);
        const planId = Number(ids?.[1]);
        if (!ids || !Number.isSafeInteger(planId)) return void (await tell(NO_LONGER_VALID));
        const auth = await authorizeClick(deps, {
          orgRef: ids[0],
          userId: body.user.id,
          role: 'manager',
          what,
        });
        if (auth.kind === 'refused')
          return void (await tell(auth.reason === 'role' ? auth.message : NO_LONGER_VALID));
        const { org, actor } = auth;
        const now = deps.ctx.clock.now();
        const out = await decidePaymentPlanProposal(db, {
          orgId: org.id,
          planId,
          approve,
          actor,
          asOf: localDateOf(now, org.timezone),
          now,
          slackDefaults: deps.defaults,
        });
        if (out.kind === 'not-found') return void (await tell(NO_LONGER_VALID));
        if (out.kind === 'forbidden') return void (await tell(out.reason));
        if (out.kind === 'already')
          return void (await tell(
            `This plan was already ${out.status}${out.byName ? ` by ${out.byName}` : ''}; nothing changed.`,
          ));
        await respond({
          replace_original: true,
          ...planDecidedMessage(out.post, { approved: approve, byName: actor.name }),
        });
      } catch (err) {
        await tell(apologise(deps.log, err, what)).catch(() => undefined);
      }
    });
  }
}
