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
  /** Drafting requests (submit_reminder). */
  readonly requests: RecordedMessageRequest[];
  /** Policy readings (report_policy_findings), kept apart so drafting scripts stay in step. */
  readonly policyRequests: RecordedMessageRequest[];
  /** Replies used in order; when empty, `fallback` answers (default: a 500). */
  enqueue(...replies: FakeReply[]): void;
  setFallback(reply: FakeReply | ((req: RecordedMessageRequest) => FakeReply)): void;
  /**
   * Replies to policy readings, in order; when empty, `policyFallback` answers (default: a reader that finds
   * nothing and reports the language it was told to expect).
   */
  enqueuePolicy(...replies: FakeReply[]): void;
  setPolicyFallback(reply: FakeReply | ((req: RecordedMessageRequest) => FakeReply)): void;
  close(): Promise<void>;
}

/** The policy reader's tool (adapters/llm/reminder-drafter.ts); the sandbox does not import the adapter. */
export const POLICY_TOOL_NAME = 'report_policy_findings';

/** The text of a request's first user message. */
function textOf(req: RecordedMessageRequest): string {
  const content = req.body.messages[0]?.content;
  return typeof content === 'string' ? content : JSON.stringify(content ?? '');
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
  const policyQueue: FakeReply[] = [];
  const policyRequests: RecordedMessageRequest[] = [];
  let policyFallback: FakeReply | ((req: RecordedMessageRequest) => FakeReply) = (req) => ({
    kind: 'tool',
    name: POLICY_TOOL_NAME,
    input: { findings: [], language: /LANGUAGE: (\w+)/.exec(textOf(req))?.[1] ?? 'en' },
  });
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
    const isPolicy = (recorded.body.tool_choice as { name?: string } | undefined)?.name === POLICY_TOOL_NAME;
    (isPolicy ? policyRequests : requests).push(recorded);
    const fromQueue = isPolicy ? policyQueue.shift() : queue.shift();
    const otherwise = isPolicy ? policyFallback : fallback;
    const next = fromQueue ?? (typeof otherwise === 'function' ? otherwise(recorded) : otherwise);
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
    policyRequests,
    enqueue: (...replies) => queue.push(...replies),
    setFallback: (reply) => {
      fallback = reply;
    },
    enqueuePolicy: (...replies) => policyQueue.push(...replies),
    setPolicyFallback: (reply) => {
      policyFallback = reply;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
