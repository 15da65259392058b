import { describe, expect, it } from 'vitest';
import { areWebhooksActive, nextPollAt, pollIntervalMinutes } from './xero-poll-cadence.js';

const plenty = 700;

describe('pollIntervalMinutes', () => {
  it.each([
    ['changes flowing, no webhooks', { quietPolls: 0, webhooksActive: false, backgroundSpare: plenty }, 15],
    ['one quiet poll', { quietPolls: 1, webhooksActive: false, backgroundSpare: plenty }, 30],
    ['two quiet polls', { quietPolls: 2, webhooksActive: false, backgroundSpare: plenty }, 60],
    [
      'quiet for long: capped at two hours',
      { quietPolls: 40, webhooksActive: false, backgroundSpare: plenty },
      120,
    ],
    [
      'webhooks bring the changes: a two-hourly safety net',
      { quietPolls: 0, webhooksActive: true, backgroundSpare: plenty },
      120,
    ],
    // 1,440 minutes × 6 calls / 60 spare calls = 144 minutes between polls.
    [
      'a thin budget spreads what is left over a day',
      { quietPolls: 0, webhooksActive: false, backgroundSpare: 60 },
      144,
    ],
    [
      'a nearly spent budget polls at most every six hours',
      { quietPolls: 0, webhooksActive: false, backgroundSpare: 5 },
      360,
    ],
    [
      'a spent budget looks again in an hour',
      { quietPolls: 0, webhooksActive: false, backgroundSpare: 0 },
      60,
    ],
  ])('%s', (_name, input, minutes) => {
    expect(pollIntervalMinutes(input)).toBe(minutes);
  });

  it('keeps an idle organisation well inside 150 calls a day', () => {
    // A day of quiet polls from a fresh start: 15, 30, 60, then every 120 minutes.
    let at = 0;
    let polls = 0;
    for (let quiet = 1; at < 24 * 60; quiet++) {
      at += pollIntervalMinutes({ quietPolls: quiet, webhooksActive: false, backgroundSpare: plenty });
      polls++;
    }
    expect(polls * 6).toBeLessThanOrEqual(90);
  });
});

describe('nextPollAt', () => {
  it('lands on a whole minute', () => {
    const after = new Date('2026-12-07T08:00:30.250Z');
    expect(
      nextPollAt(after, { quietPolls: 0, webhooksActive: false, backgroundSpare: plenty }).toISOString(),
    ).toBe('2026-12-07T08:16:00.000Z');
  });
});

describe('areWebhooksActive', () => {
  const now = new Date('2026-12-07T08:00:00Z');
  it('counts webhooks as arriving for a day after the last one', () => {
    expect(areWebhooksActive(null, now)).toBe(false);
    expect(areWebhooksActive(new Date('2026-12-06T08:00:01Z'), now)).toBe(true);
    expect(areWebhooksActive(new Date('2026-12-06T08:00:00Z'), now)).toBe(false);
  });
});
