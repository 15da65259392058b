/**
 * Whether one more call to a Xero tenant may start now, judged from the calls every process has logged
 * (reference/xero-api.md §8 and the December 2026 update): 5 in flight and 60 a minute per tenant, 10,000 a minute
 * across the app, and a daily budget (1,000 on the Starter tier) of which a reserve is kept for interactive work
 * (History notes, a collector's `/ar sync`, webhook refreshes). Pure: the caller reads the log and the clock.
 */

export type XeroCallPurpose = 'background' | 'interactive';

export interface XeroCallLimits {
  readonly concurrent: number;
  readonly perMinute: number;
  readonly appPerMinute: number;
  /** The day's budget assumed until Xero's X-DayLimit-Remaining says otherwise (1,000 on Starter). */
  readonly dailyLimit: number;
  /** Calls background work (polls, the nightly reconcile) leaves for interactive work. */
  readonly dailyReserve: number;
}

/**
 * The sliding window: a minute plus a second. Xero counts in fixed windows as requests arrive; a call started
 * here reaches Xero a little later, so a window a second longer than Xero's keeps any 61 starts apart by more
 * than Xero's minute whatever the network does.
 */
export const XERO_WINDOW_MS = 61_000;
/** Xero's daily window is fixed per tenant and its reset time unknown: an observation lasts a day at most. */
export const XERO_DAY_MS = 86_400_000;
/** How often a caller blocked only by calls in flight looks again (a call in flight ends when it ends). */
export const IN_FLIGHT_POLL_MS = 50;

/** What the shared call log says at `nowMs` (wall-clock milliseconds). */
export interface XeroCallWindow {
  /** This tenant's calls started within the window, and the oldest of them. */
  readonly tenantInWindow: number;
  readonly tenantOldestMs: number | null;
  /** Every tenant's calls started within the window (the app-wide limit), and the oldest of them. */
  readonly appInWindow: number;
  readonly appOldestMs: number | null;
  /** Calls started and not finished whose slot has not lapsed. */
  readonly inFlight: number;
  /** After a 429: nobody calls before this. */
  readonly pausedUntilMs: number | null;
  /** X-DayLimit-Remaining as last seen, when (the observed call's start), and calls started since. */
  readonly dayRemaining: number | null;
  readonly dayRemainingAtMs: number | null;
  readonly callsSinceObserved: number;
  /** Calls started in the last 24 hours (the estimate when Xero has said nothing for a day). */
  readonly callsLastDay: number;
}

export type XeroCallDecision =
  | { readonly kind: 'go' }
  | {
      readonly kind: 'wait';
      readonly ms: number;
      readonly reason: 'paused' | 'minute' | 'app-minute' | 'in-flight';
    }
  | { readonly kind: 'refused'; readonly remaining: number; readonly reserve: number };

/** Calls left today: Xero's last word less the calls made since, or the assumed limit less a day's calls. */
export function estimateDayRemaining(w: XeroCallWindow, limits: XeroCallLimits, nowMs: number): number {
  if (w.dayRemaining !== null && w.dayRemainingAtMs !== null && nowMs - w.dayRemainingAtMs < XERO_DAY_MS) {
    return Math.max(0, w.dayRemaining - w.callsSinceObserved);
  }
  return Math.max(0, limits.dailyLimit - w.callsLastDay);
}

export function decideXeroCall(
  w: XeroCallWindow,
  limits: XeroCallLimits,
  purpose: XeroCallPurpose,
  nowMs: number,
): XeroCallDecision {
  const remaining = estimateDayRemaining(w, limits, nowMs);
  const reserve = purpose === 'background' ? limits.dailyReserve : 0;
  if (remaining <= reserve) return { kind: 'refused', remaining, reserve };
  if (w.pausedUntilMs !== null && w.pausedUntilMs > nowMs) {
    return { kind: 'wait', ms: w.pausedUntilMs - nowMs, reason: 'paused' };
  }
  if (w.tenantInWindow >= limits.perMinute) {
    return { kind: 'wait', ms: untilLapsed(w.tenantOldestMs, nowMs), reason: 'minute' };
  }
  if (w.appInWindow >= limits.appPerMinute) {
    return { kind: 'wait', ms: untilLapsed(w.appOldestMs, nowMs), reason: 'app-minute' };
  }
  if (w.inFlight >= limits.concurrent) return { kind: 'wait', ms: IN_FLIGHT_POLL_MS, reason: 'in-flight' };
  return { kind: 'go' };
}

function untilLapsed(oldestMs: number | null, nowMs: number): number {
  return Math.max(1, (oldestMs ?? nowMs) + XERO_WINDOW_MS - nowMs);
}
