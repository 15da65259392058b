import type { Instalment } from '../../../domain/payment-plan.js';
import { ACTION, packValue, VIEW } from './ids.js';
import { actions, type Block, clip, context, escapeMrkdwn, money, section } from './kit.js';

export const PLAN_BLOCK = 'plan_instalments';
export const PLAN_INPUT = 'plan_instalments_input';

/** The collector's form: the schedule as text, one instalment a line, prefilled with an even monthly split. */
export function paymentPlanModal(input: {
  orgId: string;
  contactId: string;
  replyId: string | null;
  customerName: string;
  currency: string;
  balance: string;
  invoiceNumbers: readonly string[];
  schedule: string;
}): Record<string, unknown> {
  const numbers = input.invoiceNumbers.slice(0, 10).map((n) => escapeMrkdwn(clip(n, 40)));
  const more = input.invoiceNumbers.length > 10 ? ` and ${input.invoiceNumbers.length - 10} more` : '';
  return {
    type: 'modal',
    callback_id: VIEW.paymentPlan,
    private_metadata: JSON.stringify({
      orgId: input.orgId,
      contactId: input.contactId,
      replyId: input.replyId,
    }),
    title: { type: 'plain_text', text: 'Propose a payment plan' },
    submit: { type: 'plain_text', text: 'Send to a manager' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      section(
        `*${escapeMrkdwn(clip(input.customerName, 120))}* owes *${money(input.balance, input.currency)}* on ${numbers.join(', ')}${more}. The instalments must add up to that, to the cent.`,
      ),
      {
        type: 'input',
        block_id: PLAN_BLOCK,
        label: { type: 'plain_text', text: 'Instalments: one a line, date and amount' },
        hint: {
          type: 'plain_text',
          text: 'Like 2026-12-20 500.00. Dates rising, within a year. A manager approves the plan in the escalation channel; chasing waits meanwhile.',
        },
        element: {
          type: 'plain_text_input',
          action_id: PLAN_INPUT,
          multiline: true,
          max_length: 1500,
          initial_value: input.schedule,
        },
      },
    ],
  };
}

function scheduleLines(instalments: readonly Instalment[], currency: string): string {
  return instalments.map((l, n) => `${n + 1}. ${l.due}: ${money(l.amount, currency)}`).join('\n');
}

export interface PlanPostInput {
  readonly orgId: string;
  readonly planId: number;
  readonly customerName: string;
  readonly currency: string;
  readonly balance: string;
  readonly instalments: readonly Instalment[];
  readonly proposedByName: string;
  readonly fromReply: boolean;
}

/** The proposal in the escalation channel, with the manager's Approve and Reject. */
export function planProposalMessage(p: PlanPostInput): { text: string; blocks: Block[] } {
  const name = escapeMrkdwn(clip(p.customerName, 120));
  const value = packValue([p.orgId, String(p.planId)]);
  return {
    text: `Payment plan for ${clip(p.customerName, 120)}: ${p.instalments.length} instalments, ${money(p.balance, p.currency)}, waiting for a manager`,
    blocks: [
      section(
        `:calendar: *Payment plan for ${name}*: ${money(p.balance, p.currency)} in ${p.instalments.length} instalment${p.instalments.length === 1 ? '' : 's'}\n${scheduleLines(p.instalments, p.currency)}`,
      ),
      context(
        `Proposed by ${escapeMrkdwn(clip(p.proposedByName, 80))}${p.fromReply ? ' after the customer asked for one' : ''}. Chasing is paused until a manager decides; approved, each instalment is tracked as a promise to pay.`,
      ),
      actions(`plan_${p.planId}`, [
        { text: 'Approve plan', actionId: ACTION.planApprove, value, style: 'primary' },
        {
          text: 'Reject',
          actionId: ACTION.planReject,
          value,
          style: 'danger',
          confirm: {
            title: 'Reject this plan?',
            text: 'Chasing resumes on the next run.',
            confirm: 'Reject',
            deny: 'Cancel',
          },
        },
      ]),
    ],
  };
}

/** The proposal once decided: the same schedule, the decision in place of the buttons. */
export function planDecidedMessage(
  p: PlanPostInput,
  decision: { approved: boolean; byName: string },
): { text: string; blocks: Block[] } {
  const name = escapeMrkdwn(clip(p.customerName, 120));
  const by = escapeMrkdwn(clip(decision.byName, 80));
  const what = decision.approved
    ? `:white_check_mark: Approved by ${by}: each instalment is tracked as a promise to pay; a missed one ends the plan and chasing resumes.`
    : `:x: Rejected by ${by}: chasing resumes on the next run.`;
  return {
    text: `Payment plan for ${clip(p.customerName, 120)} ${decision.approved ? 'approved' : 'rejected'} by ${clip(decision.byName, 80)}`,
    blocks: [
      section(
        `:calendar: *Payment plan for ${name}*: ${money(p.balance, p.currency)} in ${p.instalments.length} instalment${p.instalments.length === 1 ? '' : 's'}\n${scheduleLines(p.instalments, p.currency)}`,
      ),
      context(what),
    ],
  };
}

/** A line in the customer's card thread (or the queue channel) when a plan is proposed, decided or ends. */
export function planNotice(text: string): { text: string; blocks: Block[] } {
  return { text, blocks: [section(escapeMrkdwn(text))] };
}
