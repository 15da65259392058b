// Over 300 lines: the Web API methods the product calls, as the sandbox answers them.
import { createHash } from 'node:crypto';
import {
  BLOCK_KIT_LIMITS,
  type BlockKitViolation,
  formatViolation,
  validateMessageBlocks,
  validateView,
} from './block-kit-limits.js';
import type {
  SandboxChannel,
  SandboxFile,
  SandboxFileRef,
  SandboxMessage,
  SandboxState,
  SandboxUser,
  SandboxView,
} from './sandbox-state.js';

/**
 * The Web API methods the sandbox answers, over its state. Each returns the JSON body Slack would send
 * (always HTTP 200; Slack signals failures with `ok: false`).
 */

export type Params = Record<string, unknown>;
export type SlackResponse = { ok: boolean; error?: string } & Record<string, unknown>;

const str = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
const bool = (v: unknown): boolean => v === true || v === 'true' || v === '1' || v === 1;
const num = (v: unknown, fallback: number): number => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  return Number.isFinite(n) ? n : fallback;
};

/** web-api sends objects as JSON strings inside form bodies; JSON requests carry them as objects. */
export function jsonParam(v: unknown): { ok: true; value: unknown } | { ok: false } {
  if (v === undefined || v === null || v === '') return { ok: true, value: undefined };
  if (typeof v !== 'string') return { ok: true, value: v };
  try {
    return { ok: true, value: JSON.parse(v) };
  } catch {
    return { ok: false };
  }
}

const fail = (error: string, extra: Record<string, unknown> = {}): SlackResponse => ({
  ok: false,
  error,
  ...extra,
});

function blocksFailure(violations: BlockKitViolation[], errorForViews?: string): SlackResponse {
  const tooLong = violations.find((v) => v.code === 'msg_blocks_too_long');
  const code = errorForViews ?? (tooLong ? 'msg_blocks_too_long' : (violations[0]?.code ?? 'invalid_blocks'));
  const messages = violations.map(formatViolation);
  return fail(code, {
    errors: violations.map((v) => `${v.message} [json-pointer:${v.pointer}]`),
    response_metadata: { messages },
  });
}

function page<T>(items: T[], params: Params, defaultLimit = 100): { items: T[]; next_cursor: string } {
  const limit = Math.max(1, Math.min(1000, num(params.limit, defaultLimit)));
  const cursor = str(params.cursor);
  const start = cursor
    ? Number(
        Buffer.from(cursor, 'base64')
          .toString('utf8')
          .replace(/^offset:/, ''),
      ) || 0
    : 0;
  const slice = items.slice(start, start + limit);
  const next = start + limit < items.length ? Buffer.from(`offset:${start + limit}`).toString('base64') : '';
  return { items: slice, next_cursor: next };
}

function viewHash(state: SandboxState): string {
  return `${Math.floor(state.now() / 1000)}.${createHash('sha1').update(state.nextTs()).digest('hex').slice(0, 8)}`;
}

/** A view as Slack returns it from views.* (and puts in view_submission payloads). */
export function serializeView(state: SandboxState, v: SandboxView): Record<string, unknown> {
  return {
    id: v.id,
    team_id: v.team_id,
    type: v.type,
    blocks: v.view.blocks ?? [],
    private_metadata: v.view.private_metadata ?? '',
    callback_id: v.view.callback_id ?? '',
    external_id: v.view.external_id ?? '',
    title: v.view.title,
    submit: v.view.submit ?? null,
    close: v.view.close ?? null,
    clear_on_close: Boolean(v.view.clear_on_close),
    notify_on_close: Boolean(v.view.notify_on_close),
    state: v.state,
    hash: v.hash,
    root_view_id: v.root_view_id,
    previous_view_id: v.previous_view_id,
    app_id: state.bot.appId,
    app_installed_team_id: state.team.id,
    bot_id: state.bot.botId,
  };
}

