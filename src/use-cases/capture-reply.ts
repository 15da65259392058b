// Over 300 lines: storing a reply from any channel: matching, pausing, triage and queueing the reading happen in one transaction.
import type { Kysely, Transaction } from 'kysely';
import { recordAuditEvent } from '../adapters/db/audit-events.js';
import {
  contactName,
  findCustomersByAddress,
  findCustomersByDomain,
  findOpenInvoicesByNumber,
  findRemindersByMessageId,
  findReplyByMessageId,
  insertCustomerReply,
  setReplyHold,
} from '../adapters/db/customer-replies.js';
import { addCustomerHold } from '../adapters/db/dunning-queries.js';
import { listOrganisations } from '../adapters/db/organisations.js';
import type { DB, ReplyChannel, ReplyMatchMethod } from '../adapters/db/schema.js';
import { getSlackSettings, type SlackDefaults } from '../adapters/db/slack-settings.js';
import { buildReplyNotice, buildReplyTriage } from '../adapters/slack/blocks/reply-notice.js';
import {
  emailDomainOf,
  invoiceNumberCandidates,
  isAutoReply,
  isFreeMailDomain,
  matchReply,
  type ReplyMatch,
  replyExcerpt,
  threadMessageIds,
} from '../domain/reply-matching.js';
import { type BounceOutcome, recordBounce } from './record-bounce.js';
import { enqueueReplyRead } from './reply-suggestions.js';
import { customerThread, enqueueSlackPost } from './slack-posts.js';

/** An email as the inbound parser read it (adapters/mail/inbound-email.ts). */
export interface InboundEmail {
  /** `<id@host>`; a message without one gets a digest of its bytes, so a redelivery is still the same. */
  readonly messageId: string;
  readonly inReplyTo: string | null;
  readonly references: readonly string[];
  readonly fromAddress: string | null;
  readonly fromName: string | null;
  readonly subject: string | null;
  /** The Date header; null when missing or unreadable. */
  readonly date: Date | null;
  /** The plain-text body (generated from HTML when there is no text part). */
  readonly text: string;
  readonly autoSubmitted: string | null;
  readonly precedence: string | null;
  readonly autoResponseSuppress: string | null;
  /** A delivery status notification's parts (a bounce), or null for any other message. */
  readonly deliveryReport?: { readonly deliveryStatus: string; readonly returnedHeaders: string } | null;
}

export interface CaptureReplyDeps {
  readonly db: Kysely<DB>;
  /** Whether Slack is configured: notices and triage cards are queued only then. */
  readonly slack: boolean;
  readonly slackDefaults: SlackDefaults;
  /** Hex SHA-256 (the audit event keeps a hash of the excerpt, never the words). */
  readonly sha256: (text: string) => string;
}

export interface CaptureReplyInput {
  readonly channel: ReplyChannel;
  readonly email: InboundEmail;
  /** When it reached us (the IMAP INTERNALDATE, or now for a webhook). */
  readonly receivedAt: Date;
  readonly now: Date;
  /**
   * Runs inside the transaction that stores the reply (the IMAP poller moves its UID cursor here, so a message
   * is never stored without the cursor passing it, nor passed without being stored). A throw rolls both back.
   */
  readonly alsoInTransaction?: (trx: Transaction<DB>) => Promise<void>;
}

export type CaptureReplyOutcome =
  | {
      readonly kind: 'stored';
      readonly replyId: string;
      readonly match: StoredMatch;
      /** What was queued for Slack, if anything. */
      readonly posted: 'thread' | 'queue' | 'triage' | 'none';
    }
  | { readonly kind: 'duplicate'; readonly replyId: string }
  | { readonly kind: 'rejected'; readonly reason: string }
  | BounceOutcome;

const SYSTEM = { type: 'system', id: 'reply-capture', name: 'Reply capture' } as const;
/** Stored text is capped: a reply is read by people and by the reply reader, not archived. */
const MAX_TEXT = 100_000;

/**
 * A customer's reply, from IMAP or the inbound webhook:
 * 1. a message stored before (by Message-ID) is a duplicate; 2. gather evidence and match it
 * (domain/reply-matching.ts); 3. in one transaction: store it, pause the customer ('reply' hold), queue the notice
 * in the reminder card's thread (or a triage card in the queue channel when nobody matched), and audit it.
 * Nothing is ever sent to the customer from here: an automatic reply cannot loop.
 */
