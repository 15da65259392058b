import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { XeroCallLimits } from '../../domain/xero-call-budget.js';
import { AppError } from '../../errors.js';
import { createLogger } from '../../logger.js';
import { useTestDatabase } from '../../testing/test-database.js';
import { type Database, openDatabase } from '../db/database.js';
import { countXeroCalls } from '../db/xero-call-log.js';
import { XeroRateLimiter } from './rate-limiter.js';
import { createSharedXeroGate, type XeroCallGate, type XeroCallSlot } from './xero-call-gate.js';

/**
 * Two processes on one database, each with its own in-process limiter, as two service instances (or an instance
 * and the CLI) would be. On the server each gets a pool of its own. The wall clock is a variable, so a minute
 * passes at once.
 */
const LIMITS: XeroCallLimits = {
  concurrent: 5,
  perMinute: 60,
  appPerMinute: 10_000,
  dailyLimit: 1000,
  dailyReserve: 300,
};
const T = 'tenant-1';
const database = useTestDatabase();
let second: Database;
let now: number;
const log = createLogger({ level: 'silent' });

function gate(db: Database, holder: string, limits: XeroCallLimits = LIMITS): XeroCallGate {
  return createSharedXeroGate({
    db: db.db,
    local: new XeroRateLimiter(limits, () => now),
    limits,
    holder,
    log,
    nowMs: () => now,
    // Waiting costs no wall time here; the loop just looks again.
    sleep: () => new Promise((r) => setTimeout(r, 1)),
    lapseMs: 35_000,
  });
}

const settled = async <T>(p: Promise<T>): Promise<boolean> => {
  let done = false;
  void p.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  await new Promise((r) => setTimeout(r, 60));
  return done;
};

beforeAll(async () => {
  second = database.url
    ? await openDatabase({ databaseUrl: database.url, dataDir: '', poolSize: 4 })
    : database;
});
afterAll(async () => {
  if (second !== database) await second.destroy();
});
beforeEach(() => {
  now = 1_800_000_000_000;
});

describe('the shared Xero gate', () => {
  it('keeps five calls in flight across two processes; the sixth starts when one finishes', async () => {
    const a = gate(database, 'a');
    const b = gate(second, 'b');
    const slots: XeroCallSlot[] = [];
    for (let i = 0; i < 3; i++) slots.push(await a.acquire(T, 'background'));
    for (let i = 0; i < 2; i++) slots.push(await b.acquire(T, 'background'));
    const sixth = b.acquire(T, 'background');
    expect(await settled(sixth)).toBe(false);
    // Another tenant is not held up.
    (await a.acquire('tenant-2', 'background')).release(null);
    await slots[0]?.release({ 'x-daylimit-remaining': '990' });
    expect(await settled(sixth)).toBe(true);
    for (const s of [...slots.slice(1), await sixth]) await s.release(null);
  });

  it('holds the 61st call of a minute, whichever process makes it, until the first leaves the window', async () => {
    const a = gate(database, 'a');
    const b = gate(second, 'b');
    for (let i = 0; i < 60; i++) {
      const slot = await (i % 2 === 0 ? a : b).acquire(T, 'background');
      await slot.release(null);
      now += 100;
    }
    const next = a.acquire(T, 'interactive');
    expect(await settled(next)).toBe(false);
    now += 61_000 - 60 * 100 - 1; // a millisecond before the first call, at t0, leaves the 61-second window
    expect(await settled(next)).toBe(false);
    now += 1;
    expect(await settled(next)).toBe(true);
    await (await next).release(null);
    expect(await countXeroCalls(database.db, T, 0)).toEqual({ background: 60, interactive: 1 });
  });

  it('lets shutdown cut a wait for the window or for a slot short, and hands a late slot back', async () => {
    const a = gate(database, 'a');
    for (let i = 0; i < 60; i++) await (await a.acquire(T, 'background')).release(null);
    const stopping = new AbortController();
    const waiting = a.acquire(T, 'background', stopping.signal);
    expect(await settled(waiting)).toBe(false);
    stopping.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'SYNC_STOPPED' });

    // Five in flight: the sixth waits in the process's own queue; abandoned, its slot goes back when it comes.
    now += 61_000;
    const held: XeroCallSlot[] = [];
    for (let i = 0; i < 5; i++) held.push(await a.acquire(T, 'background'));
    const second = new AbortController();
    const queued = a.acquire(T, 'background', second.signal);
    second.abort();
    await expect(queued).rejects.toMatchObject({ code: 'SYNC_STOPPED' });
    for (const slot of held) await slot.release(null);
    const after = a.acquire(T, 'background');
    expect(await settled(after)).toBe(true);
    await (await after).release(null);
  });

  it('stops background work at the reserve, using what Xero last said is left; interactive work goes on', async () => {
    const a = gate(database, 'a');
    const b = gate(second, 'b');
    await (await a.acquire(T, 'background')).release({ 'x-daylimit-remaining': '302' });
    now += 1000;
    await (await b.acquire(T, 'background')).release(null); // 301 left
    now += 1000;
    await (await b.acquire(T, 'background')).release(null); // 300 left: the reserve
    now += 1000;
    const refused = await a.acquire(T, 'background').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe('XERO_DAILY_BUDGET');
    const note = await b.acquire(T, 'interactive');
    // An answer to an older call never overwrites a newer observation.
    await note.release({ 'x-daylimit-remaining': '299' });
    const row = await database.db
      .selectFrom('xero_tenant_budgets')
      .selectAll()
      .where('tenant_id', '=', T)
      .executeTakeFirstOrThrow();
    expect(row.day_remaining).toBe(299);
  });

  it('makes every process wait out a 429 that one of them received', async () => {
    const a = gate(database, 'a');
    const b = gate(second, 'b');
    await a.pause(T, 30_000);
    const held = b.acquire(T, 'interactive');
    expect(await settled(held)).toBe(false);
    now += 30_001;
    expect(await settled(held)).toBe(true);
    await (await held).release(null);
  });

  it('frees the slots of a process that died mid-call once they lapse', async () => {
    const dead = gate(database, 'dead');
    for (let i = 0; i < 5; i++) await dead.acquire(T, 'background'); // never released
    const b = gate(second, 'b');
    const waiting = b.acquire(T, 'background');
    expect(await settled(waiting)).toBe(false);
    now += 35_001;
    expect(await settled(waiting)).toBe(true);
    await (await waiting).release(null);
  });
});
