import { daysBetween } from './calendar.js';
import { type AccountCredit, sameCredits } from './credit-on-account.js';
import { checkDraftAgainstLedger } from './draft-vouching.js';
import type { IsoDate } from './ledger.js';
import { dec, formatMoneyForTeam } from './money.js';
import {
  type DraftFacts,
  type DraftInvoiceFact,
  formatLongDate,
  type ReminderDraft,
} from './reminder-draft.js';

/** An invoice as the ledger holds it now (null: no longer in the ledger). */
export interface InvoiceNow {
  readonly status: string;
  readonly amountDue: string;
  readonly dueDate: IsoDate;
  readonly currency: string;
}

export interface FreshnessInput {
  /** What the card's draft was written from; invoiceIds in the same order as its invoices. */
  readonly drafted: DraftFacts;
  readonly invoiceIds: readonly string[];
  readonly now: ReadonlyMap<string, InvoiceNow | null>;
  /**
   * The customer's unapplied credit today; absent when the caller cannot say (then the drafted statement of it
   * stands).
   */
  readonly creditsNow?: readonly AccountCredit[];
  /** The text that would go out; null when the card predates stored draft facts (its text cannot be re-read). */
  readonly draft: ReminderDraft | null;
  readonly asOf: IsoDate;
  readonly businessDaysOld: number;
  readonly staleAfterBusinessDays: number;
  readonly newerCard: boolean;
}

export type Freshness =
  | { readonly kind: 'fresh' }
  /** Redraft from `facts` (today's) and ask again; `facts` is null when nothing is left to chase. */
  | ({ readonly kind: 'stale' } & InvoicesToday);

/** The card's invoices as the ledger holds them today, and what changed since the draft. */
export interface InvoicesToday {
  readonly changes: readonly string[];
  /** The drafted facts as of today (open invoices, today's amounts and day counts); null: nothing to chase. */
  readonly facts: DraftFacts | null;
  /** The ids of `facts.invoices`, in order. */
  readonly openInvoiceIds: readonly string[];
}

/**
 * Holds the drafted invoices against the ledger: paid, credited, voided or changed ones are named; what is still
 * open is restated as of today. An edit is vouched against these facts; Approve also uses them to redraft.
 */
export function invoicesToday(
  input: Pick<FreshnessInput, 'drafted' | 'invoiceIds' | 'now' | 'asOf' | 'creditsNow'>,
): InvoicesToday {
  const { drafted, asOf } = input;
  const locale = drafted.locale ?? 'en-NZ';
  const changes: string[] = [];
  const open: DraftInvoiceFact[] = [];
  const openInvoiceIds: string[] = [];
  drafted.invoices.forEach((was, i) => {
    const id = input.invoiceIds[i];
    const now = id ? input.now.get(id) : null;
    const money = (amount: string) => formatMoneyForTeam(amount, was.currency);
    if (!id || !now || now.status === 'VOIDED' || now.status === 'DELETED') {
      changes.push(`${was.number} was voided or removed in Xero`);
      return;
    }
    if (now.status === 'PAID' || !dec(now.amountDue).gt(0)) {
      changes.push(`${was.number} was paid or credited in full`);
      return;
    }
    if (!dec(now.amountDue).eq(dec(was.amountDue))) {
      changes.push(`${was.number} now has ${money(now.amountDue)} due (was ${money(was.amountDue)})`);
    }
    if (now.dueDate !== was.dueDate) {
      changes.push(
        `${was.number} is now due ${formatLongDate(now.dueDate, locale)} (was ${formatLongDate(was.dueDate, locale)})`,
      );
    }
    open.push({
      ...was,
      amountDue: now.amountDue,
      dueDate: now.dueDate,
      daysOverdue: daysBetween(now.dueDate, asOf),
    });
    openInvoiceIds.push(id);
  });
  const credits = input.creditsNow ?? drafted.credits;
  if (input.creditsNow && !sameCredits(drafted.credits ?? [], input.creditsNow)) {
    const said = (cs: readonly AccountCredit[] | undefined) =>
      cs?.length ? cs.map((c) => formatMoneyForTeam(c.amount, c.currency)).join(' and ') : 'none';
    changes.push(
      `the unapplied credit on the account is now ${said(input.creditsNow)} (was ${said(drafted.credits)})`,
    );
  }
  const facts =
    open.length > 0 && (drafted.purpose === 'upcoming' || open.some((i) => i.daysOverdue > 0))
      ? { ...drafted, asOf, invoices: open, ...(credits ? { credits } : {}) }
      : null;
  if (facts === null && open.length > 0) changes.push('nothing on the card is overdue any more');
  return { changes, facts, openInvoiceIds };
}

/**
 * At Approve, a card is held against today's ledger: an invoice paid, credited, voided or changed, a newer card
 * for the customer, a card older than the policy allows, or a text no longer true today ("due today" four days
 * later, "262 days overdue" at 266) each make it stale, and a stale card is redrafted instead of sent.
 */
export function cardFreshness(input: FreshnessInput): Freshness {
  const today = invoicesToday(input);
  const changes = [...today.changes];
  if (input.newerCard) changes.push('a newer card exists for this customer');
  if (input.businessDaysOld > input.staleAfterBusinessDays) {
    changes.push(
      `the card is ${input.businessDaysOld} business days old (policy: redraft after ${input.staleAfterBusinessDays})`,
    );
  }
  if (changes.length === 0 && today.facts && input.draft) {
    const check = checkDraftAgainstLedger(input.draft, today.facts);
    if (!check.ok) changes.push(`the text is no longer true today: ${check.problems.join('; ')}`);
  }
  return changes.length === 0
    ? { kind: 'fresh' }
    : { kind: 'stale', changes, facts: today.facts, openInvoiceIds: today.openInvoiceIds };
}
