import type { Tone } from './dunning-policy.js';
import type { IsoDate } from './ledger.js';

/**
 * Text of the History notes written back to Xero. Xero shows API notes as "System Generated", so the note names
 * the person and the decision itself. Details are capped at 2,500 characters (Xero's documented limit).
 */
export const XERO_NOTE_LIMIT = 2500;

export function clampNote(text: string): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  return clean.length <= XERO_NOTE_LIMIT ? clean : `${clean.slice(0, XERO_NOTE_LIMIT - 1)}…`;
}

/**
 * What the customer has actually received, not where the step stands in its sequence: a customer first contacted
 * at the firm step got their first reminder, and an auditor reading "Reminder 3" would look for 1 and 2.
 * `priorReminders`: overdue reminders already sent about any of the same invoices.
 */
export function reminderLabel(purpose: 'overdue' | 'upcoming', priorReminders: number): string {
  if (purpose === 'upcoming') return 'Courtesy reminder';
  return priorReminders === 0 ? 'First reminder' : `Reminder ${priorReminders + 1}`;
}

export function reminderSentNote(input: {
  /** Overdue reminders sent before this one about any of the same invoices. */
  priorReminders: number;
  tone: Tone;
  purpose: 'overdue' | 'upcoming';
  recipients: readonly string[];
  approvedBy: string | null;
  auto: boolean;
  invoiceNumbers: readonly string[];
  /** A person confirmed the delivery by hand (an interrupted send nobody could check automatically). */
  markedSentBy?: string | null;
  /**
   * 'xero_email': Xero emailed each invoice with the organisation's own template, to the addresses on the contact
   * in Xero (ours are not used): the note says so, and names the invoices it covered.
   */
  channel?: 'email' | 'xero_email';
}): string {
  const who = input.auto
    ? 'sent automatically under the auto policy'
    : `approved in Slack by ${input.approvedBy ?? 'a collector'}`;
  const covering = input.invoiceNumbers.length > 1 ? ` covering ${input.invoiceNumbers.join(', ')}` : '';
  if (input.channel === 'xero_email') {
    const n = input.invoiceNumbers.length;
    return clampNote(
      `${reminderLabel(input.purpose, input.priorReminders)} (${input.tone}) sent as Xero's invoice email for ${n === 1 ? 'invoice' : 'invoices'} ${input.invoiceNumbers.join(', ')}, ${who} (AR Copilot).`,
    );
  }
  const marked = input.markedSentBy
    ? ` Delivery was confirmed by ${input.markedSentBy} from the Sent folder after an interrupted send.`
    : '';
  return clampNote(
    `${reminderLabel(input.purpose, input.priorReminders)} (${input.tone}) emailed to ${input.recipients.join(', ')}${covering}, ${who} (AR Copilot).${marked}`,
  );
}

export type DecisionNote =
  | { kind: 'snoozed'; by: string; until: IsoDate; reason?: string | null }
  | { kind: 'skipped'; by: string; reason?: string | null }
  | { kind: 'escalated'; by: string; reason?: string | null }
  | { kind: 'paused'; by: string; until: IsoDate | null; reason?: string | null }
  | { kind: 'resumed'; by: string }
  | { kind: 'edited'; by: string; version: number };

export function decisionNote(d: DecisionNote): string {
  const why = 'reason' in d && d.reason ? `: ${d.reason}` : '';
  switch (d.kind) {
    case 'snoozed':
      return clampNote(`Reminder snoozed in Slack by ${d.by} until ${d.until}${why} (AR Copilot).`);
    case 'skipped':
      return clampNote(`Reminder skipped in Slack by ${d.by}${why} (AR Copilot).`);
    case 'escalated':
      return clampNote(`Escalated to a manager in Slack by ${d.by}${why} (AR Copilot).`);
    case 'paused':
      return clampNote(
        `Collections paused in Slack by ${d.by}${d.until ? ` until ${d.until}` : ''}${why} (AR Copilot).`,
      );
    case 'resumed':
      return clampNote(`Collections resumed in Slack by ${d.by} (AR Copilot).`);
    case 'edited':
      return clampNote(`Reminder draft edited in Slack by ${d.by} (version ${d.version}) (AR Copilot).`);
  }
}

/**
 * One Message-ID per (organisation, customer, step, carrying invoice): a retry of the same reminder carries the
 * same id, and replies thread back to it through In-Reply-To.
 */
export function reminderMessageId(input: {
  orgId: string;
  contactId: string;
  purpose: 'overdue' | 'upcoming';
  stepIndex: number;
  carryingInvoiceId: string;
  domain: string;
}): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9-]/g, '');
  return `<reminder.${safe(input.orgId)}.${safe(input.contactId)}.${input.purpose}-${input.stepIndex + 1}.${safe(input.carryingInvoiceId)}@${input.domain}>`;
}
