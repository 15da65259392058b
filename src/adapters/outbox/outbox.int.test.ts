import { describe, expect, it } from 'vitest';
import type { OutboxKind } from '../../domain/outbox-kinds.js';
import { createLogger } from '../../logger.js';
import { useTestDatabase } from '../../testing/test-database.js';
import { FixedClock } from '../clock.js';
import { type Database, openDatabase } from '../db/database.js';
import {
  claimOutbox,
  completeOutbox,
  countOutboxByStatus,
  enqueueOutbox,
  findOutboxByKey,
  listOutbox,
  type OutboxItem,
  requeueDeadOutbox,
} from './outbox-store.js';
import { type HandlerOutcome, OutboxWorker } from './outbox-worker.js';

const log = createLogger({ level: 'silent' });
const T0 = new Date('2026-11-21T09:00:00Z');

const database = useTestDatabase();

/**
 * The worker's mechanics on a kind of the test's own: a kind outside the table (another version's) passes the
 * payload check, so these tests see the queue alone.
 */
const kindOf = (kind: string) => kind as OutboxKind;

async function enqueue(key: string, kind = 'test', payload: Record<string, unknown> = {}) {
  return enqueueOutbox(database.db, {
    orgId: null,
    kind: kindOf(kind),
    idempotencyKey: key,
    payload: payload as never,
    now: T0,
  });
}

function worker(
  clock: FixedClock,
  handler: (item: OutboxItem) => Promise<HandlerOutcome>,
  extra: {
    db?: Database['db'];
    workerId?: string;
    onDead?: (i: OutboxItem, e: string) => Promise<void>;
  } = {},
) {
  return new OutboxWorker({
    db: extra.db ?? database.db,
    clock,
    log,
    handlers: new Map([['test', handler]]),
    backoff: { baseMs: 1_000, capMs: 60_000 },
    random: () => 1,
    ...(extra.workerId ? { workerId: extra.workerId } : {}),
    ...(extra.onDead ? { onDead: extra.onDead } : {}),
  });
}

describe('enqueue', () => {
  it('is idempotent on the key: a second enqueue returns the first row', async () => {
    const a = await enqueue('k1', 'test', { n: 1 });
    const b = await enqueue('k1', 'test', { n: 2 });
    expect(a.created).toBe(true);
    expect(b.created).toBe(false);
    expect(b.item.id).toBe(a.item.id);
    expect(b.item.payload).toEqual({ n: 1 });
    expect((await listOutbox(database.db)).length).toBe(1);
  });

  it('joins the caller transaction: a rollback leaves no side effect behind', async () => {
    await expect(
      database.db.transaction().execute(async (trx) => {
        await enqueueOutbox(trx, {
          orgId: null,
          kind: kindOf('test'),
          idempotencyKey: 'tx',
          payload: {} as never,
          now: T0,
        });
        throw new Error('state change failed');
      }),
    ).rejects.toThrow('state change failed');
    expect(await findOutboxByKey(database.db, 'tx')).toBeNull();
  });
});

describe('claim', () => {
  it('claims only due items of known kinds, oldest first, and leases them', async () => {
    await enqueueOutbox(database.db, {
      orgId: null,
      kind: kindOf('test'),
      idempotencyKey: 'later',
      payload: {} as never,
      now: T0,
      notBefore: new Date(T0.getTime() + 60_000),
    });
    await enqueue('first');
    await enqueue('other-kind', 'unknown');
    await enqueue('second');
    const claimed = await claimOutbox(database.db, {
      workerId: 'w1',
      now: T0,
      leaseMs: 30_000,
      limit: 10,
      kinds: ['test'],
    });
    expect(claimed.map((c) => c.idempotencyKey)).toEqual(['first', 'second']);
    expect(claimed.every((c) => c.status === 'running' && c.attempts === 1)).toBe(true);
    // Leased items are not claimed again while the lease runs.
    expect(
      await claimOutbox(database.db, {
        workerId: 'w2',
        now: T0,
        leaseMs: 30_000,
        limit: 10,
        kinds: ['test'],
      }),
    ).toEqual([]);
  });

  it('reclaims an item whose worker died (lease expired), and fences the dead worker out', async () => {
    await enqueue('crash');
    const [first] = await claimOutbox(database.db, {
      workerId: 'w1',
      now: T0,
      leaseMs: 30_000,
      limit: 1,
      kinds: ['test'],
    });
    const later = new Date(T0.getTime() + 31_000);
    const [second] = await claimOutbox(database.db, {
      workerId: 'w2',
      now: later,
      leaseMs: 30_000,
      limit: 1,
      kinds: ['test'],
    });
    expect(second?.id).toBe(first?.id);
    expect(second?.attempts).toBe(2);
    // The first worker wakes up and tries to record: its claim is stale.
    expect(await completeOutbox(database.db, first!, 'w1', later, {})).toBe(false);
    expect(await completeOutbox(database.db, second!, 'w2', later, { ok: true })).toBe(true);
    expect((await findOutboxByKey(database.db, 'crash'))?.status).toBe('done');
  });
});

