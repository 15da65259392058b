import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { AnchoredClock } from '../adapters/clock.js';
import { saveDigestSnapshot } from '../adapters/db/slack-surface-queries.js';
import { claimOutbox, findOutboxByKey, listOutbox } from '../adapters/outbox/outbox-store.js';
import { blocksAsText } from '../adapters/slack/blocks/plain-text.js';
import { runDigestCommand } from '../cli/digest-command.js';
import type { AppContext } from '../context.js';
import { OUTBOX_SLACK_POST } from '../domain/outbox-kinds.js';
import { createOutboxHandlers } from '../outbox-handlers.js';
import { validateMessageBlocks } from '../sandbox/slack/block-kit-limits.js';
import { type SlackSandbox, startSlackSandbox } from '../sandbox/slack/index.js';
import { LedgerBuilder, TEST_ORG_ID } from '../testing/ledger-builders.js';
import { insertLedger } from '../testing/ledger-fixtures.js';
import { outboxWorker, surfacesContext, surfacesLedger } from '../testing/slack-surfaces-fixture.js';
import { useTestDatabase } from '../testing/test-database.js';
import { digestKey, runDailyDigest } from './daily-digest.js';
import { enqueueSlackPost } from './slack-posts.js';

const TODAY = '2026-11-23';