export function serializeMessage(m: SandboxMessage, team: string): Record<string, unknown> {
  return {
    type: 'message',
    ...(m.reply_broadcast ? { subtype: 'thread_broadcast' } : {}),
    user: m.user,
    ...(m.bot_id ? { bot_id: m.bot_id } : {}),
    text: m.text,
    ts: m.ts,
    team,
    ...(m.blocks ? { blocks: m.blocks } : {}),
    ...(m.attachments ? { attachments: m.attachments } : {}),
    ...(m.metadata ? { metadata: m.metadata } : {}),
    ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}),
    ...(m.thread_ts === m.ts
      ? { reply_count: m.reply_count, reply_users: m.reply_users, latest_reply: m.latest_reply }
      : {}),
    ...(m.edited ? { edited: m.edited } : {}),
  };
}

function serializeChannel(state: SandboxState, c: SandboxChannel): Record<string, unknown> {
  return {
    id: c.id,
    name: c.name,
    is_channel: !c.is_im && !c.is_private,
    is_group: !c.is_im && c.is_private,
    is_im: c.is_im,
    is_private: c.is_private,
    is_archived: c.is_archived,
    is_member: c.members.includes(state.bot.userId),
    created: c.created,
    ...(c.user ? { user: c.user } : {}),
    num_members: c.members.length,
    topic: { value: c.topic ?? '', creator: '', last_set: 0 },
    purpose: { value: '', creator: '', last_set: 0 },
  };
}

function serializeUser(state: SandboxState, u: SandboxUser): Record<string, unknown> {
  return {
    id: u.id,
    team_id: state.team.id,
    name: u.name,
    real_name: u.real_name,
    deleted: false,
    is_admin: u.is_admin,
    is_owner: false,
    is_bot: u.is_bot,
    tz: u.tz,
    profile: { email: u.email, real_name: u.real_name, display_name: u.name },
  };
}

export interface MessageContent {
  text: string;
  blocks?: unknown[];
  attachments?: unknown[];
  warning?: string;
}

/** Parses and checks text/blocks/attachments the way chat.* and response_url posts do. */
export function readMessageContent(
  params: Params,
  mode: 'post' | 'update',
): { ok: true; content: MessageContent } | { ok: false; response: SlackResponse } {
  const blocksParam = jsonParam(params.blocks);
  if (!blocksParam.ok) return { ok: false, response: fail('invalid_blocks_format') };
  const attachmentsParam = jsonParam(params.attachments);
  if (!attachmentsParam.ok) return { ok: false, response: fail('invalid_attachments') };
  let text = str(params.text) ?? '';
  const blocks = blocksParam.value;
  if (blocks !== undefined) {
    const violations = validateMessageBlocks(blocks);
    if (violations.length > 0) return { ok: false, response: blocksFailure(violations) };
  }
  const hasBlocks = Array.isArray(blocks) && blocks.length > 0;
  const hasAttachments = Array.isArray(attachmentsParam.value) && attachmentsParam.value.length > 0;
  if (text === '' && !hasBlocks && !hasAttachments && mode === 'post') {
    return { ok: false, response: fail('no_text') };
  }
  let warning: string | undefined;
  if (text.length > BLOCK_KIT_LIMITS.messageText) {
    // Slack truncates an over-long new message (with a warning) but refuses an over-long edit.
    if (mode === 'update') return { ok: false, response: fail('msg_too_long') };
    text = text.slice(0, BLOCK_KIT_LIMITS.messageText);
    warning = 'message_truncated';
  }
  return {
    ok: true,
    content: {
      text,
      ...(Array.isArray(blocks) ? { blocks } : {}),
      ...(Array.isArray(attachmentsParam.value) ? { attachments: attachmentsParam.value } : {}),
      ...(warning ? { warning } : {}),
    },
  };
}

export interface TriggerRecord {
  readonly user: string;
  readonly expiresAt: number;
  used: boolean;
}

export interface MethodContext {
  readonly state: SandboxState;
  readonly triggers: Map<string, TriggerRecord>;
}

type Handler = (params: Params, ctx: MethodContext) => SlackResponse;

function postableChannel(state: SandboxState, ref: string | undefined): SandboxChannel | SlackResponse {
  if (!ref) return fail('channel_not_found');
  if (state.users.has(ref)) return state.imWith(ref);
  const channel = state.resolveChannel(ref);
  if (!channel) return fail('channel_not_found');
  if (channel.is_archived) return fail('is_archived');
  // chat:write.public lets the bot post into public channels it has not joined; private ones need an invite.
  if (channel.is_private && !channel.members.includes(state.bot.userId)) return fail('channel_not_found');
  return channel;
}

