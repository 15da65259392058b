/**
 * A customer's reply that a collector brought into Slack (issue #18): pasted in a reminder card's thread, or
 * logged with the message shortcut. Pure helpers: the message's plain text, its stable id, and which customers
 * its words name.
 */

/** The id a Slack message is stored under: the same message (a retried event, a second shortcut) is one reply. */
export function slackReplyMessageId(teamId: string, channel: string, ts: string): string {
  return `slack:${teamId}:${channel}:${ts}`;
}

/** A Slack ts ("1732356000.000200") as the moment it was posted; null when it is not one. */
export function slackTsDate(ts: string): Date | null {
  if (!/^\d{1,12}(\.\d{1,6})?$/.test(ts)) return null;
  return new Date(Math.round(Number(ts) * 1000));
}

/**
 * The words of a Slack message as plain text, as an email's body is: links keep their label (a mailto link its
 * address, so a new contact address can still be read), and Slack's three escapes are undone. Mentions and
 * special tokens (`<!channel>`, `<@U…>`) stay as written: the text is data, escaped wherever it is shown.
 */
export function plainTextOfSlackMessage(text: string): string {
  return text
    .replace(/<mailto:([^|>\s]+)(?:\|[^>]*)?>/g, '$1')
    .replace(/<(https?:\/\/[^|>\s]+)\|([^>]*)>/g, '$2 ($1)')
    .replace(/<(https?:\/\/[^|>\s]+)>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

export interface NamedCustomer {
  readonly orgId: string;
  readonly contactId: string;
  readonly name: string;
}

/** Words that make a company's name but say nothing about which one it is. */
const LEGAL_SUFFIX = /\s+(ltd|limited|llc|inc|incorporated|pty|plc|gmbh|co|company|corp|corporation)\.?$/i;

const norm = (s: string) =>
  s
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9&]+/g, ' ')
    .trim();

/**
 * The customers whose name the text says, as whole words: "Acme Ltd" is named by "Acme Ltd" or by "Acme"
 * (a legal suffix may be left out) but not by "Acmeville". Names shorter than four characters once the suffix is
 * gone are never matched (too many ordinary words). The caller decides what more than one means.
 */
export function customersNamedIn<C extends NamedCustomer>(text: string, customers: readonly C[]): C[] {
  const haystack = ` ${norm(text)} `;
  if (haystack.trim() === '') return [];
  return customers.filter((c) => {
    const full = norm(c.name);
    let short = norm(c.name.replace(LEGAL_SUFFIX, ''));
    while (LEGAL_SUFFIX.test(short)) short = norm(short.replace(LEGAL_SUFFIX, ''));
    return [full, short].some((n) => n.length >= 4 && haystack.includes(` ${n} `));
  });
}

/** The fields of a Slack `message` event (or a shortcut's message) that decide whether it can be a reply. */
export interface SlackMessageFields {
  readonly type?: string;
  readonly subtype?: string;
  readonly user?: string;
  readonly bot_id?: string;
  readonly text?: string;
  readonly ts?: string;
  readonly thread_ts?: string;
}

/**
 * Subtypes a person's own message has: plain (none), a file with a comment, and a thread reply also sent to the
 * channel. Edits (message_changed), deletions, joins, bot and app messages are never a reply.
 */
const PERSON_SUBTYPES: ReadonlySet<string | undefined> = new Set([
  undefined,
  'file_share',
  'thread_broadcast',
]);

/** A person's message with words in it (never an app's, ours included). */
export function isPersonMessage(m: SlackMessageFields, botUserId: string | undefined): boolean {
  if (m.subtype !== undefined && !PERSON_SUBTYPES.has(m.subtype)) return false;
  if (m.bot_id || !m.user || m.user === botUserId) return false;
  return typeof m.text === 'string' && m.text.trim() !== '';
}

/** A person's message posted in a thread (not the message that starts it). */
export function isPersonThreadReply(m: SlackMessageFields, botUserId: string | undefined): boolean {
  return isPersonMessage(m, botUserId) && !!m.thread_ts && m.thread_ts !== m.ts;
}

/**
 * A note to the team in a card's thread, not the customer's words: it starts with `note:`, `internal:` or `//`.
 * Only an explicit marker counts: a collector relaying what the customer said ("@maria Acme will pay Friday") is
 * still a reply, because missing a reply chases a customer who has answered, while a wrong capture costs a Reject.
 */
export function isTeamNote(text: string): boolean {
  return /^\s*(?:(?:note|internal)\s*:|\/\/)/i.test(text);
}
