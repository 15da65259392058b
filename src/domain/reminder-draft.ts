import { z } from 'zod';
import type { AccountCredit } from './credit-on-account.js';
import type { Tone } from './dunning-policy.js';
import type { IsoDate } from './ledger.js';
import { type Decimal, formatMoney, sum } from './money.js';

/**
 * A reminder's text, whoever wrote it (template or Claude), and the facts it may state. Everything a draft
 * says about money, dates, invoices and links must come from DraftFacts: `checkDraftAgainstLedger`
 * (draft-vouching.ts) enforces that before a human ever sees the draft, and again on every edit.
 */
export const ReminderDraftSchema = z.object({
  subject: z.string().trim().min(3).max(200),
  /** What is approved is what is sent: the approval card must be able to show all of it. */
  body: z
    .string()
    .trim()
    .min(20)
    .max(6000)
    .refine((b) => cardBodyLength(b) <= CARD_BODY_BUDGET, {
      error: 'too long for the approval card to show in full: shorten it',
    }),
});

/**
 * How much of a Slack message the approval card may spend on the body (Slack caps a message's text at about
 * 12,000 characters; the rest of the card needs under 5,000).
 */
export const CARD_BODY_BUDGET = 7_000;

/** The body's length as the card prints it: Slack's escapes for &, < and >, and a quote mark per line. */
export function cardBodyLength(body: string): number {
  let n = body.length + body.split('\n').length;
  for (const ch of body) n += ch === '&' ? 4 : ch === '<' || ch === '>' ? 3 : 0;
  return n;
}
export type ReminderDraft = z.infer<typeof ReminderDraftSchema>;

export interface DraftInvoiceFact {
  readonly number: string;
  readonly currency: string;
  readonly amountDue: Decimal;
  readonly dueDate: IsoDate;
  readonly daysOverdue: number;
  readonly onlineUrl: string | null;
}

export interface DraftFacts {
  readonly purpose: 'overdue' | 'upcoming';
  readonly tone: Tone;
  readonly customerName: string;
  readonly contactFirstName: string | null;
  readonly invoices: readonly DraftInvoiceFact[];
  readonly senderName: string;
  readonly companyName: string;
  readonly asOf: IsoDate;
  readonly locale?: string;
  /**
   * Unapplied credit on the customer's account, per currency (credit notes, overpayments, prepayments): stated as
   * it is, never netted. Absent on drafts written before credits were part of the facts.
   */
  readonly credits?: readonly AccountCredit[];
  /**
   * A promise to pay the customer broke since their last reminder (#18 part 4): the draft says so, in the words
   * of the {{broken_promise}} paragraph, and the vouching allow-list accepts its dates and amount.
   */
  readonly brokenPromise?: BrokenPromiseFact;
}

export interface BrokenPromiseFact {
  /** The day the customer made the promise. */
  readonly madeOn: IsoDate;
  /** The day they said the money would be there by. */
  readonly latest: IsoDate;
  /** Null: everything that was due. */
  readonly amount: Decimal | null;
  readonly currency: string | null;
}

export interface ReminderTemplate {
  readonly subject: string;
  readonly body: string;
}

export type TemplateKey = `${'overdue' | 'upcoming'}.${Tone}`;

