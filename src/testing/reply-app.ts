import type { Server } from 'node:http';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { saveSlackSettings } from '../adapters/db/slack-settings.js';
import { INBOUND_EMAIL_PATH, inboundEmailRoutes, signInboundEmail } from '../http/inbound-email-route.js';
import { createRouteServer, listen } from '../http/server.js';
import { createOutboxHandlers } from '../outbox-handlers.js';
import { SANDBOX_DEFAULTS } from '../sandbox/slack/index.js';
import type { ActionInput } from '../sandbox/slack/signed-client.js';
import { type DunningApp, startDunningApp } from './dunning-app.js';
import { DUNNING_ORG_ID } from './dunning-fixtures.js';
import { openTestDatabase, type TestDatabase } from './test-database.js';

/** The inbound-email route's secret in tests of the reply loop. */
export const REPLY_APP_INBOUND_SECRET = 'inbound-secret-0123456789abcdef';

const { collector1, collector2, manager } = SANDBOX_DEFAULTS.users;

export interface ReplyApp extends DunningApp {
  /** POSTs raw MIME to `/inbound/email`, signed as a mail provider would (a forged signature when asked). */
  postReply(raw: Buffer, options?: { signature?: string }): Promise<Response>;
}

/**
 * The dunning app with the reply loop around it, as the reply, promise and plan tests need it: Slack posts and
 * reply readings handled by the outbox (the rules reader, no Claude), the organisation's Slack settings (Colin and
 * Cara collect, Mona manages; queue, digest and escalation channels), and the signed inbound-email route on its
 * own loopback server.
 */
export async function startReplyApp(database: TestDatabase): Promise<ReplyApp> {
  const app = await startDunningApp(database);
  // Slack posts and reply reading besides the dunning loop's kinds; the rules reader (the app has no Claude key).
  const more = createOutboxHandlers(app.ctx, {
    minPostIntervalMs: 0,
    only: ['slack.post', 'slack.chart', 'reply.read'],
  });
  for (const [kind, handler] of more) app.handlers.set(kind, handler);
  await saveSlackSettings(
    database.db,
    {
      orgId: DUNNING_ORG_ID,
      digestChannel: SANDBOX_DEFAULTS.channels.digest.id,
      queueChannel: SANDBOX_DEFAULTS.channels.queue.id,
      escalationChannel: SANDBOX_DEFAULTS.channels.escalations.id,
      managers: [manager.id],
      collectors: [collector1.id, collector2.id],
      digestTime: '08:30',
      updatedBy: 'test',
    },
    app.clock.now(),
  );
  const server: Server = createRouteServer(
    inboundEmailRoutes({
      ...app.ctx,
      config: { ...app.ctx.config, inboundEmail: { secret: REPLY_APP_INBOUND_SECRET } },
    }),
  );
  const url = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}${INBOUND_EMAIL_PATH}`;
  return {
    ...app,
    postReply: (raw, options = {}) =>
      fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'message/rfc822',
          'x-signature-sha256': options.signature ?? signInboundEmail(REPLY_APP_INBOUND_SECRET, raw),
        },
        body: raw,
      }),
    async close() {
      await new Promise((r) => server.close(r));
      await app.close();
    },
  };
}

/** The button `actionId` in a message's (or view's) actions blocks, as a click sends it; fails the test if absent. */
export function buttonOf(m: { readonly blocks?: readonly unknown[] }, actionId: string): ActionInput {
  const block = (
    (m.blocks ?? []) as {
      type: string;
      block_id: string;
      elements?: { action_id: string; value: string }[];
    }[]
  ).find((b) => b.type === 'actions' && b.elements?.some((e) => e.action_id === actionId));
  expect(block, `a button ${actionId}`).toBeDefined();
  const el = block!.elements!.find((e) => e.action_id === actionId)!;
  return { block_id: block!.block_id, action_id: actionId, type: 'button', value: el.value };
}

/**
 * A signed click on a button of a message the app posted. `action` defaults to the button as the message shows
 * it now (the sandbox updates messages in place: read it first to click an older copy).
 */
export function clickButton(
  app: Pick<DunningApp, 'harness'>,
  userId: string,
  m: { readonly channel: string; readonly ts: string; readonly blocks?: readonly unknown[] },
  actionId: string,
  action: ActionInput = buttonOf(m, actionId),
) {
  return app.harness.slack.blockAction({
    userId,
    fromMessage: { channel: m.channel, ts: m.ts },
    actions: [action],
  });
}

/**
 * The lifecycle of a reply-loop test file: one migrated database for the file, emptied before each test, and a
 * fresh app around it per test (closed after). `use` receives each test's app and the database.
 */
export function useReplyApp(use: (app: ReplyApp, database: TestDatabase) => void): void {
  let database: TestDatabase;
  let app: ReplyApp | undefined;
  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(async () => {
    await database?.destroy();
  });
  beforeEach(async () => {
    await database.truncateAll();
    app = await startReplyApp(database);
    use(app, database);
  });
  afterEach(async () => {
    await app?.close();
  });
}
