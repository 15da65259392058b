import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  dayNumber,
  daysBetween,
  endOfMonth,
  fromDayNumber,
  isIsoDate,
  localDateOf,
  monthEndsBetween,
} from './calendar.js';

describe('localDateOf', () => {
  it.each([
    // The same instant is Saturday in Auckland (UTC+13 in summer) and still Friday in Pago Pago (UTC−11).
    ['2026-11-20T23:30:00Z', 'Pacific/Auckland', '2026-11-21'],
    ['2026-11-20T23:30:00Z', 'Pacific/Pago_Pago', '2026-11-20'],
    ['2026-11-20T23:30:00Z', 'UTC', '2026-11-20'],
    // Kiribati (UTC+14) is a day ahead of Pago Pago all day long, though they share the clock time.
    ['2026-06-15T11:00:00Z', 'Pacific/Kiritimati', '2026-06-16'],
    ['2026-06-15T11:00:00Z', 'Pacific/Pago_Pago', '2026-06-15'],
    // NZ DST starts 2026-09-27 02:00 local: 13:59Z on the 26th is 01:59 NZST on the 27th.
    ['2026-09-26T13:59:00Z', 'Pacific/Auckland', '2026-09-27'],
    // NZ DST ends 2026-04-05 03:00 NZDT; until then Auckland is UTC+13, so 11:30Z on the 4th is 00:30 on the 5th.
    ['2026-04-04T11:30:00Z', 'Pacific/Auckland', '2026-04-05'],
    ['2026-04-04T10:59:00Z', 'Pacific/Auckland', '2026-04-04'],
    // US DST: 2026-03-08 is 23 hours long in New York.
    ['2026-03-09T03:59:00Z', 'America/New_York', '2026-03-08'],
    ['2026-03-09T04:00:00Z', 'America/New_York', '2026-03-09'],
  ])('%s in %s is %s', (instant, zone, expected) => {
    expect(localDateOf(new Date(instant), zone)).toBe(expected);
  });

  it('refuses an unknown zone rather than guessing', () => {
    expect(() => localDateOf(new Date(), 'Mars/Olympus_Mons')).toThrow(/unknown time zone/);
  });
});

describe('calendar arithmetic', () => {
  it.each([
    ['2024-02-28', '2024-03-01', 2],
    ['2023-02-28', '2023-03-01', 1],
    ['2024-01-01', '2025-01-01', 366],
    ['2026-03-08', '2026-03-09', 1],
    ['2026-11-21', '2026-11-01', -20],
  ])('daysBetween(%s, %s) = %i', (a, b, n) => {
    expect(daysBetween(a, b)).toBe(n);
  });

  it.each([
    ['2024-02-29', 1, '2024-03-01'],
    ['2024-02-28', 1, '2024-02-29'],
    ['2023-02-28', 1, '2023-03-01'],
    ['2026-12-31', 1, '2027-01-01'],
    ['1999-12-31', 60, '2000-02-29'],
  ])('addDays(%s, %i) = %s', (d, n, expected) => {
    expect(addDays(d, n)).toBe(expected);
  });

  it.each([
    ['2024-03-31', -1, '2024-02-29'],
    ['2023-03-31', -1, '2023-02-28'],
    ['2024-02-29', 12, '2025-02-28'],
    ['2026-11-21', -3, '2026-08-21'],
  ])('addMonths(%s, %i) = %s (clamped to month end)', (d, n, expected) => {
    expect(addMonths(d, n)).toBe(expected);
  });

  it('finds month ends, including 29 February in a leap year', () => {
    expect(endOfMonth('2024-02-10')).toBe('2024-02-29');
    expect(endOfMonth('2100-02-10')).toBe('2100-02-28');
    expect(monthEndsBetween('2024-01-15', '2024-04-30')).toEqual([
      '2024-01-31',
      '2024-02-29',
      '2024-03-31',
      '2024-04-30',
    ]);
    expect(monthEndsBetween('2024-01-15', '2024-01-30')).toEqual([]);
  });

  it.each([
    ['2024-02-29', true],
    ['2023-02-29', false],
    ['2026-13-01', false],
    ['2026-1-01', false],
    ['26-01-01', false],
  ])('isIsoDate(%s) = %s', (value, ok) => {
    expect(isIsoDate(value)).toBe(ok);
  });
});

describe('dayNumber', () => {
  /** What Date.UTC makes of the three numbers, as dayNumber has always read them. */
  const utcDay = (date: string) => {
    const [y, m, d] = date.split('-').map(Number) as [number, number, number];
    return Math.round(Date.UTC(y, m - 1, d) / 86_400_000);
  };
  const iso = (y: number, m: number, d: number) =>
    `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;

  it('counts every day from 1600 to 2400 as Date.UTC does', () => {
    const mismatches: string[] = [];
    for (let n = utcDay('1600-01-01'); n <= utcDay('2400-12-31'); n++) {
      const date = fromDayNumber(n);
      if (dayNumber(date) !== n) mismatches.push(date);
    }
    expect(mismatches).toEqual([]);
  });

  it('rolls an out-of-range day over as Date.UTC does, and leaves other odd dates to it', () => {
    const dates: string[] = [];
    for (const y of [1900, 2000, 2023, 2024, 2100]) {
      for (let m = 0; m <= 13; m++) for (let d = 0; d <= 32; d++) dates.push(iso(y, m, d));
    }
    // Years below 100: Date.UTC reads 0050 as 1950.
    dates.push('0050-06-15', '0099-12-31', '0100-03-01');
    expect(dates.filter((date) => dayNumber(date) !== utcDay(date))).toEqual([]);
  });

  it.each([
    '2026-1-05',
    '2026/01/05',
    '20260105',
    ' 2026-01-05',
    '2026-01-05T00:00',
    'yyyy-mm-dd',
  ])('refuses %j', (text) => {
    expect(() => dayNumber(text)).toThrow(RangeError);
  });
});
