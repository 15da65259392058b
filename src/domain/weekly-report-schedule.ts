import { DateTime } from 'luxon';

/**
 * The weekly report (#19 part 2): due once a week on the organisation's `weeklyReportDay` (ISO weekday, Monday = 1)
 * at `weeklyReportTime` ('HH:MM'), both in its time zone. Pure. A local time that does not exist on a spring-forward
 * day moves forward to the first valid instant (Luxon's rule), as the digest's does, so a week is never skipped.
 */
export interface WeeklyReportSchedule {
  readonly weeklyReportDay: number;
  readonly weeklyReportTime: string;
}

function slotInWeekOf(local: DateTime, s: WeeklyReportSchedule): DateTime {
  const [hour, minute] = s.weeklyReportTime.split(':').map(Number) as [number, number];
  return local
    .startOf('day')
    .plus({ days: s.weeklyReportDay - local.weekday })
    .set({ hour, minute, second: 0, millisecond: 0 });
}

function localOf(at: Date, zone: string): DateTime {
  const local = DateTime.fromJSDate(at, { zone });
  return local.isValid ? local : DateTime.fromJSDate(at, { zone: 'UTC' });
}

/** The first instant strictly after `after` at which the weekly report is due. */
export function nextWeeklyReportAfter(
  org: { readonly timezone: string },
  s: WeeklyReportSchedule,
  after: Date,
): Date {
  const local = localOf(after, org.timezone);
  const slot = slotInWeekOf(local, s);
  if (slot.toMillis() > after.getTime()) return slot.toJSDate();
  return slotInWeekOf(local.startOf('day').plus({ weeks: 1 }), s).toJSDate();
}

/** This ISO week's slot (in the organisation's zone), which may still be ahead of `at`. */
export function weeklyReportSlotOfWeek(
  org: { readonly timezone: string },
  s: WeeklyReportSchedule,
  at: Date,
): Date {
  return slotInWeekOf(localOf(at, org.timezone), s).toJSDate();
}

/** The ISO week of `at` in the organisation's zone, e.g. '2026-W48': a weekly report's key. */
export function isoWeekOf(org: { readonly timezone: string }, at: Date): string {
  return localOf(at, org.timezone).toFormat("kkkk-'W'WW");
}
