import { getDunningPolicy } from '../adapters/db/dunning-queries.js';
import { loadLedger } from '../adapters/db/ledger-queries.js';
import { listDisputeHolds, listReportPromises, listSentReminders } from '../adapters/db/report-queries.js';
import type { Queryable } from '../adapters/db/schema.js';
import type {
  CollectionsReport,
  CollectionsReportBuilder,
  PeriodKind,
} from '../domain/collections-report.js';
import { calendarOf } from '../domain/dunning-planner.js';
import type { IsoDate, Ledger } from '../domain/ledger.js';

export interface CollectionsReportRequest {
  readonly orgId: string;
  readonly asOf: IsoDate;
  readonly periodKind: PeriodKind;
  readonly periods?: number;
  /** The synced ledger when the caller already has it (the CLI's scope); loaded otherwise. */
  readonly ledger?: Ledger;
}

/**
 * The managers' collections report for one organisation (#19 part 1):
 * 1. the synced ledger, the reminders sent, every tracked promise and every dispute hold, and the promise grace
 *    from the organisation's policy;
 * 2. the report as of the requested day (domain/collections-report.ts), which reads only facts dated by then,
 *    built by `build` (the service's report thread, or in process for the CLI).
 */
export async function loadCollectionsReport(
  db: Queryable,
  request: CollectionsReportRequest,
  build: CollectionsReportBuilder,
): Promise<CollectionsReport> {
  const { orgId } = request;
  const [ledger, reminders, promises, disputes, stored] = await Promise.all([
    request.ledger ?? loadLedger(db, orgId),
    listSentReminders(db, orgId),
    listReportPromises(db, orgId),
    listDisputeHolds(db, orgId),
    getDunningPolicy(db, orgId),
  ]);
  const grace = {
    graceBusinessDays: stored.policy.promiseGraceBusinessDays,
    calendar: calendarOf(stored.policy),
  };
  return build(
    { ledger, reminders, promises, disputes, grace },
    {
      asOf: request.asOf,
      periodKind: request.periodKind,
      ...(request.periods === undefined ? {} : { periods: request.periods }),
    },
  );
}
