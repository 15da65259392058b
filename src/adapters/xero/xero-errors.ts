import { errorMessage } from '../../errors.js';
import type { HandlerOutcome } from '../outbox/outbox-worker.js';
/**
 * One shape for the three ways a Xero call fails (reference/xero-api.md §11):
 * - xero-node API methods reject with a JSON *string* of `{ response: { statusCode, body, headers }, body }`
 *   (statusCode 0 for network failures and timeouts, headers lowercase, a 429 body empty);
 * - token and connection calls (and xero-node's own OAuth helpers) reject with an axios error;
 * - our own fetch calls reject with a plain Error (network, abort, timeout).
 */
export type XeroFailureKind =
  | 'rate-limited' // 429: wait Retry-After
  | 'server' // 5xx: back off and retry
  | 'network' // no response (reset, refused, timeout, malformed body): back off and retry
  | 'unauthorized' // 401/403: token expired or connection removed
  | 'not-found'
  | 'client'; // other 4xx: retrying will not help

export interface XeroFailure {
  readonly kind: XeroFailureKind;
  readonly status: number;
  /** Seconds Xero asked us to wait (429), in ms. */
  readonly retryAfterMs: number | null;
  /** X-Rate-Limit-Problem on a 429: minute, day, concurrent, appminute (lowercased). */
  readonly rateLimitProblem: string | null;
  /** X-DayLimit-Remaining when the answer carried it (a 429 and most errors do). */
  readonly dayLimitRemaining: string | null;
  readonly message: string;
}

export function isRetryable(f: XeroFailure): boolean {
  return f.kind === 'rate-limited' || f.kind === 'server' || f.kind === 'network';
}

function kindOf(status: number): XeroFailureKind {
  if (status === 0) return 'network';
  if (status === 429) return 'rate-limited';
  if (status === 401 || status === 403) return 'unauthorized';
  if (status === 404) return 'not-found';
  if (status >= 500) return 'server';
  return 'client';
}

function headerValue(headers: unknown, name: string): string | null {
  if (!headers || typeof headers !== 'object') return null;
  const h = headers as Record<string, unknown>;
  const direct = h[name] ?? h[name.toLowerCase()];
  if (direct !== undefined && direct !== null) return String(direct);
  for (const [k, v] of Object.entries(h)) if (k.toLowerCase() === name.toLowerCase()) return String(v);
  return null;
}

function parseRetryAfter(value: string | null): number | null {
  if (value === null) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  return null;
}

/** Xero's validation body, an OAuth error body, or whatever text came back, short and without secrets. */
function describeBody(body: unknown): string {
  if (body === null || body === undefined || body === '') return '';
  if (typeof body === 'string') return body.slice(0, 300);
  if (typeof body === 'object') {
    const b = body as Record<string, unknown>;
    const parts = [b.Type, b.Message, b.error, b.error_description, b.Detail, b.title].filter(
      (x) => typeof x === 'string',
    );
    // A ValidationException says what was wrong only in its elements ("…reached its daily limit of 20 emails"):
    // that is the reason a person needs to read on the card.
    const why = validationMessages(b.Elements);
    if (why.length) parts.push(why.join('; '));
    if (parts.length) return parts.join(': ').slice(0, 300);
    try {
      return JSON.stringify(body).slice(0, 300);
    } catch {
      return '';
    }
  }
  return String(body).slice(0, 300);
}

function validationMessages(elements: unknown): string[] {
  if (!Array.isArray(elements)) return [];
  const out = new Set<string>();
  for (const e of elements) {
    const errors = (e as { ValidationErrors?: unknown })?.ValidationErrors;
    if (!Array.isArray(errors)) continue;
    for (const v of errors) {
      const m = (v as { Message?: unknown })?.Message;
      if (typeof m === 'string' && m.trim()) out.add(m.trim());
    }
  }
  return [...out];
}

function build(status: number, headers: unknown, body: unknown, fallback: string): XeroFailure {
  const kind = kindOf(status);
  const detail = describeBody(body) || (status === 0 ? fallback : '');
  return {
    kind,
    status,
    retryAfterMs: parseRetryAfter(headerValue(headers, 'retry-after')),
    rateLimitProblem: headerValue(headers, 'x-rate-limit-problem')?.toLowerCase() ?? null,
    dayLimitRemaining: headerValue(headers, 'x-daylimit-remaining'),
    message: status === 0 ? `network: ${detail}` : `HTTP ${status}${detail ? `: ${detail}` : ''}`,
  };
}

export function normaliseXeroError(err: unknown): XeroFailure {
  if (typeof err === 'string') {
    try {
      const parsed = JSON.parse(err) as {
        response?: { statusCode?: number; headers?: unknown; body?: unknown };
      };
      const r = parsed.response ?? {};
      return build(Number(r.statusCode ?? 0), r.headers, r.body, 'no response');
    } catch {
      return build(0, null, err, 'unreadable error');
    }
  }
  if (err && typeof err === 'object') {
    const e = err as {
      isAxiosError?: boolean;
      response?: { status?: number; headers?: unknown; data?: unknown; statusCode?: number; body?: unknown };
      message?: string;
      name?: string;
      code?: string;
      cause?: unknown;
    };
    if (e.response && typeof e.response === 'object') {
      const status = Number(e.response.status ?? e.response.statusCode ?? 0);
      return build(status, e.response.headers, e.response.data ?? e.response.body, e.message ?? '');
    }
    // fetch: AbortSignal.timeout → TimeoutError; resets and refusals → TypeError('fetch failed', {cause}).
    const cause = e.cause as { code?: string; message?: string } | undefined;
    const why = [e.name === 'TimeoutError' ? 'timed out' : e.message, cause?.code ?? cause?.message]
      .filter(Boolean)
      .join(' / ');
    return build(0, null, why, 'request failed');
  }
  return build(0, null, String(err), 'request failed');
}

/** Thrown when a Xero call gives up (retries exhausted, or a non-retryable answer). */
export class XeroCallError extends Error {
  readonly code = 'XERO_CALL_FAILED';
  constructor(
    readonly operation: string,
    readonly failure: XeroFailure,
    readonly attempts: number,
  ) {
    super(`${operation} failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${failure.message}`);
    this.name = 'XeroCallError';
  }
}

/** Where a failed Xero call leaves an outbox item: a refusal is final; a 429 waits for Retry-After; the rest retries. */
export function xeroFailureOutcome(err: unknown): HandlerOutcome {
  if (err instanceof XeroCallError && !isRetryable(err.failure))
    return { status: 'failed', error: err.message };
  return {
    status: 'retry',
    error: errorMessage(err),
    ...(err instanceof XeroCallError && err.failure.retryAfterMs
      ? { retryAfterMs: err.failure.retryAfterMs }
      : {}),
    ...(err instanceof XeroCallError && err.failure.kind === 'rate-limited' ? { rateLimited: true } : {}),
  };
}
