import { performance } from 'node:perf_hooks';

/**
 * Xero's per-minute limits (reference/xero-api.md §8): per tenant 5 calls in flight and 60 a minute; 10,000 a
 * minute across the app. This is the first gate, inside one process: it queues this process's calls in order, so
 * they do not all knock on the shared gate at once. The shared gate (`xero-call-gate.ts`) then holds every
 * process to the same limits and the daily budget.
 */
export interface RateLimits {
  readonly concurrent: number;
  readonly perMinute: number;
  readonly appPerMinute: number;
}

export const XERO_LIMITS: RateLimits = {
  concurrent: 5,
  perMinute: 60,
  appPerMinute: 10_000,
};

const MINUTE_MS = 60_000;

interface Waiter {
  resolve: (release: () => void) => void;
  reject: (err: unknown) => void;
}

class Window {
  readonly starts: number[] = [];
  constructor(readonly limit: number) {}
  prune(now: number) {
    while (this.starts.length && (this.starts[0] ?? 0) <= now - MINUTE_MS) this.starts.shift();
  }
  /** ms until a slot frees (0 = free now). */
  waitMs(now: number): number {
    this.prune(now);
    if (this.starts.length < this.limit) return 0;
    return (this.starts[0] ?? now) + MINUTE_MS - now;
  }
}

class TenantState {
  inFlight = 0;
  readonly minute: Window;
  pausedUntil = 0;
  readonly queue: Waiter[] = [];
  timer: NodeJS.Timeout | undefined;
  constructor(limits: RateLimits) {
    this.minute = new Window(limits.perMinute);
  }
}

export class XeroRateLimiter {
  readonly #limits: RateLimits;
  readonly #now: () => number;
  readonly #tenants = new Map<string, TenantState>();
  readonly #app: Window;

  constructor(limits: Partial<RateLimits> = {}, now: () => number = () => performance.now()) {
    this.#limits = { ...XERO_LIMITS, ...limits };
    this.#now = now;
    this.#app = new Window(this.#limits.appPerMinute);
  }

  #tenant(id: string): TenantState {
    let t = this.#tenants.get(id);
    if (!t) {
      t = new TenantState(this.#limits);
      this.#tenants.set(id, t);
    }
    return t;
  }

  /** Waits for a slot; call the returned function when the response (or failure) is in. */
  acquire(tenantId: string): Promise<() => void> {
    const t = this.#tenant(tenantId);
    return new Promise((resolve, reject) => {
      t.queue.push({ resolve, reject });
      this.#pump(tenantId, t);
    });
  }

  /** After a 429: nobody calls this tenant until Retry-After has passed. */
  pause(tenantId: string, ms: number): void {
    const t = this.#tenant(tenantId);
    t.pausedUntil = Math.max(t.pausedUntil, this.#now() + ms);
  }

  inFlight(tenantId: string): number {
    return this.#tenants.get(tenantId)?.inFlight ?? 0;
  }

  #pump(tenantId: string, t: TenantState): void {
    if (t.timer) {
      clearTimeout(t.timer);
      t.timer = undefined;
    }
    while (t.queue.length > 0) {
      if (t.inFlight >= this.#limits.concurrent) return; // a release pumps again
      const now = this.#now();
      const wait = Math.max(t.pausedUntil - now, t.minute.waitMs(now), this.#app.waitMs(now));
      if (wait > 0) {
        t.timer = setTimeout(() => this.#pump(tenantId, t), Math.ceil(wait));
        return;
      }
      const waiter = t.queue.shift() as Waiter;
      t.inFlight++;
      t.minute.starts.push(now);
      this.#app.starts.push(now);
      let released = false;
      waiter.resolve(() => {
        if (released) return;
        released = true;
        t.inFlight--;
        this.#pump(tenantId, t);
      });
    }
  }
}