describe('daily digest through the outbox to the Slack sandbox', () => {
  const database = useTestDatabase();
  let sandbox: SlackSandbox;
  let ctx: AppContext;

  afterAll(async () => {
    await sandbox?.close();
  });
  beforeEach(async () => {
    await sandbox?.close();
    // Slack's own pacing: one post per second per channel, bursts of three.
    sandbox = await startSlackSandbox();
    ctx = await surfacesContext(database, sandbox);
  });
  const posts = () => sandbox.callsTo('chat.postMessage');

  it('10,000 overdue invoices: header + thread, every post within Block Kit limits and accepted first time', async () => {
    // Digest only: the escalation flood of such a ledger has its own test.
    ctx = await surfacesContext(database, sandbox, { env: { SLACK_ESCALATION_CHANNEL: '' } });
    const b = new LedgerBuilder({ id: TEST_ORG_ID, name: 'Big Ledger & Co', baseCurrency: 'USD' });
    for (let c = 0; c < 2_000; c++) {
      const contact = b.contact({ name: `Customer <${c}> & Sons` });
      for (let i = 0; i < 5; i++) {
        b.invoice(contact, {
          date: '2026-08-01',
          dueDate: `2026-${i % 2 ? '09' : '10'}-0${1 + i}`,
          total: `${100 + c}.00`,
        });
      }
    }
    await insertLedger(database.db, TEST_ORG_ID, b.build());

    const run = await runDailyDigest(ctx, TEST_ORG_ID, ctx.clock.now());
    expect(run.kind).toBe('enqueued');
    const parts = run.kind === 'enqueued' ? run.parts : 0;
    expect(parts).toBeGreaterThan(2);
    expect(parts).toBeLessThanOrEqual(10);
    await outboxWorker(ctx).drain();

    const calls = posts();
    expect(calls).toHaveLength(parts);
    expect(calls.every((c) => c.ok && c.httpStatus === 200)).toBe(true);
    const [header, ...replies] = sandbox.thread('C_DIGEST', sandbox.messages('C_DIGEST')[0]!.ts);
    expect(sandbox.messages('C_DIGEST')).toHaveLength(1);
    expect(replies).toHaveLength(parts - 1);
    for (const m of [header!, ...replies]) {
      expect(validateMessageBlocks(m.blocks)).toEqual([]);
      expect(m.blocks!.length).toBeLessThanOrEqual(50);
    }
    const text = blocksAsText(header!.blocks as never);
    // Σ over c of 5 × (100 + c) = 5 × (2000 × 100 + 1999 × 2000 / 2) = 10,995,000.
    expect(text).toContain('US$10,995,000.00 overdue across 10,000 invoices');
    expect(blocksAsText(replies.at(-2)!.blocks as never)).toContain('…and *1,900 more customers*');
    // None of them has an email address: the last part lists the largest with a way forward, and counts the rest.
    const left = blocksAsText(replies.at(-1)!.blocks as never);
    expect(left).toContain('*Not chased by email (2,000 customers)*');
    expect(left).toContain('*Customer <1999> & Sons* · US$10,495.00 overdue · 5 invoices\nNo email address');
    expect(left).toContain('…and 1,980 more, smaller.');
    // Paced: slots are reserved 1.1 s apart per channel, so the posts span at least ~1 s per gap (arrival
    // jitter under load moves single gaps, not the whole span).
    const at = calls.map((c) => c.at.getTime());
    expect(at.at(-1)! - at[0]!).toBeGreaterThanOrEqual((at.length - 1) * 1_000);
    const stored = await database.db
      .selectFrom('slack_posts')
      .select(['idempotency_key', 'ts', 'thread_ts'])
      .execute();
    expect(stored.find((p) => p.idempotency_key === digestKey(TEST_ORG_ID, TODAY, 0))?.ts).toBe(header!.ts);
    expect(stored.filter((p) => p.thread_ts === header!.ts)).toHaveLength(parts - 1);
  }, 60_000);

  it('posts the parts of a thread in order, even when one part has to wait', async () => {
    const key = (i: number) => `order-test:${i}`;
    const message = (i: number) => ({ text: `part ${i}`, blocks: [] });
    const worker = outboxWorker(ctx);
    await enqueueSlackPost(database.db, {
      orgId: null,
      key: key(0),
      channel: 'C_DIGEST',
      message: message(0),
      now: ctx.clock.now(),
    });
    await worker.runOnce(); // the header
    for (const i of [1, 2, 3]) {
      await enqueueSlackPost(database.db, {
        orgId: null,
        key: key(i),
        channel: 'C_DIGEST',
        message: message(i),
        threadKey: key(0),
        afterKey: i === 1 ? null : key(i - 1),
        now: ctx.clock.now(),
      });
    }
    // Part 1 is told to wait 30 s: parts 2 and 3 must not overtake it.
    sandbox.faults.rateLimit('chat.postMessage', { retryAfterSec: 30 });
    for (
      let i = 0;
      i < 30 && (await listOutbox(database.db, { statuses: ['pending', 'running'] })).length > 0;
      i++
    ) {
      await worker.runOnce();
      (ctx.clock as AnchoredClock).advance(5_000);
    }
    const root = sandbox.messages('C_DIGEST').find((m) => m.text === 'part 0')!;
    expect(sandbox.thread('C_DIGEST', root.ts).map((m) => m.text)).toEqual([
      'part 0',
      'part 1',
      'part 2',
      'part 3',
    ]);
  }, 60_000);

  it('a 429 from Slack is retried after its Retry-After, then posted once', async () => {
    await insertLedger(database.db, TEST_ORG_ID, surfacesLedger());
    sandbox.faults.rateLimit('chat.postMessage', { retryAfterSec: 7 });
    await runDailyDigest(ctx, TEST_ORG_ID, ctx.clock.now());
    const worker = outboxWorker(ctx);
    const before = ctx.clock.now().getTime();
    const first = await worker.runOnce();
    expect(first.retried).toBeGreaterThanOrEqual(1);
    // The first post of the run (an escalation, enqueued before the digest) met the 429.
    const limited = (await listOutbox(database.db, { kind: OUTBOX_SLACK_POST })).filter(
      (i) => i.lastError === 'rate limited by Slack',
    );
    expect(limited).toHaveLength(1);
    const item = limited[0]!;
    expect(item.status).toBe('pending');
    expect(item.nextAttemptAt.getTime() - before).toBeGreaterThanOrEqual(7_000);
    const postedBefore = posts().filter((c) => c.ok).length;

    await worker.runOnce();
    expect(posts().filter((c) => c.ok)).toHaveLength(postedBefore);
    (ctx.clock as AnchoredClock).advance(7_000);
    await worker.drain();
    expect((await findOutboxByKey(database.db, item.idempotencyKey))?.status).toBe('done');
    expect(posts().filter((c) => c.httpStatus === 429)).toHaveLength(1);
    const okPosts = posts().filter((c) => c.ok);
    expect(okPosts).toHaveLength(postedBefore + 1);
    // Exactly one message per outbox item: nothing doubled by the retry.
    expect(okPosts).toHaveLength((await listOutbox(database.db, { kind: OUTBOX_SLACK_POST })).length);
  });

  it('a restart between enqueue and post posts exactly once: re-run, two workers, and a crash after posting', async () => {
    await insertLedger(database.db, TEST_ORG_ID, surfacesLedger());
    await runDailyDigest(ctx, TEST_ORG_ID, ctx.clock.now());
    // "Restart": the job runs again before anything was posted.
    expect((await runDailyDigest(ctx, TEST_ORG_ID, ctx.clock.now())).kind).toBe('already-enqueued');

    // A worker claims the escalation post, posts it, and dies before recording completion.
    const [claimed] = await claimOutbox(database.db, {
      workerId: 'crashed',
      now: ctx.clock.now(),
      leaseMs: 1_000,
      limit: 1,
      kinds: [OUTBOX_SLACK_POST],
    });
    const handler = createOutboxHandlers(ctx, { only: [OUTBOX_SLACK_POST] }).get(OUTBOX_SLACK_POST)!;
    expect((await handler(claimed!, new AbortController().signal)).status).toBe('done');
    expect(posts()).toHaveLength(1);
    (ctx.clock as AnchoredClock).advance(2_000);

    // Two fresh workers race over everything, the expired claim included.
    await Promise.all([outboxWorker(ctx, 'a').drain(), outboxWorker(ctx, 'b').drain()]);
    const items = await listOutbox(database.db, { kind: OUTBOX_SLACK_POST });
    expect(items.every((i) => i.status === 'done')).toBe(true);
    expect(posts()).toHaveLength(items.length);
    expect(sandbox.messages('C_DIGEST')).toHaveLength(1);
    const reclaimed = items.find((i) => i.id === claimed!.id)!;
    expect(reclaimed.result).toMatchObject({ reused: true });
  });

  it("reports the change since the last snapshot and stores today's; escalates once per crossing", async () => {
    await insertLedger(database.db, TEST_ORG_ID, surfacesLedger());
    await saveDigestSnapshot(
      database.db,
      {
        orgId: TEST_ORG_ID,
        asOf: '2026-11-20',
        baseCurrency: 'USD',
        totalOverdue: '17000.00',
        overdueCount: 5,
      },
      ctx.clock.now(),
    );
    const run = await runDailyDigest(ctx, TEST_ORG_ID, ctx.clock.now());
    await outboxWorker(ctx).drain();
    expect(blocksAsText(sandbox.lastMessage('C_DIGEST')!.blocks as never)).toContain(
      'US$16,800.00 overdue across 4 invoices (▼ US$200.00 since 2026-11-20)',
    );
    const snap = await database.db
      .selectFrom('digest_snapshots')
      .selectAll()
      .where('as_of', '=', TODAY)
      .execute();
    expect(snap.map((s) => [s.total_overdue, s.overdue_count])).toEqual([['16800.0000', 4]]);
    const crossed = run.kind === 'enqueued' ? run.escalations.crossed : [];
    expect(crossed.length).toBeGreaterThanOrEqual(1);
    expect(sandbox.messages('C_ESCALATIONS')).toHaveLength(crossed.length);

    (ctx.clock as AnchoredClock).advance(24 * 3_600_000);
    const next = await runDailyDigest(ctx, TEST_ORG_ID, ctx.clock.now());
    expect(next).toMatchObject({ kind: 'enqueued', asOf: '2026-11-24', escalations: { crossed: [] } });
    // Still above the thresholds (not posted again), or dropped below since yesterday (cleared).
    const e = next.kind === 'enqueued' ? next.escalations : null;
    expect((e?.ongoing ?? 0) + (e?.cleared.length ?? 0)).toBe(crossed.length);
    await outboxWorker(ctx).drain();
    expect(sandbox.messages('C_ESCALATIONS')).toHaveLength(crossed.length);
    expect(blocksAsText(sandbox.lastMessage('C_DIGEST')!.blocks as never)).toContain(
      '(no change since 2026-11-23)',
    );
  });

  it('a flood of escalations is capped: the first ten one by one, the rest in one summary, none again tomorrow', async () => {
    await sandbox.close();
    sandbox = await startSlackSandbox({ rateLimits: { postMessagePerChannelPerSec: 50, burst: 5 } });
    ctx = await surfacesContext(database, sandbox, { minIntervalMs: 30 });
    const b = new LedgerBuilder({ id: TEST_ORG_ID, name: 'Neglected Ltd', baseCurrency: 'USD' });
    for (let c = 0; c < 25; c++) {
      b.invoice(b.contact({ name: `Debtor ${c}` }), {
        date: '2026-06-01',
        dueDate: '2026-07-01',
        total: '15000.00',
      });
    }
    await insertLedger(database.db, TEST_ORG_ID, b.build());
    const run = await runDailyDigest(ctx, TEST_ORG_ID, ctx.clock.now());
    expect(run.kind === 'enqueued' && run.escalations.crossed).toHaveLength(25);
    await outboxWorker(ctx).drain();
    const posted = sandbox.messages('C_ESCALATIONS');
    expect(posted).toHaveLength(11);
    expect(posted.filter((m) => m.text.startsWith('Escalation: '))).toHaveLength(10);
    expect(posted.at(-1)!.text).toBe('15 more customers crossed the escalation thresholds');
    for (const m of posted) expect(validateMessageBlocks(m.blocks)).toEqual([]);
    (ctx.clock as AnchoredClock).advance(24 * 3_600_000);
    const next = await runDailyDigest(ctx, TEST_ORG_ID, ctx.clock.now());
    expect(next.kind === 'enqueued' && next.escalations).toEqual({ crossed: [], cleared: [], ongoing: 25 });
  });

  it('digest --dry-run prints the blocks as text and changes nothing', async () => {
    await insertLedger(database.db, TEST_ORG_ID, surfacesLedger());
    const out = await runDigestCommand(ctx, { dryRun: true });
    expect(out).toContain('=== channel message');
    expect(out).toContain('# AR digest · Demo Trading · 2026-11-23');
    expect(out).toContain('*1. Gamma Co*');
    expect(out).toContain('Acme & <Sons>');
    expect(await listOutbox(database.db)).toEqual([]);
    expect(posts()).toHaveLength(0);

    const ran = await runDigestCommand(ctx, { org: 'demo' });
    expect(ran).toMatch(
      /^Demo Trading: digest for 2026-11-23 enqueued in 2 part\(s\) to C_DIGEST; escalations: \d+ new; posted \d+, retrying 0, failed 0$/,
    );
    expect(sandbox.messages('C_DIGEST')).toHaveLength(1);
    expect(await runDigestCommand(ctx, {})).toContain('digest for 2026-11-23 was already enqueued today');
    expect(sandbox.messages('C_DIGEST')).toHaveLength(1);
    await expect(runDigestCommand(ctx, { org: 'nope' })).rejects.toThrow("no organisation matches 'nope'");
  });
});
