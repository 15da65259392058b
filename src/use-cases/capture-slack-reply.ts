import type { Kysely } from 'kysely';
import { recordAuditEvent } from '../adapters/db/audit-events.js';
import {
  contactName,
  findOpenInvoicesByNumber,
  findReminderByCard,
  findReplyByMessageId,
  listCustomersWithOpenInvoices,
} from '../adapters/db/customer-replies.js';
import { listOrganisations } from '../adapters/db/organisations.js';
import type { DB } from '../adapters/db/schema.js';
import { getSlackSettings, type SlackDefaults } from '../adapters/db/slack-settings.js';
import type { PickerOrganisation } from '../adapters/slack/blocks/log-reply.js';
import type { UserDirectory } from '../adapters/slack/user-directory.js';
import { invoiceNumberCandidates, matchReply } from '../domain/reply-matching.js';
import {
  customersNamedIn,
  plainTextOfSlackMessage,
  slackReplyMessageId,
  slackTsDate,
} from '../domain/slack-reply.js';
import {
  type CaptureReplyDeps,
  type CaptureReplyOutcome,
  type CollectorMatch,
  type StoredMatch,
  storeReply,
} from './capture-reply.js';
import type { Actor } from './decide-reminder.js';
import { actorFor, resolveSlackOrg } from './slack-scope.js';

/**
 * A customer's reply brought into Slack by a collector (issue #18): pasted in a reminder card's thread, or
 * logged with the message shortcut "Log customer reply". Stored and handled exactly as an email reply (the same
 * storeReply: pause at once, reading queued, notice and suggestion in the card's thread), once per Slack message.
 */

/** A Slack message, as the event or the shortcut payload gives it. */
export interface SlackMessageRef {
  /** Our workspace. */
  readonly teamId: string;
  readonly channel: string;
  readonly ts: string;
  /** The thread it was posted in (null or its own ts for a message that starts none). */
  readonly threadTs: string | null;
  /** As Slack sends it (mrkdwn with its escapes); the customer's words, never logged. */
  readonly text: string;
}

/** Who a Slack message is a reply from, when it can tell. */
export type SlackReplyMatch =
  | { readonly kind: 'found'; readonly match: Exclude<StoredMatch, { method: 'none' }> }
  | { readonly kind: 'unknown'; readonly note: string };

/** The reminder whose card's thread this message was posted in (not the card itself). */
export async function matchCardThread(
  db: Kysely<DB>,
  msg: Pick<SlackMessageRef, 'channel' | 'ts' | 'threadTs'>,
): Promise<SlackReplyMatch> {
  if (!msg.threadTs || msg.threadTs === msg.ts) return { kind: 'unknown', note: 'not in a thread' };
  const card = await findReminderByCard(db, msg.channel, msg.threadTs);
  if (!card) return { kind: 'unknown', note: 'not in a reminder card’s thread' };
  return {
    kind: 'found',
    match: {
      method: 'thread',
      orgId: card.orgId,
      contactId: card.contactId,
      reminderId: card.reminderId,
      invoiceIds: card.invoiceIds,
      note: "posted in the reminder card's thread",
    },
  };
}

/**
 * Whose reply a message logged with the shortcut is, strongest first: a reminder card's thread, then open
 * invoice numbers it names (one customer), then a customer's name in its words (exactly one). Anything else is
 * for the collector to say (the modal).
 */
export async function matchSlackMessage(db: Kysely<DB>, msg: SlackMessageRef): Promise<SlackReplyMatch> {
  const thread = await matchCardThread(db, msg);
  if (thread.kind === 'found') return thread;
  const text = plainTextOfSlackMessage(msg.text);
  const invoices = await findOpenInvoicesByNumber(db, invoiceNumberCandidates(text));
  if (invoices.length > 0) {
    const byNumber = matchReply({ threadIds: [], thread: [], invoices, senderAddress: [], senderDomain: [] });
    return byNumber.method === 'none'
      ? { kind: 'unknown', note: byNumber.note }
      : { kind: 'found', match: byNumber };
  }
  const orgs = (await listOrganisations(db)).filter((o) => o.status !== 'disconnected');
  const named = [];
  for (const o of orgs)
    named.push(...customersNamedIn(text, await listCustomersWithOpenInvoices(db, o.id, 5_000)));
  if (named.length === 1) {
    const c = named[0]!;
    return {
      kind: 'found',
      match: {
        method: 'collector',
        orgId: c.orgId,
        contactId: c.contactId,
        reminderId: null,
        invoiceIds: [],
        note: 'the customer is named in the message',
      },
    };
  }
  return {
    kind: 'unknown',
    note:
      named.length > 1 ? `the message names ${named.length} customers` : 'no card, invoice or customer named',
  };
}

/**
 * A message in a reminder card's thread from a collector or manager of the card's organisation: the match and
 * who posted it. Null for anyone else (the caller ignores them silently) or any other thread.
 */
