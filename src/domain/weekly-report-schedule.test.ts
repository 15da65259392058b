import { describe, expect, it } from 'vitest';
import { isoWeekOf, nextWeeklyReportAfter, weeklyReportSlotOfWeek } from './weekly-report-schedule.js';

const AKL = { timezone: 'Pacific/Auckland' };
const MONDAY_9 = { weeklyReportDay: 1, weeklyReportTime: '09:00' };

describe('nextWeeklyReportAfter', () => {
  it('Monday 09:00 in Auckland across the spring-forward change (27 Sep 2026): 09:00 local both weeks', () => {
    // Monday 21 Sep 09:00 NZST (UTC+12) = 20 Sep 21:00Z.
    const first = nextWeeklyReportAfter(AKL, MONDAY_9, new Date('2026-09-20T12:00:00Z'));
    expect(first.toISOString()).toBe('2026-09-20T21:00:00.000Z');
    // The next, strictly after the first: Monday 28 Sep 09:00 NZDT (UTC+13), a week less an hour later.
    const second = nextWeeklyReportAfter(AKL, MONDAY_9, first);
    expect(second.toISOString()).toBe('2026-09-27T20:00:00.000Z');
    expect(second.getTime() - first.getTime()).toBe(7 * 86_400_000 - 3_600_000);
  });

  it('across the autumn change (5 Apr 2026) a week and an hour apart', () => {
    const first = nextWeeklyReportAfter(AKL, MONDAY_9, new Date('2026-03-29T00:00:00Z'));
    expect(first.toISOString()).toBe('2026-03-29T20:00:00.000Z');
    const second = nextWeeklyReportAfter(AKL, MONDAY_9, first);
    expect(second.toISOString()).toBe('2026-04-05T21:00:00.000Z');
  });

  it('later the same day when the slot is still ahead, next week once it has passed', () => {
    const at = new Date('2026-11-22T19:00:00Z'); // Monday 23 Nov 08:00 NZDT
    expect(nextWeeklyReportAfter(AKL, MONDAY_9, at).toISOString()).toBe('2026-11-22T20:00:00.000Z');
    const justAfter = new Date('2026-11-22T20:00:01Z');
    expect(nextWeeklyReportAfter(AKL, MONDAY_9, justAfter).toISOString()).toBe('2026-11-29T20:00:00.000Z');
  });

  it('a day and time changed in settings: Thursday 16:30 from a Monday', () => {
    const monday = new Date('2026-11-22T20:00:00Z'); // Monday 23 Nov 09:00 NZDT
    const thursday = { weeklyReportDay: 4, weeklyReportTime: '16:30' };
    expect(nextWeeklyReportAfter(AKL, thursday, monday).toISOString()).toBe('2026-11-26T03:30:00.000Z');
    // This week's slot is still ahead of Monday's run: it posts nothing then.
    expect(weeklyReportSlotOfWeek(AKL, thursday, monday).getTime()).toBeGreaterThan(monday.getTime());
    // Sunday 07:00, changed on a Friday: this Sunday.
    const sunday = { weeklyReportDay: 7, weeklyReportTime: '07:00' };
    const friday = new Date('2026-11-27T00:00:00Z'); // Friday 27 Nov 13:00 NZDT
    expect(nextWeeklyReportAfter(AKL, sunday, friday).toISOString()).toBe('2026-11-28T18:00:00.000Z');
  });

  it('names the ISO week in the organisation zone', () => {
    expect(isoWeekOf(AKL, new Date('2026-11-22T20:00:00Z'))).toBe('2026-W48');
    expect(isoWeekOf({ timezone: 'UTC' }, new Date('2026-11-22T20:00:00Z'))).toBe('2026-W47');
    expect(isoWeekOf(AKL, new Date('2027-01-03T12:00:00Z'))).toBe('2027-W01');
  });
});
