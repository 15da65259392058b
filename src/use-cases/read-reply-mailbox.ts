import type { Kysely } from 'kysely';
import {
  advanceImapCursor,
  claimImapLease,
  findReplyByMessageId,
  getImapCursor,
  recordImapPoll,
  releaseImapLease,
} from '../adapters/db/customer-replies.js';
import type { DB, Queryable } from '../adapters/db/schema.js';
import { AppError, isAppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { type CaptureReplyDeps, captureReply, type InboundEmail } from './capture-reply.js';

/** A message in the inbox, before its source is fetched. */
export interface ReplyInboxMessage {
  readonly uid: number;
  readonly size: number;
  readonly messageId: string | null;
  readonly internalDate: Date | null;
}

/** The collections mailbox's inbox, open (adapters/mail/imap-inbox.ts). */
export interface ReplyInbox {
  readonly uidValidity: string;
  /** UIDNEXT when the inbox was opened: every message since has a UID at least this. */
  readonly uidNext: number;
  /** The server offers IDLE: new mail is announced, not polled for. */
  readonly idle: boolean;
  readonly closed: boolean;
  /** Messages with a UID above `uid`, in UID order. */
  listAfter(uid: number): Promise<ReplyInboxMessage[]>;
  /** Messages received since `date` (the server's day granularity), in UID order. */
  listSince(date: Date): Promise<ReplyInboxMessage[]>;
  source(uid: number): Promise<Buffer | null>;
  /** Returns when the server reports new mail, after `ms`, or when `signal` aborts. */
  waitForChange(ms: number, signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

export type ParseEmail = (
  raw: Buffer,
) => Promise<{ ok: true; email: InboundEmail } | { ok: false; reason: string }>;

export interface ReadReplyMailboxDeps extends CaptureReplyDeps {
  readonly parse: ParseEmail;
  readonly now: () => Date;
  readonly log: Logger;
  /** host + user + folder: the cursor's key. */
  readonly mailbox: string;
  /** This instance, as the lease names it. */
  readonly holder: string;
  /** Our own sending addresses: a message from them is not a customer's reply. */
  readonly ownAddresses?: readonly string[];
  /** Larger messages are skipped (and logged): a reply is read for its words. */
  readonly maxBytes?: number;
}

export interface ReadReplyMailboxResult {
  readonly listed: number;
  readonly stored: number;
  readonly duplicates: number;
  readonly skipped: number;
  /** Another instance took the mailbox over: stop reading. */
  readonly leaseLost: boolean;
}

/** A first read, or a read after the server renumbered the mailbox, looks this far back (by Message-ID). */
export const RESCAN_DAYS = 3;
const DAY_MS = 86_400_000;
const DEFAULT_MAX_BYTES = 25 * 1024 * 1024;

/**
 * One pass over the inbox: every message past the UID cursor is stored once (captureReply) and the cursor moves
 * past it in the same transaction, so a restart neither loses nor repeats one.
 * When the mailbox's UIDVALIDITY is not the cursor's (the first read, or the server renumbered the mailbox),
 * UIDs mean nothing: the messages of the last few days are listed and whatever is already stored (by Message-ID)
 * is passed over, instead of reading the whole mailbox again.
 */
export async function readReplyMailbox(
  deps: ReadReplyMailboxDeps,
  inbox: ReplyInbox,
  signal: AbortSignal,
): Promise<ReadReplyMailboxResult> {
  const { db, log } = deps;
  const cursor = await getImapCursor(db, deps.mailbox);
  const sameValidity = cursor !== null && cursor.uidValidity === inbox.uidValidity;
  let messages: ReplyInboxMessage[];
  if (sameValidity) {
    messages = await inbox.listAfter(cursor.lastUid);
  } else {
    const now = deps.now().getTime();
    const lastRead = cursor?.lastPolledAt ? cursor.lastPolledAt.getTime() - DAY_MS : now;
    const since = new Date(Math.min(now - RESCAN_DAYS * DAY_MS, lastRead));
    if (cursor?.uidValidity) {
      log.info(
        { code: 'IMAP_UIDVALIDITY_CHANGED', mailbox: deps.mailbox, since: since.toISOString() },
        'the mailbox was renumbered: re-reading recent messages by Message-ID',
      );
    }
    messages = await inbox.listSince(since);
  }
  let stored = 0;
  let duplicates = 0;
  let skipped = 0;
  const own = new Set((deps.ownAddresses ?? []).map((a) => a.toLowerCase()));
  let lastUid = sameValidity ? cursor.lastUid : 0;

  const advance = async (db: Queryable, uid: number) => {
    const moved = await advanceImapCursor(db, {
      mailbox: deps.mailbox,
      holder: deps.holder,
      uidValidity: inbox.uidValidity,
      lastUid: uid,
      now: deps.now(),
    });
    if (!moved) throw new AppError('IMAP_LEASE_LOST', 'another instance reads this mailbox now');
    lastUid = uid;
  };

  try {
    for (const m of messages) {
      if (signal.aborted) break;
      const known = m.messageId ? await findReplyByMessageId(db, normaliseId(m.messageId)) : null;
      if (known) {
        duplicates++;
        await advance(db, m.uid);
        continue;
      }
      if (m.size > (deps.maxBytes ?? DEFAULT_MAX_BYTES)) {
        log.warn(
          { code: 'IMAP_MESSAGE_TOO_LARGE', uid: m.uid, size: m.size },
          'a message too large to read was passed over',
        );
        skipped++;
        await advance(db, m.uid);
        continue;
      }
      const raw = await inbox.source(m.uid);
      const parsed = raw ? await deps.parse(raw) : ({ ok: false, reason: 'the message is gone' } as const);
      if (!parsed.ok) {
        log.warn(
          { code: 'IMAP_MESSAGE_UNREADABLE', uid: m.uid, reason: parsed.reason },
          'a message could not be read',
        );
        skipped++;
        await advance(db, m.uid);
        continue;
      }
      if (parsed.email.fromAddress && own.has(parsed.email.fromAddress)) {
        skipped++;
        await advance(db, m.uid);
        continue;
      }
      const outcome = await captureReply(deps, {
        channel: 'imap',
        email: parsed.email,
        receivedAt: m.internalDate ?? deps.now(),
        now: deps.now(),
        alsoInTransaction: (trx) => advance(trx, m.uid),
      });
      if (outcome.kind === 'stored') {
        stored++;
        log.info(
          { code: 'REPLY_CAPTURED', uid: m.uid, replyId: outcome.replyId, match: outcome.match.method },
          'reply captured',
        );
      } else if (outcome.kind === 'bounce') {
        // Recorded on the reminder (or nothing to record); the cursor moved in its transaction.
        log.info(
          { code: 'REPLY_BOUNCE', uid: m.uid, reminderId: outcome.reminderId, recorded: outcome.recorded },
          'a delivery status notification',
        );
      } else {
        if (outcome.kind === 'duplicate') duplicates++;
        else {
          skipped++;
          log.warn(
            { code: 'IMAP_MESSAGE_REJECTED', uid: m.uid, reason: outcome.reason },
            'a message was not stored',
          );
        }
        await advance(db, m.uid);
      }
    }
    // A renumbered (or first-read) mailbox with nothing recent: the cursor still takes the new UIDVALIDITY, at the
    // newest message, so the next pass reads only what arrives.
    if (!sameValidity && !signal.aborted) {
      await advance(db, Math.max(lastUid, inbox.uidNext - 1, 0));
    }
  } catch (err) {
    if (isAppError(err, 'IMAP_LEASE_LOST')) {
      return { listed: messages.length, stored, duplicates, skipped, leaseLost: true };
    }
    throw err;
  }
  return { listed: messages.length, stored, duplicates, skipped, leaseLost: false };
}

function normaliseId(id: string): string {
  const m = /<?([^<>\s]+@[^<>\s]+)>?/.exec(id);
  return m ? `<${m[1]}>` : id;
}

/** The mailbox's lease (one instance reads it), through the cursor's row. */
export function claimReplyMailbox(
  db: Kysely<DB>,
  input: { mailbox: string; holder: string; now: Date; leaseMs: number },
): Promise<boolean> {
  return claimImapLease(db, input);
}

export function releaseReplyMailbox(db: Kysely<DB>, mailbox: string, holder: string): Promise<void> {
  return releaseImapLease(db, mailbox, holder);
}

export function recordReplyMailboxPoll(
  db: Kysely<DB>,
  mailbox: string,
  now: Date,
  error: string | null,
): Promise<void> {
  return recordImapPoll(db, mailbox, now, error);
}