/** Offline defaults; organisations may override any of them. Merge fields are listed in `MERGE_FIELDS`. */
export const DEFAULT_TEMPLATES: Record<TemplateKey, ReminderTemplate> = {
  'upcoming.friendly': {
    subject: '{{company}}: {{invoice_count_words}} due soon',
    body: 'Hi {{greeting_name}},\n\nA quick heads-up that the following {{invoice_word}} from {{company}} {{is_are}} due soon:\n\n{{invoice_lines}}\n\nTotal: {{total}}{{credit_on_account}}\n\nIf payment is already scheduled, thank you, and please ignore this note.\n\nKind regards,\n{{sender}}\n{{company}}',
  },
  'upcoming.firm': {
    subject: '{{company}}: {{invoice_count_words}} due soon',
    body: 'Hi {{greeting_name}},\n\nPlease note that the following {{invoice_word}} {{is_are}} due shortly:\n\n{{invoice_lines}}\n\nTotal: {{total}}{{credit_on_account}}\n\nPlease make sure payment reaches us by the due date.\n\nRegards,\n{{sender}}\n{{company}}',
  },
  'upcoming.final': {
    subject: '{{company}}: {{invoice_count_words}} due soon',
    body: 'Hi {{greeting_name}},\n\nThe following {{invoice_word}} {{is_are}} due shortly:\n\n{{invoice_lines}}\n\nTotal: {{total}}{{credit_on_account}}\n\nPlease arrange payment by the due date.\n\nRegards,\n{{sender}}\n{{company}}',
  },
  'overdue.friendly': {
    subject: 'Friendly reminder: {{invoice_count_words}} overdue with {{company}}',
    body: 'Hi {{greeting_name}},\n\nI hope all is well. Our records show the following {{invoice_word}} {{is_are}} now past due:\n\n{{invoice_lines}}\n\nTotal outstanding: {{total}}{{credit_on_account}}\n\nIf you have already paid, thank you and please disregard this message. Otherwise, could you let us know when we can expect payment?\n\nKind regards,\n{{sender}}\n{{company}}',
  },
  'overdue.firm': {
    subject: 'Overdue: {{invoice_count_words}} with {{company}}',
    body: 'Hi {{greeting_name}},\n\nWe have not yet received payment for the following {{invoice_word}}, which {{is_are}} now overdue:\n\n{{invoice_lines}}\n\nTotal outstanding: {{total}}{{credit_on_account}}\n\nPlease arrange payment as soon as possible, or reply to let us know when it will be made. If there is a problem with any invoice, tell us and we will help sort it out.\n\nRegards,\n{{sender}}\n{{company}}',
  },
  'overdue.final': {
    subject: 'Final reminder: {{invoice_count_words}} overdue with {{company}}',
    body: 'Hi {{greeting_name}},\n\nDespite our earlier reminders, the following {{invoice_word}} {{remain_remains}} unpaid:\n\n{{invoice_lines}}\n\nTotal outstanding: {{total}}{{credit_on_account}}\n\nPlease arrange payment now, or contact us today to agree a date. If we do not hear from you, we may need to place your account on hold.\n\nRegards,\n{{sender}}\n{{company}}',
  },
};

export const MERGE_FIELDS = [
  'greeting_name',
  'customer',
  'company',
  'sender',
  'invoice_lines',
  'invoice_word',
  'invoice_count_words',
  'is_are',
  'remain_remains',
  'total',
  'oldest_days_overdue',
  'credit_on_account',
  'broken_promise',
] as const;

const NUMBER_WORDS = ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];

/** "1 250.00 NZD" per currency; a customer may owe in several currencies, never added together. */
export function totalsByCurrency(
  invoices: readonly DraftInvoiceFact[],
): { currency: string; amount: Decimal }[] {
  const byCurrency = new Map<string, Decimal[]>();
  for (const i of invoices) byCurrency.set(i.currency, [...(byCurrency.get(i.currency) ?? []), i.amountDue]);
  return [...byCurrency.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, amounts]) => ({ currency, amount: sum(amounts).toFixed(4) }));
}

export function formatLongDate(date: IsoDate, locale = 'en-NZ'): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Intl.DateTimeFormat(locale, {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(Date.UTC(y, m - 1, d)));
}

function invoiceLine(i: DraftInvoiceFact, locale: string): string {
  const status =
    i.daysOverdue > 0
      ? `${i.daysOverdue} day${i.daysOverdue === 1 ? '' : 's'} overdue`
      : i.daysOverdue === 0
        ? 'due today'
        : `due ${formatLongDate(i.dueDate, locale)}`;
  const due = i.daysOverdue > 0 ? `, due ${formatLongDate(i.dueDate, locale)}` : '';
  const link = i.onlineUrl ? `\n  View and pay: ${i.onlineUrl}` : '';
  return `• ${i.number}: ${formatMoney(i.amountDue, i.currency, locale)} (${status}${due})${link}`;
}

