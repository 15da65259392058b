// Over 300 lines: the simulated Slack server: routing, auth, rate limits and faults around the Web API methods.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ChannelPostLimiter, FaultScript, type RateLimitOptions, type SandboxFaults } from './faults.js';
import { applyViewSubmissionAck, deliverResponse } from './interactions.js';
import {
  type ChangeListener,
  type SandboxBot,
  type SandboxCall,
  type SandboxChannel,
  type SandboxEphemeral,
  type SandboxFile,
  type SandboxMessage,
  SandboxState,
  type SandboxTeam,
  type SandboxUser,
  type SandboxUsergroup,
  type SandboxView,
} from './sandbox-state.js';
import { type EnvelopeType, type SocketModeAck, SocketModeHub } from './socket-mode.js';
import {
  callMethod,
  type MethodContext,
  type Params,
  postTargetChannel,
  type SlackResponse,
  serializeView,
  type TriggerRecord,
} from './web-api-methods.js';

export type { BlockKitViolation } from './block-kit-limits.js';
export { BLOCK_KIT_LIMITS, validateMessageBlocks, validateView } from './block-kit-limits.js';
export type { RateLimitOptions, SandboxFaults } from './faults.js';
export type {
  SandboxBot,
  SandboxCall,
  SandboxChange,
  SandboxChannel,
  SandboxEphemeral,
  SandboxFile,
  SandboxFileRef,
  SandboxMessage,
  SandboxTeam,
  SandboxUser,
  SandboxUsergroup,
  SandboxView,
} from './sandbox-state.js';
export type { EnvelopeType, SocketModeAck } from './socket-mode.js';

/**
 * A simulated Slack workspace: a real HTTP server speaking the Web API subset the app uses, so the real
 * @slack/web-api WebClient (and Bolt) run end to end against it (`slackApiUrl: sandbox.apiUrl`). It enforces
 * bot-token auth, Block Kit limits, the per-channel posting limit, and can script faults. Its state is
 * readable by tests and by the demo page (`onChange` streams every change).
 */

export const SANDBOX_DEFAULTS = {
  botToken: 'xoxb-sandbox-bot-token',
  appToken: 'xapp-1-sandbox-app-token',
  team: { id: 'T0SANDBOX', name: 'AR Sandbox', domain: 'ar-sandbox' },
  bot: { userId: 'U0ARBOT', botId: 'B0ARBOT', appId: 'A0ARCOPILOT', name: 'ar_copilot' },
  channels: {
    digest: { id: 'C_DIGEST', name: 'ar-digest' },
    queue: { id: 'C_QUEUE', name: 'ar-queue' },
    escalations: { id: 'C_ESCALATIONS', name: 'ar-escalations' },
  },
  users: {
    manager: {
      id: 'U_MANAGER',
      name: 'maria',
      real_name: 'Maria Manager',
      email: 'maria@example.com',
      is_admin: true,
    },
    collector1: {
      id: 'U_COLLECTOR1',
      name: 'colin',
      real_name: 'Colin Collector',
      email: 'colin@example.com',
    },
    collector2: { id: 'U_COLLECTOR2', name: 'cara', real_name: 'Cara Collector', email: 'cara@example.com' },
  },
  usergroups: {
    managers: { id: 'S_MANAGERS', handle: 'ar-managers', name: 'AR managers', users: ['U_MANAGER'] },
    collectors: {
      id: 'S_COLLECTORS',
      handle: 'ar-collectors',
      name: 'AR collectors',
      users: ['U_COLLECTOR1', 'U_COLLECTOR2'],
    },
  },
} as const;

export interface SandboxChannelSeed {
  readonly id: string;
  readonly name: string;
  readonly is_private?: boolean;
  readonly is_archived?: boolean;
  /** Default: every seeded user and the bot. */
  readonly members?: readonly string[];
}

export interface SandboxUserSeed {
  readonly id: string;
  readonly name: string;
  readonly real_name: string;
  readonly email: string;
  readonly is_admin?: boolean;
  readonly tz?: string;
}

export interface SandboxUsergroupSeed {
  readonly id: string;
  readonly handle: string;
  readonly name?: string;
  readonly users: readonly string[];
}

