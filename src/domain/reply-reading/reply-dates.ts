// Over 300 lines: every date phrase the offline reader resolves, in the customer's zone, with the conventions shared between them.
import * as chrono from 'chrono-node';
import { weekdayOf } from '../business-calendar.js';
import { addDays, addMonths, endOfMonth, isIsoDate, localDateOf } from '../calendar.js';
import type { IsoDate } from '../ledger.js';
import type { DateRange } from './reply-reading.js';

/**
 * Dates in what customers write, resolved as calendar dates in the customer's own time zone as of the moment
 * the reply arrived: a reply sent at 23:30 UTC on a Thursday was written on Friday in Auckland, and its
 * "tomorrow" is Saturday. Pure: "today" is an argument, never the clock.
 *
 * The grammar is ours (chrono-node reads "the 15th", "next Friday", "end of next week" or "Feb 26" wrongly
 * or not at all, and its weekdays follow the process's time zone); chrono only adds absolute dates written in
 * forms and languages our rules do not list, and only its certain day and month are taken from it.
 */

export type DateOrder = 'dmy' | 'mdy';

export interface DateContext {
  /** The customer's local calendar date when the reply arrived. */
  readonly today: IsoDate;
  /** How a numeric date like 04/08 is read: month first in the United States, day first elsewhere. */
  readonly order: DateOrder;
  /** The month the financial year ends where the customer is, when the country has one (AU 6, NZ 3). */
  readonly yearEndMonth?: number;
}

/** What a phrase itself says about time: "yesterday" is past, "in two weeks" future, "13 March" either. */
export type Tense = 'future' | 'past' | 'either';

/** The word in front of a date, which turns a day into a window: "by the 20th", "after the 20th". */
export type Relation = 'on' | 'by' | 'before' | 'after' | 'from' | 'until';

export interface DateMention {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly tense: Tense;
  readonly relation: Relation;
  /** The phrase's own days, read towards the future (a promise, a return) or the past (a payment made). */
  resolve(direction: 'future' | 'past'): DateRange | null;
}

// Zones whose people write month first: the United States, and Canada (which writes both, but its
// English-language accounts teams mostly as the US does; a day above 12 or a weekday beside it settles it).
const MONTH_FIRST_ZONES =
  /^(?:America\/(?:New_York|Chicago|Denver|Los_Angeles|Phoenix|Anchorage|Detroit|Boise|Juneau|Adak|Nome|Sitka|Yakutat|Metlakatla|Menominee|Indiana\/.+|Kentucky\/.+|North_Dakota\/.+|Puerto_Rico|Toronto|Montreal|Vancouver|Edmonton|Calgary|Winnipeg|Regina|Swift_Current|Halifax|Moncton|Glace_Bay|Goose_Bay|St_Johns|Whitehorse|Dawson|Dawson_Creek|Fort_Nelson|Creston|Yellowknife|Inuvik|Iqaluit|Rankin_Inlet|Resolute|Cambridge_Bay|Atikokan|Nipigon|Thunder_Bay|Rainy_River|Pangnirtung)|US\/.+|Canada\/.+|Pacific\/Honolulu)$/;

