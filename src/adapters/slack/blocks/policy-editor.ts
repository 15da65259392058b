import type { ModalView } from '@slack/types';
import { escapeMrkdwn } from './kit.js';
import { VALUE_ACTION } from './reminder-modals.js';

/** `/ar policy`'s editor (managers): the Edit button's id (reports.ts `policyMessage`) and the JSON modal it opens. */
export const POLICY_EDIT_ACTION = 'policy_edit';
export const POLICY_EDIT_VIEW = 'policy_edit_view';
export const POLICY_BLOCK = 'policy';
/** plain_text_input holds at most 3,000 characters. */
export const POLICY_INPUT_MAX = 3000;

export function policyModal(orgId: string, json: string, orgName: string): ModalView {
  return {
    type: 'modal',
    callback_id: POLICY_EDIT_VIEW,
    private_metadata: orgId,
    title: { type: 'plain_text', text: 'Dunning policy' },
    submit: { type: 'plain_text', text: 'Save' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: `${escapeMrkdwn(orgName)}: edit the JSON; every problem is listed before anything is saved.`,
          },
        ],
      },
      {
        type: 'input',
        block_id: POLICY_BLOCK,
        label: { type: 'plain_text', text: 'Policy' },
        element: {
          type: 'plain_text_input',
          action_id: VALUE_ACTION,
          multiline: true,
          initial_value: json,
          max_length: POLICY_INPUT_MAX,
        },
      },
    ],
  };
}