export interface SlackSandboxOptions {
  readonly port?: number;
  readonly botToken?: string;
  /** The app-level token apps.connections.open (Socket Mode) accepts. */
  readonly appToken?: string;
  readonly team?: Partial<SandboxTeam>;
  readonly bot?: Partial<SandboxBot>;
  /** Replaces the default #ar-digest, #ar-queue, #ar-escalations. */
  readonly channels?: readonly SandboxChannelSeed[];
  /** Replaces the default manager and two collectors. */
  readonly users?: readonly SandboxUserSeed[];
  /** Default: @ar-managers and @ar-collectors over the default users; none when `users` is given. */
  readonly usergroups?: readonly SandboxUsergroupSeed[];
  /** chat.postMessage per-channel limit; `false` turns it off. Default: 1/s with bursts of 3. */
  readonly rateLimits?: RateLimitOptions | false;
  /** Milliseconds since the epoch; drives `ts`, trigger expiry and the rate limiter. Default Date.now. */
  readonly now?: () => number;
  /** How long a trigger_id stays usable; Slack's is 3 seconds. */
  readonly triggerTtlMs?: number;
}

/** Where a response_url (or a command's HTTP reply) lands: the conversation, and the message it came from. */
export interface ResponseTarget {
  readonly channel: string;
  readonly user: string;
  /** The channel message whose button produced it (replace_original / delete_original act on it). */
  readonly messageTs?: string;
  /** Or the ephemeral message whose button produced it. */
  readonly ephemeralTs?: string;
}

export interface ResponsePayload {
  readonly text?: string;
  readonly blocks?: unknown[];
  readonly response_type?: 'ephemeral' | 'in_channel';
  readonly replace_original?: boolean | string;
  readonly delete_original?: boolean | string;
  readonly thread_ts?: string;
}

export type DeliveryResult =
  | { ok: true; effect: 'ephemeral' | 'in_channel' | 'replaced' | 'deleted'; ts?: string }
  | { ok: false; error: string; messages?: string[] };

export type ViewAckResult =
  | { ok: true; effect: 'closed' | 'cleared' | 'errors' | 'updated' | 'pushed'; viewId?: string }
  | { ok: false; error: string; messages?: string[] };

/** Everything a page needs to draw the workspace, as plain JSON (a copy: mutating it changes nothing). */
export interface SandboxSnapshot {
  readonly team: SandboxTeam;
  readonly bot: SandboxBot;
  readonly users: SandboxUser[];
  readonly usergroups: SandboxUsergroup[];
  readonly channels: (SandboxChannel & {
    /** Timeline: top-level messages and broadcast replies. */
    messages: SandboxMessage[];
    /** Replies by thread root ts. */
    threads: Record<string, SandboxMessage[]>;
  })[];
  readonly ephemerals: SandboxEphemeral[];
  readonly openViews: SandboxView[];
  readonly homeViews: Record<string, SandboxView>;
}

export interface SlackSandbox {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** `${url}/api/`: pass as WebClient / Bolt `slackApiUrl`. */
  readonly apiUrl: string;
  readonly botToken: string;
  readonly appToken: string;
  readonly team: SandboxTeam;
  readonly bot: SandboxBot;
  readonly faults: SandboxFaults;
  /** Slack's Socket Mode end: envelopes go to the app over the WebSocket it opened. */
  readonly socketMode: {
    connections(): number;
    dispatch(type: EnvelopeType, payload: unknown, timeoutMs?: number): Promise<SocketModeAck>;
  };
  /** Every Web API call so far, oldest first (params parsed: blocks/view/metadata as objects, no token). */
  readonly calls: readonly SandboxCall[];
  callsTo(method: string): SandboxCall[];
  clearCalls(): void;

  channels(): SandboxChannel[];
  channel(idOrName: string): SandboxChannel | undefined;
  users(): SandboxUser[];
  user(id: string): SandboxUser | undefined;
  usergroups(): SandboxUsergroup[];
  /** The channel's timeline: top-level messages and broadcast replies, oldest first. */
  messages(channel: string): SandboxMessage[];
  /** The thread's root followed by its replies. */
  thread(channel: string, ts: string): SandboxMessage[];
  /** The newest message in the channel's timeline. */
  lastMessage(channel: string): SandboxMessage | undefined;
  message(channel: string, ts: string): SandboxMessage | undefined;
  /** The first message (any channel, replies included) matching the predicate. */
  findMessage(predicate: (m: SandboxMessage) => boolean): SandboxMessage | undefined;
  ephemerals(filter?: { channel?: string; user?: string }): SandboxEphemeral[];
  /** Files uploaded through files.uploadV2's three steps, oldest first (bytes, name, title, alt text). */
  files(): SandboxFile[];
  homeView(userId: string): SandboxView | undefined;
  view(viewId: string): SandboxView | undefined;
  /** Modals currently open (each user's stack, root first). */
  openViews(userId?: string): SandboxView[];
  /** A view as Slack serialises it in payloads (state, hash, root_view_id, …). */
  viewPayload(viewId: string): Record<string, unknown> | undefined;

