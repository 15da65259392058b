// Over 300 lines: the simulated workspace's whole state (team, users, channels, messages, views, files) in one place tests can read.
import { EventEmitter } from 'node:events';

/** What the simulated workspace holds. Field names follow Slack's wire names where a payload carries them. */

export interface SandboxTeam {
  readonly id: string;
  readonly name: string;
  readonly domain: string;
}

export interface SandboxBot {
  readonly userId: string;
  readonly botId: string;
  readonly appId: string;
  readonly name: string;
}

export interface SandboxChannel {
  id: string;
  name: string;
  is_private: boolean;
  is_im: boolean;
  is_archived: boolean;
  /** For an IM: the other party. */
  user?: string;
  created: number;
  members: string[];
  topic?: string;
}

export interface SandboxUser {
  readonly id: string;
  readonly name: string;
  readonly real_name: string;
  readonly email: string;
  readonly is_admin: boolean;
  readonly is_bot: boolean;
  readonly tz: string;
}

export interface SandboxUsergroup {
  readonly id: string;
  readonly handle: string;
  readonly name: string;
  users: string[];
}

export interface MessageRevision {
  readonly text: string;
  readonly blocks?: unknown[];
  /** When this revision was replaced (Slack's `edited.ts`). */
  readonly replacedAt: string;
}

export interface SandboxMessage {
  readonly channel: string;
  readonly ts: string;
  /** Set on replies (and on the parent once it has replies, as Slack does). */
  thread_ts?: string;
  readonly user: string;
  readonly bot_id?: string;
  text: string;
  blocks?: unknown[];
  attachments?: unknown[];
  /** Files shared with the message (files.completeUploadExternal). */
  files?: SandboxFileRef[];
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  /** A thread reply also shown in the channel. */
  readonly reply_broadcast?: boolean;
  edited?: { user: string; ts: string };
  /** Earlier versions, oldest first. */
  readonly history: MessageRevision[];
  reply_count: number;
  reply_users: string[];
  latest_reply?: string;
}

/** A file uploaded through files.getUploadURLExternal → upload URL → files.completeUploadExternal. */
export interface SandboxFile {
  readonly id: string;
  readonly name: string;
  /** The length announced to files.getUploadURLExternal. */
  readonly length: number;
  readonly alt_text?: string;
  title?: string;
  bytes?: Buffer;
  mimetype?: string;
  /** Set by files.completeUploadExternal. */
  completed: boolean;
  channel?: string;
  thread_ts?: string;
  /** The message that shares it, when completed into a channel. */
  message_ts?: string;
}

/** A file as a message carries it. */
export interface SandboxFileRef {
  readonly id: string;
  readonly name: string;
  readonly title: string;
  readonly mimetype: string;
  readonly size: number;
  readonly alt_text?: string;
}

export interface SandboxEphemeral {
  readonly channel: string;
  readonly user: string;
  readonly ts: string;
  text: string;
  blocks?: unknown[];
  readonly thread_ts?: string;
  /** How it arrived: chat.postEphemeral, a response_url post, or the HTTP reply to a command. */
  readonly source: 'chat.postEphemeral' | 'response_url' | 'ack';
  deleted: boolean;
}

export interface SandboxView {
  readonly id: string;
  readonly team_id: string;
  readonly type: 'modal' | 'home';
  /** The user who sees it. */
  readonly user: string;
  /** The submitted view as given (title, blocks, callback_id, private_metadata, …). */
  view: Record<string, unknown>;
  hash: string;
  readonly root_view_id: string;
  previous_view_id: string | null;
  state: { values: Record<string, Record<string, Record<string, unknown>>> };
  /** The last `response_action: 'errors'` the app answered a submission with, by block_id. */
  errors?: Record<string, string>;
}

export interface SandboxCall {
  readonly method: string;
  readonly params: Record<string, unknown>;
  readonly at: Date;
  readonly httpStatus: number;
  readonly ok: boolean;
  readonly error?: string;
}

export type SandboxChange =
  | { kind: 'message_posted'; channel: string; ts: string; thread_ts?: string }
  | { kind: 'message_changed'; channel: string; ts: string }
  | { kind: 'message_deleted'; channel: string; ts: string }
  | { kind: 'ephemeral'; channel: string; user: string; ts: string }
  | { kind: 'view_opened' | 'view_updated' | 'view_closed'; viewId: string; user: string }
  | { kind: 'home_published'; user: string; viewId: string }
  | { kind: 'channel'; channel: string }
  | { kind: 'call'; method: string; ok: boolean };

export type ChangeListener = (change: SandboxChange) => void;

/**
 * The in-memory workspace plus a change feed. `ts` values are "seconds.micros" strings, strictly increasing
 * across the whole sandbox, as Slack's are within a channel.
 */
