import type { App, BlockButtonAction } from '@slack/bolt';
import { ACTION } from '../../adapters/slack/blocks/ids.js';
import { type ReportMessages, reportMessages } from '../../adapters/slack/blocks/report.js';
import type { PeriodKind } from '../../domain/collections-report.js';
import type { IsoDate } from '../../domain/ledger.js';
import { NO_LONGER_CONNECTED } from '../../use-cases/authorize-slack.js';
import {
  channelReportMessages,
  loadSlackReport,
  type SlackReportData,
  shareCollectionsReport,
} from '../../use-cases/collections-report-slack.js';
import { loadCollectionsView } from '../../use-cases/collections-view.js';
import { apologise, authorizeClick, type ListenerDeps } from '../slack-context.js';

/** What the Share button carries: the organisation, the period kind and the as-of day of the report shown. */
export interface ReportShareValue {
  readonly o: string;
  readonly p: PeriodKind;
  readonly a: IsoDate;
}

function parseShare(value: string | undefined): ReportShareValue | null {
  try {
    const v = JSON.parse(value ?? '') as ReportShareValue;
    return typeof v.o === 'string' && (v.p === 'week' || v.p === 'month') && /^\d{4}-\d{2}-\d{2}$/.test(v.a)
      ? v
      : null;
  } catch {
    return null;
  }
}

export const CHARTS_IN_SHARE =
  'Share posts it in the channel with two charts: ageing over the periods and the forecast against receipts.';

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

/** Queues the report and its charts for the channel, once per clicker and report. */
export async function shareReport(
  deps: ListenerDeps,
  input: { orgId: string; orgName: string; userId: string; channel: string; data: SlackReportData },
): Promise<boolean> {
  const { shared } = await shareCollectionsReport(deps.ctx.database.db, {
    orgId: input.orgId,
    userId: input.userId,
    channel: input.channel,
    periodKind: input.data.report.periodKind,
    asOf: input.data.report.asOf,
    messages: channelReportMessages(input.orgName, input.data),
    report: input.data.report,
    orgName: input.orgName,
    now: deps.ctx.clock.now(),
  });
  return shared;
}

/** Share in channel, under an ephemeral `/ar report`: collectors and managers; refusals recorded. */
export function registerReportShare(app: App, deps: ListenerDeps): void {
  app.action<BlockButtonAction>(ACTION.reportShare, async ({ ack, action, body, respond }) => {
    await ack();
    const say = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text });
    try {
      await deps.afterAck(async () => {
        const v = parseShare(action.value);
        const channel = body.channel?.id;
        if (!v || !channel) return void (await say('That report has expired; run /ar report again.'));
        const auth = await authorizeClick(deps, {
          orgRef: v.o,
          userId: body.user.id,
          role: 'collector',
          what: 'share /ar report',
          refusal: ({ org }) => `You are not on the AR team for ${org.name}. Your attempt was recorded.`,
        });
        if (auth.kind === 'refused')
          return void (await say(auth.reason === 'role' ? auth.message : NO_LONGER_CONNECTED));
        const db = deps.ctx.database.db;
        const { org } = auth;
        const view = await loadCollectionsView(db, org, deps.ctx.clock.now(), deps.ledgers);
        const data = await loadSlackReport(db, { ...view, asOf: v.a }, v.p, deps.ctx.clock.now());
        const shared = await shareReport(deps, {
          orgId: org.id,
          orgName: org.name,
          userId: body.user.id,
          channel,
          data,
        });
        await say(
          shared
            ? 'Posting the report in the channel, with its charts in the thread.'
            : 'You already shared this report in this channel.',
        );
      });
    } catch (err) {
      await say(apologise(deps.log, err, 'share report')).catch(() => undefined);
    }
  });
}
