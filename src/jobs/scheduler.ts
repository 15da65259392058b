import { randomUUID } from 'node:crypto';
import cron, { type ScheduledTask } from 'node-cron';
import type { Organisation } from '../adapters/db/organisations.js';
import type { ClaimedJob } from '../adapters/db/scheduled-jobs.js';
import type { AppContext } from '../context.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';

/**
 * node-cron is only a one-minute ticker (reference/libraries.md §B2): what is due, per organisation and in its
 * own time zone, lives in `scheduled_jobs`, claimed with FOR UPDATE SKIP LOCKED under a lease. Several
 * instances can tick at once; each due run happens once; a run missed while every instance was down is
 * overdue, claimed on the next tick, and run once (not once per missed slot).
 * This file is the only node-cron import.
 */
export interface ScheduledJob {
  readonly name: string;
  /** The next run strictly after `after`, computed in the organisation's zone. */
  nextRunAfter(org: Organisation, after: Date): Date;
  /** A run may say when it should run next (an adaptive cadence); otherwise `nextRunAfter` decides. */
  /**
   * `signal` aborts at shutdown: a long job stops at its next checkpoint (a sync: the next page) and says when to
   * resume, so the process exits within its grace period and a restart picks the work up at once.
   */
  run(
    ctx: AppContext,
    org: Organisation,
    now: Date,
    signal: AbortSignal,
    // biome-ignore lint/suspicious/noConfusingVoidType: most jobs return nothing, which TypeScript types as void.
  ): Promise<void | JobRunOutcome>;
  /** When an organisation first gets this job (default: nextRunAfter(org, now)). */
  firstRunAt?(org: Organisation, now: Date): Date;
  /** How long a claim holds before another instance may take the run over (default 30 minutes). */
  readonly leaseMs?: number;
  /**
   * The job runs at a local time: its rows wait until the organisation's time zone is known (its profile read
   * from Xero), and are re-computed if the zone changes.
   */
  readonly localTime?: boolean;
}

export interface JobRunOutcome {
  readonly nextRunAt?: Date;
}

export interface TickResult {
  readonly job: string;
  readonly orgId: string;
  readonly ok: boolean;
  readonly error: string | null;
  readonly nextRunAt: Date;
}

export interface SchedulerOptions {
  readonly workerId?: string;
  /** Runs claimed per tick (each tick starts them together: different organisations do not share limits). */
  readonly batchSize?: number;
}

const DEFAULT_LEASE_MS = 30 * 60_000;

export class Scheduler {
  readonly workerId: string;
  readonly #ctx: AppContext;
  readonly #jobs = new Map<string, ScheduledJob>();
  readonly #log: Logger;
  readonly #batchSize: number;
  #task: ScheduledTask | undefined;
  #running: Promise<unknown> | undefined;
  readonly #stopping = new AbortController();

  constructor(ctx: AppContext, options: SchedulerOptions = {}) {
    this.#ctx = ctx;
    this.workerId = options.workerId ?? `scheduler-${randomUUID().slice(0, 8)}`;
    this.#batchSize = options.batchSize ?? 10;
    this.#log = ctx.log.child({ component: 'scheduler', workerId: this.workerId });
  }

  registerJob(job: ScheduledJob): this {
    if (this.#jobs.has(job.name)) throw new Error(`job ${job.name} is already registered`);
    this.#jobs.set(job.name, job);
    return this;
  }

  get jobNames(): string[] {
    return [...this.#jobs.keys()];
  }

  /** One pass: claim what is due at `now`, run it, schedule the next run; then give new organisations their rows. */
  async tick(now: Date): Promise<TickResult[]> {
    const store = this.#ctx.jobStore;
    if (this.#stopping.signal.aborted) return [];
    // Each job is claimed under its own lease: a killed instance holds a 15-minute poll for its lease, not the
    // nightly reconcile's hour.
    const claimed: ClaimedJob[] = [];
    for (const job of this.#jobs.values()) {
      const room = this.#batchSize - claimed.length;
      if (room <= 0) break;
      claimed.push(
        ...(await store.claimDue({
          jobs: [job.name],
          now,
          leaseMs: job.leaseMs ?? DEFAULT_LEASE_MS,
          workerId: this.workerId,
          limit: room,
        })),
      );
    }
    const results = await Promise.all(
      claimed.map(async (c): Promise<TickResult> => {
        const job = this.#jobs.get(c.job) as ScheduledJob;
        let error: string | null = null;
        let outcome: JobRunOutcome | undefined;
        try {
          outcome = (await job.run(this.#ctx, c.organisation, now, this.#stopping.signal)) ?? undefined;
        } catch (err) {
          error = errorMessage(err);
          this.#log.error(
            { err, code: 'SCHEDULED_JOB_FAILED', job: c.job, orgId: c.organisation.id },
            'scheduled job failed',
          );
        }
        // From `now`, not from the missed slot: after downtime a job runs once, then returns to its rhythm.
        const nextRunAt = outcome?.nextRunAt ?? job.nextRunAfter(c.organisation, now);
        const kept = await store.finish({
          orgId: c.organisation.id,
          job: c.job,
          workerId: this.workerId,
          now,
          nextRunAt,
          error,
          zone: c.organisation.timezone,
        });
        if (!kept) this.#log.warn({ job: c.job, orgId: c.organisation.id }, 'scheduled job lease was lost');
        return { job: c.job, orgId: c.organisation.id, ok: error === null, error, nextRunAt };
      }),
    );
    // New organisations get their rows after this tick's runs. A local-time job waits for the organisation's
    // zone (read by its first sync, perhaps on another instance), and a row computed in another zone is corrected:
    // every instance then computes the same next run.
    for (const job of this.#jobs.values()) {
      const first = (org: Organisation) => job.firstRunAt?.(org, now) ?? job.nextRunAfter(org, now);
      await store.ensure(job.name, first, { needsZone: job.localTime === true });
      if (job.localTime) await store.realign(job.name, (org) => job.nextRunAfter(org, now));
    }
    return results;
  }

  start(): void {
    if (this.#task) return;
    const log = this.#log;
    cron.setLogger({
      info: (m) => log.info(m),
      warn: (m) => log.warn(m),
      error: (m, err) => log.error({ err: err ?? m }, typeof m === 'string' ? m : 'node-cron error'),
      debug: (m) => log.debug(typeof m === 'string' ? m : { err: m }, 'node-cron'),
    });
    const tick = async () => {
      // One tick at a time: the one at start may still be running when the first minute strikes.
      await this.#running;
      if (this.#stopping.signal.aborted) return;
      const run = this.tick(this.#ctx.clock.now()).catch((err) =>
        log.error({ err, code: 'SCHEDULER_TICK_FAILED' }, 'scheduler tick failed'),
      );
      this.#running = run;
      await run;
    };
    this.#task = cron.schedule('* * * * *', tick, { noOverlap: true, name: `tick-${this.workerId}` });
    // A restart resumes what is due at once (a sync stopped at shutdown is due now), not at the next minute.
    void tick();
  }

  /**
   * Stops ticking, tells the runs in flight to stop at their next checkpoint, and waits for them (their leases
   * would otherwise hold them for a while).
   */
  async stop(): Promise<void> {
    this.#stopping.abort();
    if (this.#task) {
      await this.#task.destroy();
      this.#task = undefined;
    }
    await this.#running;
  }
}
