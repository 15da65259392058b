import { describe, expect, it, vi } from 'vitest';
import { XeroRateLimiter } from './rate-limiter.js';

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('XeroRateLimiter', () => {
  it('keeps at most 5 calls in flight per tenant; other tenants are not held up', async () => {
    const l = new XeroRateLimiter({ concurrent: 5 });
    const releases: (() => void)[] = [];
    for (let i = 0; i < 7; i++) void l.acquire('t1').then((r) => releases.push(r));
    let other = false;
    void l.acquire('t2').then(() => {
      other = true;
    });
    await flush();
    expect(releases).toHaveLength(5);
    expect(l.inFlight('t1')).toBe(5);
    expect(other).toBe(true);
    releases[0]!();
    releases[0]!(); // releasing twice frees one slot, not two
    await flush();
    expect(releases).toHaveLength(6);
  });

  it('holds the 61st call of a minute until the first leaves the window', async () => {
    vi.useFakeTimers();
    try {
      const l = new XeroRateLimiter({ perMinute: 60, concurrent: 100 }, () => Date.now());
      for (let i = 0; i < 60; i++) (await l.acquire('t'))();
      let got = false;
      void l.acquire('t').then(() => {
        got = true;
      });
      await vi.advanceTimersByTimeAsync(59_000);
      expect(got).toBe(false);
      await vi.advanceTimersByTimeAsync(1_100);
      expect(got).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('waits out a Retry-After pause', async () => {
    let now = 0;
    const l = new XeroRateLimiter({}, () => now);
    l.pause('t', 30);
    let got = false;
    void l.acquire('t').then(() => {
      got = true;
    });
    await new Promise((r) => setTimeout(r, 10));
    expect(got).toBe(false);
    now = 31;
    await new Promise((r) => setTimeout(r, 40));
    expect(got).toBe(true);
  });

  it('caps the whole app per minute across tenants', async () => {
    const l = new XeroRateLimiter({ appPerMinute: 3, concurrent: 5 }, () => 0);
    const got: string[] = [];
    for (const t of ['a', 'b', 'c', 'd']) void l.acquire(t).then(() => got.push(t));
    await flush();
    expect(got).toEqual(['a', 'b', 'c']);
  });
});
