import type { IsoDate } from './ledger.js';
import type { Decimal } from './money.js';
import type { DraftFacts } from './reminder-draft.js';

/** One invoice as the approval card shows it, frozen when the reminder was planned. */
export interface CardInvoice {
  readonly invoiceId: string;
  readonly number: string | null;
  readonly currency: string;
  readonly amountDue: Decimal;
  readonly dueDate: IsoDate;
  readonly daysOverdue: number;
}

/** What the card needs beyond the reminder row: the customer, the invoices, and why (plan and brain). */
export interface ReminderCardFacts {
  readonly customerName: string;
  readonly baseCurrency: string;
  readonly totalBase: Decimal;
  readonly tier: 'high' | 'medium' | 'low';
  /** Highest late-payment risk of the customer's open invoices, 0..1. */
  readonly risk: number;
  readonly invoices: readonly CardInvoice[];
  /** The collections brain's reasons for this customer's priority. */
  readonly brainReasons: readonly string[];
  /** Escalation reasons from the plan, when the customer also needs a manager's look. */
  readonly escalationReasons: readonly string[];
  readonly draftSource: 'claude' | 'template';
  /** Why a Claude draft was not used, when it was not. */
  readonly fallbackReason: string | null;
  /** What the draft was written from (and vouched against), and on which day: Approve holds it to today's ledger. */
  readonly draftFacts?: DraftFacts;
  readonly draftedOn?: IsoDate;
}
