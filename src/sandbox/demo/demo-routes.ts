// Over 300 lines: the demo page's HTTP routes, each a small handler over the same runtime.
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type HttpRoute, sendJson, sendText } from '../../http/routes.js';
import type { SmtpSink } from '../mail/smtp-sink.js';
import type { SandboxFileRef, SlackSandbox } from '../slack/index.js';
import type { ActionInput, SlackRequestClient } from '../slack/signed-client.js';
import { type CustomerSays, isCustomerSays } from './demo-customer.js';

/**
 * The demo workspace's HTTP surface: the page, its state as JSON, and the user's clicks, modal submissions and
 * slash commands, each turned into a correctly signed Slack request to the real Bolt receiver.
 */
export interface XeroPanel {
  readonly openCount: number;
  readonly invoices: readonly {
    number: string;
    contact: string;
    amountDue: string;
    dueDate: string;
    status: string;
    overdue: boolean;
    daysOverdue: number;
    /** The customer has been emailed by the app: their invoices are listed first. */
    emailed: boolean;
  }[];
  readonly notes: readonly { document: string; date: string; details: string }[];
}

export interface DemoRouteDeps {
  readonly slack: SlackSandbox;
  readonly client: SlackRequestClient;
  /** The person using the page: collector and manager. */
  readonly userId: string;
  readonly mailbox: SmtpSink;
  readonly orgName: () => string;
  readonly timezone: string;
  readonly now: () => Date;
  readonly xeroPanel: () => Promise<XeroPanel>;
  /** Moves the simulated clock to the next business day and runs the jobs that are due. */
  readonly advance: () => Promise<void>;
  /** Subscribes to changes outside Slack (new emails, Xero notes); returns an unsubscribe function. */
  readonly onExternalChange?: (listener: () => void) => () => void;
  /** This run's page token: every API call must carry it (the page gets it in a meta tag). */
  readonly token: string;
  /**
   * The sandbox plays a customer answering one of the emails in the outbox (by its Message-ID); resolves to the
   * card thread the suggestion went to, when there is one.
   */
  readonly customerReply?: (
    messageId: string,
    say: CustomerSays,
  ) => Promise<{ readonly thread: { readonly channel: string; readonly ts: string } | null }>;
  /** The sandbox plays Xero's own UI: a payment in full on an open invoice, dated today, then a sync. */
  readonly recordPayment?: (invoiceNumber: string) => Promise<{ readonly synced: string }>;
}

/** Open event streams at most: a page holds one; more is someone hammering. */
export const MAX_EVENT_STREAMS = 8;

/**
 * The page may run only its own script (no inline script, no framing); every response says so. The API takes
 * only same-origin requests that carry the page's token, and JSON for anything that changes state: a web page on
 * another origin can neither read the demo nor drive it (a `text/plain` POST needs no CORS preflight; a custom
 * header and a JSON content type do, and we answer no preflight).
 */
const PAGE_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

function withPageHeaders(res: ServerResponse): void {
  for (const [k, v] of Object.entries(PAGE_HEADERS)) res.setHeader(k, v);
}

/** Why an API request is refused, or null when it may go on. */
export function demoApiRefusal(req: IncomingMessage, token: string, tokenFromQuery = false): string | null {
  const host = req.headers.host;
  const origin = req.headers.origin;
  if (origin !== undefined && (!host || origin !== `http://${host}`)) return 'cross-origin request';
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return 'cross-site request';
  const given = tokenFromQuery
    ? new URL(req.url ?? '/', 'http://localhost').searchParams.get('token')
    : req.headers['x-demo-token'];
  if (given !== token) return 'missing or wrong page token (reload the page)';
  if (req.method === 'POST' && !String(req.headers['content-type'] ?? '').startsWith('application/json')) {
    return 'expected application/json';
  }
  return null;
}

const PAGE_DIR = new URL('./page/', import.meta.url);
const ASSETS: Record<string, string> = {
  'app.js': 'text/javascript; charset=utf-8',
  'styles.css': 'text/css; charset=utf-8',
};

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > 256_000) throw new Error('request too large');
    chunks.push(c as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return {};
  const parsed = JSON.parse(text) as unknown;
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new Error('expected a JSON object');
  return parsed as Record<string, unknown>;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

function handle(fn: (req: IncomingMessage, res: ServerResponse) => Promise<void>): HttpRoute['handler'] {
  return (req, res) => {
    withPageHeaders(res);
    fn(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 400, { error: err instanceof Error ? err.message : String(err) });
    });
  };
}

