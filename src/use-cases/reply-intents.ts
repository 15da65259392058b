// Over 300 lines: accepting each reply intent (out-of-office, redirect, document, paid-already, dispute) shares one transaction shape and its notes.
import type { Kysely, Transaction } from 'kysely';
import { recordAuditEvent } from '../adapters/db/audit-events.js';
import { type CustomerReply, latestReminderWithCard } from '../adapters/db/customer-replies.js';
import { getReminderTiming } from '../adapters/db/dunning-queries.js';
import { listInvoicesByNumber, loadContactPayments } from '../adapters/db/ledger-queries.js';
import { getOrganisation } from '../adapters/db/organisations.js';
import { getReminderFacts } from '../adapters/db/reminder-cards.js';
import type { DB, Queryable } from '../adapters/db/schema.js';
import type { SlackDefaults } from '../adapters/db/slack-settings.js';
import type { SlackMessage } from '../adapters/slack/blocks/kit.js';
import {
  linkFindingLine,
  paymentFindingLine,
  paymentMatchMessage,
  replyDraftMessage,
} from '../adapters/slack/blocks/reply-follow-up.js';
import type { OnlineInvoiceFetcher } from '../adapters/xero/online-invoices.js';
import { daysBetween, localDateOf } from '../domain/calendar.js';
import { checkDraftAgainstLedger } from '../domain/draft-vouching.js';
import type { IsoDate } from '../domain/ledger.js';
import type { DraftFacts, DraftInvoiceFact, ReminderDraft } from '../domain/reminder-draft.js';
import {
  disputeReplyDraft,
  documentReplyDraft,
  type LedgerPayment,
  matchingPayments,
  paymentWindow,
  type ReplyDraftKind,
  remittanceRequestDraft,
} from '../domain/reply-drafts.js';
import type { ReplyReading } from '../domain/reply-reading/reply-reading.js';
import type { ReplySuggestion } from '../domain/reply-suggestion.js';
import { cachedOnlineInvoiceLinks, onlineInvoiceLinks, onlineLinkBudget } from './online-invoice-links.js';
import { customerThread, enqueueSlackPost } from './slack-posts.js';

/**
 * What accepting a dispute, a "paid already" or a document request adds (#18 part 3): the ledger's answer on the
 * suggestion card before anyone decides (the matching payment; the invoice's online link), and after Accept a
 * follow-up in the card's thread, once: the reply drafted for the customer, or the matching payment.
 *
 * The draft is shown to copy, not sent: the send path (send-reminder.ts) sends a reminder row (its recipients,
 * Message-ID, journal and step history, which pace the next reminders), and a reply to a customer's email is none
 * of those; sending it would mean a second mail path, with its own journal and threading headers.
 */

/** Links fetched from Xero for one document request at most (the rest say "not yet fetched"). */
export const LINK_FETCHES_PER_REPLY = 5;

async function paymentsFor(
  db: Queryable,
  orgId: string,
  reply: CustomerReply,
  reading: ReplyReading,
  asOf: IsoDate,
  timezone: string,
) {
  let since: IsoDate | null = null;
  if (!reading.paid_on && reply.reminderId) {
    const r = await getReminderTiming(db, reply.reminderId);
    since = r ? (r.sentAt ? localDateOf(r.sentAt, timezone) : r.planDate) : null;
  }
  const window = paymentWindow(reading.paid_on ?? null, since, asOf);
  const all = await loadContactPayments(db, orgId, reply.contactId!, window);
  return { window, payments: matchingPayments(all, window, reply.invoiceIds) };
}

/**
 * The facts a drafted reply may state: the reply's invoices as the ledger has them today (amount due, due date,
 * the cached link), with the names the answered reminder was written with (else the organisation's).
 */
export async function replyDraftFacts(
  db: Queryable,
  orgId: string,
  reply: CustomerReply,
  customerName: string,
  asOf: IsoDate,
): Promise<DraftFacts> {
  const reminderId =
    reply.reminderId ?? (await latestReminderWithCard(db, orgId, reply.contactId!))?.reminderId ?? null;
  const drafted = reminderId ? (await getReminderFacts(db, reminderId))?.draftFacts : undefined;
  const ids = [...reply.invoiceIds];
  const [rows, links, org] = await Promise.all([
    listInvoicesByNumber(db, orgId, ids),
    cachedOnlineInvoiceLinks(db, orgId, ids),
    drafted ? Promise.resolve(null) : getOrganisation(db, orgId),
  ]);
  const invoices: DraftInvoiceFact[] = rows.map((r) => ({
    number: r.number,
    currency: r.currency,
    amountDue: r.amountDue,
    dueDate: r.dueDate,
    daysOverdue: daysBetween(r.dueDate, asOf),
    onlineUrl: links.get(r.invoiceId) ?? null,
  }));
  return {
    purpose: 'overdue',
    tone: 'friendly',
    customerName,
    contactFirstName: drafted?.contactFirstName ?? null,
    senderName: drafted?.senderName ?? '',
    companyName: drafted?.companyName ?? org?.name ?? '',
    asOf,
    ...(drafted?.locale ? { locale: drafted.locale } : {}),
    invoices,
  };
}

// ---- the card, before anyone decides ----------------------------------------------------------------------

export interface FindingsDeps {
  readonly db: Kysely<DB>;
  /** null: Xero is not connected here; only cached links are offered. */
  readonly onlineInvoices?: OnlineInvoiceFetcher | null;
  readonly now: Date;
}