  /** A response_url for Bolt's respond(), bound to a conversation and optionally to the source message. */
  responseUrl(
    channelId: string,
    userId: string,
    source?: { messageTs?: string; ephemeralTs?: string },
  ): string;
  /** A trigger_id usable once, within `triggerTtlMs`, by views.open / views.push for this user. */
  createTriggerId(userId: string): string;
  /** Applies a response (response_url post or a command's HTTP reply) as Slack would show it. */
  deliverResponse(
    target: ResponseTarget,
    payload: ResponsePayload,
    source?: 'response_url' | 'ack',
  ): DeliveryResult;
  /** Records the values a user typed into a view before submitting. */
  setViewValues(viewId: string, values: Record<string, Record<string, Record<string, unknown>>>): void;
  /** Applies the app's reply to a view_submission (nothing → close; errors; update; push; clear). */
  applyViewSubmissionAck(viewId: string, ack: unknown): ViewAckResult;
  /** The user closed a modal (its stack closes from there up). */
  closeView(viewId: string): void;
  /** A human posts in a channel (the demo page and event tests use this before sending the `message` event). */
  postAsUser(input: { channel: string; user: string; text: string; thread_ts?: string }): SandboxMessage;

  snapshot(): SandboxSnapshot;
  /** Fired after every state change, API calls included; returns an unsubscribe function. */
  onChange(listener: ChangeListener): () => void;
  close(): Promise<void>;
}

const JSON_PARAMS = ['blocks', 'attachments', 'view', 'metadata'];

function parseBody(contentType: string, raw: string): Params | null {
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (raw === '') return {};
  if (type === 'application/json') {
    try {
      const parsed = JSON.parse(raw) as unknown;
      return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
        ? (parsed as Params)
        : null;
    } catch {
      return null;
    }
  }
  if (type === 'application/x-www-form-urlencoded' || type === '') {
    return Object.fromEntries(new URLSearchParams(raw));
  }
  return null;
}

function forRecord(params: Params): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) {
    if (k === 'token') continue;
    if (JSON_PARAMS.includes(k) && typeof v === 'string') {
      try {
        out[k] = JSON.parse(v);
        continue;
      } catch {
        // keep the raw string: the method itself reports the parse failure
      }
    }
    out[k] = v;
  }
  return out;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'content-type':
      typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

interface ResponseUrlRecord {
  readonly target: ResponseTarget;
  uses: number;
  readonly expiresAt: number;
}

/** Slack allows a response_url about five uses within 30 minutes. */
const RESPONSE_URL_USES = 5;
const RESPONSE_URL_TTL_MS = 30 * 60_000;

