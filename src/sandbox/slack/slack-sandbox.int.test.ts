import {
  type Logger,
  LogLevel,
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebClient,
  WebClientEvent,
  type WebClientOptions,
} from '@slack/web-api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_DEFAULTS, type SandboxChange, type SlackSandbox, startSlackSandbox } from './index.js';

const button = (i: number, extra: Record<string, unknown> = {}) => ({
  type: 'button',
  action_id: `a${i}`,
  text: { type: 'plain_text', text: `B${i}` },
  ...extra,
});
const section = (text: string, extra: Record<string, unknown> = {}) => ({
  type: 'section',
  text: { type: 'mrkdwn', text },
  ...extra,
});

/** web-api logs Slack's error explanations at error level; these tests assert them instead. */
const quiet: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => LogLevel.ERROR,
  setName: () => {},
};

function client(sandbox: SlackSandbox, options: WebClientOptions = {}): WebClient {
  return new WebClient(sandbox.botToken, {
    slackApiUrl: sandbox.apiUrl,
    retryConfig: { retries: 0 },
    logger: quiet,
    ...options,
  });
}

async function platformError(p: Promise<unknown>): Promise<{ error: string; messages: string[] }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof WebAPIPlatformError) {
      const data = err.data as { error: string; response_metadata?: { messages?: string[] } };
      return { error: data.error, messages: data.response_metadata?.messages ?? [] };
    }
    throw err;
  }
  throw new Error('expected the call to fail');
}