const isResponse = (v: unknown): v is SlackResponse => typeof v === 'object' && v !== null && 'ok' in v;

function useTrigger(ctx: MethodContext, triggerId: string | undefined): string | SlackResponse {
  if (!triggerId)
    return fail('invalid_arguments', {
      response_metadata: { messages: ['[ERROR] missing required field: trigger_id'] },
    });
  const trigger = ctx.triggers.get(triggerId);
  if (!trigger) return fail('invalid_trigger_id');
  if (trigger.used) return fail('trigger_exchanged');
  if (ctx.state.now() > trigger.expiresAt) return fail('expired_trigger_id');
  trigger.used = true;
  return trigger.user;
}

function readView(params: Params, expected: 'modal' | 'home'): Record<string, unknown> | SlackResponse {
  const parsed = jsonParam(params.view);
  if (!parsed.ok || typeof parsed.value !== 'object' || parsed.value === null) {
    return fail('invalid_arguments', { response_metadata: { messages: ['[ERROR] failed to parse view'] } });
  }
  const view = parsed.value as Record<string, unknown>;
  const violations = validateView(view);
  if (violations.length > 0) return blocksFailure(violations, 'invalid_arguments');
  if (view.type !== expected) {
    return fail('invalid_arguments', {
      response_metadata: { messages: [`[ERROR] must be ${expected} [json-pointer:/view/type]`] },
    });
  }
  return view;
}

function initialState(view: Record<string, unknown>): SandboxView['state'] {
  const values: SandboxView['state']['values'] = {};
  const blocks = Array.isArray(view.blocks) ? view.blocks : [];
  for (const b of blocks as Record<string, unknown>[]) {
    const element = b.element as Record<string, unknown> | undefined;
    if (
      b.type !== 'input' ||
      !element ||
      typeof b.block_id !== 'string' ||
      typeof element.action_id !== 'string'
    ) {
      continue;
    }
    const entry: Record<string, unknown> = { type: element.type };
    if (element.type === 'plain_text_input') entry.value = element.initial_value ?? null;
    if (element.type === 'static_select') entry.selected_option = element.initial_option ?? null;
    if (element.type === 'datepicker') entry.selected_date = element.initial_date ?? null;
    values[b.block_id] = { [element.action_id]: entry };
  }
  return { values };
}

export function createView(
  state: SandboxState,
  user: string,
  view: Record<string, unknown>,
  root: string | null,
  previous: string | null,
): SandboxView {
  const id = state.nextViewId();
  const record: SandboxView = {
    id,
    team_id: state.team.id,
    type: view.type === 'home' ? 'home' : 'modal',
    user,
    view,
    hash: viewHash(state),
    root_view_id: root ?? id,
    previous_view_id: previous,
    state: initialState(view),
  };
  state.views.set(id, record);
  return record;
}

export function replaceView(state: SandboxState, record: SandboxView, view: Record<string, unknown>): void {
  record.view = view;
  record.hash = viewHash(state);
  record.state = initialState(view);
}

function findView(state: SandboxState, params: Params): SandboxView | undefined {
  const id = str(params.view_id);
  if (id) return state.views.get(id);
  const external = str(params.external_id);
  if (external) {
    for (const v of state.views.values()) if (v.view.external_id === external) return v;
  }
  return undefined;
}