export async function captureReply(
  deps: CaptureReplyDeps,
  input: CaptureReplyInput,
): Promise<CaptureReplyOutcome> {
  const { db } = deps;
  const { email } = input;
  if (!email.messageId) return { kind: 'rejected', reason: 'the message has no Message-ID' };
  if (!email.fromAddress) return { kind: 'rejected', reason: 'the message has no sender address' };

  // 0. A bounce is the receiving server speaking, not the customer: recorded on the reminder, never a reply.
  if (email.deliveryReport) {
    return recordBounce(deps, {
      report: email.deliveryReport,
      now: input.now,
      ...(input.alsoInTransaction ? { alsoInTransaction: input.alsoInTransaction } : {}),
    });
  }

  // 1. Once per message, whichever way it came and whatever it matched.
  const earlier = await findReplyByMessageId(db, email.messageId);
  if (earlier) return { kind: 'duplicate', replyId: earlier.id };

  // 2. Match.
  const match = await matchEmail(db, email);
  const autoReply = isAutoReply({
    autoSubmitted: email.autoSubmitted,
    subject: email.subject,
    precedence: email.precedence,
    autoResponseSuppress: email.autoResponseSuppress,
  });

  // 3. Store, pause, notify, audit: all or nothing.
  return storeReply(deps, {
    channel: input.channel,
    messageId: email.messageId,
    inReplyTo: email.inReplyTo,
    fromAddress: email.fromAddress,
    fromName: email.fromName,
    subject: email.subject,
    text: email.text,
    autoReply,
    match,
    receivedAt: input.receivedAt,
    now: input.now,
    ...(input.alsoInTransaction ? { alsoInTransaction: input.alsoInTransaction } : {}),
  });
}

/**
 * A customer a collector named in Slack (the shortcut's modal, or the customer's name in the message): matched
 * by a person rather than by evidence in the message.
 */
export interface CollectorMatch {
  readonly method: 'collector';
  readonly orgId: string;
  readonly contactId: string;
  readonly reminderId: null;
  readonly invoiceIds: readonly string[];
  readonly note: string;
}

export type StoredMatch = ReplyMatch | CollectorMatch;

/**
 * customer_replies.match_method allows the four kinds of evidence and 'none' (its check constraint): a customer
 * chosen by a collector is stored as 'none' with status 'pending' and the note saying who chose it, until a
 * migration adds a method of its own.
 */
function storedMethodOf(match: StoredMatch): ReplyMatchMethod {
  return match.method === 'collector' ? 'none' : match.method;
}

/** A reply as any capture path hands it over, already matched (or not). */
export interface StoreReplyInput {
  readonly channel: ReplyChannel;
  /** Unique per message: an email's Message-ID, `slack:<team>:<channel>:<ts>` for a Slack message. */
  readonly messageId: string;
  readonly inReplyTo: string | null;
  readonly fromAddress: string | null;
  readonly fromName: string | null;
  readonly subject: string | null;
  readonly text: string;
  readonly autoReply: boolean;
  readonly match: StoredMatch;
  readonly receivedAt: Date;
  readonly now: Date;
  /** Extra audit fields (ids and flags only: never the text). */
  readonly auditExtra?: Readonly<Record<string, unknown>>;
  readonly alsoInTransaction?: (trx: Transaction<DB>, replyId: string) => Promise<void>;
}

/**
 * The steps every capture path shares, in one transaction: store the reply once, pause a matched customer
 * ('reply' hold), queue its reading, queue the notice in the reminder card's thread (or a triage card in the
 * queue channel when nobody matched), and audit it. 'duplicate' when the same message is already stored.
 */