export async function startSlackSandbox(options: SlackSandboxOptions = {}): Promise<SlackSandbox> {
  const nowMs = options.now ?? Date.now;
  const botToken = options.botToken ?? SANDBOX_DEFAULTS.botToken;
  const appToken = options.appToken ?? SANDBOX_DEFAULTS.appToken;
  const state = new SandboxState(
    { ...SANDBOX_DEFAULTS.team, ...options.team },
    { ...SANDBOX_DEFAULTS.bot, ...options.bot },
    nowMs,
  );
  seed(state, options);

  const faults = new FaultScript();
  const limiter =
    options.rateLimits === false ? null : new ChannelPostLimiter(options.rateLimits ?? {}, nowMs);
  const triggers = new Map<string, TriggerRecord>();
  const responseUrls = new Map<string, ResponseUrlRecord>();
  const ctx: MethodContext = { state, triggers };
  const triggerTtlMs = options.triggerTtlMs ?? 3000;

  const record = (method: string, params: Params, httpStatus: number, response: SlackResponse | null) => {
    state.recordCall({
      method,
      params: forRecord(params),
      at: new Date(nowMs()),
      httpStatus,
      ok: response?.ok ?? false,
      ...(response?.error
        ? { error: response.error }
        : httpStatus !== 200
          ? { error: `http_${httpStatus}` }
          : {}),
    });
  };

  async function handleApi(
    method: string,
    req: IncomingMessage,
    res: ServerResponse,
    query: URLSearchParams,
  ) {
    const raw = await readBody(req);
    const body = parseBody(String(req.headers['content-type'] ?? ''), raw);
    const params: Params = { ...Object.fromEntries(query), ...(body ?? {}) };
    const reply = (status: number, response: SlackResponse, headers: Record<string, string> = {}) => {
      record(method, params, status, response);
      send(res, status, response, headers);
    };
    if (body === null) return reply(200, { ok: false, error: 'invalid_form_data' });

    // web-api v8 sends the token as a bearer header; Slack also takes it as a form field.
    const header = String(req.headers.authorization ?? '');
    const token = header.startsWith('Bearer ')
      ? header.slice(7)
      : typeof params.token === 'string'
        ? params.token
        : '';
    if (!token) return reply(200, { ok: false, error: 'not_authed' });
    if (token !== botToken && token !== appToken) return reply(200, { ok: false, error: 'invalid_auth' });
    // The app-level token opens Socket Mode connections and nothing else; the bot token cannot open them.
    if ((method === 'apps.connections.open') !== (token === appToken)) {
      return reply(200, { ok: false, error: 'not_allowed_token_type' });
    }

    const fault = faults.take(method);
    if (fault?.kind === 'rate_limit') {
      return reply(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(fault.retryAfterSec) });
    }
    if (fault?.kind === 'error') return reply(200, { ok: false, error: fault.error });
    if (fault?.kind === 'http_status') {
      record(method, params, fault.status, null);
      return send(res, fault.status, `sandbox: scripted HTTP ${fault.status}`);
    }
    if (fault?.kind === 'http_status_after') {
      const done = callMethod(method, params, ctx);
      record(method, params, fault.status, done);
      return send(res, fault.status, `sandbox: scripted HTTP ${fault.status} after the call took effect`);
    }

    if (method === 'apps.connections.open') {
      return reply(200, { ok: true, url: socketMode.openUrl(`ws://127.0.0.1:${port}`) });
    }
    if (method === 'chat.postMessage' && limiter) {
      const channel = postTargetChannel(state, params);
      const wait = channel ? limiter.take(channel) : null;
      if (wait !== null)
        return reply(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(wait) });
    }
    reply(200, callMethod(method, params, ctx));
  }

  async function handleResponseUrl(id: string, req: IncomingMessage, res: ServerResponse) {
    const raw = await readBody(req);
    const entry = responseUrls.get(id);
    if (!entry || nowMs() > entry.expiresAt) return send(res, 404, { ok: false, error: 'expired_url' });
    if (entry.uses >= RESPONSE_URL_USES) return send(res, 404, { ok: false, error: 'used_url' });
    let payload: ResponsePayload;
    try {
      const parsed = parseBody(String(req.headers['content-type'] ?? 'application/json'), raw);
      if (!parsed) throw new Error('not an object');
      payload = parsed as ResponsePayload;
    } catch {
      return send(res, 400, { ok: false, error: 'invalid_payload' });
    }
    entry.uses += 1;
    const result = sandbox.deliverResponse(entry.target, payload, 'response_url');
    if (!result.ok) return send(res, 400, result);
    send(res, 200, { ok: true });
  }

  /** files.getUploadURLExternal's upload URL: the file's bytes, raw or as multipart form data (web-api's way). */
  async function handleUpload(id: string, req: IncomingMessage, res: ServerResponse) {
    const file = state.files.get(id);
    if (!file || file.completed) return send(res, 404, 'file not found');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let bytes = Buffer.concat(chunks);
    const type = String(req.headers['content-type'] ?? '');
    if (type.startsWith('multipart/form-data')) {
      const form = await new Request('http://sandbox/upload', {
        method: 'POST',
        headers: { 'content-type': type },
        body: bytes,
      }).formData();
      const part = [...form.values()].find((v): v is File => typeof v !== 'string');
      if (!part) return send(res, 400, 'no file in the form');
      bytes = Buffer.from(await part.arrayBuffer());
    }
    file.bytes = bytes;
    file.mimetype = bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
      ? 'image/png'
      : 'application/octet-stream';
    state.recordCall({
      method: 'upload_url',
      params: { file_id: id, bytes: bytes.length },
      at: new Date(nowMs()),
      httpStatus: 200,
      ok: true,
    });
    send(res, 200, `OK - ${bytes.length}`);
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const upload = /^\/upload\/([A-Za-z0-9]+)$/.exec(url.pathname);
    if (upload?.[1] && req.method === 'POST') {
      handleUpload(upload[1], req, res).catch((err: unknown) => {
        if (!res.headersSent) send(res, 500, { ok: false, error: 'sandbox_failure', detail: String(err) });
      });
      return;
    }
    const api = /^\/api\/([A-Za-z0-9_.]+)$/.exec(url.pathname);
    const respond = /^\/response_url\/([A-Za-z0-9_-]+)$/.exec(url.pathname);
    const task =
      api?.[1] && (req.method === 'POST' || req.method === 'GET')
        ? handleApi(api[1], req, res, url.searchParams)
        : respond?.[1] && req.method === 'POST'
          ? handleResponseUrl(respond[1], req, res)
          : Promise.resolve(send(res, 404, { ok: false, error: 'not_found' }));
    task.catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, { ok: false, error: 'sandbox_failure', detail: String(err) });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const socketMode = new SocketModeHub(server, state.bot.appId);
  const baseUrl = `http://127.0.0.1:${port}`;
  state.uploadBase = `${baseUrl}/upload/`;

  const timeline = (channel: string) =>
    state.messages(channel).filter((m) => !m.thread_ts || m.thread_ts === m.ts || m.reply_broadcast);

  const closeFrom = (viewId: string) => {
    const v = state.views.get(viewId);
    if (!v) return;
    const stack = state.modalStacks.get(v.user) ?? [];
    const at = stack.indexOf(viewId);
    const closing = at >= 0 ? stack.splice(at) : [viewId];
    if (stack.length === 0) state.modalStacks.delete(v.user);
    for (const id of closing) {
      state.views.delete(id);
      state.emit({ kind: 'view_closed', viewId: id, user: v.user });
    }
  };

  const sandbox: SlackSandbox = {
    url: baseUrl,
    apiUrl: `${baseUrl}/api/`,
    botToken,
    appToken,
    team: state.team,
    bot: state.bot,
    faults,
    socketMode: {
      connections: () => socketMode.connectionCount,
      dispatch: (type, payload, timeoutMs) => socketMode.dispatch(type, payload, timeoutMs),
    },
    get calls() {
      return state.calls;
    },
    callsTo: (method) => state.calls.filter((c) => c.method === method),
    clearCalls: () => {
      state.calls.length = 0;
    },

    channels: () => [...state.channels.values()],
    channel: (ref) => state.resolveChannel(ref),
    users: () => [...state.users.values()],
    user: (id) => state.users.get(id),
    usergroups: () => [...state.usergroups.values()],
    messages: timeline,
    thread: (channel, ts) => {
      const m = state.findMessage(channel, ts);
      if (!m) return [];
      const root = m.thread_ts ?? m.ts;
      return state.messages(channel).filter((x) => x.ts === root || x.thread_ts === root);
    },
    lastMessage: (channel) => timeline(channel).at(-1),
    message: (channel, ts) => state.findMessage(channel, ts),
    findMessage: (predicate) => {
      for (const list of state.messagesByChannel.values()) {
        const found = list.find(predicate);
        if (found) return found;
      }
      return undefined;
    },
    ephemerals: (filter = {}) =>
      state.ephemerals.filter(
        (e) =>
          !e.deleted &&
          (filter.channel === undefined || e.channel === filter.channel) &&
          (filter.user === undefined || e.user === filter.user),
      ),
    files: () => [...state.files.values()],
    homeView: (userId) => {
      const id = state.homeViews.get(userId);
      return id ? state.views.get(id) : undefined;
    },
    view: (viewId) => state.views.get(viewId),
    openViews: (userId) =>
      [...state.modalStacks.entries()]
        .filter(([user]) => userId === undefined || user === userId)
        .flatMap(([, ids]) =>
          ids.map((id) => state.views.get(id)).filter((v): v is SandboxView => v !== undefined),
        ),
    viewPayload: (viewId) => {
      const v = state.views.get(viewId);
      return v ? serializeView(state, v) : undefined;
    },

    responseUrl: (channel, user, source = {}) => {
      const id = randomBytes(12).toString('hex');
      responseUrls.set(id, {
        target: { channel, user, ...source },
        uses: 0,
        expiresAt: nowMs() + RESPONSE_URL_TTL_MS,
      });
      return `${baseUrl}/response_url/${id}`;
    },
    createTriggerId: (userId) => {
      const id = `${Math.floor(nowMs() / 1000)}.${randomBytes(8).toString('hex')}`;
      triggers.set(id, { user: userId, expiresAt: nowMs() + triggerTtlMs, used: false });
      return id;
    },
    deliverResponse: (target, payload, source = 'response_url') =>
      deliverResponse(state, target, payload, source === 'ack' ? 'ack' : 'response_url'),
    setViewValues: (viewId, values) => {
      const v = state.views.get(viewId);
      if (!v) return;
      v.state = { values: { ...v.state.values, ...values } };
    },
    applyViewSubmissionAck: (viewId, ack) => applyViewSubmissionAck(state, viewId, ack, closeFrom),
    closeView: (viewId) => closeFrom(viewId),
    postAsUser: ({ channel, user, text, thread_ts }) => {
      const c =
        state.resolveChannel(channel) ?? (state.users.has(channel) ? state.imWith(channel) : undefined);
      if (!c) throw new Error(`sandbox: no channel ${channel}`);
      const parent = thread_ts ? state.findMessage(c.id, thread_ts) : undefined;
      if (thread_ts && !parent) throw new Error(`sandbox: no message ${thread_ts} in ${c.id}`);
      const message: SandboxMessage = {
        channel: c.id,
        ts: state.nextTs(),
        ...(parent ? { thread_ts: parent.thread_ts ?? parent.ts } : {}),
        user,
        text,
        history: [],
        reply_count: 0,
        reply_users: [],
      };
      state.addMessage(message);
      return message;
    },

    snapshot: () =>
      structuredClone({
        team: state.team,
        bot: state.bot,
        users: [...state.users.values()],
        usergroups: [...state.usergroups.values()],
        channels: [...state.channels.values()].map((c) => {
          const threads: Record<string, SandboxMessage[]> = {};
          for (const m of state.messages(c.id)) {
            if (!m.thread_ts || m.thread_ts === m.ts) continue;
            const replies = threads[m.thread_ts] ?? [];
            replies.push(m);
            threads[m.thread_ts] = replies;
          }
          return { ...c, messages: timeline(c.id), threads };
        }),
        ephemerals: state.ephemerals.filter((e) => !e.deleted),
        openViews: sandbox.openViews(),
        homeViews: Object.fromEntries(
          [...state.homeViews.entries()].flatMap(([user, id]) => {
            const v = state.views.get(id);
            return v ? [[user, v]] : [];
          }),
        ),
      }),
    onChange: (listener) => state.onChange(listener),
    close: () =>
      new Promise<void>((resolve, reject) => {
        socketMode.closeAll();
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
  return sandbox;
}

function seed(state: SandboxState, options: SlackSandboxOptions): void {
  const users: SandboxUserSeed[] = options.users
    ? [...options.users]
    : Object.values(SANDBOX_DEFAULTS.users).map((u) => ({ ...u }));
  for (const u of users) {
    state.users.set(u.id, {
      id: u.id,
      name: u.name,
      real_name: u.real_name,
      email: u.email,
      is_admin: u.is_admin ?? false,
      is_bot: false,
      tz: u.tz ?? 'Pacific/Auckland',
    });
  }
  state.users.set(state.bot.userId, {
    id: state.bot.userId,
    name: state.bot.name,
    real_name: 'AR Copilot',
    email: '',
    is_admin: false,
    is_bot: true,
    tz: 'UTC',
  });
  const channels: SandboxChannelSeed[] = options.channels
    ? [...options.channels]
    : Object.values(SANDBOX_DEFAULTS.channels).map((c) => ({ ...c }));
  const created = Math.floor(state.now() / 1000);
  for (const c of channels) {
    state.channels.set(c.id, {
      id: c.id,
      name: c.name.replace(/^#/, ''),
      is_private: c.is_private ?? false,
      is_im: false,
      is_archived: c.is_archived ?? false,
      created,
      members: c.members ? [...c.members] : [...users.map((u) => u.id), state.bot.userId],
    });
    state.messagesByChannel.set(c.id, []);
  }
  const groups: SandboxUsergroupSeed[] = options.usergroups
    ? [...options.usergroups]
    : options.users
      ? []
      : Object.values(SANDBOX_DEFAULTS.usergroups).map((g) => ({ ...g }));
  for (const g of groups) {
    state.usergroups.set(g.id, { id: g.id, handle: g.handle, name: g.name ?? g.handle, users: [...g.users] });
  }
}