describe('worker', () => {
  it('completes items and stores the handler result', async () => {
    await enqueue('a', 'test', { to: 'x' });
    const clock = new FixedClock(T0);
    const s = await worker(clock, async (item) => ({
      status: 'done',
      result: { echoed: item.payload.to },
    })).drain();
    expect(s).toMatchObject({ claimed: 1, done: 1 });
    const row = await findOutboxByKey(database.db, 'a');
    expect(row).toMatchObject({ status: 'done', attempts: 1, result: { echoed: 'x' }, lastError: null });
    expect(row?.completedAt?.toISOString()).toBe(T0.toISOString());
  });

  it('retries with exponential backoff, honouring Retry-After, then succeeds', async () => {
    await enqueue('flaky');
    const clock = new FixedClock(T0);
    const outcomes: HandlerOutcome[] = [
      { status: 'retry', error: 'HTTP 503' },
      { status: 'retry', error: 'HTTP 429', retryAfterMs: 37_000 },
      { status: 'retry', error: 'HTTP 503' },
      { status: 'done' },
    ];
    const w = worker(clock, async () => outcomes.shift()!);

    await w.runOnce();
    let row = await findOutboxByKey(database.db, 'flaky');
    expect(row).toMatchObject({ status: 'pending', attempts: 1, lastError: 'HTTP 503' });
    expect(row!.nextAttemptAt.getTime() - T0.getTime()).toBe(1_000);

    // Not due yet: nothing happens.
    clock.advance(999);
    expect((await w.runOnce()).claimed).toBe(0);
    clock.advance(1);
    await w.runOnce();
    row = await findOutboxByKey(database.db, 'flaky');
    expect(row!.nextAttemptAt.getTime() - clock.now().getTime()).toBe(37_000);

    clock.advance(37_000);
    await w.runOnce();
    row = await findOutboxByKey(database.db, 'flaky');
    expect(row!.nextAttemptAt.getTime() - clock.now().getTime()).toBe(4_000);

    clock.advance(4_000);
    await w.runOnce();
    expect(await findOutboxByKey(database.db, 'flaky')).toMatchObject({ status: 'done', attempts: 4 });
  });

  it('treats a thrown error as retryable and a timeout as a failed attempt', async () => {
    await enqueue('throws');
    const clock = new FixedClock(T0);
    await worker(clock, async () => {
      throw new Error('socket hang up');
    }).runOnce();
    expect(await findOutboxByKey(database.db, 'throws')).toMatchObject({
      status: 'pending',
      lastError: 'socket hang up',
    });

    await enqueue('slow');
    const slow = new OutboxWorker({
      db: database.db,
      clock,
      log,
      handlers: new Map([['test', () => new Promise<HandlerOutcome>(() => {})]]),
      handlerTimeoutMs: 50,
    });
    clock.advance(10 * 60_000);
    await slow.runOnce();
    expect((await findOutboxByKey(database.db, 'slow'))?.lastError).toMatch(/timed out after 50 ms/);
  });

  it('retries for its time budget, not a count: a day of failures, then the dead letter', async () => {
    await enqueue('budget');
    const clock = new FixedClock(T0);
    const alerts: string[] = [];
    const w = worker(clock, async () => ({ status: 'retry', error: 'SMTP 421' }), {
      onDead: async (_item, error) => {
        alerts.push(error);
      },
    });
    let rounds = 0;
    while ((await findOutboxByKey(database.db, 'budget'))?.status !== 'dead' && rounds++ < 200) {
      await w.runOnce();
      clock.advance(30 * 60_000);
    }
    const row = await findOutboxByKey(database.db, 'budget');
    expect(row?.status).toBe('dead');
    // Backoff up to a minute (this worker's cap), so a day holds far more than eight attempts.
    expect(row?.attempts).toBeGreaterThan(30);
    expect(row!.completedAt!.getTime() - T0.getTime()).toBeGreaterThan(23 * 3_600_000);
    expect(row!.completedAt!.getTime() - T0.getTime()).toBeLessThanOrEqual(24.5 * 3_600_000);
    expect(alerts).toEqual([expect.stringMatching(/^gave up after 2[34] h and \d+ attempts: SMTP 421$/)]);
  });

  it("keeps the lease of a long handler alive, and a killed worker's item is taken up once its short lease lapses", async () => {
    await enqueue('long');
    const real = { now: () => new Date() };
    const slow = new OutboxWorker({
      db: database.db,
      clock: real,
      log,
      handlers: new Map([
        [
          'test',
          async () => {
            await new Promise((r) => setTimeout(r, 900));
            return { status: 'done' as const };
          },
        ],
      ]),
      leaseMs: 300,
      workerId: 'slow',
    });
    const other = new OutboxWorker({
      db: database.db,
      clock: real,
      log,
      handlers: new Map([['test', async () => ({ status: 'done' as const })]]),
      leaseMs: 300,
      workerId: 'other',
    });
    const running = slow.runOnce();
    await new Promise((r) => setTimeout(r, 600)); // past the first lease: only the heartbeat keeps it
    expect((await other.runOnce()).claimed).toBe(0);
    expect(await running).toMatchObject({ done: 1 });

    // A worker killed mid-item renews nothing: its 300 ms lease lapses and another takes the item.
    await enqueue('orphan');
    await claimOutbox(database.db, {
      workerId: 'killed',
      now: new Date(),
      leaseMs: 300,
      limit: 10,
      kinds: ['test'],
    });
    expect((await other.runOnce()).claimed).toBe(0);
    await new Promise((r) => setTimeout(r, 350));
    expect(await other.runOnce()).toMatchObject({ claimed: 1, done: 1 });
  });

  it('does not count a rate limit as an attempt', async () => {
    await enqueue('limited');
    const clock = new FixedClock(T0);
    const w = worker(clock, async () => ({
      status: 'retry',
      error: 'Slack 429',
      retryAfterMs: 1_000,
      rateLimited: true,
    }));
    for (let i = 0; i < 5; i++) {
      await w.runOnce();
      clock.advance(60_000);
    }
    expect(await findOutboxByKey(database.db, 'limited')).toMatchObject({ status: 'pending', attempts: 0 });
  });

  it('moves an item to the dead letter after max attempts and alerts once', async () => {
    await enqueueOutbox(database.db, {
      orgId: null,
      kind: kindOf('test'),
      idempotencyKey: 'doomed',
      payload: {} as never,
      now: T0,
      maxAttempts: 3,
    });
    const clock = new FixedClock(T0);
    const alerts: string[] = [];
    const w = worker(clock, async () => ({ status: 'retry', error: 'HTTP 500' }), {
      onDead: async (item, error) => {
        alerts.push(`${item.idempotencyKey}: ${error}`);
      },
    });
    for (let i = 0; i < 6; i++) {
      await w.runOnce();
      clock.advance(60 * 60_000);
    }
    expect(await findOutboxByKey(database.db, 'doomed')).toMatchObject({
      status: 'dead',
      attempts: 3,
      lastError: 'HTTP 500',
    });
    expect(alerts).toEqual(['doomed: HTTP 500']);
    expect(await countOutboxByStatus(database.db)).toMatchObject({ dead: 1, pending: 0, running: 0 });

    // An operator requeues it after fixing the cause.
    const row = await findOutboxByKey(database.db, 'doomed');
    expect(await requeueDeadOutbox(database.db, [row!.id], clock.now())).toBe(1);
    await worker(clock, async () => ({ status: 'done' })).runOnce();
    expect(await findOutboxByKey(database.db, 'doomed')).toMatchObject({ status: 'done', attempts: 1 });
  });

  it('dead-letters a permanent failure at once', async () => {
    await enqueue('bad-request');
    await worker(new FixedClock(T0), async () => ({
      status: 'failed',
      error: 'HTTP 400: validation',
    })).runOnce();
    expect(await findOutboxByKey(database.db, 'bad-request')).toMatchObject({ status: 'dead', attempts: 1 });
  });

  it('stop() waits for the item in flight to be recorded', async () => {
    await enqueue('inflight');
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const w = worker(new FixedClock(T0), async () => {
      await gate;
      return { status: 'done' };
    });
    w.start();
    await new Promise((r) => setTimeout(r, 100));
    const stopping = w.stop();
    release();
    await stopping;
    expect((await findOutboxByKey(database.db, 'inflight'))?.status).toBe('done');
  });
});

