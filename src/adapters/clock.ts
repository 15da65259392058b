/** The one source of "now". Domain code never reads it: use-cases pass `asOf` in. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that stands still (NOW=…, backtests, tests) until moved. */
export class FixedClock implements Clock {
  #at: number;
  constructor(at: Date) {
    this.#at = at.getTime();
  }
  now(): Date {
    return new Date(this.#at);
  }
  set(at: Date): void {
    this.#at = at.getTime();
  }
  advance(ms: number): void {
    this.#at += ms;
  }
}

/**
 * Starts at `at` and runs at real speed; `advance` jumps it forward. The demo uses this so
 * retries and leases still expire while the simulated date is in the past or future.
 */
export class AnchoredClock implements Clock {
  #offsetMs: number;
  constructor(
    at: Date,
    private readonly real: () => number = Date.now,
  ) {
    this.#offsetMs = at.getTime() - real();
  }
  now(): Date {
    return new Date(this.real() + this.#offsetMs);
  }
  advance(ms: number): void {
    this.#offsetMs += ms;
  }
}
