/**
 * Exponential backoff with "equal jitter" (AWS architecture blog, "Exponential Backoff And Jitter"):
 * delay = d/2 + random(0, d/2) with d = min(cap, base * 2^(attempt-1)), never below what the server asked for.
 * Bounded below at half the step, so retries spread out instead of bunching near zero (full jitter spent eight
 * attempts against a down mail server in 29 s).
 */
export interface BackoffPolicy {
  readonly baseMs: number;
  readonly capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 2_000, capMs: 30 * 60_000 };

export function backoffDelayMs(
  attempt: number,
  policy: BackoffPolicy,
  random: number,
  retryAfterMs?: number | null,
): number {
  const exp = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.floor(exp / 2 + (Math.min(Math.max(random, 0), 1) * exp) / 2);
  // A small floor keeps a zero-jitter draw from retrying in a hot loop.
  const floor = Math.min(policy.baseMs, 1_000);
  return Math.max(jittered, floor, retryAfterMs ?? 0);
}
