import Holidays from 'date-holidays';
import { DateTime } from 'luxon';
import { addDays, daysBetween } from './calendar.js';
import type { IsoDate } from './ledger.js';

/**
 * Which days a reminder may go out: the send window's weekdays, minus the country's public holidays and the
 * organisation's own closed days. Nobody wants a chase on Christmas or a Saturday ("spend the escalation
 * ladder before anyone sees it", peers.md §5.9).
 */
export interface BusinessCalendarSpec {
  /** ISO weekdays (1 = Monday … 7 = Sunday) on which sending is allowed. */
  readonly weekdays: readonly number[];
  /** date-holidays country code (ISO 3166-1 alpha-2), e.g. 'NZ'; null → no public holidays. */
  readonly country: string | null;
  /** Optional state/region code (e.g. 'AUK' for Auckland anniversary day). */
  readonly region?: string | null;
  /** The organisation's own closed days. */
  readonly extraHolidays: readonly IsoDate[];
}

const holidayCache = new Map<string, Map<number, Map<IsoDate, string>>>();

/** Public and bank holidays of one year, by local date. */
function holidaysOf(country: string, region: string | null | undefined, year: number): Map<IsoDate, string> {
  const key = `${country}/${region ?? ''}`;
  let byYear = holidayCache.get(key);
  if (!byYear) {
    byYear = new Map();
    holidayCache.set(key, byYear);
  }
  let days = byYear.get(year);
  if (!days) {
    days = new Map();
    const hd = region ? new Holidays(country, region) : new Holidays(country);
    for (const h of hd.getHolidays(year) || []) {
      if (h.type === 'public' || h.type === 'bank') days.set(h.date.slice(0, 10), h.name);
    }
    byYear.set(year, days);
  }
  return days;
}

export function isKnownHolidayCountry(country: string): boolean {
  try {
    return Object.hasOwn(new Holidays().getCountries(), country.toUpperCase());
  } catch {
    return false;
  }
}

export function weekdayOf(date: IsoDate): number {
  return DateTime.fromISO(date, { zone: 'utc' }).weekday;
}

export type DayClosure = { readonly open: true } | { readonly open: false; readonly reason: string };

export function businessDayStatus(date: IsoDate, spec: BusinessCalendarSpec): DayClosure {
  if (!spec.weekdays.includes(weekdayOf(date))) {
    return { open: false, reason: `${DateTime.fromISO(date).toFormat('cccc')} is outside the send window` };
  }
  if (spec.extraHolidays.includes(date)) return { open: false, reason: `${date} is an organisation holiday` };
  if (spec.country) {
    const name = holidaysOf(spec.country, spec.region, Number(date.slice(0, 4))).get(date);
    if (name) return { open: false, reason: `${date} is a public holiday (${name})` };
  }
  return { open: true };
}

export function isBusinessDay(date: IsoDate, spec: BusinessCalendarSpec): boolean {
  return businessDayStatus(date, spec).open;
}

/** The first business day on or after `date` (searches a year ahead, then gives up with the input). */
export function nextBusinessDay(date: IsoDate, spec: BusinessCalendarSpec, inclusive = true): IsoDate {
  let d = inclusive ? date : addDays(date, 1);
  for (let i = 0; i < 366; i++) {
    if (isBusinessDay(d, spec)) return d;
    d = addDays(d, 1);
  }
  return date;
}

/** Business days strictly after `from` up to and including `to`. */
export function businessDaysBetween(from: IsoDate, to: IsoDate, spec: BusinessCalendarSpec): number {
  let n = 0;
  for (let d = addDays(from, 1); d <= to; d = addDays(d, 1)) if (isBusinessDay(d, spec)) n++;
  return n;
}

/** The `n`th business day after `date` (n = 0: `date` itself). A grace of "2 business days" from a Friday ends on Tuesday. */
export function addBusinessDays(date: IsoDate, n: number, spec: BusinessCalendarSpec): IsoDate {
  let d = date;
  for (let left = n; left > 0; ) {
    d = addDays(d, 1);
    if (isBusinessDay(d, spec)) left--;
    // A calendar with no business day at all (every weekday closed) must not spin forever.
    if (daysBetween(date, d) > 366 * 2) return d;
  }
  return d;
}
