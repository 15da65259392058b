import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for the Anthropic Messages API (POST /v1/messages), driven by the real @anthropic-ai/sdk
 * through `baseURL`. Tests script what the "model" answers: a good tool call, a malformed one, a draft that
 * lies about amounts, prose instead of a tool call, or HTTP errors.
 */
export type FakeReply =
  | { readonly kind: 'tool'; readonly input: unknown; readonly name?: string }
  | { readonly kind: 'text'; readonly text: string }
  | {
      readonly kind: 'http';
      readonly status: number;
      readonly body?: unknown;
      readonly retryAfterSec?: number;
    };

export interface RecordedMessageRequest {
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: {
    model: string;
    system?: unknown;
    messages: { role: string; content: unknown }[];
    tools?: unknown[];
    tool_choice?: unknown;
    max_tokens: number;
  };
}

export interface FakeAnthropic {
  readonly url: string;
  readonly requests: RecordedMessageRequest[];
  /** Replies used in order; when empty, `fallback` answers (default: a 500). */
  enqueue(...replies: FakeReply[]): void;
  setFallback(reply: FakeReply | ((req: RecordedMessageRequest) => FakeReply)): void;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startFakeAnthropic(options: { apiKey?: string } = {}): Promise<FakeAnthropic> {
  const queue: FakeReply[] = [];
  const requests: RecordedMessageRequest[] = [];
  let fallback: FakeReply | ((req: RecordedMessageRequest) => FakeReply) = {
    kind: 'http',
    status: 500,
    body: { type: 'error', error: { type: 'api_error', message: 'no scripted reply' } },
  };
  let n = 0;
  const server: Server = createServer(async (req, res) => {
    const raw = await readBody(req);
    if (req.method !== 'POST' || !req.url?.startsWith('/v1/messages')) {
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end(JSON.stringify({ type: 'error', error: { type: 'not_found_error', message: 'not found' } }));
      return;
    }
    // The SDK has sent the key as x-api-key and, in later versions, as a bearer token: accept either.
    const presented = req.headers['x-api-key'] ?? req.headers.authorization?.replace(/^Bearer /, '');
    if (options.apiKey && presented !== options.apiKey) {
      res.writeHead(401, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          type: 'error',
          error: { type: 'authentication_error', message: 'invalid x-api-key' },
        }),
      );
      return;
    }
    const recorded: RecordedMessageRequest = { headers: req.headers, body: JSON.parse(raw) };
    requests.push(recorded);
    const next = queue.shift() ?? (typeof fallback === 'function' ? fallback(recorded) : fallback);
    if (next.kind === 'http') {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (next.retryAfterSec !== undefined) headers['retry-after'] = String(next.retryAfterSec);
      res
        .writeHead(next.status, headers)
        .end(
          JSON.stringify(
            next.body ?? { type: 'error', error: { type: 'api_error', message: `HTTP ${next.status}` } },
          ),
        );
      return;
    }
    n++;
    const content =
      next.kind === 'tool'
        ? [{ type: 'tool_use', id: `toolu_${n}`, name: next.name ?? 'submit_reminder', input: next.input }]
        : [{ type: 'text', text: next.text }];
    res.writeHead(200, { 'content-type': 'application/json', 'request-id': `req_${n}` }).end(
      JSON.stringify({
        id: `msg_${n}`,
        type: 'message',
        role: 'assistant',
        model: recorded.body.model,
        content,
        stop_reason: next.kind === 'tool' ? 'tool_use' : 'end_turn',
        stop_sequence: null,
        usage: { input_tokens: Math.ceil(raw.length / 4), output_tokens: 120 },
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    enqueue: (...replies) => queue.push(...replies),
    setFallback: (reply) => {
      fallback = reply;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
