// Over 300 lines: vouching every figure, date and name in a draft against the ledger is one allow-list and its explanations.
import type { IsoDate } from './ledger.js';
import { dec, formatMoney, minorUnits } from './money.js';
import { type DraftFacts, formatLongDate, type ReminderDraft, totalsByCurrency } from './reminder-draft.js';

/**
 * Vouching a reminder's text against the ledger, as an allow-list: the product renders every figure it knows
 * for this customer (amounts in each unambiguous notation, due dates in each spelling, invoice numbers, links,
 * the names of the customer, the contact, the sender and the company), masks those in the text, and refuses
 * anything figure-like that is left — digits in any form, currency marks, amounts in words, month and weekday
 * names, relative dates, percentages, links, bare domains, email addresses and names nobody rendered.
 * A phrase list would only ever catch the attacks someone thought of; an allow-list refuses the rest too.
 *
 * Figures must also stand where they belong: an amount after "total" must be a total, a sentence about one
 * invoice may state only that invoice's amount, due date and days overdue, and an amount stated as credit on the
 * account must be the customer's unapplied credit (and that credit is never a total or an invoice's amount). Then a policy reader (rules, always)
 * refuses what no figure check sees: fees and interest, threats the tone does not allow, concessions nobody
 * approved, text addressed to the approver, and a language other than the organisation's.
 *
 * The same check vouches a model's draft (refused → the template, with the reason recorded) and a collector's
 * edit (refused → the modal names the text).
 */
export type DraftCheck = { readonly ok: true } | { readonly ok: false; readonly problems: readonly string[] };

interface Rendering {
  readonly text: string;
  /**
   * 'credit': the customer's unapplied credit in one currency. A kind of its own, not an 'amount': it is neither
   * a total nor an invoice's figure, so "a stated total must be a total" and "one invoice's sentence states that
   * invoice's figures" do not apply to it, and its own rule (stated as credit, and only as credit) does.
   */
  readonly kind: 'amount' | 'credit' | 'date' | 'today' | 'invoice' | 'link' | 'name' | 'count';
  /** Invoice numbers this rendering belongs to (an amount two invoices share belongs to both). */
  readonly owners: ReadonlySet<string>;
  /** A total per currency (with one invoice, its amount is also the total). */
  readonly total: boolean;
}

interface Match {
  readonly start: number;
  readonly end: number;
  readonly rendering: Rendering;
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const COUNT_WORDS = ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];

/** Symbols no reader can mistake for another currency's; a bare `$` only where the locale itself prints it. */
const UNAMBIGUOUS_SYMBOLS: Readonly<Record<string, readonly string[]>> = {
  NZD: ['NZ$'],
  USD: ['US$'],
  AUD: ['A$', 'AU$'],
  CAD: ['CA$', 'C$'],
  SGD: ['S$', 'SG$'],
  HKD: ['HK$'],
  GBP: ['£'],
  EUR: ['€'],
  JPY: ['JP¥'],
  ZAR: ['R'],
  INR: ['₹'],
};
const CURRENCY_CODES = 'NZD|AUD|USD|GBP|EUR|CAD|JPY|SGD|HKD|ZAR|CHF|INR|CNY|FJD|SEK|NOK|DKK';

/** Non-breaking and thin spaces print like spaces; compare as spaces. Curly quotes as straight ones. */
function normalise(text: string): string {
  return text.replace(/[\u00a0\u202f\u2007\u2009]/g, ' ').replace(/[\u2018\u2019]/g, "'");
}