export class SandboxState {
  readonly channels = new Map<string, SandboxChannel>();
  readonly users = new Map<string, SandboxUser>();
  readonly usergroups = new Map<string, SandboxUsergroup>();
  /** Channel messages (top-level and replies) in ts order. */
  readonly messagesByChannel = new Map<string, SandboxMessage[]>();
  readonly ephemerals: SandboxEphemeral[] = [];
  readonly views = new Map<string, SandboxView>();
  /** Open modal stacks per user, root first. */
  readonly modalStacks = new Map<string, string[]>();
  readonly homeViews = new Map<string, string>();
  readonly calls: SandboxCall[] = [];
  readonly files = new Map<string, SandboxFile>();
  /** `${url}/upload/` once the server listens: where files.getUploadURLExternal sends uploads. */
  uploadBase = '';
  private fileCounter = 0;
  private readonly emitter = new EventEmitter();
  private lastMicros = 0n;
  private viewCounter = 0;

  constructor(
    readonly team: SandboxTeam,
    readonly bot: SandboxBot,
    private readonly nowMs: () => number,
  ) {
    this.emitter.setMaxListeners(0);
  }

  now(): number {
    return this.nowMs();
  }

  nextTs(): string {
    const micros = BigInt(Math.floor(this.nowMs())) * 1000n;
    this.lastMicros = micros > this.lastMicros ? micros : this.lastMicros + 1n;
    const s = this.lastMicros.toString().padStart(7, '0');
    return `${s.slice(0, -6)}.${s.slice(-6)}`;
  }

  nextFileId(): string {
    this.fileCounter += 1;
    return `F${String(this.fileCounter).padStart(10, '0')}`;
  }

  nextViewId(): string {
    this.viewCounter += 1;
    return `V${String(this.viewCounter).padStart(10, '0')}`;
  }

  onChange(listener: ChangeListener): () => void {
    this.emitter.on('change', listener);
    return () => this.emitter.off('change', listener);
  }

  emit(change: SandboxChange): void {
    this.emitter.emit('change', change);
  }

  /** Accepts an id, or a name with or without '#', as chat.postMessage does. */
  resolveChannel(ref: string): SandboxChannel | undefined {
    const byId = this.channels.get(ref);
    if (byId) return byId;
    const name = ref.replace(/^#/, '');
    for (const c of this.channels.values()) if (c.name === name && !c.is_im) return c;
    return undefined;
  }

  /** The bot's IM with a user, created on first use (conversations.open, or posting to a user id). */
  imWith(userId: string): SandboxChannel {
    for (const c of this.channels.values()) if (c.is_im && c.user === userId) return c;
    const channel: SandboxChannel = {
      id: `D${userId.replace(/^[UW]/, '')}`,
      name: userId,
      is_private: true,
      is_im: true,
      is_archived: false,
      user: userId,
      created: Math.floor(this.nowMs() / 1000),
      members: [userId, this.bot.userId],
    };
    this.channels.set(channel.id, channel);
    this.messagesByChannel.set(channel.id, []);
    this.emit({ kind: 'channel', channel: channel.id });
    return channel;
  }

  messages(channel: string): SandboxMessage[] {
    return this.messagesByChannel.get(channel) ?? [];
  }

  findMessage(channel: string, ts: string): SandboxMessage | undefined {
    return this.messages(channel).find((m) => m.ts === ts);
  }

  addMessage(message: SandboxMessage): void {
    const list = this.messagesByChannel.get(message.channel) ?? [];
    list.push(message);
    this.messagesByChannel.set(message.channel, list);
    if (message.thread_ts && message.thread_ts !== message.ts) {
      const parent = this.findMessage(message.channel, message.thread_ts);
      if (parent) {
        parent.thread_ts = parent.ts;
        parent.reply_count += 1;
        if (!parent.reply_users.includes(message.user)) parent.reply_users.push(message.user);
        parent.latest_reply = message.ts;
      }
    }
    this.emit({
      kind: 'message_posted',
      channel: message.channel,
      ts: message.ts,
      ...(message.thread_ts ? { thread_ts: message.thread_ts } : {}),
    });
  }

  replaceMessage(message: SandboxMessage, next: { text: string; blocks?: unknown[]; editor: string }): void {
    const editedTs = this.nextTs();
    message.history.push({
      text: message.text,
      ...(message.blocks ? { blocks: message.blocks } : {}),
      replacedAt: editedTs,
    });
    message.text = next.text;
    message.blocks = next.blocks;
    message.edited = { user: next.editor, ts: editedTs };
    this.emit({ kind: 'message_changed', channel: message.channel, ts: message.ts });
  }

  removeMessage(message: SandboxMessage): void {
    const list = this.messages(message.channel);
    const i = list.indexOf(message);
    if (i >= 0) list.splice(i, 1);
    if (message.thread_ts && message.thread_ts !== message.ts) {
      const parent = this.findMessage(message.channel, message.thread_ts);
      if (parent) parent.reply_count = Math.max(0, parent.reply_count - 1);
    }
    this.emit({ kind: 'message_deleted', channel: message.channel, ts: message.ts });
  }

  addEphemeral(e: Omit<SandboxEphemeral, 'ts' | 'deleted'>): SandboxEphemeral {
    const ephemeral: SandboxEphemeral = { ...e, ts: this.nextTs(), deleted: false };
    this.ephemerals.push(ephemeral);
    this.emit({ kind: 'ephemeral', channel: e.channel, user: e.user, ts: ephemeral.ts });
    return ephemeral;
  }

  recordCall(call: SandboxCall): void {
    this.calls.push(call);
    this.emit({ kind: 'call', method: call.method, ok: call.ok });
  }
}
