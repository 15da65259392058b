import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isValidSlackRequest } from '@slack/bolt';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type SlackSandbox, startSlackSandbox } from './index.js';
import { createSlackRequestClient, type SlackRequestClient, signSlackRequest } from './signed-client.js';

const SECRET = 'signed-client-secret';

interface Captured {
  path: string;
  headers: IncomingHttpHeaders;
  raw: string;
}

describe('signed request client (what goes over the wire)', () => {
  let server: Server;
  let sandbox: SlackSandbox;
  let client: SlackRequestClient;
  let captured: Captured[] = [];
  let reply: { status: number; body: string } = { status: 200, body: '' };

  beforeAll(async () => {
    sandbox = await startSlackSandbox({ rateLimits: false });
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        captured.push({
          path: req.url ?? '',
          headers: req.headers,
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        res.writeHead(reply.status, reply.body ? { 'content-type': 'application/json' } : {});
        res.end(reply.body);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    client = createSlackRequestClient({
      baseUrl: `http://127.0.0.1:${port}`,
      signingSecret: SECRET,
      sandbox,
    });
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    await sandbox.close();
  });
  beforeEach(() => {
    captured = [];
    reply = { status: 200, body: '' };
  });

  const last = () => captured.at(-1)!;
  const isValid = (c: Captured) =>
    isValidSlackRequest({
      signingSecret: SECRET,
      body: c.raw,
      headers: {
        'x-slack-signature': String(c.headers['x-slack-signature']),
        'x-slack-request-timestamp': Number(c.headers['x-slack-request-timestamp']),
      },
    });
  const payloadOf = (c: Captured) => JSON.parse(new URLSearchParams(c.raw).get('payload') ?? 'null');

  it('signs the exact bytes of a slash command form, with the bare form content-type', async () => {
    await client.command({ text: 'aging acme & co', userId: 'U_MANAGER', channelId: 'C_QUEUE' });
    const c = last();
    expect(c.path).toBe('/slack/events');
    expect(c.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(isValid(c)).toBe(true);
    const ts = Number(c.headers['x-slack-request-timestamp']);
    expect(Math.abs(ts - Date.now() / 1000)).toBeLessThan(5);
    expect(c.headers['x-slack-signature']).toBe(signSlackRequest(SECRET, ts, c.raw));
    const form = Object.fromEntries(new URLSearchParams(c.raw));
    expect(form).toMatchObject({
      command: '/ar',
      text: 'aging acme & co',
      user_id: 'U_MANAGER',
      user_name: 'maria',
      channel_id: 'C_QUEUE',
      channel_name: 'ar-queue',
      team_id: 'T0SANDBOX',
      api_app_id: 'A0ARCOPILOT',
    });
    expect(form.response_url).toMatch(new RegExp(`^${sandbox.url}/response_url/[0-9a-f]+$`));
    expect(form.trigger_id).toMatch(/^\d+\.[0-9a-f]+$/);
  });

  it('forges, backdates and overrides headers on request', async () => {
    await client.command({ text: 'x', userId: 'U_MANAGER', channelId: 'C_QUEUE' }, { signature: 'forged' });
    expect(isValid(last())).toBe(false);
    const stale = Math.floor(Date.now() / 1000) - 600;
    await client.command({ text: 'x', userId: 'U_MANAGER', channelId: 'C_QUEUE' }, { timestamp: stale });
    expect(last().headers['x-slack-request-timestamp']).toBe(String(stale));
    expect(last().headers['x-slack-signature']).toBe(signSlackRequest(SECRET, stale, last().raw));
    await client.event(
      { type: 'app_mention', user: 'U_MANAGER', text: 'hi', channel: 'C_QUEUE' },
      { retryNum: 1, retryReason: 'http_timeout' },
    );
    expect(last().headers).toMatchObject({
      'x-slack-retry-num': '1',
      'x-slack-retry-reason': 'http_timeout',
    });
  });

  it('builds block_actions from the stored message, with container, channel and a response_url bound to it', async () => {
    const card = sandbox.postAsUser({ channel: 'C_QUEUE', user: 'U_COLLECTOR1', text: 'card' });
    await client.blockAction({
      userId: 'U_COLLECTOR2',
      fromMessage: { channel: 'C_QUEUE', ts: card.ts },
      actions: [{ type: 'button', action_id: 'snooze', block_id: 'b1', value: '7' }],
    });
    const c = last();
    expect(c.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect([...new URLSearchParams(c.raw).keys()]).toEqual(['payload']);
    expect(isValid(c)).toBe(true);
    const p = payloadOf(c);
    expect(p).toMatchObject({
      type: 'block_actions',
      team: { id: 'T0SANDBOX', domain: 'ar-sandbox' },
      user: { id: 'U_COLLECTOR2', username: 'cara', team_id: 'T0SANDBOX' },
      api_app_id: 'A0ARCOPILOT',
      container: { type: 'message', message_ts: card.ts, channel_id: 'C_QUEUE', is_ephemeral: false },
      channel: { id: 'C_QUEUE', name: 'ar-queue' },
      message: { ts: card.ts, text: 'card', user: 'U_COLLECTOR1' },
      actions: [{ type: 'button', action_id: 'snooze', block_id: 'b1', value: '7' }],
    });
    expect(p.actions[0].action_ts).toMatch(/^\d+\.\d{6}$/);
    // The response_url replaces the clicked message.
    const res = await fetch(p.response_url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ replace_original: true, text: 'snoozed' }),
    });
    expect(res.status).toBe(200);
    expect(sandbox.message('C_QUEUE', card.ts)?.text).toBe('snoozed');
  });

  it('submits an open sandbox view with typed values merged over its initial state, and applies the ack', async () => {
    const trigger = sandbox.createTriggerId('U_MANAGER');
    const opened = await fetch(`${sandbox.apiUrl}views.open`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sandbox.botToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        trigger_id: trigger,
        view: {
          type: 'modal',
          callback_id: 'edit_draft',
          private_metadata: 'draft:1',
          title: { type: 'plain_text', text: 'Edit' },
          submit: { type: 'plain_text', text: 'Save' },
          blocks: [
            {
              type: 'input',
              block_id: 'subject',
              label: { type: 'plain_text', text: 'S' },
              element: { type: 'plain_text_input', action_id: 'v', initial_value: 'Reminder' },
            },
            {
              type: 'input',
              block_id: 'body',
              label: { type: 'plain_text', text: 'B' },
              element: { type: 'plain_text_input', action_id: 'v' },
            },
          ],
        },
      }),
    });
    const viewId = ((await opened.json()) as { view: { id: string } }).view.id;
    reply = {
      status: 200,
      body: JSON.stringify({ response_action: 'errors', errors: { body: 'Required' } }),
    };
    await client.viewSubmission({
      userId: 'U_MANAGER',
      fromView: viewId,
      values: { body: { v: { type: 'plain_text_input', value: '' } } },
    });
    const p = payloadOf(last());
    expect(p).toMatchObject({
      type: 'view_submission',
      user: { id: 'U_MANAGER' },
      view: {
        id: viewId,
        callback_id: 'edit_draft',
        private_metadata: 'draft:1',
        state: {
          values: {
            subject: { v: { type: 'plain_text_input', value: 'Reminder' } },
            body: { v: { type: 'plain_text_input', value: '' } },
          },
        },
      },
    });
    expect(typeof p.view.hash).toBe('string');
    expect(sandbox.view(viewId)?.errors).toEqual({ body: 'Required' });

    reply = { status: 200, body: '' };
    await client.viewSubmission({
      userId: 'U_MANAGER',
      fromView: viewId,
      values: { body: { v: { type: 'plain_text_input', value: 'Hi' } } },
    });
    expect(sandbox.openViews('U_MANAGER')).toEqual([]);
  });

  it('wraps events in a signed JSON event_callback envelope with authorizations', async () => {
    await client.event({
      type: 'message',
      user: 'U_MANAGER',
      text: 'we pay Friday',
      channel: 'C_QUEUE',
      ts: '1.000001',
      event_id: 'Ev123',
    });
    const c = last();
    expect(c.headers['content-type']).toBe('application/json');
    expect(isValid(c)).toBe(true);
    const body = JSON.parse(c.raw);
    expect(body).toMatchObject({
      type: 'event_callback',
      team_id: 'T0SANDBOX',
      api_app_id: 'A0ARCOPILOT',
      event_id: 'Ev123',
      authorizations: [{ team_id: 'T0SANDBOX', user_id: 'U0ARBOT', is_bot: true }],
      event: {
        type: 'message',
        user: 'U_MANAGER',
        text: 'we pay Friday',
        channel: 'C_QUEUE',
        ts: '1.000001',
      },
    });
    expect(body.event.event_id).toBeUndefined();
  });

  it('builds a message_action shortcut from a stored message', async () => {
    const m = sandbox.postAsUser({ channel: 'C_DIGEST', user: 'U_COLLECTOR1', text: 'forwarded reply' });
    await client.messageShortcut({
      callbackId: 'log_customer_reply',
      userId: 'U_COLLECTOR1',
      fromMessage: { channel: 'C_DIGEST', ts: m.ts },
    });
    expect(payloadOf(last())).toMatchObject({
      type: 'message_action',
      callback_id: 'log_customer_reply',
      channel: { id: 'C_DIGEST' },
      message_ts: m.ts,
      message: { text: 'forwarded reply', ts: m.ts },
      team: { id: 'T0SANDBOX' },
    });
  });
});