export async function storeReply(
  deps: CaptureReplyDeps,
  input: StoreReplyInput,
): Promise<CaptureReplyOutcome> {
  const { match } = input;
  const text = input.text.length > MAX_TEXT ? input.text.slice(0, MAX_TEXT) : input.text;
  const excerpt = replyExcerpt(text);
  const autoReply = input.autoReply;
  const matched = match.method !== 'none' ? match : null;

  return deps.db.transaction().execute(async (trx) => {
    const replyId = await insertCustomerReply(trx, {
      orgId: matched?.orgId ?? null,
      contactId: matched?.contactId ?? null,
      reminderId: matched?.reminderId ?? null,
      invoiceIds: matched?.invoiceIds ?? [],
      channel: input.channel,
      messageId: input.messageId,
      inReplyTo: input.inReplyTo,
      fromAddress: input.fromAddress,
      fromName: input.fromName,
      subject: input.subject,
      receivedAt: input.receivedAt,
      text,
      autoReply,
      matchMethod: storedMethodOf(match),
      matchNote: match.note,
      status: matched ? 'pending' : 'triage',
      holdId: null,
      createdAt: input.now,
    });
    if (!replyId) {
      // Another instance (or the webhook and IMAP at once) stored it a moment ago.
      const other = await findReplyByMessageId(trx, input.messageId);
      return other
        ? { kind: 'duplicate', replyId: other.id }
        : { kind: 'rejected', reason: 'the reply could not be stored' };
    }
    let posted: 'thread' | 'queue' | 'triage' | 'none' = 'none';
    const notice = {
      fromName: input.fromName,
      fromAddress: input.fromAddress,
      receivedAt: input.receivedAt,
      subject: input.subject,
      excerpt,
      autoReply,
    };
    if (matched) {
      const holdId = await addCustomerHold(trx, {
        orgId: matched.orgId,
        contactId: matched.contactId,
        kind: 'reply',
        until: null,
        reason: `a reply waits for a collector (${match.note})`,
        actor: { id: SYSTEM.id, name: SYSTEM.name },
        now: input.now,
      });
      await setReplyHold(trx, replyId, holdId);
      // Read it after this transaction (Claude may take seconds): the suggestion card follows the notice.
      await enqueueReplyRead(trx, { orgId: matched.orgId, replyId, now: input.now });
      if (deps.slack) {
        const customerName = (await contactName(trx, matched.orgId, matched.contactId)) ?? 'this customer';
        const message = buildReplyNotice({ ...notice, customerName, matchNote: match.note });
        // In the thread of the card the customer answered, else of their latest card, else the queue channel.
        const where = await customerThread(trx, matched.orgId, matched, deps.slackDefaults);
        if (where) {
          await enqueueSlackPost(trx, {
            orgId: matched.orgId,
            key: `reply:${replyId}:notice`,
            ...where,
            message,
            now: input.now,
          });
          posted = where.threadTs ? 'thread' : 'queue';
        }
      }
    } else if (deps.slack) {
      const channels = await triageChannels(trx, deps.slackDefaults);
      for (const { orgId, channel } of channels) {
        await enqueueSlackPost(trx, {
          orgId,
          key: `reply:${replyId}:triage:${channel}`,
          channel,
          message: buildReplyTriage({ ...notice, why: match.note, replyId }),
          now: input.now,
        });
        posted = 'triage';
      }
    }
    await recordAuditEvent(trx, {
      orgId: matched?.orgId ?? null,
      occurredAt: input.now,
      actor: SYSTEM,
      action: 'reply.received',
      subject: { type: 'customer_reply', id: replyId },
      // No body, no address: the subject, a hash of the excerpt, and how it was matched.
      payload: {
        channel: input.channel,
        contactId: matched?.contactId ?? null,
        reminderId: matched?.reminderId ?? null,
        invoiceIds: matched?.invoiceIds ?? [],
        matchMethod: storedMethodOf(match),
        matchNote: match.note,
        subject: input.subject,
        excerptSha256: deps.sha256(excerpt),
        autoReply,
        senderDomain: emailDomainOf(input.fromAddress),
        paused: matched !== null,
        posted,
        ...input.auditExtra,
      },
    });
    await input.alsoInTransaction?.(trx, replyId);
    return { kind: 'stored', replyId, match, posted };
  });
}

async function matchEmail(db: Kysely<DB>, email: InboundEmail): Promise<ReplyMatch> {
  const threadIds = threadMessageIds(email.inReplyTo, email.references);
  const address = email.fromAddress ?? '';
  const domain = emailDomainOf(address);
  const [thread, invoices, senderAddress, senderDomain] = await Promise.all([
    findRemindersByMessageId(db, threadIds),
    findOpenInvoicesByNumber(db, invoiceNumberCandidates(email.subject, email.text)),
    address ? findCustomersByAddress(db, address) : Promise.resolve([]),
    domain && !isFreeMailDomain(domain) ? findCustomersByDomain(db, domain) : Promise.resolve([]),
  ]);
  return matchReply({ threadIds, thread, invoices, senderAddress, senderDomain });
}

/** Where a reply nobody matched goes: each organisation's queue channel (once per channel), else the default. */
async function triageChannels(
  db: Parameters<typeof getSlackSettings>[0],
  defaults: SlackDefaults,
): Promise<{ orgId: string | null; channel: string }[]> {
  const orgs = (await listOrganisations(db)).filter((o) => o.status !== 'disconnected');
  const out = new Map<string, string | null>();
  for (const o of orgs) {
    const s = await getSlackSettings(db, o.id, defaults);
    if (s.queueChannel && !out.has(s.queueChannel)) out.set(s.queueChannel, o.id);
  }
  const fallback = defaults.queueChannel ?? defaults.digestChannel;
  if (out.size === 0 && fallback) out.set(fallback, null);
  return [...out].map(([channel, orgId]) => ({ orgId, channel }));
}
