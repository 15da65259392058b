import { describe, expect, it } from 'vitest';
import { nextDigestAfter } from './digest-schedule.js';

const auckland = { timezone: 'Pacific/Auckland' };

describe('nextDigestAfter', () => {
  it('is today at the digest time when that is still ahead, in the organisation time zone', () => {
    // 2026-11-23 is a Monday; 07:00 in Auckland (UTC+13) is 18:00 UTC the day before.
    const next = nextDigestAfter(auckland, { digestTime: '08:30' }, new Date('2026-11-22T18:00:00Z'));
    expect(next.toISOString()).toBe('2026-11-22T19:30:00.000Z');
  });

  it('moves to the next business day once the time has passed, skipping the weekend', () => {
    // Friday 2026-11-27 09:00 Auckland → Monday 2026-11-30 08:30 Auckland.
    const next = nextDigestAfter(auckland, { digestTime: '08:30' }, new Date('2026-11-26T20:00:00Z'));
    expect(next.toISOString()).toBe('2026-11-29T19:30:00.000Z');
  });

  it('is strictly after: at exactly the digest time it gives the next business day', () => {
    const at = new Date('2026-11-23T08:30:00Z');
    expect(nextDigestAfter({ timezone: 'UTC' }, { digestTime: '08:30' }, at).toISOString()).toBe(
      '2026-11-24T08:30:00.000Z',
    );
  });

  it('skips the organisation holidays and public holidays of its calendar', () => {
    const cal = { weekdays: [1, 2, 3, 4, 5], country: 'NZ', extraHolidays: ['2026-12-24'] };
    // Thursday 2026-12-24 (own holiday), Friday 25 and Monday 28 (Christmas, Boxing Day observed) → Tue 29.
    const next = nextDigestAfter(
      { timezone: 'UTC' },
      { digestTime: '09:00' },
      new Date('2026-12-23T10:00:00Z'),
      cal,
    );
    expect(next.toISOString()).toBe('2026-12-29T09:00:00.000Z');
  });

  it('handles a DST change: 08:30 London is 08:30 UTC in winter and 07:30 UTC in summer', () => {
    const london = { timezone: 'Europe/London' };
    expect(
      nextDigestAfter(london, { digestTime: '08:30' }, new Date('2026-03-27T09:00:00Z')).toISOString(),
    ).toBe('2026-03-30T07:30:00.000Z');
  });
});
