import { addDays } from './calendar.js';
import type { IsoDate } from './ledger.js';
import { type Decimal, dec, formatMoney } from './money.js';
import { type DraftFacts, formatLongDate, mergeValues, type ReminderDraft } from './reminder-draft.js';
import type { DisputeReason } from './reply-reading/reply-reading.js';

/**
 * What we write back to a customer after a collector accepts their reply (#18 part 3): a dispute asks for what
 * is needed to resolve it, a "paid already" without a payment in the ledger asks for the remittance details, a
 * document request gives the invoice's online link. Pure, and written from the ledger's facts only (the reply's
 * invoices: numbers, amounts due, due dates, cached links; the names the reminder used): no word of the customer's
 * is copied in, and every figure is one `checkDraftAgainstLedger` (draft-vouching.ts) vouches for the same facts.
 */
export type ReplyDraftKind = 'dispute' | 'remittance' | 'document';

const plural = (facts: DraftFacts, one: string, many: string) => (facts.invoices.length === 1 ? one : many);

function invoiceLines(facts: DraftFacts, withLinks: boolean): string {
  const locale = facts.locale ?? 'en-NZ';
  return facts.invoices
    .map((i) => {
      const line = `• ${i.number}: ${formatMoney(i.amountDue, i.currency, locale)} (due ${formatLongDate(i.dueDate, locale)})`;
      if (!withLinks) return line;
      return i.onlineUrl
        ? `${line}\n  View and pay online: ${i.onlineUrl}`
        : `${line}\n  A copy is attached.`;
    })
    .join('\n');
}

/** "invoice INV-1", "invoices INV-1 and INV-2", "your account" without invoices. */
function invoicesNamed(facts: DraftFacts): string {
  const numbers = facts.invoices.map((i) => i.number);
  if (numbers.length === 0) return 'your account';
  if (numbers.length === 1) return `invoice ${numbers[0]}`;
  const shown = numbers.slice(0, 6);
  const more = numbers.length > shown.length ? ` and ${numbers.length - shown.length} more` : '';
  return more
    ? `invoices ${shown.join(', ')}${more}`
    : `invoices ${shown.slice(0, -1).join(', ')} and ${shown.at(-1)}`;
}

function frame(facts: DraftFacts, subject: string, paragraphs: readonly string[]): ReminderDraft {
  const v = mergeValues(facts);
  const signature = [v.sender, v.company].map((s) => s.trim()).filter(Boolean);
  const body = [`Hi ${v.greeting_name},`, ...paragraphs, ['Kind regards,', ...signature].join('\n')].join(
    '\n\n',
  );
  return { subject: subject.slice(0, 200), body };
}

/** The invoices a paragraph is about, as a list, or nothing when the reply named none. */
function listed(facts: DraftFacts, lead: string, withLinks = false): string[] {
  return facts.invoices.length === 0 ? [] : [lead, invoiceLines(facts, withLinks)];
}

const DISPUTE_ASK: Record<DisputeReason | 'unspecified', (facts: DraftFacts) => readonly string[]> = {
  not_received: (f) => [
    `Thank you for letting us know that the goods or services on ${plural(f, 'this invoice', 'these invoices')} did not reach you.`,
    'We are checking our delivery records and will send you the proof of delivery we hold. So that we can look into it quickly, could you confirm the delivery address you expected them at, and who should have received them?',
  ],
  wrong_amount: (f) => [
    `Thank you for letting us know that you believe the amount on ${plural(f, 'this invoice', 'these invoices')} is not right.`,
    'Could you tell us which amount you expected, and why (for example the order or price it is based on)? We will check it against our records and come back to you.',
  ],
  quality: (f) => [
    `Thank you for letting us know about the problem with what was supplied on ${plural(f, 'this invoice', 'these invoices')}.`,
    'Could you send us photos and details of the problem: what is affected, and how? We will look into it and come back to you.',
  ],
  pricing: (f) => [
    `Thank you for letting us know that the prices on ${plural(f, 'this invoice', 'these invoices')} are not what you expected.`,
    'Could you send us the quote or agreement you are referring to? We will compare it with the invoice and come back to you.',
  ],
  duplicate: (f) => [
    `Thank you for letting us know that you believe ${plural(f, 'this invoice duplicates another one', 'these invoices duplicate each other')}.`,
    `Could you tell us which of ${invoicesNamed(f)} you have paid, and when? We will check it against our records and come back to you.`,
  ],
  unspecified: (f) => [
    `Thank you for letting us know there is a problem with ${plural(f, 'this invoice', 'these invoices')}.`,
    'Could you tell us what is wrong, with any details or documents that help? We will look into it and come back to you.',
  ],
};

