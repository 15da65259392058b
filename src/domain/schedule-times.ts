import { DateTime } from 'luxon';

/**
 * When recurring work is next due. Pure: `after` comes in, an instant goes out. Local times are computed in
 * the organisation's IANA zone, so "04:00" stays 04:00 across daylight-saving changes.
 */

/** The next multiple of `minutes` past the hour (UTC-aligned; every real zone offset is a multiple of 15). */
export function nextIntervalBoundary(after: Date, minutes: number): Date {
  const step = minutes * 60_000;
  return new Date((Math.floor(after.getTime() / step) + 1) * step);
}

/**
 * The next hh:mm local in `zone` strictly after `after`. Avoid 01:00–03:00: on a spring-forward day those local
 * times do not exist (luxon moves them forward an hour, but a job meant "once at 02:30" would shift).
 */
export function nextLocalTime(after: Date, zone: string, hour: number, minute = 0): Date {
  let local = DateTime.fromJSDate(after, { zone });
  if (!local.isValid) local = DateTime.fromJSDate(after, { zone: 'UTC' });
  let candidate = local.set({ hour, minute, second: 0, millisecond: 0 });
  if (candidate.toMillis() <= after.getTime()) {
    candidate = local.plus({ days: 1 }).set({ hour, minute, second: 0, millisecond: 0 });
  }
  return candidate.toJSDate();
}
