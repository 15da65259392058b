import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from './retry-backoff.js';

const policy = { baseMs: 1_000, capMs: 60_000 };

describe('backoffDelayMs', () => {
  it.each([
    [1, 1, 1_000],
    [2, 1, 2_000],
    [3, 1, 4_000],
    [7, 1, 60_000],
    [30, 1, 60_000],
  ])('attempt %i with the largest jitter waits the full exponential %i → %i ms', (attempt, random, expected) => {
    expect(backoffDelayMs(attempt, policy, random)).toBe(expected);
  });

  it('jitters between half the step and the step, never below the floor', () => {
    expect(backoffDelayMs(5, policy, 0.5)).toBe(12_000);
    expect(backoffDelayMs(5, policy, 0)).toBe(8_000);
    expect(backoffDelayMs(1, policy, 0)).toBe(1_000);
  });

  it('never retries sooner than the server asked (Retry-After)', () => {
    expect(backoffDelayMs(1, policy, 0.2, 37_000)).toBe(37_000);
    expect(backoffDelayMs(10, policy, 1, 5_000)).toBe(60_000);
  });
});