describe('Slack sandbox through the real WebClient', () => {
  let sandbox: SlackSandbox;
  let web: WebClient;
  const C = SANDBOX_DEFAULTS.channels;
  const U = SANDBOX_DEFAULTS.users;

  beforeAll(async () => {
    sandbox = await startSlackSandbox({ rateLimits: false });
    web = client(sandbox);
  });
  afterAll(async () => {
    await sandbox.close();
  });
  afterEach(() => {
    sandbox.faults.clear();
  });

  it('authenticates the bot token from the Authorization header', async () => {
    const auth = await web.auth.test();
    expect(auth).toMatchObject({ ok: true, user_id: 'U0ARBOT', bot_id: 'B0ARBOT', team_id: 'T0SANDBOX' });
    const wrong = new WebClient('xoxb-wrong', {
      slackApiUrl: sandbox.apiUrl,
      retryConfig: { retries: 0 },
      logLevel: LogLevel.ERROR,
    });
    expect((await platformError(wrong.auth.test())).error).toBe('invalid_auth');
    const bare = await fetch(`${sandbox.apiUrl}auth.test`, { method: 'POST' });
    expect(await bare.json()).toEqual({ ok: false, error: 'not_authed' });
  });

  it('answers unknown_method for methods it does not implement', async () => {
    expect((await platformError(web.apiCall('admin.users.invite', {}))).error).toBe('unknown_method');
  });

  it('posts messages with strictly increasing ts, threads, broadcasts and metadata', async () => {
    const first = await web.chat.postMessage({ channel: C.digest.id, text: 'Digest for 21 Nov' });
    const second = await web.chat.postMessage({ channel: '#ar-digest', text: 'second' });
    expect(first.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(Number(second.ts)).toBeGreaterThan(Number(first.ts));
    expect(second.channel).toBe(C.digest.id);
    expect(first.message).toMatchObject({ text: 'Digest for 21 Nov', user: 'U0ARBOT', bot_id: 'B0ARBOT' });

    const reply = await web.chat.postMessage({
      channel: C.digest.id,
      thread_ts: first.ts!,
      text: 'card 1',
      metadata: { event_type: 'invoice_card', event_payload: { invoiceId: 'inv-1' } },
    });
    // Replying to a reply lands under the same root.
    const nested = await web.chat.postMessage({ channel: C.digest.id, thread_ts: reply.ts!, text: 'card 2' });
    const broadcast = await web.chat.postMessage({
      channel: C.digest.id,
      thread_ts: first.ts!,
      text: 'also in channel',
      reply_broadcast: true,
    });
    expect(nested.message?.thread_ts).toBe(first.ts);
    expect(sandbox.thread(C.digest.id, first.ts!).map((m) => m.text)).toEqual([
      'Digest for 21 Nov',
      'card 1',
      'card 2',
      'also in channel',
    ]);
    expect(sandbox.messages(C.digest.id).map((m) => m.text)).toEqual([
      'Digest for 21 Nov',
      'second',
      'also in channel',
    ]);
    expect(sandbox.lastMessage(C.digest.id)?.ts).toBe(broadcast.ts);
    expect(sandbox.message(C.digest.id, first.ts!)).toMatchObject({ reply_count: 3, thread_ts: first.ts });
    expect(sandbox.findMessage((m) => m.metadata?.event_type === 'invoice_card')?.ts).toBe(reply.ts);

    const replies = await web.conversations.replies({ channel: C.digest.id, ts: first.ts! });
    expect(replies.messages?.map((m) => m.text)).toEqual([
      'Digest for 21 Nov',
      'card 1',
      'card 2',
      'also in channel',
    ]);
    expect(replies.messages?.[1]?.metadata).toEqual({
      event_type: 'invoice_card',
      event_payload: { invoiceId: 'inv-1' },
    });
    expect(
      (await platformError(web.chat.postMessage({ channel: C.digest.id, thread_ts: '1.000001', text: 'x' })))
        .error,
    ).toBe('thread_not_found');
  });

  it('refuses unknown channels, empty messages, and private channels the bot is not in', async () => {
    expect((await platformError(web.chat.postMessage({ channel: 'C_NOPE', text: 'x' }))).error).toBe(
      'channel_not_found',
    );
    expect((await platformError(web.chat.postMessage({ channel: C.queue.id, text: '' }))).error).toBe(
      'no_text',
    );
    const other = await startSlackSandbox({
      rateLimits: false,
      channels: [{ id: 'G_SECRET', name: 'secret', is_private: true, members: ['U_MANAGER'] }],
    });
    try {
      const c = client(other);
      expect((await platformError(c.chat.postMessage({ channel: 'G_SECRET', text: 'x' }))).error).toBe(
        'channel_not_found',
      );
      expect((await platformError(c.conversations.join({ channel: 'G_SECRET' }))).error).toBe(
        'method_not_supported_for_channel_type',
      );
    } finally {
      await other.close();
    }
  });

  it('updates with edit history, deletes, posts ephemerals and permalinks', async () => {
    const posted = await web.chat.postMessage({ channel: C.queue.id, text: 'v1', blocks: [section('v1')] });
    const updated = await web.chat.update({
      channel: C.queue.id,
      ts: posted.ts!,
      text: 'v2',
      blocks: [section('v2')],
    });
    expect(updated).toMatchObject({ ok: true, ts: posted.ts, text: 'v2' });
    const stored = sandbox.message(C.queue.id, posted.ts!)!;
    expect(stored.text).toBe('v2');
    expect(stored.blocks).toEqual([section('v2')]);
    expect(stored.history.map((h) => h.text)).toEqual(['v1']);
    expect(stored.edited?.user).toBe('U0ARBOT');

    const human = sandbox.postAsUser({ channel: C.queue.id, user: U.collector1.id, text: 'mine' });
    expect(
      (await platformError(web.chat.update({ channel: C.queue.id, ts: human.ts, text: 'x' }))).error,
    ).toBe('cant_update_message');
    expect(
      (await platformError(web.chat.update({ channel: C.queue.id, ts: '1.000002', text: 'x' }))).error,
    ).toBe('message_not_found');

    const link = await web.chat.getPermalink({ channel: C.queue.id, message_ts: posted.ts! });
    expect(link.permalink).toBe(
      `https://ar-sandbox.slack.com/archives/C_QUEUE/p${posted.ts!.replace('.', '')}`,
    );

    const eph = await web.chat.postEphemeral({
      channel: C.queue.id,
      user: U.collector2.id,
      text: 'only you',
    });
    expect(eph.message_ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(sandbox.ephemerals({ channel: C.queue.id, user: U.collector2.id }).map((e) => e.text)).toEqual([
      'only you',
    ]);

    await web.chat.delete({ channel: C.queue.id, ts: posted.ts! });
    expect(sandbox.message(C.queue.id, posted.ts!)).toBeUndefined();
  });

  it('truncates top-level text over 40,000 characters with a warning, and refuses such an edit', async () => {
    const res = await web.chat.postMessage({ channel: C.queue.id, text: 'x'.repeat(40_001) });
    expect(res.warning).toBe('message_truncated');
    expect(sandbox.message(C.queue.id, res.ts!)?.text.length).toBe(40_000);
    expect(
      (await platformError(web.chat.update({ channel: C.queue.id, ts: res.ts!, text: 'y'.repeat(40_001) })))
        .error,
    ).toBe('msg_too_long');
  });

  it.each([
    ['51 blocks', Array.from({ length: 51 }, (_, i) => section(`s${i}`)), 'invalid_blocks', '/blocks'],
    ['section text of 3001', [section('x'.repeat(3001))], 'invalid_blocks', '/blocks/0/text/text'],
    [
      '11 section fields',
      [{ type: 'section', fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'f' })) }],
      'invalid_blocks',
      '/blocks/0/fields',
    ],
    [
      'a field of 2001',
      [{ type: 'section', fields: [{ type: 'mrkdwn', text: 'f'.repeat(2001) }] }],
      'invalid_blocks',
      '/blocks/0/fields/0/text',
    ],
    [
      'header of 151',
      [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }],
      'invalid_blocks',
      '/blocks/0/text/text',
    ],
    [
      'mrkdwn header',
      [{ type: 'header', text: { type: 'mrkdwn', text: 'h' } }],
      'invalid_blocks',
      '/blocks/0/text/type',
    ],
    [
      '11 context elements',
      [{ type: 'context', elements: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'c' })) }],
      'invalid_blocks',
      '/blocks/0/elements',
    ],
    [
      '26 actions',
      [{ type: 'actions', elements: Array.from({ length: 26 }, (_, i) => button(i)) }],
      'invalid_blocks',
      '/blocks/0/elements',
    ],
    [
      'button text of 76',
      [{ type: 'actions', elements: [button(0, { text: { type: 'plain_text', text: 'b'.repeat(76) } })] }],
      'invalid_blocks',
      '/blocks/0/elements/0/text/text',
    ],
    [
      'button value of 2001',
      [{ type: 'actions', elements: [button(0, { value: 'v'.repeat(2001) })] }],
      'invalid_blocks',
      '/blocks/0/elements/0/value',
    ],
    [
      'action_id of 256',
      [{ type: 'actions', elements: [button(0, { action_id: 'a'.repeat(256) })] }],
      'invalid_blocks',
      '/blocks/0/elements/0/action_id',
    ],
    [
      'block_id of 256',
      [section('s', { block_id: 'b'.repeat(256) })],
      'invalid_blocks',
      '/blocks/0/block_id',
    ],
    [
      'duplicate block_id',
      [section('a', { block_id: 'inv_1' }), section('b', { block_id: 'inv_1' })],
      'invalid_blocks',
      '/blocks/1/block_id',
    ],
    [
      'static_select with 101 options',
      [
        {
          type: 'actions',
          elements: [
            {
              type: 'static_select',
              action_id: 'pick',
              options: Array.from({ length: 101 }, (_, i) => ({
                text: { type: 'plain_text', text: `o${i}` },
                value: `${i}`,
              })),
            },
          ],
        },
      ],
      'invalid_blocks',
      '/blocks/0/elements/0/options',
    ],
    [
      'more than 12,000 characters of text across blocks',
      Array.from({ length: 5 }, (_, i) => section(`${i}`.repeat(2500))),
      'msg_blocks_too_long',
      '/blocks',
    ],
  ])('rejects %s as Slack does', async (_name, blocks, error, pointer) => {
    const before = sandbox.messages(C.queue.id).length;
    const failure = await platformError(
      web.chat.postMessage({ channel: C.queue.id, text: 'fallback', blocks }),
    );
    expect(failure.error).toBe(error);
    expect(
      failure.messages.some((m) => m.startsWith('[ERROR] ') && m.endsWith(`[json-pointer:${pointer}]`)),
    ).toBe(true);
    expect(sandbox.messages(C.queue.id).length).toBe(before);
    const call = sandbox.callsTo('chat.postMessage').at(-1);
    expect(call).toMatchObject({ ok: false, error });
    expect(Array.isArray(call?.params.blocks)).toBe(true);
  });

  it('accepts a message exactly at the limits', async () => {
    const blocks = [
      { type: 'header', text: { type: 'plain_text', text: 'h'.repeat(150) } },
      section('x'.repeat(3000), { block_id: 'b'.repeat(255) }),
      {
        type: 'actions',
        elements: Array.from({ length: 25 }, (_, i) => button(i, { value: 'v'.repeat(80) })),
      },
      ...Array.from({ length: 47 }, (_, i) => ({ type: 'divider', block_id: `d${i}` })),
    ];
    const res = await web.chat.postMessage({ channel: C.queue.id, text: 'fallback', blocks });
    expect(res.ok).toBe(true);
    expect(sandbox.message(C.queue.id, res.ts!)?.blocks).toHaveLength(50);
  });

  it('opens, pushes, updates (with hash check) and publishes views', async () => {
    const modal = (title: string, extra: Record<string, unknown> = {}) => ({
      type: 'modal' as const,
      callback_id: 'edit_draft',
      title: { type: 'plain_text' as const, text: title },
      submit: { type: 'plain_text' as const, text: 'Save' },
      blocks: [
        {
          type: 'input',
          block_id: 'draft',
          label: { type: 'plain_text', text: 'Draft' },
          element: { type: 'plain_text_input', action_id: 'body', multiline: true, initial_value: 'Hello' },
        },
      ],
      ...extra,
    });
    expect((await platformError(web.views.open({ trigger_id: 'bogus', view: modal('x') }))).error).toBe(
      'invalid_trigger_id',
    );
    const trigger = sandbox.createTriggerId(U.collector1.id);
    const tooLong = await platformError(web.views.open({ trigger_id: trigger, view: modal('t'.repeat(25)) }));
    expect(tooLong.error).toBe('invalid_arguments');
    expect(tooLong.messages).toEqual([
      '[ERROR] must be less than 25 characters [json-pointer:/view/title/text]',
    ]);

    const t2 = sandbox.createTriggerId(U.collector1.id);
    const opened = await web.views.open({ trigger_id: t2, view: modal('Edit draft') });
    expect((await platformError(web.views.open({ trigger_id: t2, view: modal('again') }))).error).toBe(
      'trigger_exchanged',
    );
    const viewId = opened.view!.id!;
    expect(sandbox.openViews(U.collector1.id).map((v) => v.id)).toEqual([viewId]);
    expect(sandbox.view(viewId)?.state.values).toEqual({
      draft: { body: { type: 'plain_text_input', value: 'Hello' } },
    });

    const oldHash = opened.view!.hash!;
    const updated = await web.views.update({ view_id: viewId, hash: oldHash, view: modal('Edited') });
    expect(updated.view?.hash).not.toBe(oldHash);
    expect(
      (await platformError(web.views.update({ view_id: viewId, hash: oldHash, view: modal('Race') }))).error,
    ).toBe('hash_conflict');
    expect(sandbox.view(viewId)?.view.title).toEqual({ type: 'plain_text', text: 'Edited' });

    const pushed = await web.views.push({
      trigger_id: sandbox.createTriggerId(U.collector1.id),
      view: modal('Step 2'),
    });
    expect(pushed.view?.root_view_id).toBe(viewId);
    expect(pushed.view?.previous_view_id).toBe(viewId);
    await web.views.push({ trigger_id: sandbox.createTriggerId(U.collector1.id), view: modal('Step 3') });
    expect(
      (
        await platformError(
          web.views.push({ trigger_id: sandbox.createTriggerId(U.collector1.id), view: modal('4') }),
        )
      ).error,
    ).toBe('push_limit_reached');

    const meta = await platformError(
      web.views.update({ view_id: viewId, view: modal('Meta', { private_metadata: 'm'.repeat(3001) }) }),
    );
    expect(meta.messages).toEqual([
      '[ERROR] must be less than 3001 characters [json-pointer:/view/private_metadata]',
    ]);
    const noSubmit = await platformError(
      web.views.update({ view_id: viewId, view: modal('x', { submit: undefined }) }),
    );
    expect(noSubmit.messages[0]).toContain('/view/submit');

    const home = {
      type: 'home' as const,
      blocks: Array.from({ length: 100 }, (_, i) => ({
        type: 'section',
        text: { type: 'mrkdwn', text: `${i}` },
      })),
    };
    const published = await web.views.publish({ user_id: U.manager.id, view: home });
    expect(sandbox.homeView(U.manager.id)?.id).toBe(published.view?.id);
    const tooMany = await platformError(
      web.views.publish({
        user_id: U.manager.id,
        view: { ...home, blocks: [...home.blocks, home.blocks[0]!] },
      }),
    );
    expect(tooMany.messages).toEqual(['[ERROR] no more than 100 items allowed [json-pointer:/view/blocks]']);
    expect(
      (await platformError(web.views.publish({ user_id: U.manager.id, hash: 'stale', view: home }))).error,
    ).toBe('hash_conflict');
  });

  it('expires trigger ids after three seconds', async () => {
    let now = Date.parse('2026-11-21T09:00:00Z');
    const timed = await startSlackSandbox({ now: () => now, rateLimits: false });
    try {
      const trigger = timed.createTriggerId('U_MANAGER');
      now += 3001;
      const view = { type: 'modal' as const, title: { type: 'plain_text' as const, text: 'x' }, blocks: [] };
      expect((await platformError(client(timed).views.open({ trigger_id: trigger, view }))).error).toBe(
        'expired_trigger_id',
      );
    } finally {
      await timed.close();
    }
  });

  it('serves conversations, users and user groups from its store', async () => {
    const list = await web.conversations.list({ types: 'public_channel,private_channel', limit: 2 });
    expect(list.channels?.map((c) => c.id)).toEqual(['C_DIGEST', 'C_QUEUE']);
    const next = await web.conversations.list({
      types: 'public_channel,private_channel',
      limit: 2,
      cursor: list.response_metadata!.next_cursor!,
    });
    expect(next.channels?.map((c) => c.id)).toEqual(['C_ESCALATIONS']);
    expect(next.response_metadata?.next_cursor).toBe('');
    expect((await web.conversations.info({ channel: 'C_ESCALATIONS' })).channel).toMatchObject({
      name: 'ar-escalations',
      is_member: true,
      is_private: false,
    });
    expect((await web.conversations.members({ channel: 'C_DIGEST' })).members).toEqual([
      'U_MANAGER',
      'U_COLLECTOR1',
      'U_COLLECTOR2',
      'U0ARBOT',
    ]);
    const im = await web.conversations.open({ users: U.collector1.id });
    expect(im.channel?.id).toBe('D_COLLECTOR1');
    expect((await web.conversations.open({ users: U.collector1.id })).already_open).toBe(true);
    const dm = await web.chat.postMessage({ channel: U.collector1.id, text: 'your queue' });
    expect(dm.channel).toBe('D_COLLECTOR1');

    expect((await web.users.info({ user: 'U_MANAGER' })).user).toMatchObject({
      real_name: 'Maria Manager',
      is_admin: true,
      profile: { email: 'maria@example.com' },
    });
    expect((await web.users.lookupByEmail({ email: 'CARA@example.com' })).user?.id).toBe('U_COLLECTOR2');
    expect((await platformError(web.users.lookupByEmail({ email: 'nobody@example.com' }))).error).toBe(
      'users_not_found',
    );
    expect((await web.users.list({})).members?.map((u) => u.id)).toEqual([
      'U_MANAGER',
      'U_COLLECTOR1',
      'U_COLLECTOR2',
      'U0ARBOT',
    ]);
    const groups = await web.usergroups.list({ include_users: true });
    expect(groups.usergroups?.map((g) => [g.handle, g.users])).toEqual([
      ['ar-managers', ['U_MANAGER']],
      ['ar-collectors', ['U_COLLECTOR1', 'U_COLLECTOR2']],
    ]);
    expect((await web.usergroups.users.list({ usergroup: 'S_COLLECTORS' })).users).toEqual([
      'U_COLLECTOR1',
      'U_COLLECTOR2',
    ]);
    expect((await platformError(web.usergroups.users.list({ usergroup: 'S_NOPE' }))).error).toBe(
      'no_such_subteam',
    );
  });

  it('records every call with parsed params and no token, and clears them', async () => {
    sandbox.clearCalls();
    await web.chat.postMessage({ channel: C.queue.id, text: 't', blocks: [section('b')] });
    expect(sandbox.calls).toHaveLength(1);
    expect(sandbox.calls[0]).toMatchObject({
      method: 'chat.postMessage',
      ok: true,
      httpStatus: 200,
      params: { channel: 'C_QUEUE', text: 't', blocks: [section('b')] },
    });
    expect(sandbox.calls[0]?.params).not.toHaveProperty('token');
    sandbox.clearCalls();
    expect(sandbox.calls).toHaveLength(0);
  });

  it('scripts platform errors and HTTP statuses', async () => {
    sandbox.faults.error('chat.update', 'ratelimited_internal');
    const posted = await web.chat.postMessage({ channel: C.queue.id, text: 'a' });
    expect(
      (await platformError(web.chat.update({ channel: C.queue.id, ts: posted.ts!, text: 'b' }))).error,
    ).toBe('ratelimited_internal');
    expect((await web.chat.update({ channel: C.queue.id, ts: posted.ts!, text: 'b' })).ok).toBe(true);

    sandbox.faults.httpStatus('chat.postMessage', 503, 1);
    const err = await web.chat.postMessage({ channel: C.queue.id, text: 'c' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WebAPIHTTPError);
    expect((err as WebAPIHTTPError).statusCode).toBe(503);
    // With retries, web-api retries a 5xx and the next attempt succeeds.
    sandbox.faults.httpStatus('chat.postMessage', 500, 1);
    const retrying = client(sandbox, { retryConfig: { retries: 1, minTimeout: 10, maxTimeout: 10 } });
    expect((await retrying.chat.postMessage({ channel: C.queue.id, text: 'd' })).ok).toBe(true);
  });

  it('answers a scripted 429 with Retry-After, and the WebClient succeeds on its retry', async () => {
    sandbox.faults.rateLimit('chat.postMessage', { times: 1, retryAfterSec: 1 });
    sandbox.clearCalls();
    const retrying = client(sandbox, { retryConfig: { retries: 1, minTimeout: 0, maxTimeout: 0 } });
    const limited: number[] = [];
    retrying.on(WebClientEvent.RATE_LIMITED, (sec: number) => limited.push(sec));
    const res = await retrying.chat.postMessage({ channel: C.escalations.id, text: 'after the wait' });
    expect(res.ok).toBe(true);
    expect(limited).toEqual([1]);
    expect(sandbox.calls.map((c) => [c.httpStatus, c.error ?? 'ok'])).toEqual([
      [429, 'ratelimited'],
      [200, 'ok'],
    ]);
    const first = sandbox.calls[0]!.at.getTime();
    expect(sandbox.calls[1]!.at.getTime() - first).toBeGreaterThanOrEqual(1000);
  });

  it('gives a JSON snapshot of the workspace for a page to render', async () => {
    const root = await web.chat.postMessage({ channel: C.escalations.id, text: 'Escalation: Globex' });
    await web.chat.postMessage({ channel: C.escalations.id, thread_ts: root.ts!, text: 'manager note' });
    const snap = sandbox.snapshot();
    const escalations = snap.channels.find((c) => c.id === C.escalations.id)!;
    expect(escalations.name).toBe('ar-escalations');
    expect(escalations.messages.at(-1)?.text).toBe('Escalation: Globex');
    expect(escalations.threads[root.ts!]?.map((m) => m.text)).toEqual(['manager note']);
    expect(snap.users.map((u) => u.id)).toContain('U_MANAGER');
    expect(JSON.parse(JSON.stringify(snap))).toEqual(snap);
    escalations.messages.length = 0;
    expect(sandbox.messages(C.escalations.id).length).toBeGreaterThan(0);
  });

  it('streams every change to onChange listeners', async () => {
    const changes: SandboxChange[] = [];
    const off = sandbox.onChange((c) => changes.push(c));
    const res = await web.chat.postMessage({ channel: C.digest.id, text: 'watched' });
    await web.chat.update({ channel: C.digest.id, ts: res.ts!, text: 'watched 2' });
    off();
    await web.chat.postMessage({ channel: C.digest.id, text: 'unwatched' });
    expect(changes.filter((c) => c.kind !== 'call')).toEqual([
      { kind: 'message_posted', channel: 'C_DIGEST', ts: res.ts },
      { kind: 'message_changed', channel: 'C_DIGEST', ts: res.ts },
    ]);
    expect(changes.filter((c) => c.kind === 'call')).toHaveLength(2);
  });
});

