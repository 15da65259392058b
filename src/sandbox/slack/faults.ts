/**
 * Scripted failures and Slack's per-channel posting limit for the sandbox.
 *
 * chat.postMessage is a "special tier" method: about one message per second per channel, with short bursts
 * tolerated (reference/slack-platform.md §4). A token bucket per channel reproduces that: `burst` tokens,
 * refilled at `postMessagePerChannelPerSec`.
 */

export interface RateLimitOptions {
  /** Sustained rate per channel; Slack's documented figure is 1. */
  readonly postMessagePerChannelPerSec?: number;
  /** How many posts in a row a quiet channel accepts before 429s start. */
  readonly burst?: number;
}

export type ScriptedFault =
  | { readonly kind: 'rate_limit'; readonly retryAfterSec: number }
  | { readonly kind: 'error'; readonly error: string }
  | { readonly kind: 'http_status'; readonly status: number }
  /** The call is carried out, then answered with this status: the client cannot know it worked. */
  | { readonly kind: 'http_status_after'; readonly status: number };

export interface SandboxFaults {
  /** The next `times` calls of `method` get HTTP 429 with `Retry-After: retryAfterSec`. */
  rateLimit(method: string, options?: { times?: number; retryAfterSec?: number }): void;
  /** The next `times` calls of `method` answer `{ ok: false, error: slackError }`. */
  error(method: string, slackError: string, times?: number): void;
  /** The next `times` calls of `method` answer with this HTTP status (e.g. 500, 503). */
  httpStatus(method: string, status: number, times?: number): void;
  /** The next `times` calls of `method` take effect (a post is posted), then answer with this HTTP status. */
  httpStatusAfter(method: string, status: number, times?: number): void;
  /** Drops every scripted fault not yet used. */
  clear(): void;
  /** Scripted faults for this method not yet used. */
  pending(method: string): number;
}

export class FaultScript implements SandboxFaults {
  private readonly queued = new Map<string, ScriptedFault[]>();

  private push(method: string, fault: ScriptedFault, times: number): void {
    const list = this.queued.get(method) ?? [];
    for (let i = 0; i < times; i += 1) list.push(fault);
    this.queued.set(method, list);
  }

  rateLimit(method: string, options: { times?: number; retryAfterSec?: number } = {}): void {
    this.push(method, { kind: 'rate_limit', retryAfterSec: options.retryAfterSec ?? 1 }, options.times ?? 1);
  }

  error(method: string, slackError: string, times = 1): void {
    this.push(method, { kind: 'error', error: slackError }, times);
  }

  httpStatus(method: string, status: number, times = 1): void {
    this.push(method, { kind: 'http_status', status }, times);
  }

  httpStatusAfter(method: string, status: number, times = 1): void {
    this.push(method, { kind: 'http_status_after', status }, times);
  }

  clear(): void {
    this.queued.clear();
  }

  pending(method: string): number {
    return this.queued.get(method)?.length ?? 0;
  }

  /** The next scripted fault for this method, consumed. */
  take(method: string): ScriptedFault | undefined {
    const list = this.queued.get(method);
    const fault = list?.shift();
    if (list && list.length === 0) this.queued.delete(method);
    return fault;
  }
}

export class ChannelPostLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly ratePerSec: number;
  private readonly burst: number;

  constructor(
    options: RateLimitOptions,
    private readonly nowMs: () => number,
  ) {
    this.ratePerSec = options.postMessagePerChannelPerSec ?? 1;
    this.burst = Math.max(1, options.burst ?? 3);
  }

  /** null when the post may go ahead (and is counted); otherwise the whole seconds to wait. */
  take(channel: string): number | null {
    const now = this.nowMs();
    const bucket = this.buckets.get(channel) ?? { tokens: this.burst, at: now };
    const refilled = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.ratePerSec);
    if (refilled >= 1) {
      this.buckets.set(channel, { tokens: refilled - 1, at: now });
      return null;
    }
    this.buckets.set(channel, { tokens: refilled, at: now });
    return Math.max(1, Math.ceil((1 - refilled) / this.ratePerSec));
  }
}
