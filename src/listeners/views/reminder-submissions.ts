import type { App, ViewSubmitAction } from '@slack/bolt';
import {
  EDIT_BLOCKS,
  ESCALATE_REASON_BLOCK,
  VALUE_ACTION,
} from '../../adapters/slack/blocks/reminder-modals.js';
import type { AppContext } from '../../context.js';
import { REMINDER_VIEWS } from '../../domain/reminder-actions.js';
import { decideFromSlack } from '../../use-cases/decide-from-slack.js';
import { decisionDeps } from '../dunning-deps.js';

type Values = ViewSubmitAction['view']['state']['values'];

const textOf = (values: Values, block: string): string => (values[block]?.[VALUE_ACTION]?.value ?? '').trim();
const EMAIL = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;
const addresses = (raw: string) =>
  raw
    .split(/[,;\s]+/)
    .map((a) => a.trim())
    .filter(Boolean);

/** Field checks a person can fix in the modal, keyed by block_id (Slack shows each under its input). */
export function validateEditValues(values: Values): {
  errors: Record<string, string>;
  edit: { subject: string; body: string; to: string[]; cc: string[] };
} {
  const subject = textOf(values, EDIT_BLOCKS.subject);
  const body = textOf(values, EDIT_BLOCKS.body);
  const to = addresses(textOf(values, EDIT_BLOCKS.to));
  const cc = addresses(textOf(values, EDIT_BLOCKS.cc));
  const errors: Record<string, string> = {};
  if (subject.length < 3) errors[EDIT_BLOCKS.subject] = 'A subject needs at least 3 characters.';
  if (subject.length > 200) errors[EDIT_BLOCKS.subject] = 'Keep the subject under 200 characters.';
  if (body.length < 20) errors[EDIT_BLOCKS.body] = 'The message needs at least 20 characters.';
  const badTo = to.filter((a) => !EMAIL.test(a));
  if (to.length === 0) errors[EDIT_BLOCKS.to] = 'Add at least one recipient.';
  else if (badTo.length) errors[EDIT_BLOCKS.to] = `Not an email address: ${badTo.join(', ')}`;
  const badCc = cc.filter((a) => !EMAIL.test(a));
  if (badCc.length) errors[EDIT_BLOCKS.cc] = `Not an email address: ${badCc.join(', ')}`;
  return { errors, edit: { subject, body, to, cc } };
}

export function registerReminderSubmissions(app: App, ctx: AppContext): void {
  app.view<ViewSubmitAction>(REMINDER_VIEWS.edit, async ({ ack, body, view }) => {
    const reminderId = view.private_metadata;
    const { errors, edit } = validateEditValues(view.state.values);
    // A modal showing a refusal has no inputs: closing it is all there is to do.
    if (!view.state.values[EDIT_BLOCKS.body]) return void (await ack());
    if (Object.keys(errors).length) return void (await ack({ response_action: 'errors', errors }));
    const out = await decideFromSlack(decisionDeps(ctx), {
      reminderId,
      userId: body.user.id,
      decision: { kind: 'edit', ...edit },
    });
    if (out.kind === 'done') return void (await ack());
    await ack({
      response_action: 'errors',
      errors: { [EDIT_BLOCKS.body]: out.message ?? 'This draft can no longer be edited.' },
    });
  });
  app.view<ViewSubmitAction>(REMINDER_VIEWS.escalate, async ({ ack, body, view }) => {
    const reason = textOf(view.state.values, ESCALATE_REASON_BLOCK);
    const out = await decideFromSlack(decisionDeps(ctx), {
      reminderId: view.private_metadata,
      userId: body.user.id,
      decision: { kind: 'escalate', reason: reason || null },
    });
    if (out.kind === 'done') return void (await ack());
    await ack({
      response_action: 'errors',
      errors: { [ESCALATE_REASON_BLOCK]: out.message ?? 'This reminder can no longer be escalated.' },
    });
  });
}
