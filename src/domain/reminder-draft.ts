import { z } from 'zod';
import type { Tone } from './dunning-policy.js';
import type { IsoDate } from './ledger.js';
import { type Decimal, dec, formatMoney, sum } from './money.js';

/**
 * A reminder's text, whoever wrote it (template or Claude), and the facts it may state. Everything a draft
 * says about money, dates, invoices and links must come from DraftFacts: `checkDraftAgainstLedger` enforces
 * that before a human ever sees the draft.
 */
export const ReminderDraftSchema = z.object({
  subject: z.string().trim().min(3).max(200),
  body: z.string().trim().min(20).max(6000),
});
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
    body: 'Hi {{greeting_name}},\n\nA quick heads-up that the following {{invoice_word}} from {{company}} {{is_are}} due soon:\n\n{{invoice_lines}}\n\nTotal: {{total}}\n\nIf payment is already scheduled, thank you, and please ignore this note.\n\nKind regards,\n{{sender}}\n{{company}}',
  },
  'upcoming.firm': {
    subject: '{{company}}: {{invoice_count_words}} due soon',
    body: 'Hi {{greeting_name}},\n\nPlease note that the following {{invoice_word}} {{is_are}} due shortly:\n\n{{invoice_lines}}\n\nTotal: {{total}}\n\nPlease make sure payment reaches us by the due date.\n\nRegards,\n{{sender}}\n{{company}}',
  },
  'upcoming.final': {
    subject: '{{company}}: {{invoice_count_words}} due soon',
    body: 'Hi {{greeting_name}},\n\nThe following {{invoice_word}} {{is_are}} due shortly:\n\n{{invoice_lines}}\n\nTotal: {{total}}\n\nPlease arrange payment by the due date.\n\nRegards,\n{{sender}}\n{{company}}',
  },
  'overdue.friendly': {
    subject: 'Friendly reminder: {{invoice_count_words}} overdue with {{company}}',
    body: 'Hi {{greeting_name}},\n\nI hope all is well. Our records show the following {{invoice_word}} {{is_are}} now past due:\n\n{{invoice_lines}}\n\nTotal outstanding: {{total}}\n\nIf you have already paid, thank you and please disregard this message. Otherwise, could you let us know when we can expect payment?\n\nKind regards,\n{{sender}}\n{{company}}',
  },
  'overdue.firm': {
    subject: 'Overdue: {{invoice_count_words}} with {{company}}',
    body: 'Hi {{greeting_name}},\n\nWe have not yet received payment for the following {{invoice_word}}, which {{is_are}} now overdue:\n\n{{invoice_lines}}\n\nTotal outstanding: {{total}}\n\nPlease arrange payment as soon as possible, or reply to let us know when it will be made. If there is a problem with any invoice, tell us and we will help sort it out.\n\nRegards,\n{{sender}}\n{{company}}',
  },
  'overdue.final': {
    subject: 'Final reminder: {{invoice_count_words}} overdue with {{company}}',
    body: 'Hi {{greeting_name}},\n\nDespite our earlier reminders, the following {{invoice_word}} {{remain_remains}} unpaid:\n\n{{invoice_lines}}\n\nTotal outstanding: {{total}}\n\nPlease arrange payment now, or contact us today to agree a date. If we do not hear from you, we may need to place your account on hold.\n\nRegards,\n{{sender}}\n{{company}}',
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
  };
}

export function renderTemplate(facts: DraftFacts, template?: ReminderTemplate): ReminderDraft {
  const t = template ?? DEFAULT_TEMPLATES[`${facts.purpose}.${facts.tone}`];
  const values = mergeValues(facts);
  const fill = (s: string) =>
    s.replace(/\{\{\s*([a-z_]+)\s*\}\}/g, (whole, key: string) =>
      key in values ? values[key as keyof typeof values] : whole,
    );
  return { subject: fill(t.subject).trim(), body: fill(t.body).trim() };
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

// --- The ledger check --------------------------------------------------------------------------------------

export type DraftCheck = { readonly ok: true } | { readonly ok: false; readonly problems: readonly string[] };

const MONTHS = 'january|february|march|april|may|june|july|august|september|october|november|december';
const MONTH_SHORT = 'jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec';

/** Phrases no reminder may contain whatever its tone: invented charges, legal threats, concessions. */
const ALWAYS_FORBIDDEN: readonly [RegExp, string][] = [
  [
    /\b(late|admin(istration)?|penalty|collection|reminder|processing)\s+(fee|fees|charge|charges)\b/i,
    'mentions a fee or charge',
  ],
  [/\b(interest|surcharge|penalt(y|ies))\b/i, 'mentions interest or penalties'],
  [
    /\b(legal action|court|tribunal|solicitor|lawyer|attorney|litigation|sue|suing|judg(e)?ment)\b/i,
    'threatens legal action',
  ],
  [
    /\b(debt collect(or|ors|ion)|collection agenc(y|ies)|credit (rating|bureau|score|report))\b/i,
    'threatens collection agencies or credit reporting',
  ],
  [
    /\b(waive|waiving|write[- ]?off|written off|discount|no need to pay|forgive|extension)\b/i,
    'offers a concession the policy did not give',
  ],
  [
    /\[(your|insert|name|company|amount|date)[^\]]*\]|\{\{|\}\}|<[a-z]+>/i,
    'contains an unfilled placeholder',
  ],
  [/\b(ignore (all|any|previous) instructions|as an ai|language model)\b/i, 'contains model chatter'],
];

