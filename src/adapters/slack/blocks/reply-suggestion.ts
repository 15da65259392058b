import type { ReplyReadingRecord } from '../../../domain/reply-reading/reply-reading.js';
import { DISPUTE_REASONS, REPLY_INTENTS } from '../../../domain/reply-reading/reply-reading.js';
import {
  DISPUTE_LABEL,
  type FormField,
  INTENT_LABEL,
  type ReplySuggestion,
} from '../../../domain/reply-suggestion.js';
import { ACTION, packValue, VIEW } from './ids.js';
import { actions, type Block, clip, context, escapeMrkdwn, type SlackMessage, section } from './kit.js';

/**
 * The suggestion card in a reminder card's thread (#18 part 3): what the reply says, each field with the
 * customer's own words as evidence (escaped and clipped: untrusted text), and Accept / Edit / Reject. Button
 * values carry ids only.
 */
export interface SuggestionCardInput {
  readonly orgId: string;
  readonly replyId: string;
  /** The customer the reply is from: a plan request offers to propose a plan for them. */
  readonly contactId?: string;
  readonly customerName: string;
  readonly currency: string | null;
  readonly record: Pick<ReplyReadingRecord, 'reading' | 'source' | 'model' | 'fallbackReason'>;
  /** What the ledger says about the reply (a matching payment, the invoice's link): mrkdwn, already escaped. */
  readonly findings?: readonly string[];
}

const quote = (words: string | undefined): string =>
  words
    ? `\n${escapeMrkdwn(clip(words.replace(/\s+/g, ' ').trim(), 280))
        .split('\n')
        .map((l) => `>${l}`)
        .join('\n')}`
    : '';

export function buildSuggestionCard(i: SuggestionCardInput): SlackMessage {
  const r = i.record.reading;
  const name = escapeMrkdwn(clip(i.customerName, 120));
  const cur = i.currency ? `${i.currency} ` : '';
  const lines: Block[] = [
    section(`:bulb: *Suggested from ${name}'s reply: ${INTENT_LABEL[r.intent]}*${quote(r.evidence.intent)}`),
  ];
  r.promises.slice(0, 10).forEach((p, n) => {
    const amount = p.amount ? `${cur}${p.amount}` : 'the full amount';
    const when = p.earliest === p.latest ? `on ${p.earliest}` : `between ${p.earliest} and ${p.latest}`;
    lines.push(
      section(`*Promise ${n + 1}:* ${escapeMrkdwn(amount)} ${when}${quote(r.evidence.promises?.[n])}`),
    );
  });
  if (r.dispute_reason)
    lines.push(
      section(`*Dispute reason:* ${DISPUTE_LABEL[r.dispute_reason]}${quote(r.evidence.dispute_reason)}`),
    );
  if (r.paid_on)
    lines.push(
      section(
        `*Paid on:* ${r.paid_on.earliest === r.paid_on.latest ? r.paid_on.earliest : `${r.paid_on.earliest} to ${r.paid_on.latest}`} (look for the payment in Xero before accepting)${quote(r.evidence.paid_on)}`,
      ),
    );
  if (r.back_on) lines.push(section(`*Back on:* ${r.back_on}${quote(r.evidence.back_on)}`));
  if (r.new_contact)
    lines.push(
      section(
        `*Write to instead:* ${escapeMrkdwn(clip(r.new_contact, 254))}${quote(r.evidence.new_contact)}`,
      ),
    );
  for (const f of (i.findings ?? []).slice(0, 3)) lines.push(section(clip(f, 2_900)));
  const by =
    i.record.source === 'claude'
      ? `Read by Claude (${escapeMrkdwn(clip(i.record.model, 60))}), checked against the rules`
      : `Read by the rules${i.record.fallbackReason ? ` (${escapeMrkdwn(clip(i.record.fallbackReason, 200))})` : ''}`;
  lines.push(context(`${by}. Chasing ${name} stays paused until someone decides.`));
  const value = packValue([i.orgId, i.replyId]);
  lines.push(
    actions(`reply_suggestion:${i.replyId}`, [
      { text: 'Accept', actionId: ACTION.replyAccept, value, style: 'primary' },
      { text: 'Edit', actionId: ACTION.replyEdit, value },
      { text: 'Reject', actionId: ACTION.replyReject, value },
      // Asked for a plan: answer with one (a manager approves it); proposing it handles the reply.
      ...(r.intent === 'payment_plan_request' && i.contactId
        ? [
            {
              text: 'Propose a payment plan',
              actionId: ACTION.planPropose,
              value: packValue([i.orgId, i.contactId, i.replyId]),
            },
          ]
        : []),
    ]),
  );
  return {
    text: `Suggested from ${name}'s reply: ${INTENT_LABEL[r.intent]}`,
    blocks: lines,
  };
}