export function demoRoutes(deps: DemoRouteDeps): HttpRoute[] {
  const { slack, userId } = deps;
  // Read lazily: the demo builds the signed client once the server knows its port.
  const client = {
    get current() {
      return deps.client;
    },
  };
  const timeFmt = new Intl.DateTimeFormat('en-NZ', {
    timeZone: deps.timezone,
    hour: '2-digit',
    minute: '2-digit',
  });
  const dayFmt = new Intl.DateTimeFormat('en-NZ', {
    timeZone: deps.timezone,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  });
  const nameOf = (id: string) => {
    if (id === slack.bot.userId) return 'AR Copilot';
    const u = slack.user(id);
    return u?.real_name || u?.name || id;
  };
  const tsTime = (ts: string) => timeFmt.format(new Date(Number(ts.split('.')[0]) * 1000));
  const message = (m: {
    ts: string;
    user: string;
    bot_id?: string;
    text: string;
    blocks?: unknown[];
    edited?: unknown;
    files?: readonly SandboxFileRef[];
  }) => ({
    ts: m.ts,
    userName: nameOf(m.user),
    bot: Boolean(m.bot_id) || m.user === slack.bot.userId,
    text: m.text,
    blocks: m.blocks ?? [],
    edited: Boolean(m.edited),
    time: tsTime(m.ts),
    // Files shared with the message (a report's charts, through files.uploadV2): the page shows the images.
    files: (m.files ?? []).map((f) => ({
      id: f.id,
      name: f.name,
      title: f.title,
      alt: f.alt_text ?? '',
      image: f.mimetype.startsWith('image/'),
      url: `/demo/files/${encodeURIComponent(f.id)}`,
    })),
  });

  async function state() {
    const snap = slack.snapshot();
    const channels = snap.channels
      .filter((c) => !c.is_im && !c.is_archived)
      .map((c) => ({
        id: c.id,
        name: c.name,
        messages: c.messages.map((m) => ({
          ...message(m),
          replyCount: c.threads[m.ts]?.length ?? 0,
          replies: (c.threads[m.ts] ?? []).map(message),
        })),
      }));
    const xero = await deps.xeroPanel();
    return {
      orgName: deps.orgName(),
      todayLabel: dayFmt.format(deps.now()),
      me: { id: userId, name: nameOf(userId) },
      users: snap.users.map((u) => ({ id: u.id, name: u.real_name || u.name })),
      channels,
      ephemerals: snap.ephemerals
        .filter((e) => e.user === userId && !e.deleted)
        .map((e) => ({
          ...message({ ...e, user: slack.bot.userId, bot_id: slack.bot.botId }),
          channel: e.channel,
          ephemeral: true,
        })),
      views: slack
        .openViews(userId)
        .map((v) => ({ id: v.id, hash: v.hash, view: v.view, errors: v.errors ?? null })),
      home: slack.homeView(userId)
        ? { id: slack.homeView(userId)!.id, blocks: slack.homeView(userId)!.view.blocks ?? [] }
        : null,
      xero,
      emails: [...deps.mailbox.messages].reverse().map((m) => ({
        messageId: m.messageId,
        to: m.to,
        cc: m.cc,
        subject: m.subject,
        text: m.text,
        time: `${dayFmt.format(m.receivedAt)} ${timeFmt.format(m.receivedAt)}`,
      })),
    };
  }

  /** The API's gate: same origin, this run's token, JSON. */
  const guarded = (fn: (req: IncomingMessage, res: ServerResponse) => Promise<void>) =>
    handle(async (req, res) => {
      const refusal = demoApiRefusal(req, deps.token);
      if (refusal) return sendJson(res, 403, { error: refusal });
      await fn(req, res);
    });
  let streams = 0;

  const post = (
    path: string,
    fn: (body: Record<string, unknown>) => Promise<Record<string, unknown>>,
  ): HttpRoute => ({
    path: `/demo/api/${path}`,
    method: 'POST',
    handler: guarded(async (req, res) => {
      const body = await readJson(req);
      sendJson(res, 200, { ok: true, ...(await fn(body)) });
    }),
  });

  const reply = (r: { status: number; body: string }) => {
    if (r.status >= 400)
      throw new Error(`the app answered HTTP ${r.status}${r.body ? `: ${r.body.slice(0, 200)}` : ''}`);
    return {};
  };

  return [
    {
      path: '/demo',
      method: 'GET',
      handler: handle(async (_req, res) => {
        const page = await readFile(new URL('index.html', PAGE_DIR), 'utf8');
        sendText(
          res,
          200,
          page.replace('</head>', `  <meta name="demo-token" content="${deps.token}">\n</head>`),
          'text/html; charset=utf-8',
        );
      }),
    },
    {
      path: '/demo/assets/:file',
      method: 'GET',
      handler: handle(async (req, res) => {
        const file = (req as IncomingMessage & { params?: Record<string, string> }).params?.file ?? '';
        const type = ASSETS[file];
        if (!type) return sendJson(res, 404, { error: 'not_found' });
        sendText(res, 200, await readFile(new URL(file, PAGE_DIR), 'utf8'), type);
      }),
    },
    {
      // A file shared in the workspace (the report's chart images): an <img> cannot send headers, so the page's
      // token comes in the query string, as for the event stream.
      path: '/demo/files/:id',
      method: 'GET',
      handler: handle(async (req, res) => {
        const refusal = demoApiRefusal(req, deps.token, true);
        if (refusal) return sendJson(res, 403, { error: refusal });
        const id = (req as IncomingMessage & { params?: Record<string, string> }).params?.id ?? '';
        const file = slack.files().find((f) => f.id === id && f.completed && f.bytes);
        if (!file?.bytes) return sendJson(res, 404, { error: 'not_found' });
        res.writeHead(200, {
          'content-type': file.mimetype === 'image/png' ? 'image/png' : 'application/octet-stream',
          'content-length': String(file.bytes.length),
        });
        res.end(file.bytes);
      }),
    },
    {
      path: '/demo/api/state',
      method: 'GET',
      handler: guarded(async (_req, res) => sendJson(res, 200, await state())),
    },
    {
      path: '/demo/api/events',
      method: 'GET',
      handler: (req, res) => {
        withPageHeaders(res);
        // EventSource cannot send headers: the token comes in the query string.
        const refusal = demoApiRefusal(req, deps.token, true);
        if (refusal) return sendJson(res, 403, { error: refusal });
        if (streams >= MAX_EVENT_STREAMS) return sendJson(res, 429, { error: 'too many open event streams' });
        streams++;
        res.writeHead(200, {
          'content-type': 'text/event-stream',
          'cache-control': 'no-store',
          connection: 'keep-alive',
        });
        res.write(': connected\n\n');
        const send = () => res.write('event: change\ndata: {}\n\n');
        const offSlack = slack.onChange(send);
        const offOther = deps.onExternalChange?.(send);
        const keepAlive = setInterval(() => res.write(': ping\n\n'), 20_000);
        req.on('close', () => {
          streams--;
          offSlack();
          offOther?.();
          clearInterval(keepAlive);
        });
      },
    },
    post('command', async (body) => {
      const raw = str(body.text)?.trim() ?? '';
      const m = /^(\/[a-z][\w-]*)\s*([\s\S]*)$/i.exec(raw);
      if (!m) throw new Error('type a slash command such as /ar help');
      const channelId = str(body.channel) ?? slack.channels()[0]!.id;
      return reply(await client.current.command({ command: m[1]!, text: m[2] ?? '', userId, channelId }));
    }),
    post('action', async (body) => {
      const action: ActionInput = {
        action_id: str(body.actionId) ?? '',
        block_id: str(body.blockId) ?? '',
        type: str(body.type) ?? 'button',
        ...(str(body.value) ? { value: str(body.value)! } : {}),
        ...(str(body.selectedDate) ? { selected_date: str(body.selectedDate)! } : {}),
        ...(body.selectedOption && typeof body.selectedOption === 'object'
          ? {
              selected_option: {
                value: String((body.selectedOption as { value: unknown }).value),
                text: {
                  type: 'plain_text' as const,
                  text: String((body.selectedOption as { value: unknown }).value),
                },
              },
            }
          : {}),
      };
      if (!action.action_id) throw new Error('actionId is required');
      const channel = str(body.channel);
      const ts = str(body.ts);
      const viewId = str(body.viewId) ?? (body.home === true ? slack.homeView(userId)?.id : undefined);
      const source = viewId
        ? { fromView: viewId }
        : body.ephemeral && channel && ts
          ? { fromEphemeral: { channel, ts } }
          : channel && ts
            ? { fromMessage: { channel, ts } }
            : null;
      if (!source) throw new Error('say which message or view the click came from');
      return reply(await client.current.blockAction({ userId, actions: [action], ...source }));
    }),
    post('submit', async (body) => {
      const viewId = str(body.viewId);
      if (!viewId || !slack.view(viewId)) throw new Error('that modal is no longer open');
      const values = (body.values ?? {}) as Record<string, Record<string, Record<string, unknown>>>;
      return reply(await client.current.viewSubmission({ userId, fromView: viewId, values }));
    }),
    post('close', async (body) => {
      const viewId = str(body.viewId);
      const view = viewId ? slack.view(viewId) : undefined;
      if (!viewId || !view) return {};
      if (view.view.notify_on_close) await client.current.viewClosed({ userId, fromView: viewId });
      slack.closeView(viewId);
      return {};
    }),
    post('home', async () =>
      reply(
        await client.current.event({
          type: 'app_home_opened',
          user: userId,
          channel: `D_${userId}`,
          tab: 'home',
        }),
      ),
    ),
    // The demo's outside world (#18 part 7): a customer answering a reminder, and a payment made in Xero. The page
    // names only an email, a kind of answer or an invoice; the server writes the words and the amounts.
    post('customer-reply', async (body) => {
      if (!deps.customerReply) throw new Error('customer replies are not available in this demo');
      const messageId = str(body.messageId);
      if (!messageId) throw new Error('messageId is required: the Message-ID of an email in the outbox');
      if (!isCustomerSays(body.say)) throw new Error("say must be one of 'promise', 'dispute' or 'paid'");
      return { ...(await deps.customerReply(messageId, body.say)) };
    }),
    post('pay', async (body) => {
      if (!deps.recordPayment) throw new Error('payments are not available in this demo');
      const number = str(body.invoiceNumber);
      if (!number) throw new Error('invoiceNumber is required');
      return { ...(await deps.recordPayment(number)) };
    }),
    post('advance', async () => {
      await deps.advance();
      return { todayLabel: dayFmt.format(deps.now()) };
    }),
  ];
}
