import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from './adapters/clock.js';
import { enqueueOutbox } from './adapters/outbox/outbox-store.js';
import { OutboxWorker } from './adapters/outbox/outbox-worker.js';
import { parseConfig } from './config.js';
import { type AppContext, createContext } from './context.js';
import { OUTBOX_PAYLOADS, OUTBOX_XERO_SYNC_REQUEST } from './domain/outbox-kinds.js';
import { XERO_SYNC_JOB } from './jobs/xero-jobs.js';
import { createLogger } from './logger.js';
import { useTestDatabase } from './testing/test-database.js';
import { wiring } from './wiring.js';

const database = useTestDatabase({ emptyBeforeEach: false });
let ctx: AppContext;
const NOW = new Date('2026-11-23T20:00:00Z');

beforeAll(async () => {
  const parsed = parseConfig({
    SLACK_BOT_TOKEN: 'xoxb-test',
    SLACK_SIGNING_SECRET: 'test-signing-secret',
    ENCRYPTION_KEY: Buffer.alloc(32, 5).toString('base64'),
  });
  if (!parsed.ok) throw new Error('config');
  ctx = await createContext(parsed.config, {
    database,
    log: createLogger({ level: 'silent' }),
    clock: new FixedClock(NOW),
  });
});
afterAll(async () => {
  await ctx?.destroy();
});

describe('wiring', () => {
  it('runs a handler for every kind of side effect the features enqueue', () => {
    // With Slack configured, every kind in the table: an item of a kind no process runs would wait forever.
    expect([...wiring.outboxHandlers(ctx).keys()].sort()).toEqual(Object.keys(OUTBOX_PAYLOADS).sort());
  });

  it('turns `/ar sync` into a Xero sync due now for the scheduler', async () => {
    const org = await database.db
      .insertInto('organisations')
      .values({
        xero_tenant_id: 't-w',
        name: 'Wired Ltd',
        base_currency: 'NZD',
        timezone: 'Pacific/Auckland',
        xero_connection_id: null,
        token_set_id: null,
        short_code: null,
        status_reason: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await enqueueOutbox(database.db, {
      orgId: org.id,
      kind: OUTBOX_XERO_SYNC_REQUEST,
      idempotencyKey: 'sync-1',
      payload: { orgId: org.id },
      now: NOW,
    });
    const worker = new OutboxWorker({
      db: database.db,
      clock: ctx.clock,
      log: ctx.log,
      handlers: wiring.outboxHandlers(ctx, { only: [OUTBOX_XERO_SYNC_REQUEST] }),
    });
    expect(await worker.drain()).toMatchObject({ done: 1 });
    const job = await database.db
      .selectFrom('scheduled_jobs')
      .selectAll()
      .where('org_id', '=', org.id)
      .where('job', '=', XERO_SYNC_JOB)
      .executeTakeFirst();
    expect(job?.next_run_at.getTime()).toBeLessThanOrEqual(NOW.getTime());
  });
});
