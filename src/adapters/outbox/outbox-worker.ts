import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { type OutboxKind, type OutboxPayload, parseOutboxPayload } from '../../domain/outbox-kinds.js';
import { type BackoffPolicy, backoffDelayMs, DEFAULT_BACKOFF } from '../../domain/retry-backoff.js';
import { errorMessage } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { Clock } from '../clock.js';
import type { DB } from '../db/schema.js';
import {
  claimOutbox,
  completeOutbox,
  failOutbox,
  type OutboxItem,
  renewOutboxLeases,
} from './outbox-store.js';

/**
 * What a handler reports. Handlers must be idempotent on `item.idempotencyKey`: a worker that dies after
 * the side effect but before recording it makes the item run again once its lease expires.
 */
export type HandlerOutcome =
  | { readonly status: 'done'; readonly result?: Record<string, unknown> }
  | {
      readonly status: 'retry';
      readonly error: string;
      readonly retryAfterMs?: number;
      /** The other side said "not now" (a 429): a wait, not a failed attempt. */
      readonly rateLimited?: boolean;
    }
  | { readonly status: 'failed'; readonly error: string };

export type OutboxHandler = (item: OutboxItem, signal: AbortSignal) => Promise<HandlerOutcome>;

/** An item whose payload the worker has checked against its kind's schema (domain/outbox-kinds.ts). */
export type KindItem<K extends OutboxKind> = Omit<OutboxItem, 'kind' | 'payload'> & {
  readonly kind: K;
  readonly payload: OutboxPayload<K>;
};
export type KindHandler<K extends OutboxKind> = (
  item: KindItem<K>,
  signal: AbortSignal,
) => Promise<HandlerOutcome>;
/** The handlers a process runs, one per kind it can do. */
export type OutboxHandlerTable = { readonly [K in OutboxKind]?: KindHandler<K> };

/** The table as the worker takes it. Sound because the worker validates each payload before its handler runs. */
export function handlerMap(table: OutboxHandlerTable): ReadonlyMap<string, OutboxHandler> {
  return new Map(
    Object.entries(table).filter((e): e is [string, OutboxHandler] => typeof e[1] === 'function'),
  );
}

export interface OutboxWorkerOptions {
  readonly db: Kysely<DB>;
  readonly clock: Clock;
  readonly log: Logger;
  readonly handlers: ReadonlyMap<string, OutboxHandler>;
  readonly workerId?: string;
  readonly leaseMs?: number;
  readonly batchSize?: number;
  readonly pollMs?: number;
  /** Per-handler timeout; keep well under the lease so a slow call never overlaps a re-claim. */
  readonly handlerTimeoutMs?: number;
  readonly backoff?: BackoffPolicy;
  readonly random?: () => number;
  /**
   * How long an item is retried, from when it was enqueued, before it goes to the dead letter (default 24 hours:
   * a mail server down overnight is still there in the morning). The row's max_attempts is a hard cap besides.
   */
  readonly retryBudgetMs?: number;
  /** Called once per item that reaches the dead letter (e.g. to alert in Slack). */
  readonly onDead?: (item: OutboxItem, error: string) => Promise<void>;
}

export const DEFAULT_RETRY_BUDGET_MS = 24 * 60 * 60_000;

export interface OutboxRunSummary {
  claimed: number;
  done: number;
  retried: number;
  dead: number;
  lost: number;
}

export class OutboxWorker {
  readonly workerId: string;
  readonly #o: Required<Omit<OutboxWorkerOptions, 'onDead' | 'workerId'>> &
    Pick<OutboxWorkerOptions, 'onDead'>;
  #timer: NodeJS.Timeout | undefined;
  #inFlight: Promise<unknown> | undefined;
  #stopping = false;
  readonly #abort = new AbortController();

