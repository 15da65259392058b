import type { ModalView } from '@slack/types';
import { REMINDER_VIEWS } from '../../../domain/reminder-actions.js';

/**
 * Modals for the approval card. private_metadata holds only the reminder id: drafts stay in Postgres
 * (reference/slack-platform.md pitfall 7).
 */
/** What the Edit modal shows of a reminder's current draft. */
export interface EditableReminder {
  readonly reminderId: string;
  readonly subject: string;
  readonly body: string;
  readonly recipients: readonly string[];
  readonly cc: readonly string[];
  readonly version: number;
}

export const EDIT_BLOCKS = { subject: 'subject', body: 'body', to: 'to', cc: 'cc' } as const;
export const ESCALATE_REASON_BLOCK = 'reason';
export const VALUE_ACTION = 'value';

/** Opened at once with the click's trigger_id (valid 3 s), then filled by views.update. */
export function loadingModal(
  reminderId: string,
  callbackId: string,
  title: string,
  what = 'the draft',
): ModalView {
  return {
    ...messageModal(reminderId, callbackId, title, `:hourglass_flowing_sand: Loading ${what}…`),
    close: { type: 'plain_text', text: 'Cancel' },
  };
}

export function messageModal(reminderId: string, callbackId: string, title: string, text: string): ModalView {
  return {
    type: 'modal',
    callback_id: callbackId,
    private_metadata: reminderId,
    title: { type: 'plain_text', text: title },
    close: { type: 'plain_text', text: 'Close' },
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
  };
}

const input = (
  blockId: string,
  label: string,
  initial: string,
  options: { multiline?: boolean; optional?: boolean; max?: number; hint?: string } = {},
) => ({
  type: 'input' as const,
  block_id: blockId,
  optional: options.optional ?? false,
  label: { type: 'plain_text' as const, text: label },
  ...(options.hint ? { hint: { type: 'plain_text' as const, text: options.hint } } : {}),
  element: {
    type: 'plain_text_input' as const,
    action_id: VALUE_ACTION,
    multiline: options.multiline ?? false,
    ...(initial ? { initial_value: initial } : {}),
    ...(options.max ? { max_length: options.max } : {}),
  },
});

export function editModal(draft: EditableReminder): ModalView {
  return {
    type: 'modal',
    callback_id: REMINDER_VIEWS.edit,
    private_metadata: draft.reminderId,
    title: { type: 'plain_text', text: 'Edit reminder' },
    submit: { type: 'plain_text', text: 'Save draft' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      input(EDIT_BLOCKS.to, 'To', draft.recipients.join(', '), { hint: 'Comma-separated email addresses' }),
      input(EDIT_BLOCKS.cc, 'CC', draft.cc.join(', '), { optional: true }),
      input(EDIT_BLOCKS.subject, 'Subject', draft.subject, { max: 200 }),
      input(EDIT_BLOCKS.body, 'Message', draft.body, {
        multiline: true,
        max: 3000,
        hint: 'Amounts, dates and invoice numbers must match the ledger; the approver sees the diff.',
      }),
    ],
  };
}

export function escalateModal(reminderId: string): ModalView {
  return {
    type: 'modal',
    callback_id: REMINDER_VIEWS.escalate,
    private_metadata: reminderId,
    title: { type: 'plain_text', text: 'Escalate to a manager' },
    submit: { type: 'plain_text', text: 'Escalate' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      input(ESCALATE_REASON_BLOCK, 'Why? (optional)', '', {
        multiline: true,
        optional: true,
        max: 1000,
        hint: 'e.g. wants a payment plan, disputes the amount, stop credit?',
      }),
    ],
  };
}