/** The card once decided: who decided what; a redirect offers the new address for reminders. */
export function buildSuggestionDecided(i: {
  readonly orgId: string;
  readonly replyId: string;
  readonly customerName: string;
  readonly decision: 'accepted' | 'rejected' | 'already';
  readonly by: string;
  readonly summary: string;
  readonly escalated: boolean;
  readonly proposeAddress: string | null;
  /** What accepting posted in the thread besides, in words. */
  readonly followUp?: string | null;
}): SlackMessage {
  const name = escapeMrkdwn(clip(i.customerName, 120));
  const who = escapeMrkdwn(clip(i.by, 80));
  const what = escapeMrkdwn(clip(i.summary, 600));
  const head =
    i.decision === 'accepted'
      ? `:white_check_mark: *${who} accepted:* ${what}.`
      : i.decision === 'rejected'
        ? `:x: *${who} rejected the suggestion* (${what}); chasing ${name} resumes.`
        : `This reply was already handled by ${who}.`;
  const blocks: Block[] = [section(head)];
  if (i.escalated) blocks.push(context('Posted to the escalation channel.'));
  if (i.followUp) blocks.push(context(escapeMrkdwn(i.followUp)));
  if (i.decision !== 'already')
    blocks.push(context('Noted in Xero History on the invoices and the contact.'));
  if (i.proposeAddress)
    blocks.push(
      actions(`reply_address:${i.replyId}`, [
        {
          text: `Use ${clip(i.proposeAddress, 60)} for reminders`,
          actionId: ACTION.replyUseAddress,
          value: packValue([i.orgId, i.replyId]),
        },
      ]),
    );
  return { text: `${name}'s reply: ${i.decision === 'rejected' ? 'suggestion rejected' : what}`, blocks };
}

/** The modal's block ids (= action ids), one per field of SuggestionForm. */
export const SUGGESTION_FIELD: Record<FormField, string> = {
  intent: 'reply_intent',
  earliest: 'reply_earliest',
  latest: 'reply_latest',
  amount: 'reply_amount',
  disputeReason: 'reply_dispute_reason',
  disputeUntil: 'reply_dispute_until',
  backOn: 'reply_back_on',
};

const option = (value: string, text: string) => ({ text: { type: 'plain_text', text }, value });

export function suggestionEditModal(i: {
  readonly orgId: string;
  readonly replyId: string;
  readonly customerName: string;
  readonly suggestion: ReplySuggestion;
}): Record<string, unknown> {
  const s = i.suggestion;
  const p = s.promises[0];
  const input = (field: FormField, label: string, element: Record<string, unknown>, hint?: string) => ({
    type: 'input',
    block_id: SUGGESTION_FIELD[field],
    optional: field !== 'intent',
    label: { type: 'plain_text', text: label },
    element: { action_id: SUGGESTION_FIELD[field], ...element },
    ...(hint ? { hint: { type: 'plain_text', text: hint } } : {}),
  });
  const date = (v: string | null | undefined) => ({ type: 'datepicker', ...(v ? { initial_date: v } : {}) });
  return {
    type: 'modal',
    callback_id: VIEW.replyEdit,
    private_metadata: JSON.stringify({ orgId: i.orgId, replyId: i.replyId }),
    title: { type: 'plain_text', text: 'Edit the suggestion' },
    submit: { type: 'plain_text', text: 'Accept' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      section(`What ${escapeMrkdwn(clip(i.customerName, 120))}'s reply says, as you read it.`),
      input('intent', 'The reply is', {
        type: 'static_select',
        options: REPLY_INTENTS.map((x) => option(x, INTENT_LABEL[x])),
        initial_option: option(s.intent, INTENT_LABEL[s.intent]),
      }),
      input('earliest', 'Promise: earliest date', date(p?.earliest)),
      input('latest', 'Promise: latest date', date(p?.latest), 'Chasing waits until this date.'),
      input(
        'amount',
        'Promise: amount',
        { type: 'plain_text_input', max_length: 20, ...(p?.amount ? { initial_value: p.amount } : {}) },
        'Empty for the full amount.',
      ),
      input('disputeReason', 'Dispute reason', {
        type: 'static_select',
        options: DISPUTE_REASONS.map((x) => option(x, DISPUTE_LABEL[x])),
        ...(s.disputeReason
          ? { initial_option: option(s.disputeReason, DISPUTE_LABEL[s.disputeReason]) }
          : {}),
      }),
      input(
        'disputeUntil',
        'Dispute: hold until',
        date(s.disputeUntil),
        "Optional. Chasing the disputed invoices resumes after this day; empty: until it's resolved.",
      ),
      input('backOn', 'Out of office: back on', date(s.backOn)),
    ],
  };
}
