import { DateTime } from 'luxon';
import type { IsoDate } from './ledger.js';

/**
 * Calendar-date maths on 'YYYY-MM-DD' strings. Xero's date-only fields are organisation-local days, so they
 * never pass through an instant: arithmetic runs on the proleptic Gregorian day number, which has no time
 * zone and no DST. Only `localDateOf` touches a zone (luxon), to turn "now" into the organisation's today.
 */

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

export function isIsoDate(value: string): value is IsoDate {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === value;
}

/** The calendar date an instant falls on in a zone: the same instant is a different day in Auckland and Pago Pago. */
export function localDateOf(instant: Date, ianaZone: string): IsoDate {
  const dt = DateTime.fromJSDate(instant, { zone: ianaZone });
  if (!dt.isValid) throw new RangeError(`unknown time zone '${ianaZone}'`);
  return dt.toISODate() as IsoDate;
}

const dayNumberCache = new Map<string, number>();

/**
 * Days since 1970-01-01 (negative before). Scoring reads 400k dates a run, so a well-formed 'YYYY-MM-DD' is
 * read digit by digit into the day count (Hinnant's days_from_civil); anything else takes Date.UTC's reading,
 * cached, as it always has (an out-of-range day rolls over the same way in both).
 */
export function dayNumber(date: IsoDate): number {
  const fast = civilDayNumber(date);
  if (!Number.isNaN(fast)) return fast;
  let n = dayNumberCache.get(date);
  if (n === undefined) {
    const m = ISO_DATE.exec(date);
    if (!m) throw new RangeError(`not a calendar date: '${date}'`);
    n = Math.round(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / MS_PER_DAY);
    if (dayNumberCache.size > 200_000) dayNumberCache.clear();
    dayNumberCache.set(date, n);
  }
  return n;
}

/** NaN unless `date` is YYYY-MM-DD with a year from 100 (Date.UTC maps 0–99 to 1900–1999), month 1–12, day 1–31. */
function civilDayNumber(date: string): number {
  if (date.length !== 10 || date.charCodeAt(4) !== 45 || date.charCodeAt(7) !== 45) return Number.NaN;
  const year = digits(date, 0, 4);
  const month = digits(date, 5, 7);
  const day = digits(date, 8, 10);
  if (!(year >= 100 && month >= 1 && month <= 12 && day >= 1 && day <= 31)) return Number.NaN;
  // Years start in March, so the leap day ends a year; the day of the month adds linearly (and rolls over).
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** The decimal number in date[from, to), or NaN if any character there is not a digit. */
function digits(date: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = date.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return Number.NaN;
    n = n * 10 + d;
  }
  return n;
}

export function fromDayNumber(n: number): IsoDate {
  return new Date(n * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return dayNumber(to) - dayNumber(from);
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return fromDayNumber(dayNumber(date) + days);
}

/** Calendar months, clamped to the month's last day (31 Mar − 1 month = 28/29 Feb), as Xero's reports do. */
export function addMonths(date: IsoDate, months: number): IsoDate {
  return DateTime.fromISO(date, { zone: 'UTC' }).plus({ months }).toISODate() as IsoDate;
}

export function endOfMonth(date: IsoDate): IsoDate {
  return DateTime.fromISO(date, { zone: 'UTC' }).endOf('month').toISODate() as IsoDate;
}

export function isMonthEnd(date: IsoDate): boolean {
  return endOfMonth(date) === date;
}

/** Every month end d with from ≤ d ≤ to, in order. */
export function monthEndsBetween(from: IsoDate, to: IsoDate): IsoDate[] {
  const out: IsoDate[] = [];
  let d = endOfMonth(from);
  while (d <= to) {
    out.push(d);
    d = endOfMonth(addDays(d, 1));
  }
  return out;
}

export function maxDate(a: IsoDate, b: IsoDate): IsoDate {
  return a >= b ? a : b;
}

export function minDate(a: IsoDate, b: IsoDate): IsoDate {
  return a <= b ? a : b;
}
