import type { Kysely } from 'kysely';
import type { DB } from '../adapters/db/schema.js';
import { enqueueOutbox } from '../adapters/outbox/outbox-store.js';
import type { SlackMessage } from '../adapters/slack/blocks/kit.js';
import { type PromiseDue, reportMessages, type TopDebtor } from '../adapters/slack/blocks/report.js';
import type {
  CollectionsReport,
  CollectionsReportBuilder,
  PeriodKind,
} from '../domain/collections-report.js';
import type { IsoDate } from '../domain/ledger.js';
import { dec } from '../domain/money.js';
import { OUTBOX_SLACK_CHART } from '../domain/outbox-kinds.js';
import { REPORT_CHARTS, type SlackChartPayload } from '../domain/report-post.js';
import { loadCollectionsReport } from './collections-report.js';
import { buildAgingReport } from './collections-reports.js';
import type { CollectionsView } from './collections-view.js';
import { listPromisesForSlack } from './promise-lists.js';
import { enqueueSlackPost } from './slack-posts.js';

export interface SlackReportData {
  readonly report: CollectionsReport;
  readonly topDebtors: TopDebtor[];
  readonly promisesDue: PromiseDue[];
}

/**
 * `/ar report [week|month]` (#19 part 3): the collections report as of the view's day, every customer with
 * something overdue (largest first) and the promises to pay that are due or were judged this week (soonest first).
 * The Slack builder caps the lists.
 */
export async function loadSlackReport(
  db: Kysely<DB>,
  view: CollectionsView,
  periodKind: PeriodKind,
  now: Date,
  build: CollectionsReportBuilder,
): Promise<SlackReportData> {
  const [report, promises] = await Promise.all([
    loadCollectionsReport(
      db,
      { orgId: view.organisation.id, asOf: view.asOf, periodKind, ledger: view.ledger },
      build,
    ),
    listPromisesForSlack(db, view, now),
  ]);
  const ageing = buildAgingReport(view.ledger, view.asOf);
  const topDebtors = ageing.customers
    .map((c) => ({
      name: c.contactName,
      overdue: dec(c.base.total).minus(dec(c.base.current)).toFixed(2),
      balance: dec(c.base.total).toFixed(2),
      oldestDaysOverdue: c.oldestDaysOverdue,
    }))
    .filter((d) => dec(d.overdue).gt(0))
    .sort((a, b) => dec(b.overdue).cmp(dec(a.overdue)) || a.name.localeCompare(b.name));
  const promisesDue = promises
    .map((p) => ({
      customerName: p.customerName,
      latest: p.latest as IsoDate,
      expected: p.expectedBase,
      status: p.status,
    }))
    .sort((a, b) => a.latest.localeCompare(b.latest) || dec(b.expected).cmp(dec(a.expected)));
  return { report, topDebtors, promisesDue };
}

export interface ShareReportInput {
  readonly orgId: string;
  readonly userId: string;
  readonly channel: string;
  readonly periodKind: PeriodKind;
  readonly asOf: IsoDate;
  /** Posted in order: the first in the channel, the others in its thread. */
  readonly messages: readonly SlackMessage[];
  /** The report the charts are drawn from (ageing over the periods, forecast against receipts). */
  readonly report: CollectionsReport;
  readonly orgName: string;
  readonly now: Date;
}

/**
 * Share in channel: queues the report's messages and chart images once per clicker, report (organisation, period
 * kind, as-of day) and channel; a second click queues nothing. The outbox posts them in order, paced.
 */
export async function shareCollectionsReport(
  db: Kysely<DB>,
  input: ShareReportInput,
): Promise<{ shared: boolean }> {
  const base = `report:${input.orgId}:${input.periodKind}:${input.asOf}:${input.channel}:${input.userId}`;
  const { posted } = await enqueueReportPost(db, { ...input, keyBase: base });
  return { shared: posted };
}

export interface ReportPostInput {
  readonly orgId: string;
  readonly orgName: string;
  readonly channel: string;
  /** Every part's outbox key starts with this: the same base queues nothing the second time. */
  readonly keyBase: string;
  /** Posted in order: the first in the channel, the others in its thread. */
  readonly messages: readonly SlackMessage[];
  /** The report the charts are drawn from (ageing over the periods, forecast against receipts). */
  readonly report: CollectionsReport;
  readonly now: Date;
}

/**
 * The one path that puts a report in a channel (Share in channel and the weekly post): its messages, then the
 * two chart images (`slack.chart` jobs) in the first message's thread, in order, in one transaction; nothing when
 * the first part's key was queued before.
 */
export async function enqueueReportPost(
  db: Kysely<DB>,
  input: ReportPostInput,
): Promise<{ posted: boolean }> {
  const base = input.keyBase;
  return db.transaction().execute(async (tx) => {
    const mainKey = `${base}:0`;
    const [first, ...rest] = input.messages;
    if (!first) return { posted: false };
    const created = await enqueueSlackPost(tx, {
      orgId: input.orgId,
      key: mainKey,
      channel: input.channel,
      message: first,
      now: input.now,
    });
    if (!created) return { posted: false };
    let after = mainKey;
    for (const [i, m] of rest.entries()) {
      const key = `${base}:${i + 1}`;
      await enqueueSlackPost(tx, {
        orgId: input.orgId,
        key,
        channel: input.channel,
        message: m,
        threadKey: mainKey,
        afterKey: after,
        now: input.now,
      });
      after = key;
    }
    const { asOf, periodKind, baseCurrency, ageing, forecast } = input.report;
    for (const chart of REPORT_CHARTS) {
      const key = `${base}:chart:${chart}`;
      const payload: SlackChartPayload = {
        chart,
        orgName: input.orgName,
        report: { asOf, periodKind, baseCurrency, ageing, forecast },
        channel: input.channel,
        threadKey: mainKey,
        afterKey: after,
      };
      await enqueueOutbox(tx, {
        orgId: input.orgId,
        kind: OUTBOX_SLACK_CHART,
        idempotencyKey: key,
        payload,
        now: input.now,
      });
      after = key;
    }
    return { posted: true };
  });
}

/** The report's messages as a channel gets them (Share and the weekly post): charts follow in the thread. */
export function channelReportMessages(orgName: string, data: SlackReportData): SlackMessage[] {
  const m = reportMessages({ orgName, ...data, chartsNote: 'Charts follow in the thread.' });
  return [m.main, m.debtors, m.promises];
}
