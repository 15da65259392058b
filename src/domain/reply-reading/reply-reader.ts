// Over 300 lines: the offline reader's assembly of cues, dates, amounts and evidence into one reading.
import { weekdayOf } from '../business-calendar.js';
import { addDays } from '../calendar.js';
import { Big, dec } from '../money.js';
import { INTENT_MODEL, MODEL_MIN_POSTERIOR } from './intent-model.generated.js';
import { guessIntent, type IntentModel } from './intent-model.js';
import {
  asksForAgreement,
  BACK_WORDS,
  disputeCue,
  EMAIL_ADDRESS,
  EXTENSION_REQUEST,
  FULL_WORDS,
  HALF_WORDS,
  hasFutureWords,
  hasInstructionTrace,
  hasPaymentWords,
  INCOMING_MONEY,
  isDocumentRequest,
  isInstructionMarker,
  isOutOfOffice,
  isPaidClaim,
  isPlanRequest,
  MONEY,
  moneyArrives,
  REMAINDER_WORDS,
  REQUEST_TO_US,
  RETURN_WORDS,
  RUN_WEEKDAY,
  redirectStrength,
} from './reply-cues.js';
import {
  type DateContext,
  type DateMention,
  dateContextFor,
  findDateMentions,
  promiseWindow,
} from './reply-dates.js';
import type {
  DateRange,
  DisputeReason,
  PaymentPromise,
  ReplyEvidence,
  ReplyIntent,
  ReplyReading,
} from './reply-reading.js';
import { stripReply } from './reply-text.js';

/** Bump when the rules change what they read: stored with every offline reading. */
export const RULES_READER_VERSION = 'reply-rules-v6';

export interface ReplyToRead {
  /** When the reply arrived (an instant with its offset, e.g. 2026-03-04T21:15:00Z). */
  readonly received: string;
  /** The customer's IANA zone: their "tomorrow" is relative to their own calendar. */
  readonly timezone: string;
  readonly text: string;
  /** The reminder answered: its invoices let "the balance" and "INV-1061" become amounts. */
  readonly reminder?: {
    readonly currency: string;
    readonly invoices: readonly { readonly number: string; readonly amount: string }[];
  };
}

export interface OfflineReading {
  readonly reading: ReplyReading;
  /** The customer's own words: quotes and signature removed. Every evidence excerpt is a substring of it. */
  readonly visibleText: string;
  /** Passages addressed to a system ("ignore previous instructions…"), read as nothing. */
  readonly ignoredInstructions: readonly string[];
  /** What the rules read (the visible text without the passages addressed to a system): what a model reads. */
  readonly activeText: string;
  /** Set when the rules found no cue and the intent model's guess was taken. */
  readonly modelGuess: { readonly intent: ReplyIntent; readonly posterior: number } | null;
  readonly today: string;
}

export interface OfflineOptions {
  /** The intent model consulted when the rules find no cue; null reads with the rules alone (training does). */
  readonly model?: IntentModel | null;
  readonly minPosterior?: number;
}

interface Span {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

interface Sentence extends Span {
  readonly paragraph: number;
}

function span(text: string, start: number, end: number): Span | null {
  let s = start;
  let e = end;
  while (s < e && /[\s,;:\-–—]/.test(text[s] ?? '')) s++;
  while (e > s && /\s/.test(text[e - 1] ?? '')) e--;
  return e > s ? { start: s, end: e, text: text.slice(s, e) } : null;
}

const ABBREVIATION =
  /(?:^|[^\p{L}])(?:e\.g|i\.e|mr|mrs|ms|dr|st|no|approx|etc|inc|ltd|co|vs|jr|sr|a\.m|p\.m|ph|tel|ref|attn|dept)\.$/iu;

function insideMention(i: number, mentions: readonly DateMention[]): boolean {
  return mentions.some((m) => i >= m.start && i < m.end);
}

/** Sentences (and lines) of the text, never cutting a date phrase; each knows its paragraph. */
function splitSentences(text: string, mentions: readonly DateMention[]): Sentence[] {
  const out: Sentence[] = [];
  let start = 0;
  let paragraph = 0;
  const push = (end: number) => {
    const s = span(text, start, end);
    if (s) out.push({ ...s, paragraph });
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] ?? '';
    if (ch === '\n') {
      push(i);
      start = i + 1;
      if (/^\n|^[ \t]*\n/.test(text.slice(i + 1))) paragraph++;
      continue;
    }
    if (/[.!?]/.test(ch) && !insideMention(i, mentions)) {
      const next = text[i + 1];
      if (
        (next === undefined || /\s/.test(next)) &&
        !ABBREVIATION.test(text.slice(Math.max(0, i - 6), i + 1))
      ) {
        push(i + 1);
        start = i + 1;
      }
    }
  }
  push(text.length);
  return out;
}