export function mergeValues(facts: DraftFacts): Record<(typeof MERGE_FIELDS)[number], string> {
  const locale = facts.locale ?? 'en-NZ';
  const n = facts.invoices.length;
  return {
    greeting_name: facts.contactFirstName?.trim() || facts.customerName,
    customer: facts.customerName,
    company: facts.companyName,
    sender: facts.senderName,
    invoice_lines: facts.invoices.map((i) => invoiceLine(i, locale)).join('\n'),
    invoice_word: n === 1 ? 'invoice' : 'invoices',
    invoice_count_words:
      n === 1 ? `invoice ${facts.invoices[0]!.number}` : `${NUMBER_WORDS[n] ?? n} invoices`,
    is_are: n === 1 ? 'is' : 'are',
    remain_remains: n === 1 ? 'remains' : 'remain',
    total: totalsByCurrency(facts.invoices)
      .map((t) => formatMoney(t.amount, t.currency, locale))
      .join(' + '),
    oldest_days_overdue: String(Math.max(0, ...facts.invoices.map((i) => i.daysOverdue))),
    credit_on_account: creditParagraph(facts, locale),
    broken_promise: brokenPromiseParagraph(facts, locale),
  };
}

/** "On 23 November 2026 you told us you would pay $500.00 by 4 December 2026; we have not received it." */
function brokenPromiseParagraph(facts: DraftFacts, locale: string): string {
  const p = facts.brokenPromise;
  if (!p) return '';
  const what = p.amount !== null && p.currency ? formatMoney(p.amount, p.currency, locale) : 'what was due';
  return `\n\nOn ${formatLongDate(p.madeOn, locale)} you told us you would pay ${what} by ${formatLongDate(p.latest, locale)}; we have not received it.`;
}

/**
 * The paragraph about unapplied credit (empty without any), with its own leading blank line so a template can
 * place it straight after a line. One figure per currency, exactly as the vouching allow-list renders it.
 */
function creditParagraph(facts: DraftFacts, locale: string): string {
  const credits = (facts.credits ?? []).filter((c) => !/^0*(?:\.0*)?$/.test(c.amount));
  if (credits.length === 0) return '';
  const amounts = credits.map((c) => formatMoney(c.amount, c.currency, locale));
  const listed =
    amounts.length === 1 ? amounts[0]! : `${amounts.slice(0, -1).join(', ')} and ${amounts.at(-1)!}`;
  const which = facts.invoices.length === 1 ? 'this invoice' : 'these invoices';
  return `\n\nOur records also show ${listed} in unapplied credit on your account. If you would like it applied to ${which}, just reply and let us know.`;
}

/**
 * A template without {{credit_on_account}} (an organisation's own, written before it existed) still mentions the
 * credit: after the line with the total, else after the invoice lines.
 */
function withCreditField(body: string): string {
  if (/\{\{\s*credit_on_account\s*\}\}/.test(body)) return withBrokenPromiseField(body);
  const total = /\{\{\s*total\s*\}\}[^\n]*/.exec(body);
  const anchor = total ?? /\{\{\s*invoice_lines\s*\}\}[^\n]*/.exec(body);
  if (!anchor) return withBrokenPromiseField(`${body}{{credit_on_account}}`);
  const end = anchor.index + anchor[0].length;
  return withBrokenPromiseField(`${body.slice(0, end)}{{credit_on_account}}${body.slice(end)}`);
}

/** Every template mentions a broken promise (empty without one), just before the credit paragraph. */
function withBrokenPromiseField(body: string): string {
  if (/\{\{\s*broken_promise\s*\}\}/.test(body)) return body;
  return body.replace(/\{\{\s*credit_on_account\s*\}\}/, '{{broken_promise}}$&');
}

export function renderTemplate(facts: DraftFacts, template?: ReminderTemplate): ReminderDraft {
  const t = template ?? DEFAULT_TEMPLATES[`${facts.purpose}.${facts.tone}`];
  const values = mergeValues(facts);
  const fill = (s: string) =>
    s.replace(/\{\{\s*([a-z_]+)\s*\}\}/g, (whole, key: string) =>
      key in values ? values[key as keyof typeof values] : whole,
    );
  return { subject: fill(t.subject).trim(), body: fill(withCreditField(t.body)).trim() };
}

/** Template text an organisation wants to use: unknown merge fields are refused up front. */
export function validateTemplate(template: ReminderTemplate): string[] {
  const problems: string[] = [];
  for (const [field, text] of [
    ['subject', template.subject],
    ['body', template.body],
  ] as const) {
    for (const m of text.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)) {
      if (!(MERGE_FIELDS as readonly string[]).includes(m[1] ?? '')) {
        problems.push(`${field}: unknown merge field {{${m[1]}}} (known: ${MERGE_FIELDS.join(', ')})`);
      }
    }
  }
  if (!template.body.includes('{{invoice_lines}}')) problems.push('body: must include {{invoice_lines}}');
  return problems;
}
