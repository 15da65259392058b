import { addDays } from '../calendar.js';
import type { OfflineReading } from './reply-reader.js';
import type { DateRange, ReplyEvidence, ReplyReading } from './reply-reading.js';

/**
 * Whether a Claude reading may be used. The model reads customer text, and customer text can be written to
 * steer it; the offline rules cannot be steered that way. So Claude's reading is used only when what it says
 * can be checked against the reply and the rules do not contradict it where they can read for themselves:
 * - every field it fills quotes the customer's own visible words (not our quoted reminder, not nothing);
 * - none of those quotes is text the rules set aside as instructions to a system;
 * - when the reply carries such instructions, its intent is the one the rules read;
 * - its promise, payment and return dates are within a day of the rules' where the rules found a date, and
 *   plausible where they found none.
 */

export type CrossCheckResult =
  | { readonly use: 'claude'; readonly reading: ReplyReading }
  | { readonly use: 'rules'; readonly reason: string };

/** Lower case, runs of white space as one space, curly quotes straight: how quotes are compared. */
function fold(s: string): string {
  return s.replace(/[’‘]/g, "'").replace(/[“”]/g, '"').replace(/\s+/g, ' ').toLowerCase();
}

/**
 * Where `quote` sits in `text`, comparing without case and with any white space alike; null when it is not
 * there. Returns the text's own characters, so stored evidence is always an exact substring.
 */
export function locateExcerpt(text: string, quote: string): { start: number; end: number } | null {
  const q = fold(quote.trim()).replace(/^["']|["']$/g, '');
  if (q.length === 0) return null;
  // Map each folded character back to its offset in the original.
  let folded = '';
  const offsets: number[] = [];
  let lastWasSpace = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] ?? '';
    if (/\s/.test(ch)) {
      if (lastWasSpace) continue;
      folded += ' ';
      offsets.push(i);
      lastWasSpace = true;
      continue;
    }
    lastWasSpace = false;
    folded += fold(ch);
    offsets.push(i);
  }
  const at = folded.indexOf(q);
  if (at < 0) return null;
  const start = offsets[at] ?? 0;
  const end = (offsets[at + q.length - 1] ?? start) + 1;
  return { start, end };
}

function datesApart(a: DateRange, b: DateRange): boolean {
  // Ranges "agree" when they touch once each is widened by a day: "next Friday" read as 13–13 by one
  // reader and 13–20 by the other agree; the 13th and the 20th do not.
  return addDays(a.latest, 1) < addDays(b.earliest, -1) || addDays(b.latest, 1) < addDays(a.earliest, -1);
}

const fmt = (r: DateRange) => (r.earliest === r.latest ? r.earliest : `${r.earliest}..${r.latest}`);

type EvidenceField = Exclude<keyof ReplyEvidence, 'promises'>;

/** Checks Claude's reading against the reply and the offline reading; returns the reading with exact quotes. */
export function crossCheckClaudeReading(claude: ReplyReading, offline: OfflineReading): CrossCheckResult {
  const text = offline.visibleText;
  const today = offline.today;

  // 1. Evidence: each filled field quotes the reply, and the quotes are made exact.
  const needs: [EvidenceField, boolean][] = [
    ['intent', claude.intent !== 'other'],
    ['dispute_reason', claude.dispute_reason !== null],
    ['paid_on', claude.paid_on !== null],
    ['back_on', claude.back_on !== null],
    ['new_contact', claude.new_contact !== null],
  ];
  const located: { start: number; end: number; field: string }[] = [];
  const evidence: {
    intent?: string;
    promises?: string[];
    dispute_reason?: string;
    paid_on?: string;
    back_on?: string;
    new_contact?: string;
  } = {};
  for (const [field, required] of needs) {
    const quote = claude.evidence[field];
    if (typeof quote !== 'string') {
      if (required) return { use: 'rules', reason: `Claude gave no evidence for ${field}` };
      continue;
    }
    const at = locateExcerpt(text, quote);
    if (!at)
      return {
        use: 'rules',
        reason: `Claude's evidence for ${field} is not in the reply: "${quote.slice(0, 80)}"`,
      };
    located.push({ ...at, field });
    evidence[field] = text.slice(at.start, at.end);
  }
  const promiseQuotes = claude.evidence.promises ?? [];
  if (promiseQuotes.length !== claude.promises.length)
    return { use: 'rules', reason: 'Claude gave no evidence for every promise' };
  evidence.promises = [];
  for (const [i, quote] of promiseQuotes.entries()) {
    const at = locateExcerpt(text, quote);
    if (!at)
      return {
        use: 'rules',
        reason: `Claude's evidence for promise ${i + 1} is not in the reply: "${quote.slice(0, 80)}"`,
      };
    located.push({ ...at, field: `promise ${i + 1}` });
    evidence.promises.push(text.slice(at.start, at.end));
  }
  if (evidence.promises.length === 0) delete evidence.promises;

  // 2. Instructions to a system are not evidence of anything.
  for (const passage of offline.ignoredInstructions) {
    const at = locateExcerpt(text, passage);
    if (!at) continue;
    const hit = located.find((l) => l.start < at.end && at.start < l.end);
    if (hit)
      return {
        use: 'rules',
        reason: `Claude's ${hit.field} rests on text addressed to a system, not to us: "${passage.slice(0, 80)}"`,
      };
  }
  if (offline.ignoredInstructions.length > 0 && claude.intent !== offline.reading.intent) {
    return {
      use: 'rules',
      reason: `the reply carries instructions to a system, and Claude's intent ${claude.intent} is not what the rules read (${offline.reading.intent})`,
    };
  }

  // 3. Dates: within a day of the rules' where they read one; plausible where they did not.
  const rulesPromises = offline.reading.promises;
  for (const p of claude.promises) {
    if (rulesPromises.length > 0 && rulesPromises.every((r) => datesApart(p, r))) {
      return {
        use: 'rules',
        reason: `Claude's promise date ${fmt(p)} is more than a day from the rules' ${rulesPromises.map(fmt).join(', ')}`,
      };
    }
    if (p.latest < addDays(today, -1) || p.earliest > addDays(today, 366))
      return {
        use: 'rules',
        reason: `Claude's promise date ${fmt(p)} is not ahead of the reply's date ${today}`,
      };
  }
  const rulesPaid = offline.reading.paid_on;
  if (claude.paid_on) {
    if (rulesPaid && datesApart(claude.paid_on, rulesPaid))
      return {
        use: 'rules',
        reason: `Claude's payment date ${fmt(claude.paid_on)} is more than a day from the rules' ${fmt(rulesPaid)}`,
      };
    if (claude.paid_on.earliest > addDays(today, 1))
      return {
        use: 'rules',
        reason: `Claude's payment date ${fmt(claude.paid_on)} is after the reply's date ${today}`,
      };
  }
  const rulesBack = offline.reading.back_on;
  if (claude.back_on) {
    const c = { earliest: claude.back_on, latest: claude.back_on };
    if (rulesBack && datesApart(c, { earliest: rulesBack, latest: rulesBack }))
      return {
        use: 'rules',
        reason: `Claude's return date ${claude.back_on} is more than a day from the rules' ${rulesBack}`,
      };
    if (claude.back_on < addDays(today, -1))
      return {
        use: 'rules',
        reason: `Claude's return date ${claude.back_on} is before the reply's date ${today}`,
      };
  }
  if (claude.new_contact && !fold(text).includes(claude.new_contact.toLowerCase()))
    return { use: 'rules', reason: `Claude's new contact ${claude.new_contact} is not written in the reply` };

  return { use: 'claude', reading: { ...claude, evidence } };
}
