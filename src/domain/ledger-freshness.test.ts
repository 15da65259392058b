import { describe, expect, it } from 'vitest';
import { describeAge, ledgerAge } from './ledger-freshness.js';

const now = new Date('2026-12-07T09:00:00Z');

describe('ledgerAge', () => {
  it.each<[string, Date | null, ReturnType<typeof ledgerAge>]>([
    ['never complete', null, null],
    ['synced 10 minutes ago', new Date('2026-12-07T08:50:00Z'), { minutes: 10, stale: false }],
    ['a minute short of a day', new Date('2026-12-06T09:01:00Z'), { minutes: 1439, stale: false }],
    ['a day old: stale', new Date('2026-12-06T09:00:00Z'), { minutes: 1440, stale: true }],
    ['from a clock ahead of ours: no age', new Date('2026-12-07T09:05:00Z'), { minutes: 0, stale: false }],
  ])('%s', (_name, at, expected) => {
    expect(ledgerAge(at, now)).toEqual(expected);
  });

  it.each([
    [1, '1 minute'],
    [119, '119 minutes'],
    [120, '2 hours'],
    [47 * 60, '47 hours'],
    [49 * 60, '2 days'],
  ])('describes %i minutes as %s', (minutes, text) => {
    expect(describeAge(minutes)).toBe(text);
  });
});
