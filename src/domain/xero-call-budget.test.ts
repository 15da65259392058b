import { describe, expect, it } from 'vitest';
import {
  decideXeroCall,
  estimateDayRemaining,
  IN_FLIGHT_POLL_MS,
  XERO_DAY_MS,
  XERO_WINDOW_MS,
  type XeroCallLimits,
  type XeroCallWindow,
} from './xero-call-budget.js';

const LIMITS: XeroCallLimits = {
  concurrent: 5,
  perMinute: 60,
  appPerMinute: 10_000,
  dailyLimit: 1000,
  dailyReserve: 300,
};
const NOW = 1_800_000_000_000;
const quiet: XeroCallWindow = {
  tenantInWindow: 0,
  tenantOldestMs: null,
  appInWindow: 0,
  appOldestMs: null,
  inFlight: 0,
  pausedUntilMs: null,
  dayRemaining: null,
  dayRemainingAtMs: null,
  callsSinceObserved: 0,
  callsLastDay: 0,
};

describe('decideXeroCall', () => {
  it.each<[string, Partial<XeroCallWindow>, ReturnType<typeof decideXeroCall>]>([
    ['a quiet tenant goes at once', {}, { kind: 'go' }],
    ['59 in the window still goes', { tenantInWindow: 59, tenantOldestMs: NOW - 1000 }, { kind: 'go' }],
    [
      'the 61st waits until the oldest leaves the window',
      { tenantInWindow: 60, tenantOldestMs: NOW - 20_000 },
      { kind: 'wait', ms: XERO_WINDOW_MS - 20_000, reason: 'minute' },
    ],
    [
      'the app-wide minute holds every tenant',
      { appInWindow: 10_000, appOldestMs: NOW - 60_500 },
      { kind: 'wait', ms: 500, reason: 'app-minute' },
    ],
    [
      'five in flight: look again shortly',
      { inFlight: 5 },
      { kind: 'wait', ms: IN_FLIGHT_POLL_MS, reason: 'in-flight' },
    ],
    [
      'a 429 pause holds until Retry-After has passed',
      { pausedUntilMs: NOW + 37_000, inFlight: 5 },
      { kind: 'wait', ms: 37_000, reason: 'paused' },
    ],
    ['a pause that has passed is no pause', { pausedUntilMs: NOW - 1 }, { kind: 'go' }],
  ])('%s', (_name, w, expected) => {
    expect(decideXeroCall({ ...quiet, ...w }, LIMITS, 'background', NOW)).toEqual(expected);
  });

  it('keeps the reserve from background work and lets interactive work spend it, down to zero', () => {
    const seen = { ...quiet, dayRemaining: 305, dayRemainingAtMs: NOW - 60_000 };
    expect(decideXeroCall({ ...seen, callsSinceObserved: 4 }, LIMITS, 'background', NOW)).toEqual({
      kind: 'go',
    });
    expect(decideXeroCall({ ...seen, callsSinceObserved: 5 }, LIMITS, 'background', NOW)).toEqual({
      kind: 'refused',
      remaining: 300,
      reserve: 300,
    });
    expect(decideXeroCall({ ...seen, callsSinceObserved: 5 }, LIMITS, 'interactive', NOW)).toEqual({
      kind: 'go',
    });
    expect(decideXeroCall({ ...seen, callsSinceObserved: 305 }, LIMITS, 'interactive', NOW)).toEqual({
      kind: 'refused',
      remaining: 0,
      reserve: 0,
    });
  });

  it('refuses a spent day before waiting on a minute: nothing would come of the wait', () => {
    const w = { ...quiet, tenantInWindow: 60, tenantOldestMs: NOW, dayRemaining: 0, dayRemainingAtMs: NOW };
    expect(decideXeroCall(w, LIMITS, 'interactive', NOW).kind).toBe('refused');
  });
});

describe('estimateDayRemaining', () => {
  it("is Xero's last word less the calls made since", () => {
    const w = { ...quiet, dayRemaining: 700, dayRemainingAtMs: NOW - 3_600_000, callsSinceObserved: 12 };
    expect(estimateDayRemaining(w, LIMITS, NOW)).toBe(688);
  });
  it('falls back to the assumed limit less the last 24 hours once Xero has said nothing for a day', () => {
    const w = { ...quiet, dayRemaining: 3, dayRemainingAtMs: NOW - XERO_DAY_MS, callsLastDay: 140 };
    expect(estimateDayRemaining(w, LIMITS, NOW)).toBe(860);
    expect(estimateDayRemaining({ ...quiet, callsLastDay: 1200 }, LIMITS, NOW)).toBe(0);
  });
});
