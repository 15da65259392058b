/**
 * Xero's per-tenant limits (reference/xero-api.md §8): 5 calls in flight, 60 a minute, 5000 a day, and 10,000 a
 * minute across the app. Windows are fixed and start at a different moment for each tenant, as Xero's do.
 * They run on real time, not the sandbox clock: a client waits out Retry-After in real time.
 */

export interface RateLimitSettings {
  perMinute: number;
  concurrent: number;
  perDay: number;
  appPerMinute: number;
}

export const XERO_RATE_LIMITS: RateLimitSettings = {
  perMinute: 60,
  concurrent: 5,
  perDay: 5000,
  appPerMinute: 10_000,
};

export type RateProblem = 'minute' | 'day' | 'concurrent' | 'appminute';

export type Admission =
  | { ok: true; headers: Record<string, string>; release: () => void }
  | { ok: false; problem: RateProblem; retryAfterSec: number; headers: Record<string, string> };

interface Window {
  start: number;
  count: number;
}

interface TenantState {
  offsetMs: number;
  minute: Window;
  day: Window;
  inFlight: number;
}

const MINUTE = 60_000;
const DAY = 86_400_000;

function offsetFor(tenantId: string): number {
  let h = 0;
  for (let i = 0; i < tenantId.length; i++) h = (h * 31 + tenantId.charCodeAt(i)) >>> 0;
  return h % MINUTE;
}

function windowStart(now: number, offset: number, length: number): number {
  return Math.floor((now - offset) / length) * length + offset;
}

export class RateLimiter {
  private readonly tenants = new Map<string, TenantState>();
  private app: Window = { start: 0, count: 0 };

  constructor(
    private readonly settings: RateLimitSettings | null,
    private readonly clock: () => number = Date.now,
  ) {}

  admit(tenantId: string): Admission {
    const now = this.clock();
    const s = this.settings;
    if (!s) {
      return {
        ok: true,
        headers: {
          'X-DayLimit-Remaining': '5000',
          'X-MinLimit-Remaining': '60',
          'X-AppMinLimit-Remaining': '10000',
        },
        release: () => {},
      };
    }
    const t = this.state(tenantId, now);
    const appStart = Math.floor(now / MINUTE) * MINUTE;
    if (this.app.start !== appStart) this.app = { start: appStart, count: 0 };
    const headers = () => ({
      'X-DayLimit-Remaining': String(Math.max(0, s.perDay - t.day.count)),
      'X-MinLimit-Remaining': String(Math.max(0, s.perMinute - t.minute.count)),
      'X-AppMinLimit-Remaining': String(Math.max(0, s.appPerMinute - this.app.count)),
    });
    const secondsUntil = (end: number) => Math.max(1, Math.ceil((end - now) / 1000));
    if (t.day.count >= s.perDay) {
      return {
        ok: false,
        problem: 'day',
        retryAfterSec: secondsUntil(t.day.start + DAY),
        headers: headers(),
      };
    }
    if (t.minute.count >= s.perMinute) {
      return {
        ok: false,
        problem: 'minute',
        retryAfterSec: secondsUntil(t.minute.start + MINUTE),
        headers: headers(),
      };
    }
    if (this.app.count >= s.appPerMinute) {
      return {
        ok: false,
        problem: 'appminute',
        retryAfterSec: secondsUntil(appStart + MINUTE),
        headers: headers(),
      };
    }
    if (t.inFlight >= s.concurrent) {
      return { ok: false, problem: 'concurrent', retryAfterSec: 1, headers: headers() };
    }
    t.day.count++;
    t.minute.count++;
    this.app.count++;
    t.inFlight++;
    let released = false;
    return {
      ok: true,
      headers: headers(),
      release: () => {
        if (released) return;
        released = true;
        t.inFlight--;
      },
    };
  }

  private state(tenantId: string, now: number): TenantState {
    let t = this.tenants.get(tenantId);
    const offset = t?.offsetMs ?? offsetFor(tenantId);
    const minuteStart = windowStart(now, offset, MINUTE);
    const dayStart = windowStart(now, offset, DAY);
    if (!t) {
      t = {
        offsetMs: offset,
        minute: { start: minuteStart, count: 0 },
        day: { start: dayStart, count: 0 },
        inFlight: 0,
      };
      this.tenants.set(tenantId, t);
    }
    if (t.minute.start !== minuteStart) t.minute = { start: minuteStart, count: 0 };
    if (t.day.start !== dayStart) t.day = { start: dayStart, count: 0 };
    return t;
  }
}
