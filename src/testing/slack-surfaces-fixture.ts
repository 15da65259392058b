import { WebClient } from '@slack/web-api';
import { AnchoredClock } from '../adapters/clock.js';
import { createSecretBox } from '../adapters/crypto/secret-box.js';
import { OutboxWorker } from '../adapters/outbox/outbox-worker.js';
import { parseConfig } from '../config.js';
import { type AppContext, createContext } from '../context.js';
import type { Ledger } from '../domain/ledger.js';
import { createLogger } from '../logger.js';
import { createOutboxHandlers } from '../outbox-handlers.js';
import type { SlackSandbox } from '../sandbox/slack/index.js';
import { LedgerBuilder, TEST_ORG_ID } from './ledger-builders.js';
import type { TestDatabase } from './test-database.js';

/** Monday 2026-11-23, 09:00 UTC: the organisation's "today" in these tests. */
export const SURFACES_NOW = new Date('2026-11-23T09:00:00Z');

/**
 * A context wired to a Slack sandbox the way production wires it to Slack: the Web API client rejects
 * rate-limited calls (the outbox honours Retry-After), roles and channels come from the SLACK_* defaults.
 */
export async function surfacesContext(
  database: TestDatabase,
  sandbox: SlackSandbox,
  options: { minIntervalMs?: number; env?: Record<string, string> } = {},
): Promise<AppContext> {
  const parsed = parseConfig({
    PORT: '0',
    SLACK_BOT_TOKEN: sandbox.botToken,
    SLACK_SIGNING_SECRET: 'surfaces-test-secret',
    SLACK_API_URL: sandbox.apiUrl,
    SLACK_MANAGERS: 'U_MANAGER',
    SLACK_COLLECTORS: 'S_COLLECTORS',
    SLACK_DIGEST_CHANNEL: 'C_DIGEST',
    SLACK_ESCALATION_CHANNEL: 'C_ESCALATIONS',
    ...options.env,
  });
  if (!parsed.ok) throw new Error(`test config: ${JSON.stringify(parsed)}`);
  const ctx = await createContext(parsed.config, {
    database,
    log: createLogger({ level: 'silent' }),
    secrets: createSecretBox(Buffer.alloc(32, 7)),
    clock: new AnchoredClock(SURFACES_NOW),
    slackClient: new WebClient(sandbox.botToken, {
      slackApiUrl: sandbox.apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
    }),
  });
  postIntervals.set(ctx, options.minIntervalMs ?? 1_100);
  return ctx;
}

/** Each fixture context's pacing between posts to one channel, for the workers built on it. */
const postIntervals = new WeakMap<AppContext, number>();

export function outboxWorker(ctx: AppContext, workerId?: string): OutboxWorker {
  return new OutboxWorker({
    db: ctx.database.db,
    clock: ctx.clock,
    log: ctx.log,
    // The Slack posts (and Xero's webhook refreshes), as before these tests had more to run.
    handlers: createOutboxHandlers(ctx, {
      minPostIntervalMs: postIntervals.get(ctx) ?? 1_100,
      only: ['slack.post', 'slack.chart', 'xero.refresh'],
    }),
    ...(workerId ? { workerId } : {}),
  });
}

/**
 * A small organisation: two "Acme"s (a fuzzy lookup has to ask), Beta with a history of late payment, and
 * Gamma owing 12,000 for 84 days (above the default escalation thresholds).
 */
export function surfacesLedger(): Ledger {
  const b = new LedgerBuilder({
    id: TEST_ORG_ID,
    name: 'Demo Trading',
    shortCode: '!dEm0',
    baseCurrency: 'USD',
  });
  const sons = b.contact({ name: 'Acme & <Sons>', accountNumber: 'AS1' });
  const widgets = b.contact({ name: 'Acme Widgets' });
  const beta = b.contact({ name: 'Beta Ltd', email: 'ap@beta.example' });
  const gamma = b.contact({ name: 'Gamma Co' });
  for (const [c, late] of [
    [sons, 5],
    [widgets, 0],
    [beta, 25],
    [gamma, 40],
  ] as const) {
    b.paidInvoice(c, '2026-03-01', late, { total: '400.00' });
    b.paidInvoice(c, '2026-05-01', late, { total: '400.00' });
  }
  b.invoice(sons, { number: 'INV-101', date: '2026-09-01', dueDate: '2026-10-01', total: '3000.00' });
  b.invoice(widgets, { number: 'INV-102', date: '2026-10-15', dueDate: '2026-11-14', total: '800.00' });
  b.invoice(beta, { number: 'INV-103', date: '2026-10-04', dueDate: '2026-11-03', total: '1000.00' });
  b.invoice(beta, { number: 'INV-104', date: '2026-11-10', dueDate: '2026-12-10', total: '500.00' });
  b.invoice(gamma, { number: 'INV-105', date: '2026-08-01', dueDate: '2026-08-31', total: '12000.00' });
  return b.build();
}