/**
 * What the ledger says about the reply, for the suggestion card (mrkdwn lines, escaped): for "paid already", the
 * payment that matches (or that none does); for a document request, the online links, fetched now within a
 * small budget when not cached (this runs in the reading's outbox job, not in a click).
 */
export async function replyFindings(
  deps: FindingsDeps,
  input: {
    orgId: string;
    reply: CustomerReply;
    reading: ReplyReading;
    timezone: string;
  },
): Promise<string[]> {
  const { reply, reading, orgId } = input;
  if (!reply.contactId) return [];
  const asOf = localDateOf(deps.now, input.timezone);
  if (reading.intent === 'paid_already') {
    const { window, payments } = await paymentsFor(deps.db, orgId, reply, reading, asOf, input.timezone);
    return [paymentFindingLine(payments, window)];
  }
  if (reading.intent === 'document_request') {
    const ids = reply.invoiceIds.slice(0, LINK_FETCHES_PER_REPLY * 2);
    const links = await onlineInvoiceLinks(
      {
        db: deps.db,
        fetcher: deps.onlineInvoices ?? null,
        now: deps.now,
        budget: onlineLinkBudget(LINK_FETCHES_PER_REPLY),
      },
      orgId,
      ids,
    );
    const numbers = await listInvoicesByNumber(deps.db, orgId, ids);
    return [linkFindingLine(numbers.map((n) => ({ number: n.number, url: links.get(n.invoiceId) ?? null })))];
  }
  return [];
}

// ---- after Accept -----------------------------------------------------------------------------------------

export type ReplyFollowUp =
  | { readonly kind: 'draft'; readonly draft: ReplyDraftKind; readonly vouched: boolean }
  | { readonly kind: 'payment-found'; readonly payments: readonly LedgerPayment[] };

/**
 * In Accept's transaction, after the reply was marked handled (so at most once): the follow-up for a dispute,
 * a "paid already" or a document request, queued in the suggestion card's thread under a key per reply, and
 * audited (what kind, which invoices; never the text). Null for the other intents.
 */
export async function enqueueReplyFollowUp(
  trx: Transaction<DB>,
  input: {
    orgId: string;
    reply: CustomerReply;
    reading: ReplyReading;
    suggestion: ReplySuggestion;
    customerName: string;
    asOf: IsoDate;
    now: Date;
    slackDefaults: SlackDefaults;
    actor: { id: string; name: string };
  },
): Promise<ReplyFollowUp | null> {
  const { reply, suggestion, orgId } = input;
  if (!reply.contactId) return null;
  if (!['dispute', 'paid_already', 'document_request'].includes(suggestion.intent)) return null;
  const timezone = (await getOrganisation(trx, orgId))?.timezone ?? 'UTC';
  const facts = () => replyDraftFacts(trx, orgId, reply, input.customerName, input.asOf);
  const drafted = (kind: ReplyDraftKind, f: DraftFacts, draft: ReminderDraft) => {
    const missing = kind === 'document' ? f.invoices.filter((i) => !i.onlineUrl).map((i) => i.number) : [];
    // Written from these facts, so it should always pass; a refusal is said, never hidden.
    const check = checkDraftAgainstLedger(draft, f);
    const notes = [
      ...(missing.length
        ? [`Link not yet fetched for ${missing.join(', ')}: attach the PDF from Xero.`]
        : []),
      ...(check.ok ? [] : [`Check this draft before using it: ${check.problems.slice(0, 3).join('; ')}`]),
    ];
    return {
      done: { kind: 'draft', draft: kind, vouched: check.ok } as ReplyFollowUp,
      message: replyDraftMessage({ customerName: input.customerName, kind, draft, notes }),
    };
  };
  let out: { done: ReplyFollowUp; message: SlackMessage };
  if (suggestion.intent === 'dispute') {
    const f = await facts();
    out = drafted('dispute', f, disputeReplyDraft(f, suggestion.disputeReason));
  } else if (suggestion.intent === 'document_request') {
    const f = await facts();
    out = drafted('document', f, documentReplyDraft(f));
  } else {
    const { payments } = await paymentsFor(trx, orgId, reply, input.reading, input.asOf, timezone);
    if (payments.length > 0) {
      out = {
        done: { kind: 'payment-found', payments },
        message: paymentMatchMessage({ customerName: input.customerName, payments }),
      };
    } else {
      const f = await facts();
      out = drafted('remittance', f, remittanceRequestDraft(f));
    }
  }
  const where = await customerThread(trx, orgId, reply, input.slackDefaults);
  if (where) {
    await enqueueSlackPost(trx, {
      orgId,
      key: `reply:${reply.id}:follow-up`,
      channel: where.channel,
      ...(where.threadTs ? { threadTs: where.threadTs } : {}),
      message: out.message,
      now: input.now,
    });
  }
  const { done } = out;
  await recordAuditEvent(trx, {
    orgId,
    occurredAt: input.now,
    actor: { type: 'user', id: input.actor.id, name: input.actor.name },
    action: 'reply.follow_up',
    subject: { type: 'customer_reply', id: reply.id },
    payload: {
      contactId: reply.contactId,
      invoiceIds: [...reply.invoiceIds],
      posted: Boolean(where),
      ...(done.kind === 'draft'
        ? { drafted: done.draft, vouched: done.vouched }
        : {
            paymentFound: done.payments.map((p) => ({
              invoiceId: p.invoiceId,
              date: p.date,
              amount: p.amount,
            })),
          }),
    },
  });
  return done;
}
