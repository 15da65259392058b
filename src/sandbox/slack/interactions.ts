import { formatViolation, validateView } from './block-kit-limits.js';
import type { DeliveryResult, ResponsePayload, ResponseTarget, ViewAckResult } from './index.js';
import type { SandboxMessage, SandboxState } from './sandbox-state.js';
import { createView, type Params, readMessageContent, replaceView } from './web-api-methods.js';

/**
 * What Slack's client does with the app's answers to interactions: response_url posts (and a command's HTTP
 * reply), and the reply to a view_submission.
 */

const truthy = (v: unknown) => v === true || v === 'true';

export function deliverResponse(
  state: SandboxState,
  target: ResponseTarget,
  payload: ResponsePayload,
  source: 'response_url' | 'ack',
): DeliveryResult {
  if (truthy(payload.delete_original)) {
    if (target.messageTs) {
      const m = state.findMessage(target.channel, target.messageTs);
      if (!m) return { ok: false, error: 'message_not_found' };
      state.removeMessage(m);
    } else if (target.ephemeralTs) {
      const e = state.ephemerals.find((x) => x.ts === target.ephemeralTs);
      if (!e) return { ok: false, error: 'message_not_found' };
      e.deleted = true;
      state.emit({ kind: 'ephemeral', channel: e.channel, user: e.user, ts: e.ts });
    } else {
      return { ok: false, error: 'no_original_message' };
    }
    return { ok: true, effect: 'deleted' };
  }
  const read = readMessageContent(payload as Params, 'post');
  if (!read.ok) {
    const messages = (read.response.response_metadata as { messages?: string[] } | undefined)?.messages;
    return { ok: false, error: read.response.error ?? 'invalid_payload', ...(messages ? { messages } : {}) };
  }
  const { text, blocks } = read.content;
  if (truthy(payload.replace_original) && (target.messageTs || target.ephemeralTs)) {
    if (target.messageTs) {
      const m = state.findMessage(target.channel, target.messageTs);
      if (!m) return { ok: false, error: 'message_not_found' };
      state.replaceMessage(m, { text, ...(blocks ? { blocks } : {}), editor: state.bot.userId });
      return { ok: true, effect: 'replaced', ts: m.ts };
    }
    const e = state.ephemerals.find((x) => x.ts === target.ephemeralTs);
    if (!e) return { ok: false, error: 'message_not_found' };
    e.text = text;
    e.blocks = blocks;
    state.emit({ kind: 'ephemeral', channel: e.channel, user: e.user, ts: e.ts });
    return { ok: true, effect: 'replaced', ts: e.ts };
  }
  if (payload.response_type === 'in_channel') {
    const message: SandboxMessage = {
      channel: target.channel,
      ts: state.nextTs(),
      ...(payload.thread_ts ? { thread_ts: payload.thread_ts } : {}),
      user: state.bot.userId,
      bot_id: state.bot.botId,
      text,
      ...(blocks ? { blocks } : {}),
      history: [],
      reply_count: 0,
      reply_users: [],
    };
    state.addMessage(message);
    return { ok: true, effect: 'in_channel', ts: message.ts };
  }
  const e = state.addEphemeral({
    channel: target.channel,
    user: target.user,
    text,
    ...(blocks ? { blocks } : {}),
    ...(payload.thread_ts ? { thread_ts: payload.thread_ts } : {}),
    source,
  });
  return { ok: true, effect: 'ephemeral', ts: e.ts };
}

export function applyViewSubmissionAck(
  state: SandboxState,
  viewId: string,
  ack: unknown,
  closeFrom: (viewId: string) => void,
): ViewAckResult {
  const record = state.views.get(viewId);
  if (!record) return { ok: false, error: 'not_found' };
  const body = typeof ack === 'object' && ack !== null ? (ack as Record<string, unknown>) : {};
  const action = body.response_action;
  if (action === undefined) {
    closeFrom(viewId);
    return { ok: true, effect: 'closed' };
  }
  if (action === 'clear') {
    closeFrom(record.root_view_id);
    return { ok: true, effect: 'cleared' };
  }
  if (action === 'errors') {
    record.errors = (body.errors ?? {}) as Record<string, string>;
    state.emit({ kind: 'view_updated', viewId, user: record.user });
    return { ok: true, effect: 'errors' };
  }
  if (action === 'update' || action === 'push') {
    const violations = validateView(body.view);
    if (violations.length > 0) {
      return { ok: false, error: 'invalid_arguments', messages: violations.map(formatViolation) };
    }
    const view = body.view as Record<string, unknown>;
    if (action === 'update') {
      replaceView(state, record, view);
      delete record.errors;
      state.emit({ kind: 'view_updated', viewId, user: record.user });
      return { ok: true, effect: 'updated', viewId };
    }
    const stack = state.modalStacks.get(record.user) ?? [];
    if (stack.length >= 3) return { ok: false, error: 'push_limit_reached' };
    const pushed = createView(state, record.user, view, record.root_view_id, viewId);
    stack.push(pushed.id);
    state.modalStacks.set(record.user, stack);
    state.emit({ kind: 'view_opened', viewId: pushed.id, user: record.user });
    return { ok: true, effect: 'pushed', viewId: pushed.id };
  }
  return { ok: false, error: `unknown response_action ${String(action)}` };
}
