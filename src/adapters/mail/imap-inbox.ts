import { ImapFlow } from 'imapflow';
import { errorMessage } from '../../errors.js';
import type { ReplyInbox, ReplyInboxMessage } from '../../use-cases/read-reply-mailbox.js';
import type { ImapAddress } from './imap-url.js';

export interface ImapInboxOptions {
  readonly address: ImapAddress;
  readonly folder: string;
  /** Socket and greeting timeouts (ms). */
  readonly timeoutMs?: number;
  /** Tests: behave as a server without IDLE (poll). */
  readonly idle?: boolean;
}

/**
 * One connection to the collections mailbox's inbox, opened read-only (EXAMINE): reading a reply never marks it
 * read or moves it, since the team reads that mailbox too. Where the server offers IDLE it tells us at once when
 * something arrives; otherwise the caller's poll interval does.
 */
export async function openImapInbox(options: ImapInboxOptions): Promise<ReplyInbox> {
  const { address } = options;
  const timeout = options.timeoutMs ?? 30_000;
  const client = new ImapFlow({
    host: address.host,
    port: address.port,
    secure: address.secure,
    auth: { user: address.user, pass: address.password },
    logger: false,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: 5 * 60_000,
    // The caller decides when to IDLE (between passes); imapflow's own would break into our commands.
    disableAutoIdle: true,
  });
  let closed = false;
  let changed = false;
  let wake: (() => void) | null = null;
  const poke = () => {
    changed = true;
    wake?.();
  };
  // An unhandled 'error' event would take the process down; 'close' ends the session and the caller reconnects.
  client.on('error', () => {});
  client.on('close', () => {
    closed = true;
    wake?.();
  });
  client.on('exists', poke);
  await client.connect();
  const mailbox = await client.mailboxOpen(options.folder, { readOnly: true });
  const canIdle = options.idle !== false && client.capabilities.has('IDLE');

  return {
    uidValidity: String(mailbox.uidValidity),
    uidNext: mailbox.uidNext,
    idle: canIdle,
    get closed() {
      return closed || !client.usable;
    },
    async listAfter(uid) {
      return list(client, `${uid + 1}:*`, uid);
    },
    async listSince(date) {
      const uids = await client.search({ since: date }, { uid: true });
      if (!Array.isArray(uids) || uids.length === 0) return [];
      return list(client, uids.join(','), 0);
    },
    async source(uid) {
      const m = await client.fetchOne(String(uid), { uid: true, source: true }, { uid: true });
      if (!m) return null;
      return m.source ?? null;
    },
    async waitForChange(ms, signal) {
      if (closed) return;
      if (changed) {
        changed = false;
        return;
      }
      const done = new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        const finish = () => {
          clearTimeout(timer);
          resolve();
        };
        wake = finish;
        signal.addEventListener('abort', finish, { once: true });
      });
      if (canIdle) {
        // IDLE until the server reports a change, the timer fires, or we stop; then end IDLE with a command.
        const idling = client.idle().catch(() => undefined);
        await done;
        wake = null;
        if (!closed) await client.noop().catch(() => undefined);
        await idling;
      } else {
        await done;
        wake = null;
        // Without IDLE a NOOP is how a server tells us about new messages.
        if (!closed) await client.noop().catch(() => undefined);
      }
      changed = false;
    },
    async close() {
      if (closed) return;
      await client.logout().catch(() => client.close());
    },
  };
}

async function list(client: ImapFlow, range: string, after: number): Promise<ReplyInboxMessage[]> {
  const rows = await client.fetchAll(
    range,
    { uid: true, size: true, envelope: true, internalDate: true },
    { uid: true },
  );
  return rows
    .filter((m) => m.uid > after)
    .map((m) => ({
      uid: m.uid,
      size: m.size ?? 0,
      messageId: m.envelope?.messageId ?? null,
      internalDate: m.internalDate ? new Date(m.internalDate) : null,
    }))
    .sort((a, b) => a.uid - b.uid);
}

/** imapflow's "Command failed" says little; the server's own words say why (never a message's content). */
export function imapErrorText(err: unknown): string {
  const text = (err as { responseText?: unknown }).responseText;
  return typeof text === 'string' && text ? `${errorMessage(err)}: ${text.slice(0, 200)}` : errorMessage(err);
}