describe('payloads checked against their kind', () => {
  it('refuses to enqueue a payload its kind does not accept', async () => {
    await expect(
      enqueueOutbox(database.db, {
        orgId: null,
        kind: 'reminder.send',
        idempotencyKey: 'bad',
        payload: { reminderId: '' },
        now: T0,
      }),
    ).rejects.toMatchObject({ code: 'OUTBOX_PAYLOAD_INVALID' });
    expect(await findOutboxByKey(database.db, 'bad')).toBeNull();
  });

  it('sends a stored payload that no longer parses to the dead letter without running its handler', async () => {
    // A row written by hand or by a broken version: the handler must never see it.
    await database.db
      .insertInto('outbox')
      .values({
        org_id: null,
        kind: 'xero.history_note',
        idempotency_key: 'hand-written',
        payload: JSON.stringify({ documentType: 'quote', documentId: 'q1', details: 'x' }),
        next_attempt_at: T0,
        created_at: T0,
        updated_at: T0,
        locked_by: null,
        locked_until: null,
        last_error: null,
        result: null,
        completed_at: null,
      })
      .execute();
    let ran = 0;
    const w = new OutboxWorker({
      db: database.db,
      clock: new FixedClock(T0),
      log,
      handlers: new Map([
        [
          'xero.history_note',
          async () => {
            ran++;
            return { status: 'done' as const };
          },
        ],
      ]),
    });
    await w.runOnce();
    expect(ran).toBe(0);
    expect(await findOutboxByKey(database.db, 'hand-written')).toMatchObject({
      status: 'dead',
      lastError: expect.stringMatching(/^malformed xero\.history_note payload: documentType/),
    });
  });
});

