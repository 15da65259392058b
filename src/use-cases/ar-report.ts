import { z } from 'zod';
import type { Organisation } from '../adapters/db/organisations.js';
import { type ReportMessages, reportMessages } from '../adapters/slack/blocks/report.js';
import { kpiTableMessage } from '../adapters/slack/blocks/report-kpis.js';
import { noticeMessage } from '../adapters/slack/blocks/reports.js';
import type { PeriodKind } from '../domain/collections-report.js';
import { parseJsonAs } from '../domain/json-value.js';
import { type ArAnswerDeps, type ArReply, say } from './ar-answer-deps.js';
import { authorizeSlack, NO_LONGER_CONNECTED } from './authorize-slack.js';
import { loadCollectionsReport } from './collections-report.js';
import {
  channelReportMessages,
  loadSlackReport,
  type SlackReportData,
  shareCollectionsReport,
} from './collections-report-slack.js';
import { type CollectionsView, loadCollectionsView } from './collections-view.js';

/** What the Share button carries: the organisation, the period kind and the as-of day of the report shown. */
const ReportShareValueSchema = z.object({
  o: z.string().min(1).max(100),
  p: z.enum(['week', 'month']),
  a: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
});
export type ReportShareValue = z.infer<typeof ReportShareValueSchema>;

export const CHARTS_IN_SHARE =
  'Share posts it in the channel with two charts: ageing over the periods and the forecast against receipts.';

/** Under `/ar kpis`: its Share button is the report's. */
export const KPIS_SHARE_NOTE =
  'Share posts the collections report in the channel: its headline figures, the ageing, top debtors and promises due, with two charts (ageing over the periods, the forecast against receipts).';

const POSTING = 'Posting the report in the channel, with its charts in the thread.';
const ALREADY_SHARED = 'You already shared this report in this channel.';

/**
 * `/ar report` and `/ar kpis`: ephemeral with a Share button, or (typed `share`) the report in the channel with
 * its charts, as the button does. The first reply is the one the ledger's age note goes above.
 */
export async function answerReport(
  deps: ArAnswerDeps,
  input: {
    kind: 'report' | 'kpis';
    period: PeriodKind;
    share: boolean;
    organisation: Organisation;
    view: CollectionsView;
    userId: string;
    channelId: string;
  },
): Promise<ArReply[]> {
  const { organisation, view, period } = input;
  if (input.share) {
    const data = await loadSlackReport(deps.db, view, period, deps.now(), deps.buildReport);
    const shared = await queueShare(deps, organisation, input.userId, input.channelId, data);
    return [say(noticeMessage(shared ? POSTING : ALREADY_SHARED))];
  }
  const shareValue: ReportShareValue = { o: organisation.id, p: period, a: view.asOf };
  if (input.kind === 'kpis') {
    // This period and the one before are all the table shows.
    const report = await loadCollectionsReport(
      deps.db,
      { orgId: organisation.id, asOf: view.asOf, periodKind: period, periods: 2, ledger: view.ledger },
      deps.buildReport,
    );
    return [
      say(
        kpiTableMessage({
          orgName: organisation.name,
          report,
          shareValue: JSON.stringify(shareValue),
          chartsNote: KPIS_SHARE_NOTE,
        }),
      ),
    ];
  }
  const data = await loadSlackReport(deps.db, view, period, deps.now(), deps.buildReport);
  const m = reportPresentation(organisation.name, data, shareValue);
  return [say(m.main), say(m.debtors), say(m.promises)];
}

/** The report's messages (and, for a channel, its chart images) from the loaded data. */
export function reportPresentation(
  orgName: string,
  data: SlackReportData,
  share?: ReportShareValue,
): ReportMessages {
  return reportMessages({
    orgName,
    ...data,
    ...(share
      ? { shareValue: JSON.stringify(share), chartsNote: CHARTS_IN_SHARE }
      : { chartsNote: 'Charts follow in the thread.' }),
  });
}

/** Share in channel, under an ephemeral `/ar report` or `/ar kpis`: collectors and managers; refusals recorded. */
export async function shareReportFromSlack(
  deps: ArAnswerDeps,
  input: { value: string | undefined; userId: string; channelId: string | undefined },
): Promise<string> {
  const v = parseJsonAs(ReportShareValueSchema, input.value);
  if (!v || !input.channelId) return 'That report has expired; run /ar report again.';
  const auth = await authorizeSlack(deps, {
    orgRef: v.o,
    userId: input.userId,
    role: 'collector',
    what: 'share /ar report',
    refusal: ({ org }) => `You are not on the AR team for ${org.name}. Your attempt was recorded.`,
  });
  if (auth.kind === 'refused') return auth.reason === 'role' ? auth.message : NO_LONGER_CONNECTED;
  const view = await loadCollectionsView(deps.db, auth.org, deps.now(), deps.ledgers);
  const data = await loadSlackReport(deps.db, { ...view, asOf: v.a }, v.p, deps.now(), deps.buildReport);
  const shared = await queueShare(deps, auth.org, input.userId, input.channelId, data);
  return shared ? POSTING : ALREADY_SHARED;
}

/** Queues the report and its charts for the channel, once per clicker and report. */
async function queueShare(
  deps: ArAnswerDeps,
  org: Organisation,
  userId: string,
  channel: string,
  data: SlackReportData,
): Promise<boolean> {
  const { shared } = await shareCollectionsReport(deps.db, {
    orgId: org.id,
    userId,
    channel,
    periodKind: data.report.periodKind,
    asOf: data.report.asOf,
    messages: channelReportMessages(org.name, data),
    report: data.report,
    orgName: org.name,
    now: deps.now(),
  });
  return shared;
}
