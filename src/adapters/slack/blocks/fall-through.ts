import type { FallThroughCode, FallThroughEntry } from '../../../domain/fall-through.js';
import type { IsoDate } from '../../../domain/ledger.js';
import { ACTION, packValue, VIEW } from './ids.js';
import {
  actions,
  type Block,
  type ButtonSpec,
  clip,
  context,
  escapeMrkdwn,
  money,
  plural,
  type SlackMessage,
  section,
  slackTime,
} from './kit.js';

const LABEL: Record<FallThroughCode, string> = {
  'no-email': 'No email address',
  bounced: 'Address refused',
  'below-minimum': 'Below the minimum',
  'do-not-contact': 'Do not contact',
  paused: 'Paused',
  archived: 'Archived in Xero',
};

/** Listed by name per message; two blocks each keeps a part well inside Slack's 50. */
export const FALL_THROUGH_LISTED = 20;

/** One customer the plan cannot chase: who, how much, why, and the buttons that move it forward. */
export function fallThroughBlocks(orgId: string, f: FallThroughEntry, currency: string): Block[] {
  const text =
    `*${escapeMrkdwn(clip(f.customerName, 120))}* · ${money(f.overdueBase, currency)} overdue · ${plural(f.overdueCount, 'invoice')}\n` +
    `${LABEL[f.code]}: ${escapeMrkdwn(clip(f.reason, 300))}`;
  const blocks: Block[] = [section(text)];
  const buttons: ButtonSpec[] = [];
  if (f.ways.includes('add-address'))
    buttons.push({
      text: 'Add an address for reminders',
      actionId: ACTION.addReminderAddress,
      value: packValue([orgId, f.contactId]),
    });
  if (f.callTask) {
    blocks.push(
      context(
        `:telephone_receiver: Call task with <@${f.callTask.assigneeId}> since ${slackTime(f.callTask.createdAt)}`,
      ),
    );
  } else if (f.ways.includes('call-task')) {
    buttons.push({
      text: 'Make it a call task',
      actionId: ACTION.makeCallTask,
      value: packValue([orgId, f.contactId, f.code]),
    });
  }
  if (buttons.length > 0) blocks.push(actions(`fall:${orgId}:${f.contactId}`, buttons));
  return blocks;
}

/** The digest thread's part for them; null when everybody can be chased. */
export function fallThroughMessage(
  orgId: string,
  orgName: string,
  asOf: IsoDate,
  entries: readonly FallThroughEntry[],
  currency: string,
): SlackMessage | null {
  if (entries.length === 0) return null;
  const shown = entries.slice(0, FALL_THROUGH_LISTED);
  const title = `Not chased by email (${plural(entries.length, 'customer')})`;
  const blocks: Block[] = [
    section(`*${title}*\nThese customers owe overdue invoices, but no reminder can go to them today.`),
    ...shown.flatMap((f) => fallThroughBlocks(orgId, f, currency)),
  ];
  if (entries.length > shown.length)
    blocks.push(context(`…and ${(entries.length - shown.length).toLocaleString('en')} more, smaller.`));
  return { text: `${escapeMrkdwn(orgName)} digest ${asOf}: ${title}`, blocks };
}

/** Call tasks in a collector's queue (App Home), each with Done. */
export function callTaskBlocks(
  orgId: string,
  tasks: readonly { id: number; customerName: string; reason: string; createdAt: Date }[],
): Block[] {
  return tasks.map((t) => ({
    ...section(
      `:telephone_receiver: *${escapeMrkdwn(clip(t.customerName, 120))}*: ${escapeMrkdwn(clip(t.reason, 300))}\n_since ${slackTime(t.createdAt)}_`,
    ),
    accessory: {
      type: 'button',
      text: { type: 'plain_text', text: 'Call made' },
      action_id: ACTION.finishCallTask,
      value: packValue([orgId, String(t.id)]),
    },
  }));
}

export const ADDRESS_BLOCK = 'address';
export const ADDRESS_INPUT = 'addresses';
export const CALL_OUTCOME_BLOCK = 'outcome';
export const CALL_OUTCOME_INPUT = 'outcome';

/** The "Add an address for reminders" modal; the Xero contact itself is not changed, and it says so. */
export function reminderAddressModal(input: {
  orgId: string;
  contactId: string;
  customerName: string;
  current: readonly string[];
}): Record<string, unknown> {
  return {
    type: 'modal',
    callback_id: VIEW.reminderAddress,
    private_metadata: JSON.stringify({ orgId: input.orgId, contactId: input.contactId }),
    title: { type: 'plain_text', text: 'Address for reminders' },
    submit: { type: 'plain_text', text: 'Save' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      section(
        `Reminders to *${escapeMrkdwn(clip(input.customerName, 120))}* will go to the address you give here. It is kept in AR Copilot and noted in the contact's History in Xero; the Xero contact itself is not changed.`,
      ),
      {
        type: 'input',
        block_id: ADDRESS_BLOCK,
        label: { type: 'plain_text', text: 'Email addresses (comma-separated, up to 5)' },
        element: {
          type: 'plain_text_input',
          action_id: ADDRESS_INPUT,
          max_length: 1300,
          ...(input.current.length > 0 ? { initial_value: input.current.join(', ') } : {}),
          placeholder: { type: 'plain_text', text: 'accounts@customer.example' },
        },
      },
    ],
  };
}

/** "Call made": what came of it goes to the task and to Xero History. */
export function finishCallModal(input: {
  orgId: string;
  taskId: number;
  customerName: string;
}): Record<string, unknown> {
  return {
    type: 'modal',
    callback_id: VIEW.finishCallTask,
    private_metadata: JSON.stringify({ orgId: input.orgId, taskId: input.taskId }),
    title: { type: 'plain_text', text: 'Call made' },
    submit: { type: 'plain_text', text: 'Close the task' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      section(`How did the call with *${escapeMrkdwn(clip(input.customerName, 120))}* go?`),
      {
        type: 'input',
        block_id: CALL_OUTCOME_BLOCK,
        label: { type: 'plain_text', text: 'Outcome (noted in Xero History)' },
        element: {
          type: 'plain_text_input',
          action_id: CALL_OUTCOME_INPUT,
          multiline: true,
          max_length: 1000,
        },
      },
    ],
  };
}