export async function cardThreadReplyOf(
  deps: { readonly db: Kysely<DB>; readonly users: UserDirectory; readonly defaults: SlackDefaults },
  msg: Pick<SlackMessageRef, 'channel' | 'ts' | 'threadTs'>,
  userId: string,
): Promise<{ match: Exclude<StoredMatch, { method: 'none' }>; actor: Actor } | null> {
  const found = await matchCardThread(deps.db, msg);
  if (found.kind !== 'found') return null;
  const settings = await getSlackSettings(deps.db, found.match.orgId, deps.defaults);
  const actor = await actorFor(deps.users, settings, userId);
  return actor.isCollector ? { match: found.match, actor } : null;
}

/**
 * The customers the shortcut's modal offers: those with open invoices of the organisation the channel belongs
 * to (or the only one), else of every connected organisation, only where this user is a collector or manager.
 * `refuseIn` names an organisation to refuse in when there is none.
 */
export async function customerPickerFor(
  deps: { readonly db: Kysely<DB>; readonly users: UserDirectory; readonly defaults: SlackDefaults },
  channelId: string,
  userId: string,
): Promise<{ organisations: PickerOrganisation[]; refuseIn: string | null }> {
  const { db } = deps;
  const scope = await resolveSlackOrg(db, deps.defaults, { channelId });
  const candidates =
    scope.kind === 'found'
      ? [scope.organisation]
      : (await listOrganisations(db)).filter((o) => o.status !== 'disconnected');
  const organisations: PickerOrganisation[] = [];
  for (const o of candidates) {
    const actor = await actorFor(deps.users, await getSlackSettings(db, o.id, deps.defaults), userId);
    if (actor.isCollector)
      organisations.push({
        orgId: o.id,
        name: o.name,
        customers: await listCustomersWithOpenInvoices(db, o.id),
      });
  }
  return { organisations, refuseIn: organisations.length === 0 ? (candidates[0]?.id ?? null) : null };
}

/** A customer a collector chose in the shortcut's modal. */
export function chosenCustomer(orgId: string, contactId: string, by: string): CollectorMatch {
  return {
    method: 'collector',
    orgId,
    contactId,
    reminderId: null,
    invoiceIds: [],
    note: `chosen by ${by} in Slack`,
  };
}

export interface SlackReplyInput {
  readonly message: SlackMessageRef;
  readonly match: Exclude<StoredMatch, { method: 'none' }>;
  /** The collector who posted it in the thread or logged it with the shortcut. */
  readonly loggedBy: { readonly id: string; readonly name: string };
  readonly via: 'thread' | 'shortcut';
  readonly now: Date;
}

export type SlackReplyOutcome =
  | (CaptureReplyOutcome & { readonly customerName: string })
  | { readonly kind: 'empty'; readonly customerName: string };

/**
 * Stores the message as the matched customer's reply, once per Slack message (a retried event or a second
 * shortcut is 'duplicate'), and audits `reply.logged_from_slack` with who brought it in: ids, never the text.
 */
export async function captureSlackReply(
  deps: CaptureReplyDeps,
  input: SlackReplyInput,
): Promise<SlackReplyOutcome> {
  const { db } = deps;
  const { message, match } = input;
  const name = await contactName(db, match.orgId, match.contactId);
  if (!name && match.method === 'collector')
    return { kind: 'rejected', reason: 'that customer is no longer in Xero', customerName: 'this customer' };
  const customerName = name ?? 'this customer';
  const messageId = slackReplyMessageId(message.teamId, message.channel, message.ts);
  const earlier = await findReplyByMessageId(db, messageId);
  if (earlier) return { kind: 'duplicate', replyId: earlier.id, customerName };
  const text = plainTextOfSlackMessage(message.text).trim();
  if (!text) return { kind: 'empty', customerName };
  const outcome = await storeReply(deps, {
    channel: 'slack',
    messageId,
    inReplyTo: null,
    fromAddress: null,
    // The notice says who brought it in: the customer's own name or address is not in a Slack message.
    fromName: `${input.loggedBy.name} (in Slack)`,
    subject: null,
    text,
    autoReply: false,
    match,
    receivedAt: receivedAtOf(message.ts, input.now),
    now: input.now,
    auditExtra: { slackChannel: message.channel, slackTs: message.ts, via: input.via },
    alsoInTransaction: (trx, replyId) =>
      recordAuditEvent(trx, {
        orgId: match.orgId,
        occurredAt: input.now,
        actor: { type: 'user', id: input.loggedBy.id, name: input.loggedBy.name },
        action: 'reply.logged_from_slack',
        subject: { type: 'customer_reply', id: replyId },
        payload: {
          via: input.via,
          contactId: match.contactId,
          reminderId: match.reminderId,
          matchMethod: match.method,
          slackChannel: message.channel,
          slackTs: message.ts,
        },
      }).then(() => undefined),
  });
  return { ...outcome, customerName };
}

/** When the message was posted (its ts), never later than now: the reader resolves "tomorrow" from it. */
function receivedAtOf(ts: string, now: Date): Date {
  const posted = slackTsDate(ts);
  return posted && posted.getTime() <= now.getTime() ? posted : now;
}
