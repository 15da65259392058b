import { DateTime } from 'luxon';
import { type BusinessCalendarSpec, isBusinessDay } from './business-calendar.js';

/** Monday to Friday, no holidays: the digest calendar when the organisation's policy gives none. */
export const WEEKDAYS: BusinessCalendarSpec = { weekdays: [1, 2, 3, 4, 5], country: null, extraHolidays: [] };

/**
 * The first instant strictly after `after` at which the organisation's digest is due: `digestTime` local time
 * ('HH:MM', organisation time zone) on a business day. On a DST spring-forward day a missing local time moves
 * forward to the first valid instant (Luxon's rule), so the digest is never skipped.
 */
export function nextDigestAfter(
  org: { readonly timezone: string },
  settings: { readonly digestTime: string },
  after: Date,
  calendar: BusinessCalendarSpec = WEEKDAYS,
): Date {
  const [hour, minute] = settings.digestTime.split(':').map(Number) as [number, number];
  let day = DateTime.fromJSDate(after, { zone: org.timezone }).startOf('day');
  for (let i = 0; i < 400; i++) {
    const date = day.toISODate() as string;
    if (isBusinessDay(date, calendar)) {
      const at = day.set({ hour, minute, second: 0, millisecond: 0 });
      if (at.toMillis() > after.getTime()) return at.toJSDate();
    }
    day = day.plus({ days: 1 });
  }
  throw new RangeError('no business day within 400 days: check the calendar');
}