describe('per-channel posting limit', () => {
  it('allows a burst, then answers 429 with Retry-After until the bucket refills', async () => {
    let now = Date.parse('2026-11-21T09:00:00Z');
    const sandbox = await startSlackSandbox({
      now: () => now,
      rateLimits: { postMessagePerChannelPerSec: 1, burst: 2 },
    });
    try {
      const web = client(sandbox, { rejectRateLimitedCalls: true });
      await web.chat.postMessage({ channel: 'C_DIGEST', text: '1' });
      await web.chat.postMessage({ channel: 'C_DIGEST', text: '2' });
      const err = await web.chat.postMessage({ channel: 'C_DIGEST', text: '3' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WebAPIRateLimitedError);
      expect((err as WebAPIRateLimitedError).retryAfter).toBe(1);
      // Another channel has its own bucket.
      expect((await web.chat.postMessage({ channel: 'C_QUEUE', text: 'q' })).ok).toBe(true);
      now += 1000;
      expect((await web.chat.postMessage({ channel: 'C_DIGEST', text: '3' })).ok).toBe(true);
      expect(sandbox.messages('C_DIGEST').map((m) => m.text)).toEqual(['1', '2', '3']);
    } finally {
      await sandbox.close();
    }
  });
});

describe('response_url', () => {
  let sandbox: SlackSandbox;
  beforeAll(async () => {
    sandbox = await startSlackSandbox({ rateLimits: false });
  });
  afterAll(async () => {
    await sandbox.close();
  });
  const post = (url: string, body: unknown) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('records ephemeral, in_channel, replace_original and delete_original as Slack shows them', async () => {
    const web = client(sandbox);
    const card = await web.chat.postMessage({ channel: 'C_QUEUE', text: 'card', blocks: [section('card')] });
    const url = sandbox.responseUrl('C_QUEUE', 'U_COLLECTOR1', { messageTs: card.ts! });

    expect((await post(url, { text: 'just you' })).status).toBe(200);
    expect(sandbox.ephemerals({ user: 'U_COLLECTOR1' }).map((e) => [e.text, e.source])).toEqual([
      ['just you', 'response_url'],
    ]);
    expect((await post(url, { response_type: 'in_channel', text: 'everyone' })).status).toBe(200);
    expect(sandbox.lastMessage('C_QUEUE')?.text).toBe('everyone');
    expect(
      (await post(url, { replace_original: true, text: 'approved', blocks: [section('approved')] })).status,
    ).toBe(200);
    expect(sandbox.message('C_QUEUE', card.ts!)).toMatchObject({
      text: 'approved',
      blocks: [section('approved')],
    });
    const bad = await post(url, { replace_original: true, text: 'x', blocks: [section('x'.repeat(3001))] });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ ok: false, error: 'invalid_blocks' });
    expect((await post(url, { delete_original: true })).status).toBe(200);
    expect(sandbox.message('C_QUEUE', card.ts!)).toBeUndefined();
    // Five uses per URL, as Slack allows (the rejected one counted).
    const sixth = await post(url, { text: 'again' });
    expect(sixth.status).toBe(404);
    expect(await sixth.json()).toEqual({ ok: false, error: 'used_url' });
    expect((await post(`${sandbox.url}/response_url/unknown`, { text: 'x' })).status).toBe(404);
  });
});