/** Clauses of a sentence: cut at commas, dashes, semicolons and "and / but / so / then", never inside a date. */
function splitClauses(text: string, sentence: Span, mentions: readonly DateMention[]): Span[] {
  const re = /,(?!\d{3})|;|:(?!\d)|\s[-–—]\s|\s(?:and|but|so|then|though|while|whereas)\s/gi;
  const local = sentence.text;
  const out: Span[] = [];
  let from = 0;
  for (let m = re.exec(local); m !== null; m = re.exec(local)) {
    const at = sentence.start + m.index;
    if (insideMention(at, mentions)) continue;
    const s = span(text, sentence.start + from, at);
    if (s) out.push(s);
    from = m.index + m[0].length;
  }
  const last = span(text, sentence.start + from, sentence.end);
  if (last) out.push(last);
  return out;
}

const within = (m: DateMention, s: Span) => m.start >= s.start && m.end <= s.end;

/** What a promise clause says about the amount, before the reminder's figures turn it into money. */
type AmountCue =
  | { readonly kind: 'explicit'; readonly value: Big }
  | { readonly kind: 'remainder' | 'half' | 'full' | 'unsaid' }
  | { readonly kind: 'invoice'; readonly value: Big };

interface PromiseHit {
  readonly range: DateRange;
  readonly evidence: Span;
  readonly amount: AmountCue;
  readonly mention: DateMention;
}

function moneyIn(text: string): Big | null {
  MONEY.lastIndex = 0;
  const m = MONEY.exec(text);
  MONEY.lastIndex = 0;
  if (!m) return null;
  const whole = (m[1] ?? '').replace(/[,\s]/g, '');
  const value = dec(`${whole}.${m[2] ?? '0'}`);
  return m[3] ? value.times(1000) : value;
}

type Invoice = NonNullable<ReplyToRead['reminder']>['invoices'][number];

/**
 * The reminder's invoices a text names: by their number ("INV-7731") or by its digits alone ("7731 is
 * approved"), as AP teams write them; digits of three or more, as a word of their own.
 */
function invoicesNamed(text: string, reply: ReplyToRead): Invoice[] {
  return (reply.reminder?.invoices ?? []).filter((inv) => {
    if (text.toUpperCase().includes(inv.number.toUpperCase())) return true;
    const digits = /(\d{3,})$/.exec(inv.number)?.[1];
    return digits !== undefined && new RegExp(`(?<![\\d$£€.,])0*${digits}(?![\\d,]|\\.\\d)`).test(text);
  });
}

function amountCue(clause: string, sentence: string, reply: ReplyToRead): AmountCue {
  const explicit = moneyIn(clause);
  if (explicit) return { kind: 'explicit', value: explicit };
  if (REMAINDER_WORDS.test(clause)) return { kind: 'remainder' };
  if (FULL_WORDS.test(clause)) return { kind: 'full' };
  if (HALF_WORDS.test(clause)) return { kind: 'half' };
  if ((reply.reminder?.invoices.length ?? 0) > 1) {
    // The invoice the clause names, else the one its sentence names ("7745 needs sign-off, that one goes Friday").
    const inClause = invoicesNamed(clause, reply);
    const named = inClause.length > 0 ? inClause : invoicesNamed(sentence, reply);
    if (named.length === 1 && named[0]) return { kind: 'invoice', value: dec(named[0].amount) };
  }
  return { kind: 'unsaid' };
}

