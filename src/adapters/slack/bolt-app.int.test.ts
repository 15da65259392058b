import { createHash, createHmac } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { BlockButtonAction, MessageShortcut } from '@slack/bolt';
import { WebAPIPlatformError } from '@slack/web-api';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AppError } from '../../errors.js';
import { type HttpRoute, sendJson } from '../../http/routes.js';
import { createLogger } from '../../logger.js';
import { SANDBOX_DEFAULTS, type SlackSandbox, startSlackSandbox } from '../../sandbox/slack/index.js';
import { createSlackRequestClient, type SlackRequestClient } from '../../sandbox/slack/signed-client.js';
import { type BoltService, createBoltApp } from './bolt-app.js';

const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
const XERO_KEY = 'xero-webhook-key';
const C = SANDBOX_DEFAULTS.channels;
const U = SANDBOX_DEFAULTS.users;

async function rawBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Shaped like the Xero webhook route: HMAC-SHA256 (base64) over the raw body, 401 when it does not match. */
const xeroStyleRoute: HttpRoute = {
  path: '/xero/webhooks',
  method: 'POST',
  handler: (req, res) => {
    rawBody(req).then((raw) => {
      const expected = createHmac('sha256', XERO_KEY).update(raw).digest('base64');
      const ok = req.headers['x-xero-signature'] === expected;
      sendJson(res, ok ? 200 : 401, {
        sha256: createHash('sha256').update(raw).digest('hex'),
        bytes: raw.length,
      });
    });
  },
};
const healthRoute: HttpRoute = {
  path: '/healthz',
  method: 'GET',
  handler: (_q, r) => sendJson(r, 200, { status: 'ok' }),
};

interface Captured {
  level: number;
  component?: string;
  code?: string;
  reason?: string;
  msg: string;
}

const modal = (title: string) => ({
  type: 'modal' as const,
  callback_id: 'edit_draft',
  private_metadata: JSON.stringify({ draftId: 'd-42' }),
  title: { type: 'plain_text' as const, text: title },
  submit: { type: 'plain_text' as const, text: 'Save' },
  blocks: [
    {
      type: 'input',
      block_id: 'draft',
      label: { type: 'plain_text' as const, text: 'Draft' },
      element: { type: 'plain_text_input', action_id: 'body', multiline: true, initial_value: '' },
    },
  ],
});

