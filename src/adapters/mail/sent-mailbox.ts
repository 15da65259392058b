import { ImapFlow } from 'imapflow';
import type { SentCopies, SentLookup } from '../../domain/interrupted-send.js';
import { errorMessage } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { ImapAddress } from './imap-url.js';

/**
 * The sending mailbox's Sent folder: where an interrupted send is looked up by its Message-ID, and where we file
 * copies ourselves when the mail server does not.
 */
export interface SentMailbox {
  readonly copies: SentCopies;
  find(messageId: string): Promise<SentLookup>;
  /** Files a sent copy (only when `copies` is 'append'); false when it could not. */
  fileCopy(raw: Buffer): Promise<boolean>;
}

export interface ImapSentMailboxOptions {
  readonly address: ImapAddress;
  /** The folder's path; null → the one the server marks \Sent (RFC 6154), else "Sent". */
  readonly folder: string | null;
  readonly copies: SentCopies;
  readonly log: Logger;
  readonly timeoutMs?: number;
}

/**
 * Over IMAP, one short connection per call: lookups happen only after an interrupted send, so a connection kept
 * open would mostly sit idle and need its own reconnect logic.
 */
export function createImapSentMailbox(options: ImapSentMailboxOptions): SentMailbox {
  const { address, log } = options;
  const timeout = options.timeoutMs ?? 20_000;
  async function withClient<T>(fn: (client: ImapFlow, folder: string) => Promise<T>): Promise<T> {
    const client = new ImapFlow({
      host: address.host,
      port: address.port,
      secure: address.secure,
      auth: { user: address.user, pass: address.password },
      logger: false,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
    });
    // An unhandled 'error' event would take the process down; the awaited calls report the failure.
    client.on('error', () => {});
    await client.connect();
    try {
      const folder = options.folder ?? (await sentFolderOf(client));
      return await fn(client, folder);
    } finally {
      await client.logout().catch(() => client.close());
    }
  }
  return {
    copies: options.copies,
    async find(messageId) {
      try {
        return await withClient(async (client, folder) => {
          const lock = await client.getMailboxLock(folder, { readOnly: true });
          try {
            const uids = await client.search({ header: { 'message-id': messageId } }, { uid: true });
            return Array.isArray(uids) && uids.length > 0 ? 'found' : 'absent';
          } finally {
            lock.release();
          }
        });
      } catch (err) {
        log.warn({ err: imapError(err), code: 'IMAP_LOOKUP_FAILED' }, 'could not search the Sent folder');
        return 'unknown';
      }
    },
    async fileCopy(raw) {
      try {
        return await withClient(
          async (client, folder) => (await client.append(folder, raw, ['\\Seen'])) !== false,
        );
      } catch (err) {
        log.warn({ err: imapError(err), code: 'IMAP_APPEND_FAILED' }, 'could not file the sent copy');
        return false;
      }
    },
  };
}

/** imapflow's "Command failed" says little; the server's own words say why. */
function imapError(err: unknown): string {
  const text = (err as { responseText?: unknown }).responseText;
  return typeof text === 'string' && text ? `${errorMessage(err)}: ${text.slice(0, 200)}` : errorMessage(err);
}

async function sentFolderOf(client: ImapFlow): Promise<string> {
  const folders = await client.list();
  return folders.find((f) => f.specialUse === '\\Sent')?.path ?? 'Sent';
}
