import { type Kysely, sql } from 'kysely';
import { type Organisation, toOrganisation } from './organisations.js';
import type { DB } from './schema.js';

/**
 * What is due, per organisation and job, lives here (DESIGN.md §5 "scheduling"): any number of instances
 * claim due rows with FOR UPDATE SKIP LOCKED and a lease, so each run happens once, and a run missed while
 * every instance was down is simply overdue and claimed on the next tick.
 */
export interface ClaimedJob {
  readonly job: string;
  readonly organisation: Organisation;
  readonly dueAt: Date;
}

export interface ScheduledJobStore {
  /**
   * Creates the rows of jobs an active organisation does not have yet (first run at `firstRunAt`). With
   * `needsZone`, only for organisations whose profile (and so time zone) has been read from Xero.
   */
  ensure(
    job: string,
    firstRunAt: (org: Organisation) => Date,
    options?: { needsZone?: boolean },
  ): Promise<number>;
  /**
   * Re-computes the next run of a local-time job wherever it was computed in another zone than the organisation's
   * (made before the zone was known, or the zone changed in Xero). Rows being run are left to their runner.
   */
  realign(job: string, nextRunAfter: (org: Organisation) => Date): Promise<number>;
  claimDue(input: {
    jobs: readonly string[];
    now: Date;
    leaseMs: number;
    workerId: string;
    limit: number;
  }): Promise<ClaimedJob[]>;
  finish(input: {
    orgId: string;
    job: string;
    workerId: string;
    now: Date;
    nextRunAt: Date;
    error: string | null;
    /** The zone `nextRunAt` was computed in. */
    zone?: string | null;
  }): Promise<boolean>;
  /** Makes a job due now (after a connect, or an operator's request). */
  runSoon(orgId: string, job: string, now: Date): Promise<void>;
  /** When a job runs next for an organisation (null: it has no row yet). */
  nextRunAt(orgId: string, job: string): Promise<Date | null>;
}

export function createScheduledJobStore(db: Kysely<DB>): ScheduledJobStore {
  return {
    async ensure(job, firstRunAt, options = {}) {
      const missing = await db
        .selectFrom('organisations')
        .selectAll()
        .where('status', '=', 'active')
        .$if(options.needsZone === true, (q) => q.where('base_currency', 'is not', null))
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('scheduled_jobs')
                .select('job')
                .whereRef('scheduled_jobs.org_id', '=', 'organisations.id')
                .where('scheduled_jobs.job', '=', job),
            ),
          ),
        )
        .execute();
      if (missing.length === 0) return 0;
      const res = await db
        .insertInto('scheduled_jobs')
        .values(
          missing.map((o) => ({
            org_id: o.id,
            job,
            next_run_at: firstRunAt(toOrganisation(o)),
            scheduled_in_zone: o.timezone,
          })),
        )
        .onConflict((oc) => oc.columns(['org_id', 'job']).doNothing())
        .executeTakeFirst();
      return Number(res.numInsertedOrUpdatedRows ?? 0n);
    },

    async claimDue({ jobs, now, leaseMs, workerId, limit }) {
      if (jobs.length === 0 || limit <= 0) return [];
      return db.transaction().execute(async (trx) => {
        const due = await trx
          .selectFrom('scheduled_jobs')
          .select(['org_id', 'job', 'next_run_at'])
          .where('job', 'in', jobs)
          .where('next_run_at', '<=', now)
          .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
          .where(({ exists, selectFrom }) =>
            exists(
              selectFrom('organisations')
                .select('id')
                .whereRef('organisations.id', '=', 'scheduled_jobs.org_id')
                .where('organisations.status', '=', 'active'),
            ),
          )
          .orderBy('next_run_at')
          .limit(limit)
          .forUpdate()
          .skipLocked()
          .execute();
        if (due.length === 0) return [];
        const claimed: ClaimedJob[] = [];
        for (const d of due) {
          await trx
            .updateTable('scheduled_jobs')
            .set({
              locked_by: workerId,
              locked_until: new Date(now.getTime() + leaseMs),
              last_started_at: now,
            })
            .where('org_id', '=', d.org_id)
            .where('job', '=', d.job)
            .execute();
          const org = await trx
            .selectFrom('organisations')
            .selectAll()
            .where('id', '=', d.org_id)
            .executeTakeFirstOrThrow();
          claimed.push({ job: d.job, organisation: toOrganisation(org), dueAt: d.next_run_at });
        }
        return claimed;
      });
    },

    async realign(job, nextRunAfter) {
      const stale = await db
        .selectFrom('scheduled_jobs')
        .innerJoin('organisations', 'organisations.id', 'scheduled_jobs.org_id')
        .selectAll('organisations')
        .select(['scheduled_jobs.scheduled_in_zone'])
        .where('scheduled_jobs.job', '=', job)
        .where('scheduled_jobs.locked_by', 'is', null)
        .where('organisations.base_currency', 'is not', null)
        .where((eb) =>
          eb.or([
            eb('scheduled_jobs.scheduled_in_zone', 'is', null),
            eb('scheduled_jobs.scheduled_in_zone', '!=', eb.ref('organisations.timezone')),
          ]),
        )
        .execute();
      let fixed = 0;
      for (const row of stale) {
        const org = toOrganisation(row);
        const res = await db
          .updateTable('scheduled_jobs')
          .set({ next_run_at: nextRunAfter(org), scheduled_in_zone: org.timezone })
          .where('org_id', '=', org.id)
          .where('job', '=', job)
          .where('locked_by', 'is', null)
          .executeTakeFirst();
        fixed += Number(res.numUpdatedRows);
      }
      return fixed;
    },

    async finish({ orgId, job, workerId, now, nextRunAt, error, zone }) {
      const res = await db
        .updateTable('scheduled_jobs')
        .set({
          ...(zone !== undefined ? { scheduled_in_zone: zone } : {}),
          next_run_at: nextRunAt,
          locked_by: null,
          locked_until: null,
          last_finished_at: now,
          last_error: error ? error.slice(0, 2000) : null,
        })
        .where('org_id', '=', orgId)
        .where('job', '=', job)
        .where('locked_by', '=', workerId)
        .executeTakeFirst();
      return res.numUpdatedRows > 0n;
    },

    async nextRunAt(orgId, job) {
      const row = await db
        .selectFrom('scheduled_jobs')
        .select('next_run_at')
        .where('org_id', '=', orgId)
        .where('job', '=', job)
        .executeTakeFirst();
      return row?.next_run_at ?? null;
    },

    async runSoon(orgId, job, now) {
      await db
        .insertInto('scheduled_jobs')
        .values({ org_id: orgId, job, next_run_at: now })
        .onConflict((oc) =>
          oc
            .columns(['org_id', 'job'])
            .doUpdateSet({ next_run_at: sql`least(scheduled_jobs.next_run_at, excluded.next_run_at)` }),
        )
        .execute();
    },
  };
}