describe('Bolt App with its HTTPReceiver against the Slack sandbox', () => {
  let sandbox: SlackSandbox;
  let bolt: BoltService;
  let slack: SlackRequestClient;
  let baseUrl: string;
  const logLines: Captured[] = [];
  const seen = {
    commands: [] as string[],
    actions: [] as unknown[],
    submissions: [] as unknown[],
    closed: [] as unknown[],
    replies: [] as unknown[],
    mentions: [] as string[],
  };

  beforeAll(async () => {
    sandbox = await startSlackSandbox({ rateLimits: false });
    const logger = createLogger({
      level: 'debug',
      destination: { write: (line: string) => logLines.push(JSON.parse(line) as Captured) },
    });
    bolt = await createBoltApp({
      botToken: sandbox.botToken,
      signingSecret: SIGNING_SECRET,
      slackApiUrl: sandbox.apiUrl,
      customRoutes: [healthRoute, xeroStyleRoute],
      logger,
      processBeforeResponse: true,
      clientOptions: { retryConfig: { retries: 0 } },
    });
    const { app } = bolt;

    app.command('/ar', async ({ ack, command, respond }) => {
      seen.commands.push(command.text);
      await ack({ response_type: 'ephemeral', text: `Working on "${command.text}"…` });
      await respond({ response_type: 'in_channel', text: `Aging for ${command.text}` });
    });
    app.action<BlockButtonAction>('approve_send', async ({ ack, body, action, client }) => {
      await ack();
      seen.actions.push({ value: action.value, block_id: action.block_id, ts: body.message?.ts });
      await client.chat.update({
        channel: body.channel!.id,
        ts: body.message!.ts,
        text: `Approved by <@${body.user.id}>`,
        blocks: [
          {
            type: 'section',
            text: { type: 'mrkdwn', text: `:white_check_mark: Approved by <@${body.user.id}>` },
          },
        ],
      });
    });
    app.view('edit_draft', async ({ ack, view }) => {
      const draft = view.state.values.draft?.body?.value ?? '';
      seen.submissions.push({ draft, meta: view.private_metadata });
      if (draft.trim() === '') {
        await ack({ response_action: 'errors', errors: { draft: 'Draft cannot be empty' } });
        return;
      }
      await ack();
    });
    app.action<BlockButtonAction>('sync_now', async ({ ack, respond }) => {
      await ack();
      await respond({ replace_original: true, text: 'Sync started' });
    });
    app.view({ callback_id: 'edit_draft', type: 'view_closed' }, async ({ ack, body, view }) => {
      await ack();
      seen.closed.push({ user: body.user.id, meta: view.private_metadata });
    });
    app.message(async ({ message }) => {
      if (message.subtype === undefined && message.thread_ts) {
        seen.replies.push({ thread_ts: message.thread_ts, ts: message.ts, text: message.text });
      }
    });
    app.event('app_mention', async ({ event }) => {
      seen.mentions.push(event.ts);
    });
    app.shortcut<MessageShortcut>('log_customer_reply', async ({ ack, shortcut, client }) => {
      await ack();
      await client.views.open({
        trigger_id: shortcut.trigger_id,
        view: modal(`Reply ${shortcut.message.ts.slice(-4)}`),
      });
    });
    app.event('app_home_opened', async ({ event, client }) => {
      if (event.tab !== 'home') return;
      await client.views.publish({
        user_id: event.user,
        view: {
          type: 'home',
          blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `Hello <@${event.user}>` } }],
        },
      });
    });

    const port = await bolt.start(0);
    baseUrl = `http://127.0.0.1:${port}`;
    slack = createSlackRequestClient({ baseUrl, signingSecret: SIGNING_SECRET, sandbox });
  });
  afterAll(async () => {
    await bolt?.stop();
    await sandbox?.close();
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('ran auth.test once at start-up and handed the ids to Bolt', () => {
    expect(bolt.identity).toEqual({ botId: 'B0ARBOT', botUserId: 'U0ARBOT', teamId: 'T0SANDBOX' });
    expect(sandbox.callsTo('auth.test')).toHaveLength(1);
    expect(bolt.mode).toBe('http');
  });

  it('routes a signed slash command to its listener; the ack and respond() land in the sandbox', async () => {
    const res = await slack.command({ text: 'aging acme', userId: U.collector1.id, channelId: C.queue.id });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ response_type: 'ephemeral', text: 'Working on "aging acme"…' });
    expect(seen.commands).toContain('aging acme');
    expect(sandbox.lastMessage(C.queue.id)).toMatchObject({ text: 'Aging for aging acme', user: 'U0ARBOT' });
    expect(
      sandbox.ephemerals({ channel: C.queue.id, user: U.collector1.id }).map((e) => [e.source, e.text]),
    ).toContainEqual(['ack', 'Working on "aging acme"…']);
    // Auth came from the ids we passed, not another auth.test.
    expect(sandbox.callsTo('auth.test')).toHaveLength(1);
  });

  it('answers 401 to a forged signature and to a stale timestamp, without running listeners', async () => {
    const before = seen.commands.length;
    const forged = await slack.command(
      { text: 'forged', userId: U.collector1.id, channelId: C.queue.id },
      { signature: 'forged' },
    );
    expect(forged.status).toBe(401);
    expect(forged.body).toBe('');
    const stale = await slack.command(
      { text: 'stale', userId: U.collector1.id, channelId: C.queue.id },
      { timestamp: Math.floor(Date.now() / 1000) - 301 },
    );
    expect(stale.status).toBe(401);
    expect(seen.commands.length).toBe(before);
    const refusals = logLines.filter(
      (l) => l.level === 40 && l.component === 'slack' && l.code === 'SLACK_REQUEST_REFUSED',
    );
    expect(refusals.map((l) => l.reason)).toEqual(
      expect.arrayContaining(['bad-signature', 'stale-timestamp']),
    );
  });

  it('answers 400 when the form content-type carries "; charset=utf-8" (Bolt matches the header exactly)', async () => {
    const before = seen.commands.length;
    const res = await slack.command(
      { text: 'charset', userId: U.collector1.id, channelId: C.queue.id },
      { contentType: 'application/x-www-form-urlencoded; charset=utf-8' },
    );
    // The signature is valid, but Bolt then JSON-parses the form body and fails.
    expect(res.status).toBe(400);
    expect(seen.commands.length).toBe(before);
  });

  it('delivers a block action taken from the message the app posted, and the listener updates it', async () => {
    const card = await bolt.app.client.chat.postMessage({
      channel: C.queue.id,
      text: 'Acme Ltd owes NZD 1,250.00',
      blocks: [
        {
          type: 'section',
          block_id: 'inv_acme_1',
          text: { type: 'mrkdwn', text: '*Acme Ltd* owes NZD 1,250.00' },
        },
        {
          type: 'actions',
          block_id: 'inv_acme_1_actions',
          elements: [
            {
              type: 'button',
              action_id: 'approve_send',
              text: { type: 'plain_text', text: 'Approve & send' },
              value: 'draft:d-42',
              style: 'primary',
            },
          ],
        },
      ],
    });
    const stored = sandbox.message(C.queue.id, card.ts!)!;
    const actions = stored.blocks![1] as {
      block_id: string;
      elements: { action_id: string; value: string; text: object }[];
    };
    const clicked = actions.elements[0]!;
    const res = await slack.blockAction({
      userId: U.collector2.id,
      fromMessage: { channel: C.queue.id, ts: card.ts! },
      actions: [
        { type: 'button', action_id: clicked.action_id, block_id: actions.block_id, value: clicked.value },
      ],
    });
    expect(res.status).toBe(200);
    expect(seen.actions).toContainEqual({ value: 'draft:d-42', block_id: 'inv_acme_1_actions', ts: card.ts });
    const after = sandbox.message(C.queue.id, card.ts!)!;
    expect(after.text).toBe('Approved by <@U_COLLECTOR2>');
    expect(after.history.map((h) => h.text)).toEqual(['Acme Ltd owes NZD 1,250.00']);
  });

  it('keeps a modal open with response_action errors, then closes it on a valid submission', async () => {
    const opened = await bolt.app.client.views.open({
      trigger_id: sandbox.createTriggerId(U.collector1.id),
      view: modal('Edit draft'),
    });
    const viewId = opened.view!.id!;

    const empty = await slack.viewSubmission({
      userId: U.collector1.id,
      fromView: viewId,
      values: { draft: { body: { type: 'plain_text_input', value: '   ' } } },
    });
    expect(empty.status).toBe(200);
    expect(empty.json()).toEqual({ response_action: 'errors', errors: { draft: 'Draft cannot be empty' } });
    expect(sandbox.openViews(U.collector1.id).map((v) => v.id)).toEqual([viewId]);
    expect(sandbox.view(viewId)?.errors).toEqual({ draft: 'Draft cannot be empty' });

    const filled = await slack.viewSubmission({
      userId: U.collector1.id,
      fromView: viewId,
      values: { draft: { body: { type: 'plain_text_input', value: 'Dear Acme, a friendly reminder…' } } },
    });
    expect(filled.status).toBe(200);
    expect(filled.body).toBe('');
    expect(seen.submissions.at(-1)).toEqual({
      draft: 'Dear Acme, a friendly reminder…',
      meta: JSON.stringify({ draftId: 'd-42' }),
    });
    expect(sandbox.openViews(U.collector1.id)).toEqual([]);
  });

  it('delivers a click on an ephemeral message, whose respond() replaces that ephemeral', async () => {
    const eph = await bolt.app.client.chat.postEphemeral({
      channel: C.queue.id,
      user: U.collector1.id,
      text: 'Sync now?',
      blocks: [
        {
          type: 'actions',
          block_id: 'sync_prompt',
          elements: [{ type: 'button', action_id: 'sync_now', text: { type: 'plain_text', text: 'Sync' } }],
        },
      ],
    });
    const res = await slack.blockAction({
      userId: U.collector1.id,
      fromEphemeral: { channel: C.queue.id, ts: eph.message_ts! },
      actions: [{ type: 'button', action_id: 'sync_now', block_id: 'sync_prompt' }],
    });
    expect(res.status).toBe(200);
    const [shown] = sandbox
      .ephemerals({ channel: C.queue.id, user: U.collector1.id })
      .filter((e) => e.ts === eph.message_ts);
    expect(shown?.text).toBe('Sync started');
  });

  it('tells the app when a modal with notify_on_close is closed', async () => {
    const opened = await bolt.app.client.views.open({
      trigger_id: sandbox.createTriggerId(U.collector2.id),
      view: { ...modal('Edit draft'), notify_on_close: true },
    });
    const res = await slack.viewClosed({ userId: U.collector2.id, fromView: opened.view!.id! });
    expect(res.status).toBe(200);
    expect(seen.closed).toEqual([{ user: U.collector2.id, meta: JSON.stringify({ draftId: 'd-42' }) }]);
    expect(sandbox.openViews(U.collector2.id)).toEqual([]);
  });

  it('opens a modal from a message shortcut using the trigger_id Slack sent', async () => {
    const reply = sandbox.postAsUser({
      channel: C.queue.id,
      user: U.collector1.id,
      text: 'Customer: we pay Friday',
    });
    const res = await slack.messageShortcut({
      callbackId: 'log_customer_reply',
      userId: U.collector1.id,
      fromMessage: { channel: C.queue.id, ts: reply.ts },
    });
    expect(res.status).toBe(200);
    const [open] = sandbox.openViews(U.collector1.id);
    expect(open?.view.title).toEqual({ type: 'plain_text', text: `Reply ${reply.ts.slice(-4)}` });
  });

  it('publishes App Home on app_home_opened delivered as a signed JSON event', async () => {
    const res = await slack.event({
      type: 'app_home_opened',
      user: U.manager.id,
      channel: 'D_MANAGER',
      tab: 'home',
    });
    expect(res.status).toBe(200);
    expect(sandbox.homeView(U.manager.id)?.view.blocks).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: 'Hello <@U_MANAGER>' } },
    ]);
  });

  it('hears a thread reply under its card (message event) and an @-mention (app_mention)', async () => {
    const card = await bolt.app.client.chat.postMessage({
      channel: C.queue.id,
      text: 'Globex: 3 invoices overdue',
    });
    const { ts, responses } = await slack.userMessage({
      channel: C.queue.id,
      user: U.collector1.id,
      text: '<@U0ARBOT> they promised to pay on Friday',
      thread_ts: card.ts!,
    });
    expect(responses.map((r) => r.status)).toEqual([200, 200]);
    expect(seen.replies).toEqual([
      { thread_ts: card.ts, ts, text: '<@U0ARBOT> they promised to pay on Friday' },
    ]);
    expect(seen.mentions).toEqual([ts]);
    // Slack also echoes the bot's own posts as message events; Bolt drops them because it knows our bot ids.
    const echo = await slack.event({
      type: 'message',
      user: 'U0ARBOT',
      bot_id: 'B0ARBOT',
      text: 'echo of our own reply',
      ts: '1763700000.000100',
      thread_ts: card.ts!,
      channel: C.queue.id,
      channel_type: 'channel',
    });
    expect(echo.status).toBe(200);
    expect(seen.replies).toHaveLength(1);
  });

  it('surfaces a views.update hash conflict as a platform error', async () => {
    const opened = await bolt.app.client.views.open({
      trigger_id: sandbox.createTriggerId(U.manager.id),
      view: modal('Loading…'),
    });
    const staleHash = opened.view!.hash!;
    await bolt.app.client.views.update({ view_id: opened.view!.id!, hash: staleHash, view: modal('Loaded') });
    const err = await bolt.app.client.views
      .update({ view_id: opened.view!.id!, hash: staleHash, view: modal('Late') })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WebAPIPlatformError);
    expect((err as WebAPIPlatformError).data.error).toBe('hash_conflict');
  });

  it('passes the raw, unparsed body to a custom route, so a Xero-style HMAC check works', async () => {
    const body = '{"events":[],"firstEventSequence":0,"lastEventSequence":0,"entropy":"S0m3r4Nd0mt3xt"}';
    const signature = createHmac('sha256', XERO_KEY).update(body).digest('base64');
    const ok = await fetch(`${baseUrl}/xero/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-xero-signature': signature },
      body,
    });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({
      sha256: createHash('sha256').update(body).digest('hex'),
      bytes: Buffer.byteLength(body),
    });
    const bad = await fetch(`${baseUrl}/xero/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-xero-signature': 'nope' },
      body,
    });
    expect(bad.status).toBe(401);
  });

  it('serves /healthz and a JSON 404 for unknown paths through the same server', async () => {
    const health = await fetch(`${baseUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const missing = await fetch(`${baseUrl}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'not_found' });
  });

  it('sends Bolt and web-api logging to pino, never to the console', async () => {
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) =>
      vi.spyOn(console, m).mockImplementation(() => {}),
    );
    const before = logLines.length;
    await slack.command(
      { text: 'quiet', userId: U.collector1.id, channelId: C.queue.id },
      { signature: 'forged' },
    );
    await bolt.app.client.chat.postMessage({ channel: 'C_NOPE', text: 'x' }).catch(() => undefined);
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    expect(logLines.length).toBeGreaterThan(before);
    expect(logLines.slice(before).every((l) => l.component === 'slack')).toBe(true);
  });
});