const methods: Record<string, Handler> = {
  'auth.test': (_p, { state }) => ({
    ok: true,
    url: `https://${state.team.domain}.slack.com/`,
    team: state.team.name,
    user: state.bot.name,
    team_id: state.team.id,
    user_id: state.bot.userId,
    bot_id: state.bot.botId,
    is_enterprise_install: false,
  }),

  'chat.postMessage': (params, { state }) => {
    const channel = postableChannel(state, str(params.channel));
    if (isResponse(channel)) return channel;
    const read = readMessageContent(params, 'post');
    if (!read.ok) return read.response;
    let threadTs = str(params.thread_ts);
    if (threadTs) {
      const parent = state.findMessage(channel.id, threadTs);
      if (!parent) return fail('thread_not_found');
      // Replying to a reply threads under the same parent, as in Slack.
      threadTs = parent.thread_ts ?? parent.ts;
    }
    const metadata = jsonParam(params.metadata);
    if (!metadata.ok) return fail('invalid_metadata_format');
    const message: SandboxMessage = {
      channel: channel.id,
      ts: state.nextTs(),
      ...(threadTs ? { thread_ts: threadTs } : {}),
      user: state.bot.userId,
      bot_id: state.bot.botId,
      text: read.content.text,
      ...(read.content.blocks ? { blocks: read.content.blocks } : {}),
      ...(read.content.attachments ? { attachments: read.content.attachments } : {}),
      ...(metadata.value ? { metadata: metadata.value as SandboxMessage['metadata'] } : {}),
      ...(threadTs && bool(params.reply_broadcast) ? { reply_broadcast: true } : {}),
      history: [],
      reply_count: 0,
      reply_users: [],
    };
    state.addMessage(message);
    return {
      ok: true,
      channel: channel.id,
      ts: message.ts,
      message: serializeMessage(message, state.team.id),
      ...(read.content.warning
        ? { warning: read.content.warning, response_metadata: { warnings: [read.content.warning] } }
        : {}),
    };
  },

  'chat.update': (params, { state }) => {
    const channel = state.resolveChannel(str(params.channel) ?? '');
    if (!channel) return fail('channel_not_found');
    const message = state.findMessage(channel.id, str(params.ts) ?? '');
    if (!message) return fail('message_not_found');
    if (message.user !== state.bot.userId) return fail('cant_update_message');
    const read = readMessageContent(params, 'update');
    if (!read.ok) return read.response;
    // Slack keeps the old blocks when an update sends text only, and the old text when it sends blocks only.
    state.replaceMessage(message, {
      text: params.text === undefined ? message.text : read.content.text,
      ...(read.content.blocks
        ? { blocks: read.content.blocks }
        : message.blocks
          ? { blocks: message.blocks }
          : {}),
      editor: state.bot.userId,
    });
    return {
      ok: true,
      channel: channel.id,
      ts: message.ts,
      text: message.text,
      message: serializeMessage(message, state.team.id),
    };
  },

  'chat.delete': (params, { state }) => {
    const channel = state.resolveChannel(str(params.channel) ?? '');
    if (!channel) return fail('channel_not_found');
    const message = state.findMessage(channel.id, str(params.ts) ?? '');
    if (!message) return fail('message_not_found');
    if (message.user !== state.bot.userId) return fail('cant_delete_message');
    state.removeMessage(message);
    return { ok: true, channel: channel.id, ts: message.ts };
  },

  'chat.postEphemeral': (params, { state }) => {
    const channel = postableChannel(state, str(params.channel));
    if (isResponse(channel)) return channel;
    const user = str(params.user);
    if (!user || !state.users.has(user)) return fail('user_not_found');
    if (!channel.members.includes(user)) return fail('user_not_in_channel');
    const read = readMessageContent(params, 'post');
    if (!read.ok) return read.response;
    const threadTs = str(params.thread_ts);
    const e = state.addEphemeral({
      channel: channel.id,
      user,
      text: read.content.text,
      ...(read.content.blocks ? { blocks: read.content.blocks } : {}),
      ...(threadTs ? { thread_ts: threadTs } : {}),
      source: 'chat.postEphemeral',
    });
    return { ok: true, message_ts: e.ts };
  },

  'chat.getPermalink': (params, { state }) => {
    const channel = state.resolveChannel(str(params.channel) ?? '');
    if (!channel) return fail('channel_not_found');
    const message = state.findMessage(channel.id, str(params.message_ts) ?? '');
    if (!message) return fail('message_not_found');
    const p = message.ts.replace('.', '');
    const thread =
      message.thread_ts && message.thread_ts !== message.ts
        ? `?thread_ts=${message.thread_ts}&cid=${channel.id}`
        : '';
    return {
      ok: true,
      channel: channel.id,
      permalink: `https://${state.team.domain}.slack.com/archives/${channel.id}/p${p}${thread}`,
    };
  },

  'views.open': (params, ctx) => {
    const user = useTrigger(ctx, str(params.trigger_id));
    if (isResponse(user)) return user;
    const view = readView(params, 'modal');
    if (isResponse(view)) return view;
    const { state } = ctx;
    // A new views.open replaces whatever modal stack the user had open.
    for (const id of state.modalStacks.get(user) ?? []) state.views.delete(id);
    const record = createView(state, user, view, null, null);
    state.modalStacks.set(user, [record.id]);
    state.emit({ kind: 'view_opened', viewId: record.id, user });
    return { ok: true, view: serializeView(state, record) };
  },

  'views.push': (params, ctx) => {
    const user = useTrigger(ctx, str(params.trigger_id));
    if (isResponse(user)) return user;
    const view = readView(params, 'modal');
    if (isResponse(view)) return view;
    const { state } = ctx;
    const stack = state.modalStacks.get(user) ?? [];
    const top = stack.at(-1);
    if (!top) return fail('not_found');
    // Slack allows at most two views pushed above the root.
    if (stack.length >= 3) return fail('push_limit_reached');
    const root = state.views.get(top)?.root_view_id ?? top;
    const record = createView(state, user, view, root, top);
    stack.push(record.id);
    state.emit({ kind: 'view_opened', viewId: record.id, user });
    return { ok: true, view: serializeView(state, record) };
  },

  'views.update': (params, { state }) => {
    const record = findView(state, params);
    if (!record) return fail('not_found');
    const hash = str(params.hash);
    if (hash && hash !== record.hash) return fail('hash_conflict');
    const view = readView(params, record.type);
    if (isResponse(view)) return view;
    replaceView(state, record, view);
    state.emit({ kind: 'view_updated', viewId: record.id, user: record.user });
    return { ok: true, view: serializeView(state, record) };
  },

  'views.publish': (params, { state }) => {
    const user = str(params.user_id);
    if (!user || !state.users.has(user)) return fail('user_not_found');
    const view = readView(params, 'home');
    if (isResponse(view)) return view;
    const existingId = state.homeViews.get(user);
    const existing = existingId ? state.views.get(existingId) : undefined;
    const hash = str(params.hash);
    if (existing && hash && hash !== existing.hash) return fail('hash_conflict');
    let record: SandboxView;
    if (existing) {
      replaceView(state, existing, view);
      record = existing;
    } else {
      record = createView(state, user, view, null, null);
      state.homeViews.set(user, record.id);
    }
    state.emit({ kind: 'home_published', user, viewId: record.id });
    return { ok: true, view: serializeView(state, record) };
  },

  'conversations.info': (params, { state }) => {
    const channel = state.resolveChannel(str(params.channel) ?? '');
    if (!channel) return fail('channel_not_found');
    return { ok: true, channel: serializeChannel(state, channel) };
  },

  'conversations.list': (params, { state }) => {
    const types = new Set((str(params.types) ?? 'public_channel').split(',').map((t) => t.trim()));
    const excludeArchived = bool(params.exclude_archived);
    const all = [...state.channels.values()].filter((c) => {
      if (excludeArchived && c.is_archived) return false;
      if (c.is_im) return types.has('im');
      // The bot lists private channels only when it is a member, as with groups:read.
      if (c.is_private) return types.has('private_channel') && c.members.includes(state.bot.userId);
      return types.has('public_channel');
    });
    const { items, next_cursor } = page(all, params);
    return {
      ok: true,
      channels: items.map((c) => serializeChannel(state, c)),
      response_metadata: { next_cursor },
    };
  },

  'conversations.open': (params, { state }) => {
    const channelRef = str(params.channel);
    if (channelRef) {
      const channel = state.resolveChannel(channelRef);
      if (!channel) return fail('channel_not_found');
      return { ok: true, channel: { id: channel.id } };
    }
    const users = (str(params.users) ?? '').split(',').filter(Boolean);
    if (users.length === 0) return fail('users_list_not_supplied');
    if (users.length > 1) return fail('method_not_supported_for_channel_type');
    const [userId] = users as [string];
    if (!state.users.has(userId)) return fail('user_not_found');
    const existed = [...state.channels.values()].some((c) => c.is_im && c.user === userId);
    const im = state.imWith(userId);
    return {
      ok: true,
      ...(existed ? { already_open: true, no_op: true } : {}),
      channel: bool(params.return_im) ? serializeChannel(state, im) : { id: im.id },
    };
  },

  'conversations.members': (params, { state }) => {
    const channel = state.resolveChannel(str(params.channel) ?? '');
    if (!channel) return fail('channel_not_found');
    const { items, next_cursor } = page(channel.members, params);
    return { ok: true, members: items, response_metadata: { next_cursor } };
  },

  'conversations.join': (params, { state }) => {
    const channel = state.resolveChannel(str(params.channel) ?? '');
    if (!channel) return fail('channel_not_found');
    if (channel.is_private || channel.is_im) return fail('method_not_supported_for_channel_type');
    if (channel.is_archived) return fail('is_archived');
    const already = channel.members.includes(state.bot.userId);
    if (!already) {
      channel.members.push(state.bot.userId);
      state.emit({ kind: 'channel', channel: channel.id });
    }
    return {
      ok: true,
      channel: serializeChannel(state, channel),
      ...(already ? { warning: 'already_in_channel' } : {}),
    };
  },

  // Newest first, top-level messages and broadcasts; `metadata` only with include_all_metadata, as Slack does.
  'conversations.history': (params, { state }) => {
    const channel = state.resolveChannel(str(params.channel) ?? '');
    if (!channel) return fail('channel_not_found');
    if (!channel.members.includes(state.bot.userId)) return fail('not_in_channel');
    const oldest = Number(str(params.oldest) ?? '0');
    const withMetadata = String(params.include_all_metadata) === 'true';
    const timeline = state
      .messages(channel.id)
      .filter((m) => (!m.thread_ts || m.thread_ts === m.ts || m.reply_broadcast) && Number(m.ts) > oldest)
      .reverse();
    const { items, next_cursor } = page(timeline, params, 1000);
    return {
      ok: true,
      messages: items.map((m) => {
        const json = serializeMessage(m, state.team.id);
        if (!withMetadata) delete json.metadata;
        return json;
      }),
      has_more: next_cursor !== '',
      response_metadata: { next_cursor },
    };
  },

  'conversations.replies': (params, { state }) => {
    const channel = state.resolveChannel(str(params.channel) ?? '');
    if (!channel) return fail('channel_not_found');
    if (!channel.members.includes(state.bot.userId)) return fail('not_in_channel');
    const ts = str(params.ts) ?? '';
    const message = state.findMessage(channel.id, ts);
    if (!message) return fail('thread_not_found');
    const root = message.thread_ts ?? message.ts;
    const thread = state.messages(channel.id).filter((m) => m.ts === root || m.thread_ts === root);
    const { items, next_cursor } = page(thread, params, 1000);
    return {
      ok: true,
      messages: items.map((m) => serializeMessage(m, state.team.id)),
      has_more: next_cursor !== '',
      response_metadata: { next_cursor },
    };
  },

  'users.info': (params, { state }) => {
    const user = state.users.get(str(params.user) ?? '');
    if (!user) return fail('user_not_found');
    return { ok: true, user: serializeUser(state, user) };
  },

  'users.list': (params, { state }) => {
    const { items, next_cursor } = page([...state.users.values()], params, 200);
    return {
      ok: true,
      members: items.map((u) => serializeUser(state, u)),
      response_metadata: { next_cursor },
    };
  },

  'users.lookupByEmail': (params, { state }) => {
    const email = (str(params.email) ?? '').toLowerCase();
    for (const u of state.users.values()) {
      if (u.email.toLowerCase() === email) return { ok: true, user: serializeUser(state, u) };
    }
    return fail('users_not_found');
  },

  'usergroups.list': (params, { state }) => {
    const includeUsers = bool(params.include_users);
    return {
      ok: true,
      usergroups: [...state.usergroups.values()].map((g) => ({
        id: g.id,
        team_id: state.team.id,
        is_usergroup: true,
        name: g.name,
        handle: g.handle,
        user_count: g.users.length,
        ...(includeUsers ? { users: [...g.users] } : {}),
      })),
    };
  },

  'files.getUploadURLExternal': (params, { state }) => {
    const filename = str(params.filename);
    const length = num(params.length, Number.NaN);
    if (!filename)
      return fail('invalid_arguments', { response_metadata: { messages: ['filename is required'] } });
    if (!Number.isInteger(length) || length < 1)
      return fail('invalid_arguments', {
        response_metadata: { messages: ['length must be a positive integer'] },
      });
    const alt = str(params.alt_text);
    if (alt !== undefined && alt.length > 1000) return fail('invalid_arguments');
    const id = state.nextFileId();
    state.files.set(id, { id, name: filename, length, ...(alt ? { alt_text: alt } : {}), completed: false });
    return { ok: true, upload_url: `${state.uploadBase}${id}`, file_id: id };
  },

  'files.completeUploadExternal': (params, { state }) => {
    const list = jsonParam(params.files);
    if (!list.ok || !Array.isArray(list.value) || list.value.length === 0) return fail('invalid_arguments');
    const entries = list.value as { id?: string; title?: string }[];
    const files: SandboxFile[] = [];
    for (const e of entries) {
      const f = state.files.get(String(e.id ?? ''));
      if (!f || f.completed) return fail('file_not_found');
      if (!f.bytes) return fail('file_upload_not_found');
      if (f.bytes.length !== f.length) return fail('file_size_mismatch');
      files.push(f);
    }
    const channelRef = str(params.channel_id);
    let channel: SandboxChannel | undefined;
    let threadTs = str(params.thread_ts);
    if (channelRef) {
      const c = postableChannel(state, channelRef);
      if (isResponse(c)) return c;
      channel = c;
      if (threadTs) {
        const parent = state.findMessage(channel.id, threadTs);
        if (!parent) return fail('thread_not_found');
        threadTs = parent.thread_ts ?? parent.ts;
      }
    } else if (threadTs) {
      return fail('invalid_arguments');
    }
    entries.forEach((e, i) => {
      const f = files[i]!;
      f.completed = true;
      f.title = e.title ?? f.name;
      if (channel) {
        f.channel = channel.id;
        if (threadTs) f.thread_ts = threadTs;
      }
    });
    const refs: SandboxFileRef[] = files.map((f) => ({
      id: f.id,
      name: f.name,
      title: f.title ?? f.name,
      mimetype: f.mimetype ?? 'application/octet-stream',
      size: f.bytes!.length,
      ...(f.alt_text ? { alt_text: f.alt_text } : {}),
    }));
    if (channel) {
      const message: SandboxMessage = {
        channel: channel.id,
        ts: state.nextTs(),
        ...(threadTs ? { thread_ts: threadTs } : {}),
        user: state.bot.userId,
        bot_id: state.bot.botId,
        text: str(params.initial_comment) ?? '',
        files: refs,
        history: [],
        reply_count: 0,
        reply_users: [],
      };
      state.addMessage(message);
      for (const f of files) f.message_ts = message.ts;
    }
    return {
      ok: true,
      files: refs.map((r) => ({ ...r, channels: channel ? [channel.id] : [] })),
    };
  },

  'usergroups.users.list': (params, { state }) => {
    const group = state.usergroups.get(str(params.usergroup) ?? '');
    if (!group) return fail('no_such_subteam');
    return { ok: true, users: [...group.users] };
  },
};

export const SUPPORTED_METHODS: readonly string[] = Object.keys(methods);

export function callMethod(method: string, params: Params, ctx: MethodContext): SlackResponse {
  const handler = methods[method];
  if (!handler) return fail('unknown_method');
  return handler(params, ctx);
}

/** The channel chat.postMessage will post into, for the per-channel rate limit (undefined if unknown). */
export function postTargetChannel(state: SandboxState, params: Params): string | undefined {
  const ref = str(params.channel);
  if (!ref) return undefined;
  if (state.users.has(ref)) return state.imWith(ref).id;
  return state.resolveChannel(ref)?.id;
}
