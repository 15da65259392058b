import { packValue } from './ids.js';
import { type Block, clip, context, escapeMrkdwn, type SlackMessage, section } from './kit.js';

/**
 * Logging a customer's reply from Slack (issue #18): the message shortcut's modal asking whose reply it is, and
 * what the collector is told afterwards. The message's words are the customer's: escaped and clipped wherever
 * they are shown.
 */

/** The message shortcut in manifest.json and the modal it may open. */
export const LOG_REPLY = {
  shortcut: 'log_customer_reply',
  view: 'ar_log_reply',
  customerBlock: 'ar_log_reply_customer',
  customerAction: 'ar_log_reply_customer',
} as const;

/** Slack allows 100 options in a select (and 100 in each group). */
const MAX_OPTIONS = 100;

export interface PickerOrganisation {
  readonly orgId: string;
  readonly name: string;
  readonly customers: readonly { readonly contactId: string; readonly name: string }[];
}

const plain = (text: string, max: number) => ({ type: 'plain_text', text: clip(text, max) });

/**
 * "Whose reply is this?": a customer picker (one group per organisation when there are several), the start of
 * the message for reference, and why the app could not tell. Option values are `orgId|contactId`.
 */
export function logReplyModal(input: {
  readonly organisations: readonly PickerOrganisation[];
  readonly excerpt: string;
  readonly why: string;
  readonly privateMetadata: string;
}): Record<string, unknown> {
  const option = (orgId: string, c: { contactId: string; name: string }) => ({
    text: plain(c.name, 75),
    value: packValue([orgId, c.contactId]),
  });
  const orgs = input.organisations.filter((o) => o.customers.length > 0);
  const select =
    orgs.length === 1
      ? { options: orgs[0]!.customers.slice(0, MAX_OPTIONS).map((c) => option(orgs[0]!.orgId, c)) }
      : {
          option_groups: orgs.slice(0, MAX_OPTIONS).map((o) => ({
            label: plain(o.name, 75),
            options: o.customers.slice(0, MAX_OPTIONS).map((c) => option(o.orgId, c)),
          })),
        };
  const blocks: Block[] = [
    section(`*Whose reply is this?* ${escapeMrkdwn(clip(input.why, 200))}.`),
    context(`>${escapeMrkdwn(clip(input.excerpt.replace(/\s+/g, ' ').trim(), 500)) || '(no text)'}`),
    {
      type: 'input',
      block_id: LOG_REPLY.customerBlock,
      label: plain('Customer', 2000),
      element: {
        type: 'static_select',
        action_id: LOG_REPLY.customerAction,
        placeholder: plain('Choose the customer', 150),
        ...select,
      },
    },
    context('Their chasing is paused at once; the suggestion follows in their reminder card’s thread.'),
  ];
  return {
    type: 'modal',
    callback_id: LOG_REPLY.view,
    title: plain('Log customer reply', 24),
    submit: plain('Log reply', 24),
    close: plain('Cancel', 24),
    private_metadata: input.privateMetadata,
    blocks,
  };
}

export type LogReplyResult =
  | { readonly kind: 'stored'; readonly customerName: string; readonly note: string }
  | { readonly kind: 'duplicate'; readonly customerName: string }
  | { readonly kind: 'empty' }
  | { readonly kind: 'rejected'; readonly reason: string };

/** What the collector is told after logging (ephemeral, or in the modal). */
export function logReplyResultMessage(r: LogReplyResult): SlackMessage {
  const text = (() => {
    switch (r.kind) {
      case 'stored': {
        const name = escapeMrkdwn(clip(r.customerName, 120));
        return `:white_check_mark: Logged as *${name}*'s reply (${escapeMrkdwn(clip(r.note, 200))}). Chasing ${name} is paused until someone handles it; the suggestion follows in their reminder card's thread.`;
      }
      case 'duplicate':
        return `That message was already logged as *${escapeMrkdwn(clip(r.customerName, 120))}*'s reply: nothing changed.`;
      case 'empty':
        return 'That message has no text to log.';
      case 'rejected':
        return `That message could not be logged: ${escapeMrkdwn(clip(r.reason, 200))}.`;
    }
  })();
  return { text, blocks: [section(text)] };
}

/** The modal after submitting: the same words, then Done. */
export function logReplyDoneView(r: LogReplyResult): Record<string, unknown> {
  return {
    type: 'modal',
    callback_id: LOG_REPLY.view,
    title: plain('Log customer reply', 24),
    close: plain('Done', 24),
    blocks: logReplyResultMessage(r).blocks,
  };
}

/** Plain refusals and notes for the shortcut (no customer text in them). */
export const LOG_REPLY_TEXT = {
  otherWorkspace:
    'This app logs replies only in the workspace it is installed in; this attempt was recorded.',
  fromAnApp: "That is a message from an app, not a customer's reply.",
  noCustomers: 'No customer has open invoices to log a reply against.',
  tooLong: "That message is too long to log from here; paste it into the reminder card's thread instead.",
} as const;
