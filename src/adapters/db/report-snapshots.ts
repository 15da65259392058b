import type { CollectionsReport } from '../../domain/collections-report.js';
import type { Queryable } from './schema.js';

export interface ReportSnapshot {
  readonly orgId: string;
  readonly periodKind: 'week' | 'month';
  readonly periodKey: string;
  readonly asOf: string;
  readonly report: CollectionsReport;
  readonly createdAt: Date;
}

/** Stores the report as posted for its period; a second post of the same period (a re-run) keeps the first. */
export async function saveReportSnapshot(
  db: Queryable,
  input: Omit<ReportSnapshot, 'createdAt'> & { readonly now: Date },
): Promise<boolean> {
  const inserted = await db
    .insertInto('report_snapshots')
    .values({
      org_id: input.orgId,
      period_kind: input.periodKind,
      period_key: input.periodKey,
      as_of: input.asOf,
      report: JSON.stringify(input.report),
      created_at: input.now,
    })
    .onConflict((oc) => oc.constraint('report_snapshots_period').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** The organisation's stored reports, newest period first. */
export async function listReportSnapshots(
  db: Queryable,
  orgId: string,
  periodKind: 'week' | 'month',
  limit = 52,
): Promise<ReportSnapshot[]> {
  const rows = await db
    .selectFrom('report_snapshots')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('period_kind', '=', periodKind)
    .orderBy('as_of', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    orgId: r.org_id,
    periodKind: r.period_kind,
    periodKey: r.period_key,
    asOf: r.as_of,
    report: r.report as CollectionsReport,
    createdAt: r.created_at,
  }));
}
