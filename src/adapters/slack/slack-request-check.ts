import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/**
 * What Slack posts to /slack/events, checked before Bolt sees it (reference/slack-platform.md §3): the signature,
 * a timestamp within five minutes of our clock in either direction, and the envelope of every payload kind we
 * handle, with the fields our listeners read. A correctly signed but malformed request is answered 400 here
 * instead of throwing inside Bolt (a signed `payload=null` used to stop the process). Strings lose the NUL
 * character PostgreSQL refuses in text. Pure: the caller passes the raw body, the headers and the clock.
 */

/**
 * Slack's replay window (seconds), applied both ways: a timestamp from the future is as wrong as a stale one. A
 * request is accepted only strictly within five minutes of our clock.
 */
export const SLACK_MAX_SKEW_SECONDS = 300;

export type SlackRequestVerdict =
  | { readonly kind: 'ok'; readonly body: string; readonly cleaned: boolean; readonly payloadType: string }
  | {
      readonly kind: 'refused';
      readonly status: 400 | 401;
      readonly reason:
        | 'missing-signature'
        | 'bad-signature'
        | 'bad-timestamp'
        | 'stale-timestamp'
        | 'future-timestamp'
        | 'unreadable-body'
        | 'duplicate-field'
        | 'malformed-payload';
      readonly detail: string;
    };

const id = z.string().min(1).max(255);
const user = z.looseObject({ id });
const view = z.looseObject({
  id,
  callback_id: z.string().max(255).optional(),
  private_metadata: z.string().max(3000).optional(),
  state: z.looseObject({ values: z.record(z.string(), z.record(z.string(), z.looseObject({}))) }),
});

const INTERACTIVE = z.discriminatedUnion('type', [
  z.looseObject({
    type: z.literal('block_actions'),
    user,
    actions: z.array(z.looseObject({ action_id: z.string().max(255) })).min(1),
  }),
  z.looseObject({ type: z.literal('view_submission'), user, view }),
  z.looseObject({ type: z.literal('view_closed'), user, view: view.optional() }),
  z.looseObject({ type: z.literal('shortcut'), user, callback_id: id, trigger_id: id }),
  z.looseObject({
    type: z.literal('message_action'),
    user,
    callback_id: id,
    trigger_id: id,
    channel: z.looseObject({ id }),
    message: z.looseObject({}),
  }),
  z.looseObject({ type: z.literal('block_suggestion'), user, action_id: z.string().max(255) }),
]);

const COMMAND = z.looseObject({
  command: z.string().regex(/^\/[\w-]{1,31}$/),
  text: z.string().max(10_000),
  user_id: id,
  channel_id: id,
  team_id: id,
  trigger_id: id.optional(),
  response_url: z.url({ protocol: /^https?$/ }).optional(),
});

const EVENTS = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('url_verification'), challenge: z.string().max(255) }),
  z.looseObject({
    type: z.literal('event_callback'),
    event: z.looseObject({ type: z.string().min(1).max(255) }),
  }),
  z.looseObject({ type: z.literal('app_rate_limited') }),
]);

const refuse = (
  status: 400 | 401,
  reason: Extract<SlackRequestVerdict, { kind: 'refused' }>['reason'],
  detail: string,
): SlackRequestVerdict => ({ kind: 'refused', status, reason, detail });

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Removes the NUL character (PostgreSQL text cannot hold it) from every string, keys included. */
export function withoutNul(value: unknown): { value: unknown; cleaned: boolean } {
  let cleaned = false;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      if (!v.includes('\u0000')) return v;
      cleaned = true;
      return v.replaceAll('\u0000', '');
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[walk(k) as string] = walk(x);
      return out;
    }
    return v;
  };
  return { value: walk(value), cleaned };
}

function issueText(error: z.ZodError): string {
  const first = error.issues[0];
  return first ? `${first.path.join('.') || '(payload)'}: ${first.message}` : 'invalid';
}

export function checkSlackRequest(input: {
  readonly rawBody: Buffer;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly contentType: string;
  readonly signingSecret: string;
  readonly nowSeconds: number;
}): SlackRequestVerdict {
  const raw = input.rawBody.toString('utf8');
  // Slack's SSL check carries no signature and no data (Bolt answers it).
  if (/^ssl_check=1(&|$)/.test(raw) || new URLSearchParams(raw).get('ssl_check') === '1') {
    return { kind: 'ok', body: 'ssl_check=1', cleaned: false, payloadType: 'ssl_check' };
  }

  const signature = header(input.headers, 'x-slack-signature');
  const stamp = header(input.headers, 'x-slack-request-timestamp');
  if (!signature || !stamp) return refuse(401, 'missing-signature', 'no x-slack-signature or timestamp');
  if (!/^\d{1,12}$/.test(stamp)) return refuse(401, 'bad-timestamp', 'timestamp is not whole seconds');
  const expected = `v0=${createHmac('sha256', input.signingSecret).update(`v0:${stamp}:${raw}`).digest('hex')}`;
  const given = Buffer.from(signature);
  const want = Buffer.from(expected);
  if (given.length !== want.length || !timingSafeEqual(given, want)) {
    return refuse(401, 'bad-signature', 'signature does not match');
  }
  const skew = input.nowSeconds - Number(stamp);
  if (skew >= SLACK_MAX_SKEW_SECONDS) return refuse(401, 'stale-timestamp', `${skew} s old`);
  if (skew <= -SLACK_MAX_SKEW_SECONDS)
    return refuse(401, 'future-timestamp', `${-skew} s ahead of our clock`);

  if (input.contentType.startsWith('application/json')) {
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return refuse(400, 'unreadable-body', 'body is not JSON');
    }
    const parsed = EVENTS.safeParse(body);
    if (!parsed.success) return refuse(400, 'malformed-payload', issueText(parsed.error));
    const clean = withoutNul(body);
    return {
      kind: 'ok',
      body: JSON.stringify(clean.value),
      cleaned: clean.cleaned,
      payloadType: parsed.data.type,
    };
  }

  const form = new URLSearchParams(raw);
  const keys = [...form.keys()];
  const repeated = keys.find((k, i) => keys.indexOf(k) !== i);
  if (repeated) return refuse(400, 'duplicate-field', `field ${repeated.slice(0, 40)} sent more than once`);
  const payload = form.get('payload');
  if (payload !== null) {
    let body: unknown;
    try {
      body = JSON.parse(payload);
    } catch {
      return refuse(400, 'unreadable-body', 'payload is not JSON');
    }
    const parsed = INTERACTIVE.safeParse(body);
    if (!parsed.success) return refuse(400, 'malformed-payload', issueText(parsed.error));
    const clean = withoutNul(body);
    const out = new URLSearchParams(form);
    out.set('payload', JSON.stringify(clean.value));
    return { kind: 'ok', body: out.toString(), cleaned: clean.cleaned, payloadType: parsed.data.type };
  }
  const fields = Object.fromEntries(form);
  const parsed = COMMAND.safeParse(fields);
  if (!parsed.success) return refuse(400, 'malformed-payload', issueText(parsed.error));
  const clean = withoutNul(fields);
  return {
    kind: 'ok',
    body: new URLSearchParams(clean.value as Record<string, string>).toString(),
    cleaned: clean.cleaned,
    payloadType: 'command',
  };
}
