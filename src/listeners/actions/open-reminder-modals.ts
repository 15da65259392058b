import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import {
  editModal,
  escalateModal,
  loadingModal,
  messageModal,
} from '../../adapters/slack/blocks/reminder-modals.js';
import type { AppContext } from '../../context.js';
import { REMINDER_ACTIONS, REMINDER_VIEWS } from '../../domain/reminder-actions.js';
import { loadReminderForEdit } from '../../use-cases/decide-from-slack.js';
import { decisionDeps } from '../dunning-deps.js';

// Slack's plain_text_input takes at most 3,000 characters as its initial value.
const EDITABLE_BODY_MAX = 3000;

/**
 * Edit and Escalate open modals. The trigger_id dies after 3 s, so the modal opens first with nothing but the
 * reminder id, and the draft is filled in afterwards with views.update guarded by the view's hash.
 */
export function registerReminderModalButtons(app: App, ctx: AppContext): void {
  app.action<BlockAction<ButtonAction>>(REMINDER_ACTIONS.edit, async ({ ack, body, action, client }) => {
    await ack();
    const reminderId = action.value;
    if (!reminderId) return;
    const opened = await client.views.open({
      trigger_id: body.trigger_id,
      view: loadingModal(reminderId, REMINDER_VIEWS.edit, 'Edit reminder'),
    });
    const view = opened.view;
    if (!view?.id) return;
    const found = await loadReminderForEdit(decisionDeps(ctx), { reminderId, userId: body.user.id });
    const next =
      found.kind === 'refused'
        ? messageModal(reminderId, REMINDER_VIEWS.edit, 'Edit reminder', found.message)
        : found.draft.body.length > EDITABLE_BODY_MAX
          ? messageModal(
              reminderId,
              REMINDER_VIEWS.edit,
              'Edit reminder',
              'This draft is longer than Slack lets a text box hold (3,000 characters). Skip it and write to the customer directly, or ask for a shorter draft.',
            )
          : editModal(found.draft);
    await client.views.update({ view_id: view.id, ...(view.hash ? { hash: view.hash } : {}), view: next });
  });
  app.action<BlockAction<ButtonAction>>(REMINDER_ACTIONS.escalate, async ({ ack, body, action, client }) => {
    await ack();
    if (!action.value) return;
    await client.views.open({ trigger_id: body.trigger_id, view: escalateModal(action.value) });
  });
}