  constructor(options: OutboxWorkerOptions) {
    this.workerId = options.workerId ?? `worker-${randomUUID().slice(0, 8)}`;
    this.#o = {
      // Short, and renewed while the batch runs: a killed worker's items are taken up within a minute.
      leaseMs: 60_000,
      batchSize: 20,
      pollMs: 1_000,
      handlerTimeoutMs: 60_000,
      retryBudgetMs: DEFAULT_RETRY_BUDGET_MS,
      backoff: DEFAULT_BACKOFF,
      random: Math.random,
      ...options,
    };
  }

  /** One claim-and-process cycle. Never throws: a cycle's failure is logged and the next cycle tries again. */
  async runOnce(): Promise<OutboxRunSummary> {
    const summary: OutboxRunSummary = { claimed: 0, done: 0, retried: 0, dead: 0, lost: 0 };
    if (this.#stopping) return summary;
    const { db, clock, log } = this.#o;
    let items: OutboxItem[];
    try {
      items = await claimOutbox(db, {
        workerId: this.workerId,
        now: clock.now(),
        leaseMs: this.#o.leaseMs,
        limit: this.#o.batchSize,
        kinds: [...this.#o.handlers.keys()],
      });
    } catch (err) {
      log.error({ err, code: 'OUTBOX_CLAIM_FAILED' }, 'outbox claim failed');
      return summary;
    }
    summary.claimed = items.length;
    if (items.length === 0) return summary;
    const waiting = new Set(items);
    const heartbeat = setInterval(
      () => {
        renewOutboxLeases(
          db,
          [...waiting],
          this.workerId,
          new Date(clock.now().getTime() + this.#o.leaseMs),
        ).catch((err) =>
          log.warn({ err, code: 'OUTBOX_HEARTBEAT_FAILED' }, 'outbox lease could not be renewed'),
        );
      },
      Math.max(50, Math.floor(this.#o.leaseMs / 3)),
    );
    heartbeat.unref();
    try {
      // Items of one batch run one after another: ordering matters for Slack threads and Xero notes.
      for (const item of items) {
        const outcome = await this.#process(item);
        waiting.delete(item);
        summary[outcome]++;
      }
    } finally {
      clearInterval(heartbeat);
    }
    return summary;
  }

  /** Runs cycles until none claims anything (tests, CLI, the demo's "advance" button). */
  async drain(maxCycles = 100): Promise<OutboxRunSummary> {
    const total: OutboxRunSummary = { claimed: 0, done: 0, retried: 0, dead: 0, lost: 0 };
    for (let i = 0; i < maxCycles; i++) {
      const s = await this.runOnce();
      for (const k of Object.keys(total) as (keyof OutboxRunSummary)[]) total[k] += s[k];
      if (s.claimed === 0) break;
    }
    return total;
  }

  start(): void {
    if (this.#timer || this.#stopping) return;
    const loop = async () => {
      const run = this.runOnce();
      this.#inFlight = run;
      const s = await run;
      this.#inFlight = undefined;
      if (this.#stopping) return;
      // A full batch means more is waiting: go again at once.
      this.#timer = setTimeout(loop, s.claimed >= this.#o.batchSize ? 0 : this.#o.pollMs);
    };
    this.#timer = setTimeout(loop, 0);
  }

  /** Stops taking work and waits for the item in flight to finish and be recorded. */
  async stop(): Promise<void> {
    this.#stopping = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#inFlight;
  }

  async #process(item: OutboxItem): Promise<'done' | 'retried' | 'dead' | 'lost'> {
    const { db, clock, log } = this.#o;
    const itemLog = log.child({ outboxId: item.id, kind: item.kind, attempt: item.attempts });
    const handler = this.#o.handlers.get(item.kind);
    let outcome: HandlerOutcome;
    const checked = parseOutboxPayload(item.kind, item.payload);
    if (!handler) {
      outcome = { status: 'failed', error: `no handler for outbox kind ${item.kind}` };
    } else if (!checked.ok) {
      // A retry cannot mend a payload: straight to the dead letter, with what was wrong.
      outcome = { status: 'failed', error: checked.error };
    } else {
      outcome = await this.#runHandler(handler, { ...item, payload: checked.payload });
    }
    const now = clock.now();
    try {
      if (outcome.status === 'done') {
        const ok = await completeOutbox(db, item, this.workerId, now, outcome.result ?? null);
        if (!ok) itemLog.warn({ code: 'OUTBOX_LEASE_LOST' }, 'outbox item was re-claimed before completion');
        return ok ? 'done' : 'lost';
      }
      const wanted =
        outcome.status === 'failed'
          ? null
          : new Date(
              now.getTime() +
                backoffDelayMs(item.attempts, this.#o.backoff, this.#o.random(), outcome.retryAfterMs),
            );
      // Retries end when the next one would fall past the item's budget, counted from when it was enqueued.
      const overBudget =
        wanted !== null && wanted.getTime() - item.createdAt.getTime() > this.#o.retryBudgetMs;
      const retryAt = overBudget ? null : wanted;
      const error = overBudget
        ? `gave up after ${Math.round((now.getTime() - item.createdAt.getTime()) / 3_600_000)} h and ${item.attempts} attempts: ${outcome.error}`
        : outcome.error;
      const rateLimited = outcome.status === 'retry' && outcome.rateLimited === true;
      const result = await failOutbox(db, item, this.workerId, now, error, retryAt, {
        countAttempt: !rateLimited,
      });
      if (result === 'lost') return 'lost';
      if (result === 'dead') {
        itemLog.error({ code: 'OUTBOX_DEAD', error }, 'outbox item moved to dead letter');
        await this.#o
          .onDead?.(item, error)
          .catch((err) =>
            itemLog.error({ err, code: 'OUTBOX_DEAD_ALERT_FAILED' }, 'dead-letter alert failed'),
          );
        return 'dead';
      }
      itemLog.warn({ code: 'OUTBOX_RETRY', error, retryAt, rateLimited }, 'outbox item will be retried');
      return 'retried';
    } catch (err) {
      // Recording failed (database down): the lease expires and the item is claimed again later.
      itemLog.error({ err, code: 'OUTBOX_RECORD_FAILED' }, 'outbox outcome could not be recorded');
      return 'lost';
    }
  }

  async #runHandler(handler: OutboxHandler, item: OutboxItem): Promise<HandlerOutcome> {
    const timeout = AbortSignal.timeout(this.#o.handlerTimeoutMs);
    const signal = AbortSignal.any([timeout, this.#abort.signal]);
    try {
      return await Promise.race([
        handler(item, signal),
        new Promise<HandlerOutcome>((resolve) =>
          timeout.addEventListener('abort', () =>
            resolve({ status: 'retry', error: `handler timed out after ${this.#o.handlerTimeoutMs} ms` }),
          ),
        ),
      ]);
    } catch (err) {
      return { status: 'retry', error: errorMessage(err) };
    }
  }
}