export function dateContextFor(received: string | Date, timeZone: string): DateContext {
  const instant = typeof received === 'string' ? new Date(received) : received;
  if (Number.isNaN(instant.getTime())) throw new RangeError(`not an instant: '${String(received)}'`);
  return {
    today: localDateOf(instant, timeZone),
    order: MONTH_FIRST_ZONES.test(timeZone) ? 'mdy' : 'dmy',
    yearEndMonth: /^Australia\//.test(timeZone)
      ? 6
      : /^Pacific\/(?:Auckland|Chatham)$/.test(timeZone)
        ? 3
        : undefined,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Calendar helpers on YYYY-MM-DD

interface Ymd {
  readonly y: number;
  readonly m: number;
  readonly d: number;
}

function ymd(date: IsoDate): Ymd {
  return { y: Number(date.slice(0, 4)), m: Number(date.slice(5, 7)), d: Number(date.slice(8, 10)) };
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function firstOfMonth(y: number, m: number): IsoDate {
  // Normalise a month outside 1..12 (m = 13 is January of the next year).
  const yy = y + Math.floor((m - 1) / 12);
  const mm = (((m - 1) % 12) + 12) % 12;
  return `${pad(yy, 4)}-${pad(mm + 1)}-01`;
}

/** Day `d` of month `m`, clamped to the month's last day: "the 31st" in April is 30 April. */
function dayInMonth(y: number, m: number, d: number): IsoDate {
  const first = firstOfMonth(y, m);
  const last = endOfMonth(first);
  return `${first.slice(0, 8)}${pad(Math.min(d, ymd(last).d))}`;
}

/** The exact date, or null when it does not exist (31 April, 29 February 2027). */
function exactDate(y: number, m: number, d: number): IsoDate | null {
  const iso = `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
  return m >= 1 && m <= 12 && isIsoDate(iso) ? iso : null;
}

/** Monday of the ISO week holding `date`. */
function mondayOf(date: IsoDate): IsoDate {
  return addDays(date, 1 - weekdayOf(date));
}

/** `weekday` (1 = Monday) of the week starting `monday`. */
function dayOfWeek(monday: IsoDate, weekday: number): IsoDate {
  return addDays(monday, weekday - 1);
}

function addBusinessDays(date: IsoDate, n: number): IsoDate {
  let d = date;
  let left = n;
  while (left > 0) {
    d = addDays(d, 1);
    if (weekdayOf(d) <= 5) left--;
  }
  return d;
}

function range(earliest: IsoDate, latest: IsoDate): DateRange {
  return earliest <= latest ? { earliest, latest } : { earliest: latest, latest: earliest };
}

function day(date: IsoDate): DateRange {
  return { earliest: date, latest: date };
}

const maxIso = (a: IsoDate, b: IsoDate) => (a >= b ? a : b);
const minIso = (a: IsoDate, b: IsoDate) => (a <= b ? a : b);

// ---------------------------------------------------------------------------------------------------------
// Vocabulary

const MONTHS: Record<string, number> = {
  january: 1,
  jan: 1,
  february: 2,
  feb: 2,
  march: 3,
  mar: 3,
  april: 4,
  apr: 4,
  may: 5,
  june: 6,
  jun: 6,
  july: 7,
  jul: 7,
  august: 8,
  aug: 8,
  september: 9,
  sept: 9,
  sep: 9,
  october: 10,
  oct: 10,
  november: 11,
  nov: 11,
  december: 12,
  dec: 12,
  // French, Spanish, German, Dutch: customers of NZ, UK, US and AU firms still write in their own language.
  janvier: 1,
  février: 2,
  fevrier: 2,
  mars: 3,
  avril: 4,
  mai: 5,
  juin: 6,
  juillet: 7,
  août: 8,
  aout: 8,
  septembre: 9,
  octobre: 10,
  novembre: 11,
  décembre: 12,
  decembre: 12,
  enero: 1,
  febrero: 2,
  marzo: 3,
  abril: 4,
  mayo: 5,
  junio: 6,
  julio: 7,
  agosto: 8,
  septiembre: 9,
  setiembre: 9,
  octubre: 10,
  noviembre: 11,
  diciembre: 12,
  januar: 1,
  februar: 2,
  märz: 3,
  maerz: 3,
  juni: 6,
  juli: 7,
  oktober: 10,
  dezember: 12,
  januari: 1,
  februari: 2,
  maart: 3,
  augustus: 8,
};
// Abbreviations and words that are also ordinary words are months only beside a day number.
const AMBIGUOUS_MONTH_WORDS = new Set([
  'may',
  'mar',
  'jun',
  'jul',
  'aug',
  'sep',
  'dec',
  'jan',
  'feb',
  'apr',
  'oct',
  'nov',
  'sept',
  'mai',
  'mars',
]);

const WEEKDAYS: Record<string, number> = {
  monday: 1,
  mon: 1,
  tuesday: 2,
  tues: 2,
  tue: 2,
  wednesday: 3,
  weds: 3,
  wed: 3,
  thursday: 4,
  thurs: 4,
  thur: 4,
  thu: 4,
  friday: 5,
  fri: 5,
  saturday: 6,
  sat: 6,
  sunday: 7,
  sun: 7,
  lundi: 1,
  mardi: 2,
  mercredi: 3,
  jeudi: 4,
  vendredi: 5,
  samedi: 6,
  dimanche: 7,
};
const WEEKDAY_FULL = new Set([
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
  'lundi',
  'mardi',
  'mercredi',
  'jeudi',
  'vendredi',
  'samedi',
  'dimanche',
]);

const NUMBER_WORDS: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  fourteen: 14,
  fifteen: 15,
  twenty: 20,
  thirty: 30,
  sixty: 60,
  ninety: 90,
  couple: 2,
  'a couple of': 2,
  'a couple': 2,
  'couple of': 2,
  few: 3,
  'a few': 3,
};
const ORDINAL_WORDS: Record<string, number> = {
  first: 1,
  '1st': 1,
  second: 2,
  '2nd': 2,
  third: 3,
  '3rd': 3,
  fourth: 4,
  '4th': 4,
  last: -1,
  final: -1,
};

/** Days of the month written as words: "the first", "the twenty-first". */
const ORDINAL_DAYS: Record<string, number> = (() => {
  const units = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth'];
  const teens = ['tenth', 'eleventh', 'twelfth', 'thirteenth', 'fourteenth', 'fifteenth', 'sixteenth'];
  const more = ['seventeenth', 'eighteenth', 'nineteenth', 'twentieth'];
  const out: Record<string, number> = {};
  units.forEach((w, i) => {
    out[w] = i + 1;
    out[`twenty ${w}`] = 21 + i;
  });
  [...teens, ...more].forEach((w, i) => {
    out[w] = 10 + i;
  });
  out.thirtieth = 30;
  out['thirty first'] = 31;
  return out;
})();

const alt = (words: Iterable<string>) =>
  [...words]
    .sort((a, b) => b.length - a.length)
    .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('|');

const MONTH = `(${alt(Object.keys(MONTHS))})\\.?`;
const MONTH_FULL = `(${alt(Object.keys(MONTHS).filter((w) => !AMBIGUOUS_MONTH_WORDS.has(w)))})`;
/**
 * Any month word, "May" and "Jun" included, where the words before it already make it a month ("end of May",
 * "first week of Sept", "mid-Jan"); not "…of may be", "…of may have" (the verb).
 */
const MONTH_AFTER_PART = `(${alt(Object.keys(MONTHS))})\\.?(?!\\s+(?:be|have|not|need|want|take|get|also|still|well|as|i|we|you|they|it)\\b)`;
const WEEKDAY = `(${alt(Object.keys(WEEKDAYS))})`;
const ORDINAL_DAY = alt(Object.keys(ORDINAL_DAYS)).replace(/ /g, '[\\s-]+');
const NUM = `(\\d{1,3}|${alt(Object.keys(NUMBER_WORDS))})`;
const DAY = '(\\d{1,2})(?:st|nd|rd|th|er|\\.)?';
const YEAR = '(?:,?\\s+(\\d{4}))?';

function numberOf(word: string | undefined): number | null {
  if (!word) return null;
  const w = word.toLowerCase();
  if (/^\d+$/.test(w)) return Number(w);
  return NUMBER_WORDS[w] ?? null;
}

function monthOf(word: string | undefined): number | null {
  return word ? (MONTHS[word.toLowerCase().replace(/\.$/, '')] ?? null) : null;
}

/** A weekday word, or null for an abbreviation written in lower case ("sat on my desk", "wed"). */
function weekdayOfWord(word: string | undefined, lenient = false): number | null {
  if (!word) return null;
  const w = word.toLowerCase();
  const n = WEEKDAYS[w];
  if (n === undefined) return null;
  if (!lenient && !WEEKDAY_FULL.has(w) && word[0] !== word[0]?.toUpperCase()) return null;
  return n;
}

/**
 * Words after which a lower-case abbreviation is a weekday, as typed on a phone: "by fri", "on tues",
 * "til wed", "mon or tues" (but "sat on my desk", "we wed" are not).
 */
const WEEKDAY_LEAD =
  /(?:^|[^\p{L}])(?:on|by|til|till|until|before|after|from|or|and|thru|through|this|next|coming|say|maybe|prob|probably|latest)\s+$/iu;

// ---------------------------------------------------------------------------------------------------------
// Resolution of the phrase kinds

/** The `weekday` 1–7 days ahead of today (a week ahead when today is that weekday). */
function nextWeekday(today: IsoDate, weekday: number): IsoDate {
  const delta = (weekday - weekdayOf(today) + 7) % 7 || 7;
  return addDays(today, delta);
}

/** The most recent `weekday`, today included when `includeToday`. */
function previousWeekday(today: IsoDate, weekday: number, includeToday: boolean): IsoDate {
  const delta = (weekdayOf(today) - weekday + 7) % 7;
  return addDays(today, delta === 0 && !includeToday ? -7 : -delta);
}

type WeekdayModifier = 'bare' | 'this' | 'next' | 'last' | 'week' | 'after-next' | 'next-week';

function resolveWeekday(
  ctx: DateContext,
  weekday: number,
  modifier: WeekdayModifier,
  direction: 'future' | 'past',
): DateRange {
  const { today } = ctx;
  if (modifier === 'last' || (direction === 'past' && modifier === 'bare')) {
    const prev = previousWeekday(today, weekday, modifier === 'bare');
    // "last Tuesday" said on a Thursday: this week's Tuesday or the week before's; either counts.
    if (modifier === 'last' && mondayOf(prev) === mondayOf(today)) return range(addDays(prev, -7), prev);
    return day(prev);
  }
  if (modifier === 'this') {
    // "this Friday" said on a Friday is today; said on a Saturday, the coming Friday.
    return day(weekdayOf(today) === weekday ? today : nextWeekday(today, weekday));
  }
  // "Tuesday next week": that weekday of the following calendar week.
  if (modifier === 'next-week') return day(dayOfWeek(addDays(mondayOf(today), 7), weekday));
  const first = nextWeekday(today, weekday);
  if (modifier === 'week') return day(addDays(first, 7)); // British "Friday week": a week after this Friday
  if (modifier === 'after-next') return day(addDays(first, 7));
  if (modifier === 'next' && mondayOf(first) === mondayOf(today)) {
    // "next Friday" said on a Wednesday means this week's Friday to some and next week's to others.
    return range(first, addDays(first, 7));
  }
  return day(first);
}

/** Day N of a month, the first on or after today (future) or on or before it (past). */
function resolveDayOfMonth(ctx: DateContext, n: number, direction: 'future' | 'past'): DateRange {
  const t = ymd(ctx.today);
  if (direction === 'future') return day(n >= t.d ? dayInMonth(t.y, t.m, n) : dayInMonth(t.y, t.m + 1, n));
  return day(n <= t.d ? dayInMonth(t.y, t.m, n) : dayInMonth(t.y, t.m - 1, n));
}

/**
 * A day and month without a year: the year that puts it nearest in the direction read, allowing a month of
 * slack the other way ("paid on 28 December" read on 3 January is last year; "we'll pay on 2 March" read on
 * 4 March is still this year, a slip rather than a date eleven months off).
 */
function resolveMonthDay(
  ctx: DateContext,
  month: number,
  dayOfMonth: number,
  year: number | null,
  weekday: number | null,
  direction: 'future' | 'past',
): DateRange | null {
  if (year !== null) {
    const d = exactDate(year, month, dayOfMonth);
    return d ? day(d) : null;
  }
  const t = ymd(ctx.today);
  const candidates = [t.y - 1, t.y, t.y + 1]
    .map((y) => exactDate(y, month, dayOfMonth))
    .filter((d): d is IsoDate => d !== null);
  const slackStart = addDays(ctx.today, -30);
  const slackEnd = addDays(ctx.today, 30);
  const fits =
    direction === 'future'
      ? candidates.filter((d) => d >= slackStart)
      : candidates.filter((d) => d <= slackEnd);
  if (fits.length === 0) return null;
  // The weekday written beside it ("Friday 13 March") picks the year when it can.
  const byWeekday = weekday === null ? fits : fits.filter((d) => weekdayOf(d) === weekday);
  const pool = byWeekday.length > 0 ? byWeekday : fits;
  const chosen = direction === 'future' ? pool[0] : pool[pool.length - 1];
  return chosen ? day(chosen) : null;
}

/** The first day of `month` that is this month or later (future) or this month or earlier (past). */
function monthStart(
  ctx: DateContext,
  month: number,
  year: number | null,
  direction: 'future' | 'past',
): IsoDate {
  const t = ymd(ctx.today);
  if (year !== null) return firstOfMonth(year, month);
  if (direction === 'future') return firstOfMonth(month >= t.m ? t.y : t.y + 1, month);
  return firstOfMonth(month <= t.m ? t.y : t.y - 1, month);
}

/** The month a phrase names: "next month", "this/the month", or a month's name (with its year, if given). */
function namedMonthStart(
  ctx: DateContext,
  rel: string | undefined,
  month: number | null | undefined,
  year: number | null,
  direction: 'future' | 'past',
): IsoDate | null {
  const t = ymd(ctx.today);
  if (rel === 'next') return firstOfMonth(t.y, t.m + 1);
  if (rel) return firstOfMonth(t.y, t.m);
  return month ? monthStart(ctx, month, year, direction) : null;
}

type MonthPart = 'whole' | 'early' | 'mid' | 'late' | 'end' | 'later';

/** Part of the month starting `first`; never before today when reading forward in the current month. */
function monthPart(
  ctx: DateContext,
  first: IsoDate,
  part: MonthPart,
  direction: 'future' | 'past',
): DateRange {
  const last = endOfMonth(first);
  const at = (d: number) => dayInMonth(ymd(first).y, ymd(first).m, d);
  let r: DateRange;
  switch (part) {
    case 'early':
      r = range(first, at(10));
      break;
    case 'mid':
      r = range(at(10), at(20));
      break;
    case 'late':
      r = range(at(21), last);
      break;
    // "end of the month": the 25th to its last day (a payment on the 25th meets it as well as one on the 31st;
    // the labelled sets take the same days whatever the month's length).
    case 'end':
      r = range(at(25), last);
      break;
    case 'later':
      r = range(addDays(ctx.today, 1), last);
      break;
    default:
      r = range(first, last);
  }
  if (direction === 'future' && r.latest >= ctx.today && r.earliest < ctx.today)
    r = range(ctx.today, r.latest);
  return r;
}

function nthWeekdayOfMonth(first: IsoDate, weekday: number, nth: number): IsoDate {
  if (nth === -1) {
    const last = endOfMonth(first);
    return previousWeekday(last, weekday, true);
  }
  const firstMatch = addDays(first, (weekday - weekdayOf(first) + 7) % 7);
  return addDays(firstMatch, 7 * (nth - 1));
}

type WeekPart = 'whole' | 'early' | 'mid' | 'late' | 'end' | 'start';

function weekRange(
  ctx: DateContext,
  which: 'this' | 'next' | 'last' | 'after-next',
  part: WeekPart,
): DateRange {
  const { today } = ctx;
  const isWeekend = weekdayOf(today) >= 6;
  // At the weekend "this week" is over: "end of the week" means the coming one.
  const base = mondayOf(today);
  const monday =
    which === 'next'
      ? addDays(base, 7)
      : which === 'after-next'
        ? addDays(base, 14)
        : which === 'last'
          ? addDays(base, -7)
          : isWeekend && part !== 'whole'
            ? addDays(base, 7)
            : base;
  const at = (wd: number) => dayOfWeek(monday, wd);
  if (which === 'last') return range(at(1), at(7));
  let r: DateRange;
  switch (part) {
    case 'early':
    case 'start':
      r = range(at(1), at(part === 'start' ? 2 : 3));
      break;
    case 'mid':
      r = range(at(2), at(4));
      break;
    case 'late':
      r = range(at(4), at(5));
      break;
    case 'end':
      r = day(at(5));
      break;
    default:
      r = which === 'this' ? range(today, maxIso(at(5), today)) : range(at(1), at(5));
  }
  if (which === 'this' && r.latest >= today && r.earliest < today) r = range(today, r.latest);
  return r;
}

// ---------------------------------------------------------------------------------------------------------
// Rules: each finds phrases and says how to resolve them

interface Found {
  readonly start: number;
  readonly end: number;
  readonly tense: Tense;
  readonly resolve: (direction: 'future' | 'past') => DateRange | null;
}

type Rule = (text: string, ctx: DateContext) => Found[];

function scan(
  pattern: string,
  build: (m: RegExpExecArray, ctx: DateContext) => Omit<Found, 'start' | 'end'> | null,
): Rule {
  return (text, ctx) => {
    const re = new RegExp(pattern, 'giu');
    const out: Found[] = [];
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      const built = build(m, ctx);
      // A trailing full stop ends the sentence, not the phrase ("on Friday 13 March.").
      if (built) out.push({ ...built, start: m.index, end: m.index + m[0].replace(/[\s.]+$/u, '').length });
    }
    return out;
  };
}

const B = '(?<![\\p{L}\\p{N}])'; // a word start that also works after accented letters
const E = '(?![\\p{L}\\p{N}])';

const RULES: readonly Rule[] = [
  // 2026-03-23
  scan(`${B}(\\d{4})-(\\d{2})-(\\d{2})${E}`, (m) => {
    const d = exactDate(Number(m[1]), Number(m[2]), Number(m[3]));
    return d ? { tense: 'either', resolve: () => day(d) } : null;
  }),
  // 23/03/2026, 23/03, 3/20 (month first in the US), 23.03.2026; with a weekday in front ("Tues 29/9",
  // "Wed 11/4"), which also settles the order of an ambiguous day and month when only one order fits it.
  scan(
    `(?<![\\w$£€/.,:-])(?:${WEEKDAY},?\\s+(?:the\\s+)?)?(\\d{1,2})([/.])(\\d{1,2})(?:\\3(\\d{4}|\\d{2}))?(?![\\w/%]|[.,:]\\d)`,
    (m, ctx) => {
      const wd = m[1] ? weekdayOfWord(m[1], true) : null;
      const a = Number(m[2]);
      const b = Number(m[4]);
      // "24/7" is a schedule, "1.5" a number: a dot needs a year, and a slash a plausible day and month.
      if ((m[3] === '.' && !m[5]) || /^24\/7$/.test(`${m[2]}/${m[4]}`)) return null;
      const year = m[5] ? (m[5].length === 2 ? 2000 + Number(m[5]) : Number(m[5])) : null;
      let dd: number;
      let mm: number;
      if (a > 12 && b <= 12) [dd, mm] = [a, b];
      else if (b > 12 && a <= 12) [dd, mm] = [b, a];
      else {
        [dd, mm] = ctx.order === 'mdy' ? [b, a] : [a, b];
        if (wd !== null && dd !== mm) {
          const fits = (d: number, mo: number) => {
            const r = resolveMonthDay(ctx, mo, d, year, wd, 'future');
            return r !== null && weekdayOf(r.earliest) === wd;
          };
          if (!fits(dd, mm) && fits(mm, dd)) [dd, mm] = [mm, dd];
        }
      }
      if (mm < 1 || mm > 12 || dd < 1 || dd > 31) return null;
      return { tense: 'either', resolve: (dir) => resolveMonthDay(ctx, mm, dd, year, wd, dir) };
    },
  ),
  // Friday 13 March, Monday the 12th of October, 13th March 2026, le 25 mars, 25. März
  scan(`${B}(?:${WEEKDAY},?\\s+(?:the\\s+)?)?${DAY}(?:\\s+of)?(?:\\s+|-)${MONTH}${YEAR}${E}`, (m, ctx) => {
    const month = monthOf(m[3]);
    const d = Number(m[2]);
    const wd = m[1] ? weekdayOfWord(m[1]) : null;
    if (month === null || d < 1 || d > 31 || (m[1] && wd === null)) return null;
    const year = m[4] ? Number(m[4]) : null;
    return { tense: 'either', resolve: (dir) => resolveMonthDay(ctx, month, d, year, wd, dir) };
  }),
  // Tuesday, May 26; March 20th; Feb 26, 2026
  scan(
    `${B}(?:${WEEKDAY},?\\s+)?${MONTH}\\s+(?:the\\s+)?(\\d{1,2})(?:st|nd|rd|th)?${YEAR}(?![\\p{L}\\d:%])`,
    (m, ctx) => {
      const month = monthOf(m[2]);
      const d = Number(m[3]);
      const wd = m[1] ? weekdayOfWord(m[1]) : null;
      if (month === null || d < 1 || d > 31 || (m[1] && wd === null)) return null;
      const year = m[4] ? Number(m[4]) : null;
      return { tense: 'either', resolve: (dir) => resolveMonthDay(ctx, month, d, year, wd, dir) };
    },
  ),
  // Monday the 12th, Friday 13th: the nearest such day whose weekday agrees, else the nearest such day.
  scan(`${B}${WEEKDAY},?\\s+(?:the\\s+)?(\\d{1,2})(?:st|nd|rd|th)${E}`, (m, ctx) => {
    const wd = weekdayOfWord(m[1]);
    const n = Number(m[2]);
    if (wd === null || n < 1 || n > 31) return null;
    return {
      tense: 'either',
      resolve: (dir) => {
        const t = ymd(ctx.today);
        const step = dir === 'future' ? 1 : -1;
        for (let k = 0; k < 12; k++) {
          const d = exactDate(
            ymd(firstOfMonth(t.y, t.m + step * k)).y,
            ymd(firstOfMonth(t.y, t.m + step * k)).m,
            n,
          );
          if (!d) continue;
          if ((dir === 'future' ? d >= ctx.today : d <= ctx.today) && weekdayOf(d) === wd) return day(d);
        }
        return resolveDayOfMonth(ctx, n, dir);
      },
    };
  }),
  // the 15th, on the 1st, the 5th of next month; "15th" alone when it cannot be a floor or a reminder
  scan(
    `${B}(?:(the)\\s+)?(\\d{1,2})(st|nd|rd|th)(?:\\s+of\\s+(this|next|the|each|every)\\s+month)?(?!\\s*(?:floor|century|party|reminder|notice|time|invoice|instal|payment|attempt|place|anniversary|birthday|edition|street|st\\b|avenue|ave\\b|road|rd\\b|week|day|of\\s+(?:the\\s+)?(?:week|year|quarter)))${E}`,
    (m, ctx) => {
      const n = Number(m[2]);
      if (n < 1 || n > 31) return null;
      const suffixOk =
        (n % 10 === 1 && n !== 11 && m[3]?.toLowerCase() === 'st') ||
        (n % 10 === 2 && n !== 12 && m[3]?.toLowerCase() === 'nd') ||
        (n % 10 === 3 && n !== 13 && m[3]?.toLowerCase() === 'rd') ||
        m[3]?.toLowerCase() === 'th';
      if (!suffixOk) return null;
      const which = m[4]?.toLowerCase();
      if (which === 'next') {
        const t = ymd(ctx.today);
        return { tense: 'future', resolve: () => day(dayInMonth(t.y, t.m + 1, n)) };
      }
      // "the 1st of the month", "the 20th of each month": a day the customer pays on every month, so the
      // next one (as "the 20th" alone); "the 20th of this month" is this month's.
      if (which === 'this') {
        const t = ymd(ctx.today);
        return { tense: 'either', resolve: () => day(dayInMonth(t.y, t.m, n)) };
      }
      return { tense: 'either', resolve: (dir) => resolveDayOfMonth(ctx, n, dir) };
    },
  ),
  // on the 15 / by the 20 (no suffix): only after a preposition that makes it a day
  scan(
    `(?<=${B}(?:on|by|after|before|until|till|from)\\s+)the\\s+(\\d{1,2})(?![\\p{L}\\p{N}%$]|\\s*(?:days?|weeks?|months?|hours?|units?|items?|invoices?))`,
    (m, ctx) => {
      const n = Number(m[1]);
      if (n < 1 || n > 31) return null;
      return { tense: 'either', resolve: (dir) => resolveDayOfMonth(ctx, n, dir) };
    },
  ),
  // today, tonight, this morning/arvo, end of day, close of business; tomorrow (and its typos, and "COB
  // tomorrow"); yesterday
  scan(
    `${B}(?:(the\\s+day\\s+after\\s+(?:tomorrow|tomorow|tommorow|tommorrow))|(the\\s+day\\s+before\\s+yesterday)|((?:cob|cop|eod|eop|close\\s+of\\s+(?:business|play)|end\\s+of\\s+(?:the\\s+)?(?:business\\s+day|day|play))\\s+(?:on\\s+)?(?:tomorrow|tomorow|tommorow|tommorrow|tmrw|tmr|2moro))|(today|todya|tday|tonight|this\\s+(?:morning|afternoon|arvo|evening)|later\\s+today|end\\s+of\\s+(?:the\\s+)?(?:day|play)|eod|eop|cob|close\\s+of\\s+(?:business|play)(?:\\s+today)?)|(tomorrow|tomorow|tommorow|tommorrow|tmrw|tmr|2moro)(?:\\s+(?:morning|afternoon|arvo))?|(yesterday|yday|last\\s+night))${E}`,
    (m, ctx) => {
      if (m[1]) return { tense: 'future', resolve: () => day(addDays(ctx.today, 2)) };
      if (m[2]) return { tense: 'past', resolve: () => day(addDays(ctx.today, -2)) };
      // "close of business tomorrow": tomorrow (tried before "close of business" alone, which is today)
      if (m[3]) return { tense: 'future', resolve: () => day(addDays(ctx.today, 1)) };
      if (m[4]) return { tense: 'either', resolve: () => day(ctx.today) };
      if (m[5]) return { tense: 'future', resolve: () => day(addDays(ctx.today, 1)) };
      return { tense: 'past', resolve: () => day(addDays(ctx.today, -1)) };
    },
  ),
  // Friday, this Friday, next Friday, last Tuesday, Friday week, the Friday after next, Tuesday next week,
  // close of play Friday. Not "every Friday" or "each Monday": a schedule, not a date.
  scan(
    `${B}(?<!\\b(?:every|each)\\s+)(?:(?:cob|cop|eod|eop|close\\s+of\\s+(?:business|play)|end\\s+of\\s+(?:the\\s+)?(?:day|play))\\s+(?:on\\s+)?)?(?:(this|next|last|coming|following|the)\\s+)?${WEEKDAY}(?:\\s+(week|fortnight|after\\s+next|(?:of\\s+)?next\\s+week))?${E}`,
    (m, ctx) => {
      const lead = m.input.slice(Math.max(0, m.index - 12), m.index);
      // After a paying verb a weekday abbreviation is a day too ("will pay fri"), but not sat/sun ("it sat").
      const afterVerb =
        /^(?:mon|tue|tues|wed|weds|thu|thur|thurs|fri)$/i.test(m[2] ?? '') &&
        /(?:^|[^\p{L}])(?:pay|paid|send|sent|transfer|transferred|it|out|through|done|sorted)\s+$/iu.test(
          lead,
        );
      const wd = weekdayOfWord(
        m[2],
        Boolean(m[1] && m[1].toLowerCase() !== 'the') || WEEKDAY_LEAD.test(lead) || afterVerb,
      );
      if (wd === null) return null;
      const pre = m[1]?.toLowerCase();
      const post = m[3]?.toLowerCase().replace(/\s+/g, ' ').replace(/^of /, '');
      // "Friday fortnight": two weeks after this Friday
      if (post === 'fortnight')
        return { tense: 'future', resolve: () => day(addDays(nextWeekday(ctx.today, wd), 14)) };
      const modifier: WeekdayModifier =
        post === 'week'
          ? 'week'
          : post === 'after next'
            ? 'after-next'
            : post === 'next week' && !pre
              ? 'next-week'
              : pre === 'next'
                ? 'next'
                : pre === 'last'
                  ? 'last'
                  : pre === 'this' || pre === 'coming'
                    ? 'this'
                    : pre === 'following'
                      ? 'week'
                      : 'bare';
      const tense: Tense =
        modifier === 'last' ? 'past' : modifier === 'bare' || modifier === 'this' ? 'either' : 'future';
      return { tense, resolve: (dir) => resolveWeekday(ctx, wd, modifier, dir) };
    },
  ),
  // a week on Friday, a week from Monday
  scan(`${B}a\\s+week\\s+(?:on|from)\\s+${WEEKDAY}${E}`, (m, ctx) => {
    const wd = weekdayOfWord(m[1]);
    if (wd === null) return null;
    return { tense: 'future', resolve: () => resolveWeekday(ctx, wd, 'week', 'future') };
  }),
  // this week, next week('s run), early next week, end of the week, later this week, the week after next
  scan(
    `${B}(?:(early|earlier|late|later|mid|middle\\s+of|(?:the\\s+)?(?:end|start|beginning)\\s+of)[\\s-]+(?:in\\s+)?)?(this|next|the\\s+following|following|last|the|the\\s+week\\s+after)\\s+week(?:'s|’s|s)?(?:\\s+after\\s+next)?${E}`,
    (m, ctx) => {
      const partWord = m[1]?.toLowerCase().replace(/^the\s+/, '') ?? '';
      const whichWord = (m[2] ?? '').toLowerCase().replace(/\s+/g, ' ');
      const afterNext = /after next$/i.test(m[0]) || whichWord === 'the week after';
      const which = afterNext
        ? 'after-next'
        : whichWord === 'next' || whichWord.endsWith('following')
          ? 'next'
          : whichWord === 'last'
            ? 'last'
            : 'this';
      if (whichWord === 'the' && !partWord) return null; // "the week" alone says nothing
      const part: WeekPart = partWord.startsWith('early')
        ? 'early'
        : partWord.startsWith('mid')
          ? 'mid'
          : partWord.startsWith('late')
            ? 'late'
            : partWord.startsWith('end')
              ? 'end'
              : partWord.startsWith('start') || partWord.startsWith('beginning')
                ? 'start'
                : 'whole';
      return {
        tense: which === 'last' ? 'past' : which === 'this' ? 'either' : 'future',
        resolve: () => weekRange(ctx, which, part),
      };
    },
  ),
  // end of week, EOW, end of the working week: its Friday (the coming one at the weekend)
  scan(`${B}(?:eow|eotw|end\\s+of\\s+(?:the\\s+)?(?:working\\s+|work\\s+)?(?:week|wk))${E}`, (_m, ctx) => ({
    tense: 'either',
    resolve: () => weekRange(ctx, 'this', 'end'),
  })),
  // the weekend, this weekend, over the weekend: its Saturday and Sunday ("by the weekend", "before the
  // weekend": its Friday, the end of the working week); next weekend: the one after
  // ("for the weekend", "have a good weekend" say when someone is away, not when money moves)
  scan(`${B}(?:(this|next|the|this\\s+coming|the\\s+coming)\\s+)weekend${E}`, (m, ctx) => {
    const which = (m[1] ?? '').toLowerCase();
    const lead = m.input.slice(Math.max(0, m.index - 12), m.index);
    if (/^the/.test(which) && !/\b(?:by|before|over|at|on|during|after|until|till)\s+$/i.test(lead))
      return null;
    const deadline = /\b(?:by|before)\s+$/i.test(lead);
    const sunday = weekdayOf(ctx.today) === 7;
    // At the weekend "this weekend" is the one under way; on a Sunday it ends today.
    const saturday = addDays(mondayOf(ctx.today), 5 + (which === 'next' ? 7 : 0));
    const sat = sunday && which !== 'next' ? addDays(ctx.today, -1) : saturday;
    return {
      tense: 'future',
      resolve: () =>
        deadline ? day(maxIso(addDays(sat, -1), ctx.today)) : range(maxIso(sat, ctx.today), addDays(sat, 1)),
    };
  }),
  // the next few days, the coming days (without "in" or "within", which the duration rule reads)
  scan(`${B}(?:the\\s+)?(?:next|coming)\\s+(?:(few|couple(?:\\s+of)?)\\s+)?days${E}`, (m, ctx) => ({
    tense: 'future',
    resolve: () => range(ctx.today, addDays(ctx.today, m[1] ? (/few/i.test(m[1]) ? 3 : 2) : 5)),
  })),
  // on the first, by the fifteenth, the twentieth of next month, the first of April: ordinals in words, only
  // where they cannot be "the first invoice" (after a preposition with nothing after them, or "of" a month)
  scan(
    `${B}(?:(?<=${B}(?:on|by|before|after|until|till|from)\\s+)the\\s+(${ORDINAL_DAY})(?:\\s+of\\s+(this|next|the)\\s+month)?(?![\\s-]*\\p{L})|(?:the\\s+)?(${ORDINAL_DAY})\\s+of\\s+(?:(this|next|the)\\s+month|${MONTH_AFTER_PART}))${E}`,
    (m, ctx) => {
      const n = ORDINAL_DAYS[(m[1] ?? m[3] ?? '').toLowerCase().replace(/[\s-]+/g, ' ')];
      if (!n) return null;
      const which = (m[2] ?? m[4])?.toLowerCase();
      const month = monthOf(m[5]);
      const t = ymd(ctx.today);
      if (month !== null)
        return { tense: 'either', resolve: (dir) => resolveMonthDay(ctx, month, n, null, null, dir) };
      if (which === 'next') return { tense: 'future', resolve: () => day(dayInMonth(t.y, t.m + 1, n)) };
      if (which === 'this') return { tense: 'either', resolve: () => day(dayInMonth(t.y, t.m, n)) };
      return { tense: 'either', resolve: (dir) => resolveDayOfMonth(ctx, n, dir) };
    },
  ),
  // a week today, two weeks tomorrow (British): that many weeks after today or tomorrow
  scan(`${B}${NUM}\\s+weeks?\\s+(today|tomorrow)${E}`, (m, ctx) => {
    const n = numberOf(m[1]);
    if (n === null || n > 12) return null;
    const from = /tomorrow/i.test(m[2] ?? '') ? addDays(ctx.today, 1) : ctx.today;
    return { tense: 'future', resolve: () => day(addDays(from, 7 * n)) };
  }),
  // within the month, during the week, in the week: by the end of this month or this working week
  scan(`${B}(?:within|during|inside)\\s+(?:the|this)\\s+(week|month)${E}`, (m, ctx) => ({
    tense: 'future',
    resolve: () =>
      /week/i.test(m[1] ?? '')
        ? range(ctx.today, maxIso(weekRange(ctx, 'this', 'end').latest, ctx.today))
        : range(ctx.today, endOfMonth(ctx.today)),
  })),
  // the end of the quarter, end of Q2, quarter-end: the last days of the calendar quarter's last month
  scan(
    `${B}(?:(?:the\\s+)?end\\s+of\\s+(?:the\\s+|this\\s+)?(?:quarter|q([1-4]))|quarter[\\s-]end|eoq)${E}`,
    (m, ctx) => {
      const t = ymd(ctx.today);
      const q = m[1] ? Number(m[1]) : Math.ceil(t.m / 3);
      const year = q * 3 < t.m ? t.y + 1 : t.y;
      const first = firstOfMonth(year, q * 3);
      return { tense: 'future', resolve: (dir) => monthPart(ctx, first, 'end', dir) };
    },
  ),
  // the end of the financial year, EOFY: 30 June in Australia, 31 March in New Zealand (elsewhere it varies by
  // company, so no date)
  scan(
    `${B}(?:(?:the\\s+)?end\\s+of\\s+(?:the\\s+|this\\s+|our\\s+)?(?:financial|fiscal|tax)\\s+year|eofy)${E}`,
    (_m, ctx) => {
      const month = ctx.yearEndMonth;
      if (!month) return null;
      const t = ymd(ctx.today);
      const first = firstOfMonth(month >= t.m ? t.y : t.y + 1, month);
      return { tense: 'future', resolve: (dir) => monthPart(ctx, first, 'end', dir) };
    },
  ),
  // the week after next (the whole week; "the week after next" names no day in it); "early the week after"
  // (said after "next week … or"): a part of that week
  scan(
    `${B}(?:(early|earlier|late|later|mid|middle\\s+of|(?:the\\s+)?(?:end|start|beginning)\\s+of)[\\s-]+(?:in\\s+)?)?(?:the\\s+)?week\\s+after(?:\\s+next|\\s+that)?(?![\\s-]+(?:the\\s+|that\\s+|we\\b|you\\b|I\\b|our\\b|\\d))${E}`,
    (m, ctx) => {
      const w = (m[1] ?? '').toLowerCase().replace(/^the\s+/, '');
      const part: WeekPart = w.startsWith('early')
        ? 'early'
        : w.startsWith('mid')
          ? 'mid'
          : w.startsWith('late')
            ? 'late'
            : w.startsWith('end')
              ? 'end'
              : w
                ? 'start'
                : 'whole';
      return { tense: 'future', resolve: () => weekRange(ctx, 'after-next', part) };
    },
  ),
  // a fortnight on Friday, fortnight Friday: two weeks after this Friday
  scan(`${B}(?:a\\s+)?fortnight\\s+(?:on\\s+|from\\s+)?${WEEKDAY}${E}`, (m, ctx) => {
    const wd = weekdayOfWord(m[1]);
    if (wd === null) return null;
    return { tense: 'future', resolve: () => day(addDays(nextWeekday(ctx.today, wd), 14)) };
  }),
  // the last business day of the month, the first working day of next month / of April
  scan(
    `${B}(?:the\\s+)?(first|last|final)\\s+(?:business|working|banking|week)\\s*day\\s+(?:of|in)\\s+(?:(next|this|the)\\s+month|${MONTH_AFTER_PART}(?:\\s+(\\d{4}))?)${E}`,
    (m, ctx) => {
      const first = (m[1] ?? '').toLowerCase() === 'first';
      const rel = m[2]?.toLowerCase();
      const month = monthOf(m[3]);
      const year = m[4] ? Number(m[4]) : null;
      const pick = (start: IsoDate) => {
        let d = first ? start : endOfMonth(start);
        while (weekdayOf(d) > 5) d = addDays(d, first ? 1 : -1);
        return d;
      };
      return {
        tense: 'either',
        resolve: (dir) => {
          const start = namedMonthStart(ctx, rel, month, year, dir);
          if (!start) return null;
          const d = pick(start);
          // "the last business day of the month" said after it: next month's
          if (dir === 'future' && d < ctx.today && rel && rel !== 'next') {
            const t = ymd(ctx.today);
            return day(pick(firstOfMonth(t.y, t.m + 1)));
          }
          return day(d);
        },
      };
    },
  ),
  // the new year, after New Year, early in the new year, the first week of the new year; Christmas, Xmas:
  // the coming 1 January (this year's, said in its first days) and the coming 25 December
  scan(
    `${B}(?:(early|earlier|late|mid|middle|start|beginning|first\\s+week|first\\s+couple\\s+of\\s+weeks|first\\s+few\\s+weeks)\\s+(?:of\\s+|in\\s+)?)?(in\\s+)?(?:the\\s+)?(new\\s+year(?:'s|’s|s)?(?:\\s+(?:day|break|holidays?))?|christmas(?:\\s+(?:day|eve))?|xmas|boxing\\s+day)${E}`,
    (m, ctx) => {
      const t = ymd(ctx.today);
      const partWord = (m[1] ?? '').toLowerCase();
      const inWord = Boolean(m[2]);
      const what = (m[3] ?? '').toLowerCase();
      // A holiday alone is a date only after a word that makes it one ("before Christmas", "after New Year"),
      // not "closed for Christmas", "Happy New Year".
      const lead = m.input.slice(Math.max(0, m.index - 16), m.index);
      if (
        !partWord &&
        !inWord &&
        !/\b(?:by|before|after|until|till|over|around|at|on|from|since|post|pre|straight\s+after|just\s+after)\s+$/i.test(
          lead,
        )
      )
        return null;
      if (/^(?:christmas|xmas|boxing)/.test(what)) {
        const d =
          exactDate(t.y, 12, what.startsWith('boxing') ? 26 : /eve$/.test(what) ? 24 : 25) ?? ctx.today;
        return { tense: 'either', resolve: () => day(d) };
      }
      // The coming 1 January; in the first fortnight of January, that January.
      const jan1 = t.m === 1 && t.d <= 15 ? firstOfMonth(t.y, 1) : firstOfMonth(t.y + 1, 1);
      const week = range(jan1, addDays(jan1, 6));
      const fortnight = range(jan1, addDays(jan1, 14));
      return {
        tense: 'future',
        resolve: () =>
          partWord.startsWith('first week')
            ? week
            : partWord || inWord
              ? // "early in the new year", "in the new year": the first half of January
                partWord.startsWith('mid') || partWord.startsWith('late')
                ? monthPart(ctx, jan1, partWord.startsWith('mid') ? 'mid' : 'late', 'future')
                : fortnight
              : day(jan1),
      };
    },
  ),
  // later in the week
  scan(`${B}later\\s+in\\s+the\\s+week${E}`, (_m, ctx) => ({
    tense: 'future',
    resolve: () => weekRange(ctx, 'this', 'late'),
  })),
  // end of (the|this|next) month, month end, EOM, early next month, mid-month, later this month, next month
  scan(
    `${B}(?:(early|late|later|mid|middle\\s+of|(?:the\\s+)?(?:end|start|beginning)\\s+of)[\\s-]+(?:in\\s+)?)?(this|next|the\\s+following|following|last|the)\\s+month(?:'s|’s)?${E}|${B}(month(?:'s|’s|s)?[\\s-]?end|end\\s+of\\s+month|eom|mid[\\s-]?month)${E}`,
    (m, ctx) => {
      const t = ymd(ctx.today);
      const partWord = m[1]?.toLowerCase().replace(/^the\s+/, '') ?? '';
      const standalone = m[3]?.toLowerCase();
      // "60 days EOM", "EOM + 20", "on EOM terms": payment terms, not a date
      if (
        standalone &&
        (/\bdays?\s*(?:from\s+|after\s+)?$/i.test(m.input.slice(Math.max(0, m.index - 12), m.index)) ||
          /^\s*(?:\+|plus\b|terms\b)/i.test(m.input.slice(m.index + m[0].length)))
      )
        return null;
      const whichWord = (m[2] ?? 'this').toLowerCase();
      if (whichWord === 'the' && !partWord) return null;
      const which =
        whichWord.endsWith('next') || whichWord.endsWith('following') ? 1 : whichWord === 'last' ? -1 : 0;
      const part: MonthPart = standalone
        ? standalone.startsWith('mid')
          ? 'mid'
          : 'end'
        : partWord.startsWith('early') || partWord.startsWith('start') || partWord.startsWith('beginning')
          ? 'early'
          : partWord.startsWith('mid')
            ? 'mid'
            : partWord === 'later' && which === 0
              ? 'later'
              : partWord.startsWith('late')
                ? 'late'
                : partWord.startsWith('end')
                  ? 'end'
                  : 'whole';
      const first = firstOfMonth(t.y, t.m + which);
      // "mid-month", "the start of the month" said after that part of this month is over: next month's (a
      // month the customer did not name, so "this month" keeps its own).
      const rolls = which === 0 && (Boolean(standalone) || whichWord === 'the');
      return {
        tense: which < 0 ? 'past' : which > 0 ? 'future' : 'either',
        resolve: (dir) => {
          const r = monthPart(ctx, first, part, dir);
          return rolls && dir === 'future' && r.latest < ctx.today
            ? monthPart(ctx, firstOfMonth(t.y, t.m + 1), part, dir)
            : r;
        },
      };
    },
  ),
  // the first Tuesday of April / of next month; the last Friday of the month
  scan(
    `${B}(?:the\\s+)?(first|second|third|fourth|last|final|1st|2nd|3rd|4th)\\s+${WEEKDAY}\\s+(?:of|in)\\s+(?:(next|this|the)\\s+month|${MONTH_FULL}(?:\\s+(\\d{4}))?)${E}`,
    (m, ctx) => {
      const nth = ORDINAL_WORDS[(m[1] ?? '').toLowerCase()];
      const wd = weekdayOfWord(m[2]);
      if (nth === undefined || wd === null) return null;
      const rel = m[3]?.toLowerCase();
      const month = monthOf(m[4]);
      const year = m[5] ? Number(m[5]) : null;
      return {
        tense: 'either',
        resolve: (dir) => {
          const first = namedMonthStart(ctx, rel, month, year, dir);
          return first ? day(nthWeekdayOfMonth(first, wd, nth)) : null;
        },
      };
    },
  ),
  // the first week of January, the last week of June, first week of next month
  scan(
    `${B}(?:the\\s+)?(first|second|third|last|final|1st|2nd|3rd)\\s+week\\s+(?:of|in)\\s+(?:(next|this|the)\\s+month|${MONTH_AFTER_PART}(?:\\s+(\\d{4}))?)${E}`,
    (m, ctx) => {
      const nth = ORDINAL_WORDS[(m[1] ?? '').toLowerCase()];
      if (nth === undefined) return null;
      const rel = m[2]?.toLowerCase();
      const month = monthOf(m[3]);
      const year = m[4] ? Number(m[4]) : null;
      return {
        tense: 'either',
        resolve: (dir) => {
          const first = namedMonthStart(ctx, rel, month, year, dir);
          if (!first) return null;
          if (nth === -1) return range(addDays(endOfMonth(first), -6), endOfMonth(first));
          return range(addDays(first, 7 * (nth - 1)), addDays(first, 7 * nth - 1));
        },
      };
    },
  ),
  // end of April, mid-June, early July, late May, the beginning of August
  scan(
    `${B}(early|late|mid|middle\\s+of|(?:the\\s+)?(?:end|start|beginning)\\s+of)[\\s-]+${MONTH_AFTER_PART}(?:\\s+(\\d{4}))?${E}`,
    (m, ctx) => {
      const month = monthOf(m[2]);
      if (month === null) return null;
      const w = (m[1] ?? '').toLowerCase().replace(/^the\s+/, '');
      const part: MonthPart =
        w.startsWith('early') || w.startsWith('start') || w.startsWith('beginning')
          ? 'early'
          : w.startsWith('mid')
            ? 'mid'
            : w.startsWith('late')
              ? 'late'
              : 'end';
      const year = m[3] ? Number(m[3]) : null;
      return {
        tense: 'either',
        resolve: (dir) => monthPart(ctx, monthStart(ctx, month, year, dir), part, dir),
      };
    },
  ),
  // in April, by June, starting April, from September: a whole month (not "may", which is also a verb; "May",
  // capitalised, is the month)
  scan(
    `(?<=${B}(?:in|from|by|until|till|starting|before|after|during|since|over)\\s+)${MONTH_AFTER_PART}(?:\\s+(\\d{4}))?(?!\\s*\\d)${E}`,
    (m, ctx) => {
      const word = (m[1] ?? '').toLowerCase();
      if (AMBIGUOUS_MONTH_WORDS.has(word) && !/^\p{Lu}/u.test(m[1] ?? '')) return null;
      const month = monthOf(m[1]);
      if (month === null) return null;
      const year = m[2] ? Number(m[2]) : null;
      return {
        tense: 'either',
        resolve: (dir) => monthPart(ctx, monthStart(ctx, month, year, dir), 'whole', dir),
      };
    },
  ),
  // in two weeks, in a fortnight, within 10 business days, in the next 2-3 days, over the next month;
  // "in a fortnight or so", "in about three weeks": from that day to a few days after (people run late, not early)
  scan(
    `${B}(within|in|over)\\s+(?:the\\s+)?(next\\s+)?(?:(about|around|approximately|approx\\.?|roughly|maybe|perhaps)\\s+)?(?:${NUM}(?:\\s*(?:-|–|to|or)\\s*${NUM})?\\s+)?(business\\s+|working\\s+|calendar\\s+|bank\\s+)?(days?|weeks?|fortnights?|months?|hours?|hrs?)(?:\\s+or\\s+(two|three|four|\\d{1,2}))?(?:'s|’s|')?(?:\\s+time)?(\\s+or\\s+so|[\\s-]?ish)?${E}`,
    (m, ctx) => {
      const [, kindWord, nextWord, about, fromWord, toWord, businessWord, rawUnit, orWord, orSo] = m;
      const approx = Boolean(about || orSo);
      const kind = (kindWord ?? '').toLowerCase();
      // Hours are days begun: "within 48 hours" is within two days.
      const hours = /^h/i.test(rawUnit ?? '');
      const inDays = (n: number | null) => (n === null ? null : hours ? Math.max(1, Math.ceil(n / 24)) : n);
      const unitWord = hours ? 'days' : rawUnit;
      const nFrom = inDays(fromWord ? numberOf(fromWord) : 1);
      // "a day or two", "a week or two": up to the second number
      const nTo = orWord ? inDays(numberOf(orWord)) : toWord ? inDays(numberOf(toWord)) : nFrom;
      if (nFrom === null || nTo === null || nTo > 400) return null;
      // Without a number only "(with)in the next week" is a duration: "in the week", "in next week's run" are not.
      if (!fromWord && !/fortnight/i.test(unitWord ?? '') && !/\bthe\s+next\b/i.test(m[0])) return null;
      const unit = (unitWord ?? '').toLowerCase();
      const business = Boolean(businessWord?.trim().match(/business|working|bank/i));
      const shift = (n: number): IsoDate =>
        unit.startsWith('day')
          ? business
            ? addBusinessDays(ctx.today, n)
            : addDays(ctx.today, n)
          : unit.startsWith('week')
            ? addDays(ctx.today, 7 * n)
            : unit.startsWith('fortnight')
              ? addDays(ctx.today, 14 * n)
              : addMonths(ctx.today, n);
      const within = kind !== 'in' || Boolean(nextWord);
      const slack = unit.startsWith('day') ? 1 : unit.startsWith('month') ? 7 : 3;
      return {
        tense: 'future',
        resolve: () =>
          within
            ? range(ctx.today, shift(nTo))
            : range(shift(nFrom), approx ? addDays(shift(nTo), slack) : shift(nTo)),
      };
    },
  ),
  // ETA 3-5 business days, allow 2 working days, expect it within... : a duration named without "in"
  scan(
    `(?<=${B}(?:eta|etd|allow|allowing|takes?|taking|expect(?:ed)?|arrive|arriving|land|landing|usually|normally|typically)\\s*:?\\s+(?:about\\s+|around\\s+|approx\\.?\\s+)?)${NUM}(?:\\s*(?:-|–|to|or)\\s*${NUM})?\\s+(business\\s+|working\\s+|bank\\s+)?(days?|weeks?)${E}`,
    (m, ctx) => {
      const from = numberOf(m[1]);
      const to = m[2] ? numberOf(m[2]) : from;
      if (from === null || to === null || to > 60) return null;
      const weeks = /week/i.test(m[4] ?? '');
      const shift = (n: number) =>
        weeks ? addDays(ctx.today, 7 * n) : m[3] ? addBusinessDays(ctx.today, n) : addDays(ctx.today, n);
      return { tense: 'future', resolve: () => range(shift(from), shift(to)) };
    },
  ),
  // two weeks from now, 10 days from today; 3 days ago, a week ago
  scan(
    `${B}${NUM}\\s+(business\\s+|working\\s+)?(days?|weeks?|months?)\\s+(from\\s+(?:now|today)|ago)${E}`,
    (m, ctx) => {
      const n = numberOf(m[1]);
      if (n === null || n > 400) return null;
      const unit = (m[3] ?? '').toLowerCase();
      const sign = /ago/i.test(m[4] ?? '') ? -1 : 1;
      const d = unit.startsWith('day')
        ? m[2] && sign > 0
          ? addBusinessDays(ctx.today, n)
          : addDays(ctx.today, sign * n)
        : unit.startsWith('week')
          ? addDays(ctx.today, sign * 7 * n)
          : addMonths(ctx.today, sign * n);
      return { tense: sign > 0 ? 'future' : 'past', resolve: () => day(d) };
    },
  ),
];

// ---------------------------------------------------------------------------------------------------------
// chrono-node: absolute dates in forms and languages the rules above do not list

const CHRONO_PARSERS = [chrono.en.GB, chrono.fr, chrono.de, chrono.es, chrono.nl, chrono.pt];

function chronoFinds(text: string, ctx: DateContext): Found[] {
  // The reference is the customer's local noon, given as UTC with a zero offset, so chrono's own arithmetic
  // never meets the process's time zone; only components chrono read from the text itself are used.
  const reference = { instant: new Date(`${ctx.today}T12:00:00Z`), timezone: 0 };
  const out: Found[] = [];
  for (const parser of CHRONO_PARSERS) {
    for (const r of parser.parse(text, reference)) {
      const c = r.start;
      // A date written with a month word: numeric forms are ours (their day/month order depends on the zone).
      // ("now", "today" and weekdays are read by our rules: chrono's own are in the process's zone.)
      if (!c.isCertain('day') || !c.isCertain('month') || !/\p{L}{3}/u.test(r.text) || !/\d/.test(r.text))
        continue;
      const month = c.get('month');
      const d = c.get('day');
      if (!month || !d) continue;
      const year = c.isCertain('year') ? (c.get('year') ?? null) : null;
      out.push({
        start: r.index,
        end: r.index + r.text.length,
        tense: 'either',
        resolve: (dir) => resolveMonthDay(ctx, month, d, year, null, dir),
      });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------

const RELATION_BEFORE =
  /(?:^|[^\p{L}])(by|before|after|until|untill|till|til|up\s+to|no\s+later\s+than|not\s+later\s+than|on\s+or\s+before|not\s+before|from|starting(?:\s+from)?|beginning|as\s+of|prior\s+to|ahead\s+of|on\s+or\s+after|later\s+than|par|avant|bis|hasta|antes\s+del?)\s+(?:(?:on|the|around|about|approximately|approx\.?|at\s+the\s+latest|le|el|la)\s+)*$/iu;

const NEGATED_UNTIL =
  /\b(?:can't|cant|cannot|can\s+not|won't|will\s+not|unable\s+to|not\s+able\s+to|couldn't|not\s+(?:be\s+)?(?:paying|paid))\b[^.!?\n]{0,60}$/i;

function relationOf(text: string, start: number): Relation {
  const before = text.slice(Math.max(0, start - 40), start);
  const m = RELATION_BEFORE.exec(before);
  if (!m) return 'on';
  const w = (m[1] ?? '').toLowerCase().replace(/\s+/g, ' ');
  if (['until', 'untill', 'till', 'til', 'up to', 'hasta', 'bis'].includes(w)) {
    // "we can't pay until the 20th": from the 20th, not by it.
    return NEGATED_UNTIL.test(text.slice(Math.max(0, start - 120), start)) ? 'from' : 'until';
  }
  if (['after', 'not before', 'later than', 'on or after'].includes(w)) return 'after';
  if (['before', 'prior to', 'ahead of', 'avant', 'antes de', 'antes del'].includes(w)) return 'before';
  if (w.startsWith('from') || w.startsWith('starting') || w === 'beginning' || w === 'as of') return 'from';
  return 'by';
}

/** Every date phrase in `text`, in order, none overlapping (the longest wins where two start together). */
export function findDateMentions(text: string, ctx: DateContext): DateMention[] {
  const found = [...RULES.flatMap((rule) => rule(text, ctx))];
  const ours = pickNonOverlapping(found);
  const extra = chronoFinds(text, ctx).filter((c) => !ours.some((o) => c.start < o.end && o.start < c.end));
  const all = pickNonOverlapping([...ours, ...extra]);
  return mergeRanges(
    text,
    all.map((f) => ({
      start: f.start,
      end: f.end,
      text: text.slice(f.start, f.end),
      tense: f.tense,
      relation: relationOf(text, f.start),
      resolve: f.resolve,
    })),
  );
}

function pickNonOverlapping(found: Found[]): Found[] {
  const sorted = [...found].sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Found[] = [];
  for (const f of sorted) {
    const last = out[out.length - 1];
    if (last && f.start < last.end) {
      // A longer phrase starting inside the previous one replaces it ("on Friday 13 March" over "Friday"), and
      // so does a longer one that reaches past its end ("the 15th of April" over "the 15th").
      if (f.end - f.start > last.end - last.start && (f.start === last.start || f.end > last.end)) {
        const before = out[out.length - 2];
        if (!before || f.start >= before.end) out[out.length - 1] = f;
      }
      continue;
    }
    out.push(f);
  }
  return out;
}

/** "between the 20th and the 25th", "from Monday to Wednesday": one range. */
function mergeRanges(text: string, mentions: DateMention[]): DateMention[] {
  const out: DateMention[] = [];
  for (let i = 0; i < mentions.length; i++) {
    const a = mentions[i];
    const b = mentions[i + 1];
    if (!a) continue;
    const opener = /(?:between|from)\s+(?:the\s+)?$/i.test(text.slice(Math.max(0, a.start - 15), a.start));
    const gap = b ? text.slice(a.end, b.start) : '';
    // "today or first thing tomorrow", "Thursday or Friday at the latest": either day, so the span of both.
    const either =
      /^\s*,?\s*(?:or|\/)\s+(?:(?:first\s+thing|early|latest|maybe|possibly|probably|perhaps|at\s+the\s+latest|on|the)\s+)*$/i.test(
        gap,
      );
    if (b && ((opener && /^\s*(?:and|to|-|–|until|till)\s*(?:the\s+)?$/i.test(gap)) || either)) {
      const start = a.start;
      const end = b.end;
      out.push({
        start,
        end,
        text: text.slice(start, end),
        tense:
          a.tense === b.tense
            ? a.tense
            : either && (a.tense === 'future' || b.tense === 'future')
              ? 'future'
              : 'either',
        relation: either ? a.relation : 'on',
        resolve: (dir) => {
          const ra = a.resolve(dir);
          const rb = b.resolve(dir);
          return ra && rb
            ? range(minIso(ra.earliest, rb.earliest), maxIso(ra.latest, rb.latest))
            : (ra ?? rb);
        },
      });
      i++;
      continue;
    }
    out.push(a);
  }
  return out;
}

/**
 * The window a promise gives: the phrase's own days, widened by the word in front of it.
 * - "by the 20th", "until Friday": from today to that day (paying early keeps the promise).
 * - "before the 20th": from today to the day before.
 * - "after the 20th", "after 14 May": from the day after to the end of that month. The customer named only a
 *   start; a promise needs an end to be kept or broken, and "after the 20th" is read as "later this month"
 *   (at least a week, so "after the 28th" can reach into the next month).
 * - "after Friday", "after next week": the week after it (a weekday or a week names no month).
 * - "from the 21st": that day and the six after it, for the same reason.
 */
export function promiseWindow(mention: DateMention, ctx: DateContext): DateRange | null {
  const base = mention.resolve('future');
  if (!base) return null;
  switch (mention.relation) {
    case 'by':
    case 'until':
      return range(minIso(ctx.today, base.latest), base.latest);
    case 'before': {
      const latest = maxIso(addDays(base.earliest, -1), ctx.today);
      return range(minIso(ctx.today, latest), latest);
    }
    case 'after': {
      const earliest = addDays(base.latest, 1);
      const week = addDays(earliest, 6);
      // A calendar date is written with a number ("the 20th", "14 May", "20/6"); a weekday or a week is not.
      // A calendar date runs to its month's end (fewer than three days left, or a date that ended a month:
      // a week).
      if (!/\d/.test(mention.text)) return range(earliest, week);
      const monthEnd = endOfMonth(earliest);
      return range(earliest, monthEnd < addDays(earliest, 2) || earliest.endsWith('-01') ? week : monthEnd);
    }
    case 'from':
      return range(base.earliest, addDays(base.earliest, 6));
    default:
      return base;
  }
}