describe('createBoltApp start-up checks', () => {
  const logger = createLogger({ level: 'silent' });

  it('fails fast with SLACK_AUTH_FAILED when Slack rejects the bot token', async () => {
    const sandbox = await startSlackSandbox();
    try {
      const err = await createBoltApp({
        botToken: 'xoxb-revoked',
        signingSecret: SIGNING_SECRET,
        slackApiUrl: sandbox.apiUrl,
        logger,
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('SLACK_AUTH_FAILED');
      expect((err as AppError).message).toBe('Slack rejected SLACK_BOT_TOKEN (auth.test: invalid_auth)');
    } finally {
      await sandbox.close();
    }
  });

  it('fails within the timeout with SLACK_UNREACHABLE instead of hanging in retries', async () => {
    const sandbox = await startSlackSandbox();
    const apiUrl = sandbox.apiUrl;
    await sandbox.close();
    const started = Date.now();
    const err = await createBoltApp({
      botToken: 'xoxb-x',
      signingSecret: SIGNING_SECRET,
      slackApiUrl: apiUrl,
      logger,
      authTestTimeoutMs: 2000,
    }).catch((e: unknown) => e);
    expect((err as AppError).code).toBe('SLACK_UNREACHABLE');
    expect((err as AppError).message).toContain(`could not reach Slack at ${apiUrl} within 2000 ms`);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('skips auth.test entirely when botId and botUserId are given', async () => {
    const sandbox = await startSlackSandbox();
    try {
      const bolt = await createBoltApp({
        botToken: sandbox.botToken,
        signingSecret: SIGNING_SECRET,
        slackApiUrl: sandbox.apiUrl,
        logger,
        botId: 'B0ARBOT',
        botUserId: 'U0ARBOT',
      });
      await bolt.start(0);
      await bolt.stop();
      expect(sandbox.callsTo('auth.test')).toHaveLength(0);
    } finally {
      await sandbox.close();
    }
  });
});

describe('createBoltApp in Socket Mode (SLACK_APP_TOKEN) against the sandbox', () => {
  it('connects over the WebSocket, routes commands and events through it, and serves customRoutes on httpPort', async () => {
    const sandbox = await startSlackSandbox({ rateLimits: false });
    const bolt = await createBoltApp({
      botToken: sandbox.botToken,
      signingSecret: SIGNING_SECRET,
      slackApiUrl: sandbox.apiUrl,
      appToken: sandbox.appToken,
      customRoutes: [healthRoute],
      httpPort: 0,
      logger: createLogger({ level: 'silent' }),
      clientOptions: { retryConfig: { retries: 0 } },
    });
    try {
      bolt.app.command('/ar', async ({ ack, command, respond }) => {
        await ack({ text: `socket: ${command.text}` });
        await respond({ response_type: 'in_channel', text: `posted for ${command.user_id}` });
      });
      bolt.app.event('app_home_opened', async ({ event, client }) => {
        await client.views.publish({
          user_id: event.user,
          view: {
            type: 'home',
            blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'socket home' } }],
          },
        });
      });
      const port = await bolt.start(0);
      expect(bolt.mode).toBe('socket');
      expect(sandbox.socketMode.connections()).toBe(1);
      expect(sandbox.callsTo('apps.connections.open')).toMatchObject([{ ok: true }]);

      const slack = createSlackRequestClient({
        baseUrl: 'http://127.0.0.1:1',
        signingSecret: 'unused-in-socket-mode',
        sandbox,
        transport: 'socket-mode',
      });
      const res = await slack.command({ text: 'top', userId: U.manager.id, channelId: C.digest.id });
      expect(res.json()).toEqual({ text: 'socket: top' });
      await vi.waitFor(() => expect(sandbox.lastMessage(C.digest.id)?.text).toBe('posted for U_MANAGER'));

      await slack.event({
        type: 'app_home_opened',
        user: U.collector1.id,
        channel: 'D_COLLECTOR1',
        tab: 'home',
      });
      await vi.waitFor(() => expect(sandbox.homeView(U.collector1.id)).toBeDefined());

      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(await health.json()).toEqual({ status: 'ok' });
    } finally {
      await bolt.stop();
      await sandbox.close();
    }
    expect(sandbox.socketMode.connections()).toBe(0);
  });

  it('refuses the bot token for apps.connections.open and the app token for everything else', async () => {
    const sandbox = await startSlackSandbox();
    try {
      const call = (method: string, token: string) =>
        fetch(`${sandbox.apiUrl}${method}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}` },
        }).then((r) => r.json());
      expect(await call('apps.connections.open', sandbox.botToken)).toEqual({
        ok: false,
        error: 'not_allowed_token_type',
      });
      expect(await call('auth.test', sandbox.appToken)).toEqual({
        ok: false,
        error: 'not_allowed_token_type',
      });
      expect(await call('apps.connections.open', sandbox.appToken)).toMatchObject({
        ok: true,
        url: expect.stringMatching(/^ws:\/\/127\.0\.0\.1:\d+\/socket-mode\/[0-9a-f]+$/),
      });
    } finally {
      await sandbox.close();
    }
  });
});
