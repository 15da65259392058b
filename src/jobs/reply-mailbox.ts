import { errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';
import {
  claimReplyMailbox,
  type ReadReplyMailboxDeps,
  type ReadReplyMailboxResult,
  type ReplyInbox,
  readReplyMailbox,
  recordReplyMailboxPoll,
  releaseReplyMailbox,
} from '../use-cases/read-reply-mailbox.js';

export interface ReplyMailboxPollerOptions {
  readonly read: Omit<ReadReplyMailboxDeps, 'log'>;
  readonly openInbox: () => Promise<ReplyInbox>;
  /** How often the inbox is read without IDLE, and the longest an IDLE lasts before a check (IMAP_POLL_SECONDS). */
  readonly pollMs: number;
  readonly log: Logger;
  /** Lease and backoff run on real time, whatever the business clock says. */
  readonly wallNow?: () => Date;
  /** Called after each pass (tests and metrics). */
  readonly onPass?: (result: ReadReplyMailboxResult) => void;
}

const MAX_BACKOFF_MS = 60_000;

/**
 * Reads customers' replies from the collections mailbox, one instance at a time: the mailbox's lease (in its
 * cursor row) is held while connected and renewed after every pass; an instance without it checks again every
 * poll interval, so a killed holder is replaced within a lease. A dropped connection or a server restart
 * reconnects with backoff (1 s doubling to a minute). `stop()` ends the wait or pass in flight after the message
 * being stored, logs out and gives the lease back, so a restart reads on at once.
 */
export class ReplyMailboxPoller {
  readonly #o: ReplyMailboxPollerOptions;
  readonly #stopping = new AbortController();
  #running: Promise<void> | undefined;
  #leaseMs: number;

  constructor(options: ReplyMailboxPollerOptions) {
    this.#o = options;
    this.#leaseMs = Math.max(90_000, 3 * options.pollMs);
  }

  start(): void {
    this.#running ??= this.#loop().catch((err) =>
      this.#o.log.error(
        { err: errorMessage(err), code: 'IMAP_POLLER_FAILED' },
        'the reply mailbox poller stopped',
      ),
    );
  }

  async stop(): Promise<void> {
    this.#stopping.abort();
    await this.#running;
  }

  async #claim(): Promise<boolean> {
    const { read } = this.#o;
    return claimReplyMailbox(read.db, {
      mailbox: read.mailbox,
      holder: read.holder,
      now: this.#now(),
      leaseMs: this.#leaseMs,
    });
  }

  #now(): Date {
    return this.#o.wallNow?.() ?? new Date();
  }

  async #loop(): Promise<void> {
    const { read, log } = this.#o;
    const signal = this.#stopping.signal;
    let failures = 0;
    while (!signal.aborted) {
      let leased = false;
      try {
        leased = await this.#claim();
      } catch (err) {
        log.warn({ err: errorMessage(err), code: 'IMAP_LEASE_FAILED' }, 'could not take the mailbox lease');
      }
      if (!leased) {
        await sleep(this.#o.pollMs, signal);
        continue;
      }
      let inbox: ReplyInbox | null = null;
      try {
        inbox = await this.#o.openInbox();
        if (failures > 0) log.info({ mailbox: read.mailbox }, 'reconnected to the reply mailbox');
        failures = 0;
        while (!signal.aborted && !inbox.closed) {
          const result = await readReplyMailbox({ ...read, log }, inbox, signal);
          await recordReplyMailboxPoll(read.db, read.mailbox, this.#now(), null);
          this.#o.onPass?.(result);
          if (result.leaseLost || !(await this.#claim())) {
            log.warn({ mailbox: read.mailbox }, 'another instance reads the reply mailbox now');
            break;
          }
          await inbox.waitForChange(this.#o.pollMs, signal);
        }
      } catch (err) {
        failures++;
        const error = errorMessage(err);
        log.warn({ err: error, code: 'IMAP_READ_FAILED', failures }, 'reading the reply mailbox failed');
        await recordReplyMailboxPoll(read.db, read.mailbox, this.#now(), error).catch(() => undefined);
      } finally {
        await inbox?.close().catch(() => undefined);
      }
      if (failures > 0 && !signal.aborted) {
        const base = Math.min(MAX_BACKOFF_MS, 1_000 * 2 ** (failures - 1));
        await sleep(base / 2 + Math.random() * (base / 2), signal);
      } else if (!signal.aborted && inbox?.closed) {
        // The server closed a healthy session (a restart, an idle timeout): reconnect after a breath.
        await sleep(1_000, signal);
      }
    }
    await releaseReplyMailbox(read.db, read.mailbox, read.holder).catch(() => undefined);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