/**
 * Amounts for the promises, in order: a named figure as written, "the rest" as what is left of the reminder's
 * total after the figures named before it, "half" as half the total. The full amount is null (the
 * labelling convention), so a figure equal to the whole total becomes null too.
 */
function settleAmounts(hits: readonly PromiseHit[], reply: ReplyToRead, alreadyPaid: Big): (string | null)[] {
  const invoices = reply.reminder?.invoices ?? [];
  const total = invoices.length > 0 ? invoices.reduce((t, i) => t.plus(dec(i.amount)), new Big(0)) : null;
  // "We paid $700 on the 4th and will pay the remainder on the 20th": the rest is after what was paid too.
  let named = alreadyPaid;
  return hits.map((h) => {
    let value: Big | null = null;
    switch (h.amount.kind) {
      case 'explicit':
      case 'invoice':
        value = h.amount.value;
        break;
      case 'remainder':
        value = total && named.gt(0) && total.gt(named) ? total.minus(named) : null;
        break;
      case 'half':
        value = total ? total.div(2).round(2, Big.roundHalfUp) : null;
        break;
      default:
        value = null;
    }
    if (value) named = named.plus(value);
    if (value === null || (total && value.eq(total) && hits.length === 1)) return null;
    return value.toFixed(2);
  });
}