/** Only a final reminder may say the account could be put on hold. */
const FINAL_ONLY: readonly [RegExp, string][] = [
  [
    /\b(on hold|stop (supply|credit|work|orders)|suspend(ed)?|cease)\b/i,
    'threatens an account hold, which only a final reminder may',
  ],
];

function normaliseAmount(raw: string): string | null {
  const digits = raw.replace(/[^\d.,]/g, '');
  // 1,234.56 (comma thousands) — the formats our templates and Claude produce in English locales.
  const cleaned = digits.replace(/,(?=\d{3}(\D|$))/g, '');
  if (!/^\d+(\.\d+)?$/.test(cleaned)) return null;
  return dec(cleaned).toFixed(2);
}

function parseWrittenDate(year: string | undefined, monthName: string, day: string): IsoDate | null {
  const all = MONTHS.split('|');
  const m = monthName.toLowerCase();
  const idx = all.findIndex((full) => full === m || full.startsWith(m.slice(0, 3)));
  if (idx < 0 || !year) return null;
  return `${year}-${String(idx + 1).padStart(2, '0')}-${day.padStart(2, '0')}`;
}

/**
 * Every amount, date, invoice number and link in the draft must match the facts; no invented fees, threats or
 * concessions beyond the tone; every invoice must be mentioned. Customer names and free text from Xero are
 * facts too, but they are data: a draft is never executed or followed, only checked and shown.
 */
export function checkDraftAgainstLedger(draft: ReminderDraft, facts: DraftFacts): DraftCheck {
  const problems: string[] = [];
  const text = `${draft.subject}\n${draft.body}`;
  const textWithoutUrls = text.replace(/https?:\/\/\S+/g, ' ');

  const allowedAmounts = new Set<string>();
  for (const i of facts.invoices) allowedAmounts.add(dec(i.amountDue).toFixed(2));
  for (const t of totalsByCurrency(facts.invoices)) allowedAmounts.add(dec(t.amount).toFixed(2));
  // Amounts: anything with a currency marker, or a number with decimals or thousands separators.
  const amountRe =
    /(?:(?:NZ|AU|US|CA|HK|SG)?\$|[€£¥]|\b(?:NZD|AUD|USD|GBP|EUR|CAD|JPY|SGD|HKD|ZAR)\s?)\s?\d[\d,]*(?:\.\d+)?|\b\d{1,3}(?:,\d{3})+(?:\.\d+)?\b|\b\d+\.\d{2}\b/g;
  for (const m of textWithoutUrls.matchAll(amountRe)) {
    const amount = normaliseAmount(m[0]);
    if (amount && !allowedAmounts.has(amount))
      problems.push(`amount ${m[0].trim()} is not in the ledger facts`);
  }

  const allowedDates = new Set<IsoDate>([...facts.invoices.map((i) => i.dueDate), facts.asOf]);
  for (const m of textWithoutUrls.matchAll(/\b(\d{4})-(\d{2})-(\d{2})\b/g)) {
    if (!allowedDates.has(m[0])) problems.push(`date ${m[0]} is not a due date of these invoices`);
  }
  const written = new RegExp(
    `\\b(\\d{1,2})(?:st|nd|rd|th)?\\s+(${MONTHS}|${MONTH_SHORT})\\.?,?\\s+(\\d{4})\\b|\\b(${MONTHS}|${MONTH_SHORT})\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})\\b`,
    'gi',
  );
  for (const m of textWithoutUrls.matchAll(written)) {
    const iso = m[1] ? parseWrittenDate(m[3], m[2]!, m[1]) : parseWrittenDate(m[6], m[4]!, m[5]!);
    if (iso && !allowedDates.has(iso)) problems.push(`date "${m[0]}" is not a due date of these invoices`);
  }
  for (const m of textWithoutUrls.matchAll(/\b(\d{1,2})\/(\d{1,2})\/(\d{2,4})\b/g)) {
    problems.push(`ambiguous numeric date "${m[0]}" (write dates out in full)`);
  }

  const numbers = new Set(facts.invoices.map((i) => i.number.toUpperCase()));
  for (const m of textWithoutUrls.matchAll(/\b[A-Z]{2,6}-?\d{2,}\b/g)) {
    if (!numbers.has(m[0].toUpperCase()) && !/^(NZD|AUD|USD|GBP|EUR|CAD|JPY|SGD|HKD|ZAR)\d/.test(m[0])) {
      problems.push(`invoice number ${m[0]} is not one of this customer's invoices`);
    }
  }
  for (const i of facts.invoices) {
    if (!text.toUpperCase().includes(i.number.toUpperCase()))
      problems.push(`invoice ${i.number} is not mentioned`);
  }

  const urls = new Set(facts.invoices.map((i) => i.onlineUrl).filter((u): u is string => Boolean(u)));
  for (const m of text.matchAll(/https?:\/\/[^\s)>\]]+/g)) {
    const url = m[0].replace(/[.,;:!?]+$/, '');
    if (!urls.has(url)) problems.push(`link ${url} is not an online invoice link from Xero`);
  }

  for (const [re, why] of ALWAYS_FORBIDDEN) if (re.test(text)) problems.push(why);
  if (facts.tone !== 'final') for (const [re, why] of FINAL_ONLY) if (re.test(text)) problems.push(why);

  return problems.length === 0 ? { ok: true } : { ok: false, problems: [...new Set(problems)] };
}