/** The reply to a dispute: the invoices it is about, and what we need to resolve it, by reason. */
export function disputeReplyDraft(facts: DraftFacts, reason: DisputeReason | null): ReminderDraft {
  const [thanks, ask] = DISPUTE_ASK[reason ?? 'unspecified'](facts);
  const pause =
    facts.invoices.length === 0
      ? 'We have paused our reminders while we look into it.'
      : `We have paused our reminders for ${plural(facts, 'this invoice', 'these invoices')} while we look into it.`;
  return frame(facts, `Your query about ${invoicesNamed(facts)}`, [
    ...listed(facts, thanks!),
    ...(facts.invoices.length === 0 ? [thanks!] : []),
    ask!,
    pause,
  ]);
}

/** "Paid already" with no payment in the ledger to match: the invoices, and the remittance details we need. */
export function remittanceRequestDraft(facts: DraftFacts): ReminderDraft {
  const lead = `Thank you for letting us know you have paid. We cannot yet match a payment to ${plural(facts, 'this invoice', 'these invoices')} in our records:`;
  return frame(facts, `Remittance details for ${invoicesNamed(facts)}`, [
    ...(facts.invoices.length === 0
      ? ['Thank you for letting us know you have paid. We cannot yet match the payment in our records.']
      : listed(facts, lead)),
    'Could you send us the remittance details: the date of the payment, the amount paid and the bank reference used? That will help us find it and update your account.',
  ]);
}

/** A document request: each invoice with its online link ("View and pay"), or a copy attached when none is known. */
export function documentReplyDraft(facts: DraftFacts): ReminderDraft {
  return frame(facts, `Your ${invoicesNamed(facts)}`, [
    ...listed(facts, `As requested, here ${plural(facts, 'is your invoice', 'are your invoices')}:`, true),
    ...(facts.invoices.length === 0
      ? ['As requested, a copy of your statement is attached.']
      : ['You can view, download and pay online from the link.']),
    'Please let us know if you need anything else.',
  ]);
}

// ---- paid already: a payment in the ledger ------------------------------------------------------------------

/** A payment the ledger holds on one of the customer's invoices. */
export interface LedgerPayment {
  readonly invoiceId: string;
  readonly invoiceNumber: string;
  readonly date: IsoDate;
  readonly amount: Decimal;
  readonly currency: string;
}

/** Days either side of the reading's paid-on range a payment may fall (bank days, a date remembered loosely). */
export const PAID_ON_SLACK_DAYS = 3;
/** Without a paid-on range or a reminder to start from, how far back to look. */
export const PAID_LOOKBACK_DAYS = 30;

/**
 * Where to look: the customer's paid-on range widened by a few days; without one, since the reminder they
 * answered (else the last month); never past today.
 */
export function paymentWindow(
  paidOn: { readonly earliest: IsoDate; readonly latest: IsoDate } | null,
  since: IsoDate | null,
  asOf: IsoDate,
): { readonly from: IsoDate; readonly to: IsoDate } {
  if (paidOn) {
    const to = addDays(paidOn.latest, PAID_ON_SLACK_DAYS);
    return { from: addDays(paidOn.earliest, -PAID_ON_SLACK_DAYS), to: to < asOf ? to : asOf };
  }
  return { from: since ?? addDays(asOf, -PAID_LOOKBACK_DAYS), to: asOf };
}

/**
 * The payments inside the window, those on the reply's own invoices first, then the closest in date to the window's
 * end; at most `limit`.
 */
export function matchingPayments(
  payments: readonly LedgerPayment[],
  window: { readonly from: IsoDate; readonly to: IsoDate },
  replyInvoiceIds: readonly string[],
  limit = 3,
): LedgerPayment[] {
  const own = new Set(replyInvoiceIds);
  return payments
    .filter((p) => p.date >= window.from && p.date <= window.to && dec(p.amount).gt(0))
    .sort(
      (a, b) =>
        Number(own.has(b.invoiceId)) - Number(own.has(a.invoiceId)) ||
        b.date.localeCompare(a.date) ||
        a.invoiceNumber.localeCompare(b.invoiceNumber),
    )
    .slice(0, limit);
}

/** A payment as the collector reads it: "NZD 500.00 on 2026-11-20 against INV-A1". */
export function paymentText(p: LedgerPayment): string {
  return `${p.currency} ${dec(p.amount).toFixed(2)} on ${p.date} against ${p.invoiceNumber}`;
}