const NEGATED_PAYMENT =
  /\b(?:can't|cant|cannot|can\s+not|won't|wont|will\s+not|unable\s+to|not\s+able\s+to|couldn't|couldnt|not\s+going\s+to)\b/i;

/** "Friday at the latest", "worst case the 30th": the last day of a promise already made. */
function marksLatest(text: string, m: DateMention): boolean {
  return (
    /^[\s,]*(?:at\s+the\s+(?:very\s+)?(?:latest|outside)|latest|tops|max(?:imum)?)\b/i.test(
      text.slice(m.end, m.end + 30),
    ) ||
    /\b(?:at\s+the\s+(?:very\s+)?latest|worst\s+case|latest|or\s+at\s+worst)[\s,:]*(?:on\s+|by\s+)?(?:the\s+)?$/i.test(
      text.slice(Math.max(0, m.start - 30), m.start),
    )
  );
}

/**
 * The date phrase a clause promises by: the first ahead, or a narrower one inside it that pins it down
 * ("at month-end, on the 30th", "next week, Tuesday probably").
 */
function pinnedMention(
  ahead: readonly DateMention[],
  ctx: DateContext,
): { mention: DateMention; window: DateRange } | null {
  const first = ahead[0];
  const firstWindow = first ? promiseWindow(first, ctx) : null;
  if (!first || !firstWindow) return null;
  let best = { mention: first, window: firstWindow };
  for (const m of ahead.slice(1)) {
    const w = promiseWindow(m, ctx);
    const inside = w && w.earliest >= best.window.earliest && w.latest <= best.window.latest;
    if (w && inside && (w.earliest !== best.window.earliest || w.latest !== best.window.latest))
      best = { mention: m, window: w };
  }
  return best;
}

/** Promise clauses of one sentence: a date ahead, money words, and a commitment (or a date that is a deadline). */
function promisesIn(
  text: string,
  sentence: Sentence,
  mentions: readonly DateMention[],
  ctx: DateContext,
  reply: ReplyToRead,
  asProposal = false,
): PromiseHit[] {
  const extension = EXTENSION_REQUEST.test(sentence.text);
  // A question asking us to act promises nothing, unless it is read as a proposal ("Would you accept $500
  // on Friday and the rest on the 30th?" proposes two payments).
  if (REQUEST_TO_US.test(sentence.text) && !extension && !asProposal) return [];
  if (isPlanRequest(sentence.text)) return [];
  const sentenceCommits = hasFutureWords(sentence.text) || extension || asProposal;
  // Naming one of the reminder's invoices puts the sentence about paying it ("7745 should go on the 30th").
  const namesInvoice = invoicesNamed(sentence.text, reply).length > 0;
  const hits: PromiseHit[] = [];
  const consider = (clause: Span, ahead: readonly DateMention[]) => {
    const pinned = pinnedMention(ahead, ctx);
    if (!pinned) return;
    const { mention } = pinned;
    let { window } = pinned;
    // "Wednesday, Friday at the latest": from the first day to the last; "early in the new year, the 5th at
    // the latest": the last day caps a vaguer window too.
    const last = ahead.filter((m) => m.start > mention.start && marksLatest(text, m)).pop();
    const lastWindow = last ? promiseWindow(last, ctx) : null;
    if (lastWindow && lastWindow.latest >= window.earliest)
      window = { earliest: window.earliest, latest: lastWindow.latest };
    if (NEGATED_PAYMENT.test(clause.text) && mention.relation !== 'from') return;
    // A promise is about the future: a window that ended before yesterday is something else.
    if (window.latest < addDays(ctx.today, -1)) return;
    const evidence = clause.text.length >= 12 ? clause : sentence;
    hits.push({ range: window, evidence, amount: amountCue(clause.text, sentence.text, reply), mention });
  };
  const clauses = splitClauses(text, sentence, mentions);
  // Beside a claim of payment, a later date is about the money arriving ("allow 1-2 days to clear"), unless
  // it names what is still to come ("paid $500 today, the rest next Friday").
  const paidSentence = isPaidClaim(sentence.text);
  // "£400 this Friday and the balance by the 30th": a clause that commits (a deadline, a future day) carries
  // the verbless instalment beside it.
  const siblingCommits = clauses.some((c) =>
    mentions.some((m) => within(m, c) && m.tense !== 'past' && (m.tense === 'future' || m.relation !== 'on')),
  );
  for (const clause of clauses) {
    if (isPaidClaim(clause.text)) continue;
    // Money paid to the customer ("our client pays us on the 20th") is when they can pay, not a promise.
    if (INCOMING_MONEY.test(clause.text)) continue;
    if (paidSentence && !REMAINDER_WORDS.test(clause.text) && !moneyIn(clause.text)) continue;
    let ahead = mentions.filter((m) => within(m, clause) && m.tense !== 'past');
    // "we close on the 23rd so I'll make sure it's paid before then": "then" is the day named before it.
    // ("we will pay then." too: a "then" that ends the clause is a time, not "then the rest")
    const then = /\b(?:(before|by|until|till|on)\s+then\b|then\s*[.!]*\s*$)/i.exec(clause.text);
    const named = then
      ? mentions.filter((m) => m.end <= clause.start && m.start >= sentence.start).pop()
      : undefined;
    if (ahead.length === 0 && then && named && named.tense !== 'past') {
      const word = (then[1] ?? '').toLowerCase();
      // "after the 25th, so we can pay you then": a bare "then" keeps the word in front of the day named
      const relation =
        word === 'before'
          ? 'before'
          : word === 'by'
            ? 'by'
            : word === 'on' || !word
              ? named.relation
              : 'until';
      ahead = [{ ...named, relation }];
    }
    if (ahead.length === 0) continue;
    // "…for the 10th, the 12th at the very latest": a clause that only names a last day ends the promise
    // before it.
    const prev = hits[hits.length - 1];
    const lastDay = ahead.find((m) => marksLatest(text, m));
    if (prev && prev.amount.kind === 'unsaid' && lastDay && !moneyIn(clause.text)) {
      const w = promiseWindow(lastDay, ctx);
      // a later last day extends the promise; an earlier one inside it caps it
      if (w && w.latest >= prev.range.earliest)
        hits[hits.length - 1] = { ...prev, range: { earliest: prev.range.earliest, latest: w.latest } };
      continue;
    }
    MONEY.lastIndex = 0;
    const aboutMoney =
      hasPaymentWords(clause.text) ||
      MONEY.test(clause.text) ||
      REMAINDER_WORDS.test(clause.text) ||
      // "we'll do half on the 15th", "the lot by Friday": a share of the bill is money
      HALF_WORDS.test(clause.text) ||
      FULL_WORDS.test(clause.text) ||
      namesInvoice;
    MONEY.lastIndex = 0;
    const commits =
      sentenceCommits ||
      ahead.some((m) => m.tense === 'future' || m.relation !== 'on') ||
      // the scheduled present: "is booked for Friday", "goes out Friday"
      /\b(?:is|are)\s+(?:scheduled|due|booked|set)\b|\b(?:goes|go)\s+(?:out|through)\b/i.test(clause.text) ||
      moneyArrives(clause.text) ||
      (siblingCommits &&
        (moneyIn(clause.text) !== null || REMAINDER_WORDS.test(clause.text) || HALF_WORDS.test(clause.text)));
    if (aboutMoney && commits) consider(clause, ahead);
  }
  if (hits.length > 0 || !sentenceCommits || !hasPaymentWords(sentence.text) || isPaidClaim(sentence.text))
    return hits;
  // "We get our funding after the 20th, so we can clear the balance then": the date and the money sit in
  // different clauses of one commitment.
  const ahead = mentions.filter(
    (m) =>
      within(m, sentence) && m.tense !== 'past' && !clauses.some((c) => within(m, c) && isPaidClaim(c.text)),
  );
  if (ahead.length > 0) consider(sentence, ahead);
  return hits;
}

/**
 * "We pay suppliers on Tuesdays … it'll be in next week's run": a window of a week or less that holds one
 * such weekday is that day.
 */
function onRunDay(
  hits: readonly PromiseHit[],
  sentences: readonly Sentence[],
  ctx: DateContext,
): PromiseHit[] {
  const said = sentences
    .filter((s) => hasPaymentWords(s.text))
    .map((s) => RUN_WEEKDAY.exec(s.text))
    .find((m) => m !== null);
  if (!said) return [...hits];
  const name = (said[1] ?? said[2] ?? '').toLowerCase().replace(/s$/, '');
  const weekday = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'].indexOf(name) + 1;
  if (weekday === 0) return [...hits];
  return hits.map((h) => {
    const { earliest, latest } = h.range;
    // Only a window that is a span of days ahead ("next week", "after Friday"), not a deadline ("by Friday").
    if (earliest <= ctx.today || h.mention.relation === 'by' || h.mention.relation === 'until') return h;
    if (earliest === latest || addDays(earliest, 6) < latest) return h;
    const days: string[] = [];
    for (let d = earliest; d <= latest; d = addDays(d, 1)) if (weekdayOf(d) === weekday) days.push(d);
    const only = days.length === 1 ? days[0] : undefined;
    return only ? { ...h, range: { earliest: only, latest: only } } : h;
  });
}

/**
 * A sentence that only names a last day ("Friday 11/6 at the very latest.", "Worst case the 30th.") moves
 * the end of the promise made just before it, when that promise named no amount of its own.
 */
function extendedToLatest(
  sentences: readonly Sentence[],
  perSentence: readonly PromiseHit[][],
  text: string,
  mentions: readonly DateMention[],
  ctx: DateContext,
): PromiseHit[] {
  const out: PromiseHit[] = [];
  sentences.forEach((s, i) => {
    const own = perSentence[i] ?? [];
    if (own.length > 0) {
      out.push(...own);
      return;
    }
    const prev = out[out.length - 1];
    if (!prev || prev.amount.kind !== 'unsaid') return;
    const m = mentions.find((x) => within(x, s) && x.tense !== 'past' && marksLatest(text, x));
    const w = m ? promiseWindow(m, ctx) : null;
    if (w && w.latest >= prev.range.earliest)
      out[out.length - 1] = { ...prev, range: { earliest: prev.range.earliest, latest: w.latest } };
  });
  return out;
}

/**
 * "$1,000 tomorrow and the rest by the 30th": a later instalment promised "by" a day comes no earlier than
 * the one before it.
 */
function afterEarlierInstalments(hits: readonly PromiseHit[]): PromiseHit[] {
  const out: PromiseHit[] = [];
  for (const h of hits) {
    const prev = out[out.length - 1];
    const deadline = h.mention.relation === 'by' || h.mention.relation === 'until';
    if (prev && deadline && h.range.earliest < prev.range.earliest && prev.range.earliest <= h.range.latest)
      out.push({ ...h, range: { earliest: prev.range.earliest, latest: h.range.latest } });
    else out.push(h);
  }
  return out;
}

function paidOnIn(
  text: string,
  sentence: Sentence,
  mentions: readonly DateMention[],
  ctx: DateContext,
): DateRange | null {
  const clauses = splitClauses(text, sentence, mentions).filter((c) => isPaidClaim(c.text));
  // The claim's own clauses first; then the sentence ("This has been settled - it was in our EFT last Thursday").
  const scope: Span[] = clauses.length > 0 ? [...clauses, sentence] : [sentence];
  for (const s of scope) {
    for (const m of mentions.filter((x) => within(x, s) && x.tense !== 'future')) {
      const r = m.resolve('past');
      if (r && r.earliest <= ctx.today)
        return { earliest: r.earliest, latest: r.latest <= ctx.today ? r.latest : ctx.today };
    }
  }
  return null;
}

function backOnIn(text: string, sentence: Sentence, mentions: readonly DateMention[]): string | null {
  const ms = mentions.filter((m) => within(m, sentence) && m.tense !== 'past');
  const preceded = (m: DateMention) => RETURN_WORDS.test(text.slice(Math.max(0, m.start - 25), m.start));
  // "closed from 21 December and reopen on 4 January": the day named as the return, before any other.
  const back = (m: DateMention) => BACK_WORDS.test(text.slice(Math.max(0, m.start - 25), m.start));
  const m = ms.find(back) ?? ms.find(preceded) ?? ms[0];
  if (!m) return null;
  const r = m.resolve('future');
  if (!r) return null;
  if (preceded(m) || r.earliest === r.latest) {
    // "back after the 20th" is the 21st; "back on", "returning", "until" name the day itself.
    return /\bafter\s+(?:the\s+)?$/i.test(text.slice(Math.max(0, m.start - 12), m.start))
      ? addDays(r.latest, 1)
      : r.earliest;
  }
  // "away 3–10 April": back the day after.
  return addDays(r.latest, 1);
}

/** Reads a reply with rules alone: no network, no model, the same answer every time. */
export function readReplyOffline(reply: ReplyToRead, options: OfflineOptions = {}): OfflineReading {
  const model = options.model === undefined ? INTENT_MODEL : options.model;
  const minPosterior = options.minPosterior ?? MODEL_MIN_POSTERIOR;
  const ctx = dateContextFor(reply.received, reply.timezone);
  const { visible } = stripReply(reply.text);
  const mentionsAll = findDateMentions(visible, ctx);
  const sentences = splitSentences(visible, mentionsAll);

  // 1. Text addressed to a system is not the customer telling us anything: drop it (and the rest of its
  //    paragraph, which such text usually continues) before any rule reads.
  const ignored = new Set<number>();
  sentences.forEach((s, i) => {
    if (isInstructionMarker(s.text)) {
      for (let j = i; j < sentences.length && sentences[j]?.paragraph === s.paragraph; j++) ignored.add(j);
    } else if (hasInstructionTrace(s.text)) ignored.add(i);
  });
  const active = sentences.filter((_, i) => !ignored.has(i));
  const ignoredInstructions = sentences.filter((_, i) => ignored.has(i)).map((s) => s.text);
  const mentions = mentionsAll.filter((m) => active.some((s) => within(m, s)));

  // 2. What each sentence says.
  const ooo = active.find((s) => isOutOfOffice(s.text));
  const disputes = active
    .map((s) => ({ s, cue: disputeCue(s.text) }))
    .filter((d): d is { s: Sentence; cue: NonNullable<ReturnType<typeof disputeCue>> } => d.cue !== null);
  const paid = active.filter((s) => isPaidClaim(s.text));
  // A plan asked for in so many words, or payments proposed with a question asking us to agree to them
  // ("$1,000 now and $1,000 a month later — would that work?"); one payment so proposed is still a promise.
  const agreement = active.find((s) => asksForAgreement(s.text));
  const proposed = agreement
    ? dedupe(active.flatMap((s) => promisesIn(visible, s, mentions, ctx, reply, true)))
    : [];
  const plan = active.find((s) => isPlanRequest(s.text)) ?? (proposed.length >= 2 ? agreement : undefined);
  const promiseHits = extendedToLatest(
    active,
    active.map((s) => promisesIn(visible, s, mentions, ctx, reply)),
    visible,
    mentions,
    ctx,
  );
  const emails = active.flatMap((s) => [...s.text.matchAll(EMAIL_ADDRESS)].map((m) => ({ s, email: m[0] })));
  const redirect =
    active.find((s) => redirectStrength(s.text) === 'strong') ??
    (emails.length > 0 ? active.find((s) => redirectStrength(s.text) === 'pointer') : undefined);
  const document = active.find((s) => isDocumentRequest(s.text));

  // 3. One intent, most consequential first: an auto-reply says nothing else; a dispute outranks what else
  //    the reply says (the rest is still read); a claim of payment outranks a request.
  let intent: ReplyIntent = 'other';
  let because: Span | undefined;
  let disputeReason: DisputeReason | null = null;
  if (ooo) {
    intent = 'out_of_office';
    because = ooo;
  } else if (disputes.length > 0) {
    intent = 'dispute';
    const withReason = disputes.find((d) => d.cue.reason !== null);
    because = (withReason ?? disputes[0])?.s;
    disputeReason = withReason?.cue.reason ?? null;
  } else if (paid.length > 0 && promiseHits.length === 0) {
    intent = 'paid_already';
    because = paid[0];
  } else if (plan) {
    intent = 'payment_plan_request';
    because = plan;
  } else if (promiseHits.length > 0) {
    intent = 'promise_to_pay';
    because = promiseHits[0]?.evidence;
  } else if (redirect) {
    intent = 'redirect';
    because = redirect;
  } else if (document) {
    intent = 'document_request';
    because = document;
  }

  // 3b. No cue at all: the intent model's second opinion, taken only when it is sure. It reads the same text
  //     (never the passages addressed to a system), and the evidence is the sentence it finds most telling.
  let modelGuess: OfflineReading['modelGuess'] = null;
  if (intent === 'other' && model) {
    const guess = guessIntent(model, active.map((s) => s.text).join('\n'));
    // A promise names a day: "we'll pay when we can" promises nothing a collector can hold anyone to.
    const dated = mentions.some(
      (m) => m.tense !== 'past' && (m.resolve('future')?.earliest ?? '') >= ctx.today,
    );
    if (guess && guess.posterior >= minPosterior && (guess.intent !== 'promise_to_pay' || dated)) {
      modelGuess = guess;
      intent = guess.intent;
      because = mostTelling(model, active, guess.intent);
    }
  }

  // 4. The fields that go with it, each with the words it came from.
  const evidence: {
    intent?: string;
    promises?: string[];
    dispute_reason?: string;
    paid_on?: string;
    back_on?: string;
    new_contact?: string;
  } = {};
  if (because) evidence.intent = because.text;

  const keepPromises = intent === 'promise_to_pay' || intent === 'dispute' || intent === 'paid_already';
  const hits = keepPromises ? afterEarlierInstalments(onRunDay(dedupe(promiseHits), active, ctx)) : [];
  // Money the reply says was paid already, in its claims of payment ("we paid $700 on the 4th").
  let alreadyPaid = new Big(0);
  for (const s of paid)
    for (const c of splitClauses(visible, s, mentions))
      if (isPaidClaim(c.text)) alreadyPaid = alreadyPaid.plus(moneyIn(c.text) ?? 0);
  const amounts = settleAmounts(hits, reply, alreadyPaid);
  const promises: PaymentPromise[] = hits.map((h, i) => ({ ...h.range, amount: amounts[i] ?? null }));
  if (promises.length > 0) evidence.promises = hits.map((h) => h.evidence.text);
  // A promise the model found: the first day the reply names ahead, for the full amount (a collector checks).
  if (modelGuess?.intent === 'promise_to_pay' && promises.length === 0) {
    for (const m of mentions) {
      // the window the phrase promises ("after the 18th": the 19th to the month's end), as for the rules
      const r = m.tense === 'past' ? null : promiseWindow(m, ctx);
      if (r && r.latest >= ctx.today) {
        promises.push({ earliest: r.earliest, latest: r.latest, amount: null });
        const s = active.find((x) => within(m, x));
        if (s) evidence.promises = [s.text];
        break;
      }
    }
  }

  if (intent === 'dispute' && disputeReason && because) evidence.dispute_reason = because.text;

  let paidOn: DateRange | null = null;
  for (const s of paid) {
    paidOn = paidOnIn(visible, s, mentions, ctx);
    if (paidOn) {
      evidence.paid_on = s.text;
      break;
    }
  }
  if (intent !== 'paid_already' && intent !== 'promise_to_pay') {
    paidOn = null;
    delete evidence.paid_on;
  }

  let backOn: string | null = null;
  if (intent === 'out_of_office') {
    for (const s of [ooo, ...active.filter((x) => x !== ooo && RETURN_WORDS.test(x.text))]) {
      if (!s) continue;
      backOn = backOnIn(visible, s, mentions);
      if (backOn) {
        evidence.back_on = s.text;
        break;
      }
    }
  }

  let newContact: string | null = null;
  if (intent === 'redirect') {
    const found = emails.find((e) => redirectStrength(e.s.text) !== null) ?? emails[0];
    if (found) {
      newContact = found.email.replace(/[.,;:]+$/, '').toLowerCase();
      evidence.new_contact = found.s.text;
    }
  }

  const reading: ReplyReading = {
    intent,
    promises,
    dispute_reason: intent === 'dispute' ? disputeReason : null,
    paid_on: paidOn,
    back_on: backOn,
    new_contact: newContact,
    evidence: evidence as ReplyEvidence,
  };
  return {
    reading,
    visibleText: visible,
    ignoredInstructions,
    activeText: active.map((x) => x.text).join('\n'),
    modelGuess,
    today: ctx.today,
  };
}

/** The sentence whose words speak most for `intent` (the model's evidence, quoted on the card). */
function mostTelling(
  model: IntentModel,
  sentences: readonly Sentence[],
  intent: ReplyIntent,
): Sentence | undefined {
  let best: { s: Sentence; p: number } | undefined;
  for (const s of sentences) {
    const g = guessIntent(model, s.text);
    const p = g?.intent === intent ? g.posterior : 0;
    if (!best || p > best.p) best = { s, p };
  }
  return best?.s;
}

function dedupe(hits: readonly PromiseHit[]): PromiseHit[] {
  const out: PromiseHit[] = [];
  for (const h of hits) {
    const same = out.find((o) => o.range.earliest === h.range.earliest && o.range.latest === h.range.latest);
    if (same && h.amount.kind === 'unsaid') continue;
    // "releasing it tonight so it should be with you by Thursday": two overlapping days with no amount of
    // their own are one payment, sent and arriving; it spans both.
    const i = out.length - 1;
    const last = out[i];
    if (
      last &&
      h.amount.kind === 'unsaid' &&
      last.amount.kind === 'unsaid' &&
      h.range.earliest <= last.range.latest &&
      last.range.earliest <= h.range.latest
    ) {
      out[i] = {
        ...last,
        range: {
          earliest: last.range.earliest < h.range.earliest ? last.range.earliest : h.range.earliest,
          latest: last.range.latest > h.range.latest ? last.range.latest : h.range.latest,
        },
      };
      continue;
    }
    out.push(h);
  }
  return out;
}
