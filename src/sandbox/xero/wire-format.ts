/**
 * Xero's wire conventions, shared by every sandbox response: .NET "MS JSON" dates and amounts held as integer
 * cents inside the sandbox (so sums stay exact) but sent as JSON numbers, as Xero does.
 */

/** A calendar day, 'YYYY-MM-DD' (Xero date-only fields are organisation-local calendar dates). */
export type Day = string;

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

const msCache = new Map<Day, number>();

export function dayToUtcMs(day: Day): number {
  const cached = msCache.get(day);
  if (cached !== undefined) return cached;
  const m = DAY_RE.exec(day);
  if (!m) throw new Error(`not a YYYY-MM-DD day: ${day}`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (msCache.size < 200_000) msCache.set(day, ms);
  return ms;
}

const dayCache = new Map<number, Day>();

/** Day strings are interned: a large ledger has hundreds of distinct days but hundreds of thousands of dates. */
export function utcMsToDay(ms: number): Day {
  const midnight = Math.floor(ms / 86_400_000) * 86_400_000;
  let day = dayCache.get(midnight);
  if (day === undefined) {
    day = new Date(midnight).toISOString().slice(0, 10);
    if (dayCache.size < 200_000) dayCache.set(midnight, day);
  }
  return day;
}

export function addDays(day: Day, days: number): Day {
  return utcMsToDay(dayToUtcMs(day) + days * 86_400_000);
}

export function daysBetween(from: Day, to: Day): number {
  return Math.round((dayToUtcMs(to) - dayToUtcMs(from)) / 86_400_000);
}

/** Date-only fields: the organisation-local calendar date at 00:00 UTC, e.g. "/Date(1539993600000+0000)/". */
export function msDate(day: Day): string {
  return `/Date(${dayToUtcMs(day)}+0000)/`;
}

/** Timestamps such as UpdatedDateUTC. */
export function msDateTime(ms: number): string {
  return `/Date(${ms}+0000)/`;
}

/** The ISO helper Xero sends beside some dates (DateString, UpdatedDateUTCString). */
export function isoDateString(day: Day): string {
  return `${day}T00:00:00`;
}

export function isoDateTimeString(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Parses '12.3', '12.30', 12.3 into 1230 cents without float drift; rejects more than 2 decimals. */
export function toCents(amount: string | number): number {
  const text = typeof amount === 'number' ? amount.toFixed(2) : amount.trim();
  const m = /^(-)?(\d+)(?:\.(\d{1,2}))?$/.exec(text);
  if (!m) throw new Error(`not a money amount with at most 2 decimals: ${amount}`);
  const cents = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  return m[1] ? -cents : cents;
}

/** Cents to the JSON number Xero sends (a double with at most two decimals). */
export function centsToAmount(cents: number): number {
  // For whole cents the quotient is already the double nearest the decimal amount, the same double that
  // parsing "12.34" gives: rounding through a string again changes nothing and cost a page 10% of its time.
  if (Number.isSafeInteger(cents)) return cents / 100;
  return Number((cents / 100).toFixed(2));
}

/** Cents to a decimal string, for test helpers that compare exact figures. */
export function centsToDecimal(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** The later of two days ('YYYY-MM-DD' strings compare in calendar order). */
export function laterDay(a: Day, b: Day): Day {
  return a > b ? a : b;
}

export function earlierDay(a: Day, b: Day): Day {
  return a < b ? a : b;
}