describe('two concurrent workers', () => {
  it('process each item exactly once', async () => {
    const N = 60;
    for (let i = 0; i < N; i++) await enqueue(`item-${i}`);
    // On the real server each worker has its own pool, so their claims truly race.
    const second: Database = database.url
      ? await openDatabase({ databaseUrl: database.url, dataDir: '', poolSize: 4 })
      : database;
    const seen: { key: string; by: string }[] = [];
    const clock = new FixedClock(T0);
    const handler =
      (by: string) =>
      async (item: OutboxItem): Promise<HandlerOutcome> => {
        seen.push({ key: item.idempotencyKey, by });
        await new Promise((r) => setTimeout(r, 2));
        return { status: 'done' };
      };
    const w1 = new OutboxWorker({
      db: database.db,
      clock,
      log,
      handlers: new Map([['test', handler('w1')]]),
      batchSize: 5,
      workerId: 'w1',
    });
    const w2 = new OutboxWorker({
      db: second.db,
      clock,
      log,
      handlers: new Map([['test', handler('w2')]]),
      batchSize: 5,
      workerId: 'w2',
    });
    try {
      const [s1, s2] = await Promise.all([w1.drain(), w2.drain()]);
      expect(s1.done + s2.done).toBe(N);
      expect(new Set(seen.map((s) => s.key)).size).toBe(N);
      expect(seen.length).toBe(N);
      if (database.url) {
        // Both workers really took part.
        expect(s1.done).toBeGreaterThan(0);
        expect(s2.done).toBeGreaterThan(0);
      }
      expect(await countOutboxByStatus(database.db)).toMatchObject({ done: N, pending: 0, running: 0 });
    } finally {
      if (second !== database) await second.destroy();
    }
  });
});