function group(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function amountTexts(amount: string, currency: string, locale: string): string[] {
  const dp = minorUnits(currency);
  const plain = dec(amount).toFixed(dp);
  const [whole, cents] = plain.split('.') as [string, string | undefined];
  const grouped = cents === undefined ? group(whole) : `${group(whole)}.${cents}`;
  const numbers = [...new Set([grouped, plain])];
  const local = normalise(formatMoney(amount, currency, locale));
  const out = new Set<string>([local, `${local} ${currency}`, `${local} (${currency})`]);
  for (const n of numbers) {
    out.add(`${currency} ${n}`);
    out.add(`${currency}${n}`);
    out.add(`${n} ${currency}`);
    for (const s of UNAMBIGUOUS_SYMBOLS[currency] ?? []) {
      out.add(`${s}${n}`);
      out.add(`${s} ${n}`);
    }
  }
  return [...out];
}

function dateTexts(date: IsoDate, locale: string): string[] {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const month = MONTHS[m - 1]!;
  const mon = month.slice(0, 3);
  const ord = `${d}${ordinalSuffix(d)}`;
  const weekday = WEEKDAYS[new Date(Date.UTC(y, m - 1, d)).getUTCDay()]!;
  const bases = [
    normalise(formatLongDate(date, locale)),
    `${d} ${month} ${y}`,
    `${ord} ${month} ${y}`,
    `${ord} of ${month} ${y}`,
    `${month} ${d}, ${y}`,
    `${month} ${d} ${y}`,
    `${month} ${ord}, ${y}`,
    `${d} ${mon} ${y}`,
    `${d} ${mon}. ${y}`,
    `${mon} ${d}, ${y}`,
    date,
  ];
  const out = new Set<string>(bases);
  for (const b of bases) {
    if (b === date) continue;
    out.add(`${weekday} ${b}`);
    out.add(`${weekday}, ${b}`);
    out.add(`${weekday} the ${b}`);
  }
  return [...out];
}

function ordinalSuffix(n: number): string {
  if (n % 100 >= 11 && n % 100 <= 13) return 'th';
  return ['th', 'st', 'nd', 'rd'][n % 10] ?? 'th';
}

function renderFacts(facts: DraftFacts): Rendering[] {
  const locale = facts.locale ?? 'en-NZ';
  // One rendering per kind and text (any case); an amount two invoices share belongs to both.
  const byText = new Map<
    string,
    { text: string; kind: Rendering['kind']; owners: Set<string>; total: boolean }
  >();
  const add = (text: string, kind: Rendering['kind'], owner: string | null, total = false) => {
    const t = text.trim();
    if (t.length === 0) return;
    const key = `${kind}\u0000${t.toLowerCase()}`;
    const entry = byText.get(key) ?? { text: t, kind, owners: new Set<string>(), total: false };
    if (owner) entry.owners.add(owner);
    entry.total ||= total;
    byText.set(key, entry);
  };

  const totals = totalsByCurrency(facts.invoices);
  for (const i of facts.invoices) {
    add(i.number, 'invoice', i.number);
    for (const t of amountTexts(i.amountDue, i.currency, locale)) add(t, 'amount', i.number);
    for (const t of dateTexts(i.dueDate, locale)) add(t, 'date', i.number);
    if (i.onlineUrl) add(i.onlineUrl, 'link', i.number);
  }
  for (const t of totals)
    for (const text of amountTexts(t.amount, t.currency, locale)) add(text, 'amount', null, true);
  for (const c of facts.credits ?? [])
    for (const text of amountTexts(c.amount, c.currency, locale)) add(text, 'credit', null);
  for (const t of dateTexts(facts.asOf, locale)) add(t, 'today', null);
  // A broken promise the draft may cite: the day it was made, the day it was for, and what was promised.
  const broken = facts.brokenPromise;
  if (broken) {
    for (const d of [broken.madeOn, broken.latest])
      for (const t of dateTexts(d, locale)) add(t, 'date', null);
    if (broken.amount !== null && broken.currency)
      for (const t of amountTexts(broken.amount, broken.currency, locale)) add(t, 'amount', null);
  }
  const n = facts.invoices.length;
  for (const word of [String(n), COUNT_WORDS[n]].filter(Boolean) as string[]) {
    add(`${word} invoice${n === 1 ? '' : 's'}`, 'count', null);
    add(`${word} outstanding invoice${n === 1 ? '' : 's'}`, 'count', null);
    add(`${word} overdue invoice${n === 1 ? '' : 's'}`, 'count', null);
    add(`${word} unpaid invoice${n === 1 ? '' : 's'}`, 'count', null);
  }
  for (const name of nameFacts(facts)) add(name, 'name', null);

  return [...byText.values()].map((e) => ({ ...e, total: e.total || (n === 1 && e.kind === 'amount') }));
}

/** The names the product rendered: the customer, the contact, the sender and the company. */
function nameFacts(facts: DraftFacts): string[] {
  return [facts.customerName, facts.contactFirstName ?? '', facts.senderName, facts.companyName]
    .map((n) => normalise(n).trim())
    .filter((n) => n.length > 0);
}

const WORDISH = /[\p{L}\p{N}]/u;

/** Occurrences of each rendering, whole words only; overlapping ones resolved longest first. */
function findRenderings(text: string, renderings: readonly Rendering[]): Match[] {
  const lower = text.toLowerCase();
  const found: Match[] = [];
  for (const r of renderings) {
    const needle = r.text.toLowerCase();
    for (let at = lower.indexOf(needle); at >= 0; at = lower.indexOf(needle, at + 1)) {
      const before = text[at - 1] ?? ' ';
      const after = text[at + needle.length] ?? ' ';
      const afterNext = text[at + needle.length + 1] ?? ' ';
      // "$1,250.50" must not be read inside "NZ$1,250.505" or "A$1,250.50"; "INV-1" not inside "INV-12".
      if (WORDISH.test(before) && WORDISH.test(needle[0] ?? '')) continue;
      if ((r.kind === 'amount' || r.kind === 'credit') && /[$€£¥A-Za-z]/.test(before)) continue;
      if (WORDISH.test(after) && WORDISH.test(needle.at(-1) ?? '')) continue;
      if (/[.,\-/]/.test(after) && /\d/.test(afterNext)) continue;
      // A link must end where the rendered one ends: "…/abc/x" or "…/abc?pay=1" is another address.
      if (r.kind === 'link' && !/[\s)\]>"']/.test(after) && !(/[.,;:!?]/.test(after) && /\s/.test(afterNext)))
        continue;
      found.push({ start: at, end: at + needle.length, rendering: r });
    }
  }
  found.sort((a, b) => a.start - b.start || b.end - b.start - (a.end - a.start));
  const kept: Match[] = [];
  let reach = -1;
  for (const m of found) {
    if (m.start < reach) continue;
    kept.push(m);
    reach = m.end;
  }
  return kept;
}

const MASK = '\u25c6';

function mask(text: string, matches: readonly Match[]): string {
  let out = '';
  let at = 0;
  for (const m of matches) {
    out += text.slice(at, m.start) + MASK.repeat(m.end - m.start);
    at = m.end;
  }
  return out + text.slice(at);
}

function quote(s: string): string {
  const t = s.trim().replace(/\s+/g, ' ');
  return `"${t.length > 60 ? `${t.slice(0, 57)}…` : t}"`;
}

// --- What is left must hold nothing figure-like ------------------------------------------------------------

const NUMBER_WORD =
  'zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|billion|half|dozen|couple';
const UNIT =
  'dollars?|euros?|pounds?|cents?|pence|bucks|quid|percent|per ?cent|days?|weeks?|months?|years?|hours?|hundred|thousand|million|billion|invoices?|payments?|instal?l?ments?|business days?|working days?';
const ORDINAL_WORD =
  '(?:twenty|thirty)?-?\\s?(?:fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|thirtieth)|(?:twenty|thirty)[-\\s](?:first|second|third)';
const RELATIVE_DATE = [
  'tomorrow',
  'yesterday',
  'tonight',
  'fortnight',
  'weekend',
  'end of (?:the |this |next )?(?:day|week|month|quarter|year|financial year)',
  '(?:next|this|last|coming|following) (?:week|month|year|quarter|' + WEEKDAYS.join('|') + ')',
  'eod|eom|cob|eow',
  'within (?:a|an|the next|the coming) (?:day|week|month|few days)',
  'in (?:a|an|one|two|three|a few|a couple of) (?:days?|weeks?|months?)',
];

interface Residue {
  readonly re: RegExp;
  readonly why: (hit: string) => string;
}

const RESIDUES: readonly Residue[] = [
  {
    re: /\b[^\s@<>()"'\u25c6]+@[^\s@<>()"'\u25c6]+\.[a-z]{2,}\b/gi,
    why: (h) => `email address ${quote(h)} is not one the product rendered`,
  },
  {
    re: /\b(?:https?:\/\/|www\.)[^\s<>"'\u25c6]+/gi,
    why: (h) => `link ${quote(h.replace(/[.,;:!?)]+$/, ''))} is not an online invoice link from Xero`,
  },
  {
    re: /\b(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:[a-z]{2,24})\b(?:\/[^\s<>"'\u25c6]*)?/g,
    why: (h) => `web address ${quote(h)} is not an online invoice link from Xero`,
  },
  {
    re: /[^\s\u25c6]*\d[^\s\u25c6]*/g,
    why: (h) => `${quote(h.replace(/^[("'[]+|[.,;:!?)"'\]]+$/g, ''))} is not a figure from the ledger`,
  },
  {
    re: new RegExp(`[$€£¥₹]|\\b(?:${CURRENCY_CODES})\\b`, 'g'),
    why: (h) => `currency ${quote(h)} does not go with a ledger amount`,
  },
  {
    re: new RegExp(
      `\\b(?:${NUMBER_WORD})(?:[\\s-]+(?:and[\\s-]+)?(?:${NUMBER_WORD}))*[\\s-]+(?:${UNIT})\\b|\\b(?:hundred|thousand|million|billion)\\b`,
      'gi',
    ),
    why: (h) => `${quote(h)} states a figure in words that is not from the ledger`,
  },
  {
    re: /\b(?:dollars?|euros?|pounds sterling|cents|pence|percent|per cent)\b|%/gi,
    why: (h) => `${quote(h)} states an amount or rate that is not from the ledger`,
  },
  {
    re: new RegExp(
      `\\b(?:${MONTHS.filter((m) => m !== 'May').join('|')}|${WEEKDAYS.join('|')})\\b|\\b(?:in|by|of|on|until|before|after|from) May\\b|\\bMay\\s+(?:the\\s+)?\\d`,
      'gi',
    ),
    why: (h) => `date ${quote(h)} is not a due date of these invoices`,
  },
  {
    re: new RegExp(`\\b(?:${ORDINAL_WORD})\\b|\\b(?:first|second|third) of\\b`, 'gi'),
    why: (h) => `date ${quote(h)} is not a due date of these invoices`,
  },
  {
    re: new RegExp(`\\b(?:${RELATIVE_DATE.join('|')})\\b`, 'gi'),
    why: (h) => `relative date ${quote(h)} is not a date from the ledger`,
  },
];

// --- Names -------------------------------------------------------------------------------------------------

/** Capitalised words a reminder uses that name nobody. Anything else capitalised mid-sentence must be a fact. */
const COMMON_CAPITALISED = new Set(
  (
    'I Xero Accounts Account Payable Receivable Team Finance Invoice Invoices Total Outstanding Thank Thanks ' +
    'Regards Kind Best Warm Warmest Many Sincerely Cheers Please Dear Hi Hello Hey Friendly Reminder Final Overdue ' +
    'Payment Payments View Pay Due Amount Amounts Subject Re Mr Ms Mrs Mx Dr PS P.S. OK Ltd Limited Inc LLC Pty ' +
    'Co Company Customer Customers Statement Reference Online Link Email Phone Office Manager Director Credit ' +
    'Control Collections Department Kia Ora Ngā Mihi Nga Mihi Yours Faithfully Truly Good Morning Afternoon ' +
    'Evening Day Greetings All There'
  ).split(' '),
);

const GREETING =
  /^(?:hi|hello|dear|hey|good (?:morning|afternoon|day|evening)|kia ora|greetings)\b[ ,]*([^,!:.;\n]*)/i;

const SIGN_OFF =
  /^(?:(?:kind|warm|warmest|best|many|with) )?(?:regards|thanks|thank you|cheers|sincerely|wishes|best wishes|yours(?: sincerely| faithfully| truly)?|ngā mihi|nga mihi)[,.!]?$/i;

/** `masked` is subject, newline, body, with every rendered fact and figure masked. */
function nameProblems(body: string, masked: string, bodyStart: number, facts: DraftFacts): string[] {
  const problems: string[] = [];
  const allowed = new Set<string>();
  for (const n of nameFacts(facts))
    for (const w of n.split(/[\s,.()&]+/)) if (w) allowed.add(w.toLowerCase());
  for (const w of ['team', 'there', 'all', 'accounts', 'payable', 'the', 'at', 'and', 'everyone', 'of'])
    allowed.add(w);
  const known = (w: string) => allowed.has(w.toLowerCase()) || COMMON_CAPITALISED.has(w);

  const firstLine =
    body
      .split('\n')
      .find((l) => l.trim().length > 0)
      ?.trim() ?? '';
  const greeting = GREETING.exec(firstLine);
  if (greeting?.[1]) {
    const words = greeting[1].match(/[\p{L}'-]+/gu) ?? [];
    if (words.some((w) => !known(w)))
      problems.push(`greeting ${quote(firstLine)} names someone who is not this customer's contact`);
  }

  // The lines under the sign-off are the sender and the company, nobody else.
  const lines = masked.slice(bodyStart).split('\n');
  const closing = lines.findLastIndex((l) => SIGN_OFF.test(l.trim()));
  const signOff = closing >= 0 ? lines.slice(closing + 1).filter((l) => /\p{L}/u.test(l)) : [];
  for (const line of signOff) {
    const words = line.match(/[\p{L}'-]+/gu) ?? [];
    if (words.some((w) => !known(w)))
      problems.push(`sign-off ${quote(line)} is not the sender or the company`);
  }

  // Capitalised words that do not begin a sentence or a line, and that no rendered name contains.
  for (const m of masked.matchAll(/\p{Lu}[\p{Ll}'-]+/gu)) {
    const at = m.index ?? 0;
    const before = masked.slice(Math.max(0, at - 3), at);
    if (at === 0 || /(?:^|[.!?:•\n\-–—(*"]\s*)$/.test(before) || /^\s*$/.test(before)) continue;
    const word = m[0].replace(/['-]+$/, '');
    if (known(word)) continue;
    problems.push(`name ${quote(word)} is not this customer's, contact's, sender's or company's`);
  }
  return problems;
}

// --- Policy: what no figure check sees ---------------------------------------------------------------------

const ALWAYS_REFUSED: readonly [RegExp, string][] = [
  [
    /\b(?:fees?|charges?|surcharges?|levy|levies|penalt(?:y|ies))\b(?<!\bfree of charges?)|\binterest\b(?! in)|\bcharge(?:d|s)? (?:you|your account)\b/i,
    'a fee, charge or interest',
  ],
  [
    /\b(?:legal|court|tribunal|solicitors?|lawyers?|attorneys?|litigation|sue|suing|judge?ments?|proceedings|small claims)\b/i,
    'legal action',
  ],
  [
    /\b(?:debt collect(?:or|ors|ion)|collections? agenc(?:y|ies)|agency|credit (?:rating|bureau|score|report(?:ing)?|check)|default listing|blacklist)/i,
    'a collection agency or credit reporting',
  ],
  [
    /\b(?:waive[sd]?|waiving|write[- ]?off|written off|discount(?:ed|s)?|% off|off if you pay|no need to pay|forgiven?|extension|payment plan|instal?l?ments?|pay what you can|split (?:the|it|your) (?:payment|balance|amount)|reduced? (?:the )?(?:amount|balance)|rebate|refund)\b/i,
    'a concession, discount or plan nobody approved',
  ],
  [
    /\b(?:approver|approving|reviewer|note to (?:the )?(?:approver|reviewer|collector|team|human|operator)|click approve|approve (?:this|it|without)|without reading|do not (?:edit|change|read)|internal note|system prompt|ignore (?:all|any|previous|prior|the above) (?:instructions|rules))\b/i,
    'text addressed to the approver or the model, not the customer',
  ],
  [
    /\[(?:your|insert|name|company|amount|date|customer|contact)[^\]]*\]|\{\{|\}\}|<(?:name|amount|date|company)>|\bXXX\b|\bTBD\b|\blorem ipsum\b/i,
    'an unfilled placeholder',
  ],
  [
    /\b(?:as an ai|language model|i am an ai|i cannot|here is (?:the|a|your) (?:email|draft|reminder))\b/i,
    'model chatter',
  ],
];

/** Only a final reminder may say the account could be placed on hold. */
const FINAL_ONLY: readonly [RegExp, string][] = [
  [
    /\b(?:on hold|stop (?:supply|credit|work|orders|deliveries)|suspend(?:ed)?|cease|cut off)\b/i,
    'an account hold',
  ],
];

const STOPWORDS: Readonly<Record<string, readonly string[]>> = {
  en: 'the and is are to of for you your we our please this that with have has be will not if at on'.split(
    ' ',
  ),
  de: 'der die das und ist sind zu für sie ihr wir nicht bitte mit den dem ein eine rechnung zahlung noch'.split(
    ' ',
  ),
  fr: 'le la les et est sont pour vous votre nous ne pas merci avec une des du facture paiement encore'.split(
    ' ',
  ),
  es: 'el la los las y es son para usted su nosotros no por favor con una del factura pago todavía'.split(
    ' ',
  ),
  nl: 'de het en is zijn voor u uw wij niet alstublieft met een van factuur betaling nog'.split(' '),
  it: 'il la le e è sono per lei suo noi non per favore con una della fattura pagamento ancora'.split(' '),
  pt: 'o a os as e é são para você seu nós não por favor com uma da fatura pagamento ainda'.split(' '),
};
const LANGUAGE_NAMES: Readonly<Record<string, string>> = {
  en: 'English',
  de: 'German',
  fr: 'French',
  es: 'Spanish',
  nl: 'Dutch',
  it: 'Italian',
  pt: 'Portuguese',
};

/** The language whose common words the text uses most, when it clearly has one. */
export function dominantLanguage(text: string): string | null {
  const words = text.toLowerCase().match(/\p{L}+/gu) ?? [];
  if (words.length < 8) return null;
  let best: string | null = null;
  let bestCount = 0;
  for (const [lang, list] of Object.entries(STOPWORDS)) {
    const set = new Set(list);
    const count = words.filter((w) => set.has(w)).length;
    if (count > bestCount) {
      best = lang;
      bestCount = count;
    }
  }
  return bestCount >= 3 ? best : null;
}

function policyProblems(masked: string, facts: DraftFacts): string[] {
  const problems: string[] = [];
  for (const [re, what] of ALWAYS_REFUSED) {
    const hit = re.exec(masked);
    if (hit) problems.push(`${quote(hit[0])}: ${what} is not allowed in a reminder`);
  }
  if (facts.tone !== 'final') {
    for (const [re, what] of FINAL_ONLY) {
      const hit = re.exec(masked);
      if (hit) problems.push(`${quote(hit[0])}: ${what} is for a final reminder only`);
    }
  }
  const want = (facts.locale ?? 'en-NZ').slice(0, 2).toLowerCase();
  const got = dominantLanguage(masked);
  if (got && got !== want) {
    problems.push(
      `written in ${LANGUAGE_NAMES[got] ?? got}, not the organisation's ${LANGUAGE_NAMES[want] ?? want}`,
    );
  }
  return problems;
}

// --- Figures where they belong -----------------------------------------------------------------------------

const TOTAL_CUE =
  /\b(?:total|totals|totalling|totaling|in all|altogether|combined|overall|all up)\b[^.!?\n\u25c6]*$/i;
/** Words that make the amount right after them (or right before them) a statement of credit on the account. */
const CREDIT_WORD = `(?:unapplied |unused |available |remaining |outstanding )?(?:credits?|overpayments?|prepayments?)`;
const CREDIT_LEAD = new RegExp(
  String.raw`\b${CREDIT_WORD}(?: (?:balance|notes?))?(?: on (?:your|the) account)?(?: (?:of|is|totals?|totalling|totaling|amounting to|worth|for))?:?\s*$`,
  'i',
);
const CREDIT_TRAIL = new RegExp(String.raw`^\s*(?:(?:in|of) )?${CREDIT_WORD}\b`, 'i');
const MENTIONS_CREDIT = /\b(?:credits?|overpayments?|prepayments?)\b/i;

function placementProblems(
  text: string,
  masked: string,
  matches: readonly Match[],
  facts: DraftFacts,
): string[] {
  const problems: string[] = [];
  // An amount that is both an invoice's (or a total) and the credit, to the cent, may be stated as either.
  const locale = facts.locale ?? 'en-NZ';
  const creditTexts = new Set(
    (facts.credits ?? [])
      .flatMap((c) => amountTexts(c.amount, c.currency, locale))
      .map((t) => t.toLowerCase()),
  );
  const owedTexts = new Set(
    [
      ...facts.invoices.map((i) => ({ amount: i.amountDue, currency: i.currency })),
      ...totalsByCurrency(facts.invoices),
    ]
      .flatMap((t) => amountTexts(t.amount, t.currency, locale))
      .map((t) => t.toLowerCase()),
  );
  // Leads and sentences are read on the masked text: a rendered amount's "." ends no sentence.
  for (const m of matches) {
    if (m.rendering.kind !== 'amount' && m.rendering.kind !== 'credit') continue;
    const said = text.slice(m.start, m.end).toLowerCase();
    const lead = masked.slice(masked.lastIndexOf('\n', m.start - 1) + 1, m.start);
    const trail = masked.slice(m.end, m.end + 40);
    const asCredit = CREDIT_LEAD.test(lead) || CREDIT_TRAIL.test(trail);
    if (m.rendering.kind === 'credit') {
      // The credit may be stated only as credit: "Your total credit is …" is; "Total outstanding: <the credit>"
      // or "INV-0016: <the credit>" is not.
      if (asCredit || owedTexts.has(said)) continue;
      const asTotal =
        (TOTAL_CUE.test(lead) && !MENTIONS_CREDIT.test(lead)) ||
        /^\s*(?:in total|all up|altogether|in all)\b/i.test(trail);
      if (asTotal) {
        problems.push(
          `${quote(text.slice(m.start, m.end))} is stated as the total, but it is the credit on the account`,
        );
      } else if (!MENTIONS_CREDIT.test(sentenceAround(masked, m.start, m.end))) {
        problems.push(
          `${quote(text.slice(m.start, m.end))} is the unapplied credit on the account, but it is not stated as credit`,
        );
      }
      continue;
    }
    if (asCredit && !creditTexts.has(said)) {
      problems.push(
        `${quote(text.slice(m.start, m.end))} is stated as credit on the account, but the ledger's unapplied credit is ${creditsText(facts)}`,
      );
      continue;
    }
    if (m.rendering.total) continue;
    if (TOTAL_CUE.test(lead) || /^\s*(?:in total|all up|altogether|in all)\b/i.test(trail)) {
      problems.push(
        `${quote(text.slice(m.start, m.end))} is stated as the total, but the total is different`,
      );
    }
  }
  // A sentence about exactly one invoice states that invoice's figures.
  for (const s of masked.matchAll(/[^.!?\n]+(?:[.!?]+|\n|$)/g)) {
    const from = s.index ?? 0;
    const to = from + s[0].length;
    const inside = matches.filter((m) => m.start >= from && m.end <= to);
    const invoices = new Set(
      inside.filter((m) => m.rendering.kind === 'invoice').flatMap((m) => [...m.rendering.owners]),
    );
    if (invoices.size !== 1) continue;
    const [only] = [...invoices] as [string];
    for (const m of inside) {
      const r = m.rendering;
      if (r.kind !== 'amount' && r.kind !== 'date' && r.kind !== 'count') continue;
      if (r.owners.size === 0 || r.owners.has(only) || (r.kind === 'amount' && r.total)) continue;
      problems.push(
        `${quote(text.slice(m.start, m.end))} is stated for ${only}, but belongs to ${[...r.owners].join(', ')}`,
      );
    }
  }
  if (/\bdue today\b/i.test(text) && !facts.invoices.some((i) => i.daysOverdue === 0)) {
    problems.push(`"due today" is not true today: no invoice here falls due on ${facts.asOf}`);
  }
  return problems;
}

/** The sentence (or line) a masked match stands in: rendered figures are masked, so their dots end nothing. */
function sentenceAround(masked: string, start: number, end: number): string {
  let from = start;
  while (from > 0 && !/[.!?\n]/.test(masked[from - 1] ?? '')) from--;
  let to = end;
  while (to < masked.length && !/[.!?\n]/.test(masked[to] ?? '')) to++;
  return masked.slice(from, to);
}

function creditsText(facts: DraftFacts): string {
  const locale = facts.locale ?? 'en-NZ';
  const credits = facts.credits ?? [];
  return credits.length === 0
    ? 'none'
    : credits.map((c) => formatMoney(c.amount, c.currency, locale)).join(' and ');
}

const DAYS_OVERDUE =
  /\b(\d+)(?=\s+(?:business\s+|calendar\s+)?days?\s+(?:overdue|past due|late|past the due date|outstanding)\b)|(?<=\boverdue (?:by|for) )(\d+)(?= days?\b)/gi;
const DAYS_TO_GO = /(?<=\bdue in )(\d+)(?= days?\b)/gi;

/**
 * Day counts ("22 days overdue", "due in 3 days"), masked before the digit scan: one the ledger holds belongs to
 * its invoices; one it does not is refused here, saying what the ledger holds.
 */
function dayCountMatches(text: string, facts: DraftFacts, problems: string[]): Match[] {
  const out: Match[] = [];
  const scan = (re: RegExp, days: (d: number) => number | null, what: string) => {
    const owners = new Map<number, Set<string>>();
    for (const i of facts.invoices) {
      const n = days(i.daysOverdue);
      if (n !== null) owners.set(n, (owners.get(n) ?? new Set()).add(i.number));
    }
    for (const m of text.matchAll(re)) {
      const n = Number(m[0]);
      const start = m.index ?? 0;
      const own = owners.get(n);
      if (!own) {
        const real = [...owners.keys()].map((d) => `${d}`).join(', ');
        problems.push(`"${n} days" ${what} is not what the ledger says today${real ? ` (${real})` : ''}`);
      }
      // Masked either way: a wrong count is reported once, here, with what the ledger says.
      out.push({
        start,
        end: start + m[0].length,
        rendering: { text: m[0], kind: 'count', owners: own ?? new Set(), total: false },
      });
    }
  };
  scan(DAYS_OVERDUE, (d) => (d > 0 ? d : null), 'overdue');
  scan(DAYS_TO_GO, (d) => (d < 0 ? -d : null), 'to the due date');
  return out;
}

/**
 * Vouch a reminder's subject and body against the ledger facts it was drafted from (or, for an edit, today's).
 * Problems name the offending text, so a collector sees what to change.
 */
export function checkDraftAgainstLedger(draft: ReminderDraft, facts: DraftFacts): DraftCheck {
  const subject = normalise(draft.subject);
  const body = normalise(draft.body);
  const text = `${subject}\n${body}`;
  const problems: string[] = [];

  const rendered = findRenderings(text, renderFacts(facts));
  // What the text does (fees, threats, another language) first: it matters more than any one figure.
  const namesMasked = mask(
    text,
    rendered.filter((m) => m.rendering.kind === 'name'),
  );
  problems.push(...policyProblems(namesMasked, facts));
  const days = dayCountMatches(text, facts, problems).filter(
    (d) => !rendered.some((r) => d.start < r.end && d.end > r.start),
  );
  const matches = [...rendered, ...days].sort((a, b) => a.start - b.start);
  const factsMasked = mask(text, matches);
  let masked = factsMasked;

  for (const { re, why } of RESIDUES) {
    re.lastIndex = 0;
    masked = masked.replace(re, (hit) => {
      problems.push(why(hit));
      return MASK.repeat(hit.length);
    });
  }

  problems.push(...placementProblems(text, factsMasked, matches, facts));
  problems.push(...nameProblems(body, masked, subject.length + 1, facts));

  const upper = text.toUpperCase();
  for (const i of facts.invoices) {
    if (!upper.includes(i.number.toUpperCase())) problems.push(`invoice ${i.number} is not mentioned`);
  }
  return problems.length === 0 ? { ok: true } : { ok: false, problems: [...new Set(problems)] };
}
