import { getOrganisation } from '../adapters/db/organisations.js';
import { saveReportSnapshot } from '../adapters/db/report-snapshots.js';
import { getSlackSettings } from '../adapters/db/slack-settings.js';
import type { AppContext } from '../context.js';
import {
  isoWeekOf,
  type WeeklyReportSchedule,
  weeklyReportSlotOfWeek,
} from '../domain/weekly-report-schedule.js';
import { isAppError } from '../errors.js';
import { channelReportMessages, enqueueReportPost, loadSlackReport } from './collections-report-slack.js';
import { type CollectionsView, loadCollectionsView } from './collections-view.js';
import { slackDefaults } from './daily-digest.js';

export type WeeklyReportRun =
  | { readonly kind: 'posted'; readonly week: string; readonly channel: string }
  | { readonly kind: 'already-posted'; readonly week: string }
  | { readonly kind: 'skipped'; readonly reason: string };

/** One weekly report per organisation and ISO week (its zone), whichever instance or run queues it. */
export const weeklyReportKey = (orgId: string, week: string) => `report:${orgId}:week:${week}`;

/**
 * The weekly report (#19 part 2): the same messages and charts as `/ar report` shared in a channel, posted to the
 * escalation channel (the queue channel when none) once per ISO week. `schedule` is the organisation's setting
 * as read here; a run fired before this week's slot (the day was moved later) posts nothing and says when to run.
 * Skipped, with the reason, when Slack is not configured, no channel is set, or the ledger is not ready or stale.
 */
export async function runWeeklyReport(
  ctx: AppContext,
  orgId: string,
  now: Date,
): Promise<{ run: WeeklyReportRun; schedule: WeeklyReportSchedule }> {
  const db = ctx.database.db;
  const settings = await getSlackSettings(db, orgId, slackDefaults(ctx));
  const schedule = { weeklyReportDay: settings.weeklyReportDay, weeklyReportTime: settings.weeklyReportTime };
  const skip = (reason: string) => ({ run: { kind: 'skipped', reason } as const, schedule });
  const organisation = await getOrganisation(db, orgId);
  if (!organisation) return skip('organisation not found');
  if (weeklyReportSlotOfWeek(organisation, schedule, now).getTime() > now.getTime())
    return skip('this week’s report is due later (the day or time was changed)');
  if (!ctx.slack) return skip('Slack is not configured');
  const channel = settings.escalationChannel ?? settings.queueChannel;
  if (!channel) return skip('no escalation or queue channel set (use /ar setup)');
  let view: CollectionsView;
  try {
    view = await loadCollectionsView(db, organisation, now);
  } catch (err) {
    if (isAppError(err, 'ORG_NOT_SYNCED')) return skip(`the ledger is not ready: ${err.message}`);
    throw err;
  }
  if (!view.ledgerAge) return skip('the ledger is not ready (no complete Xero sync yet)');
  if (view.ledgerAge.stale)
    return skip('the ledger is stale (no complete Xero sync within the policy’s hours)');
  const week = isoWeekOf(organisation, now);
  const data = await loadSlackReport(db, view, 'week', now, ctx.buildReport);
  // The report as the managers read it this week, kept (the first post of the week wins, as the post itself).
  await saveReportSnapshot(db, {
    orgId,
    periodKind: 'week',
    periodKey: week,
    asOf: data.report.asOf,
    report: data.report,
    now,
  });
  const { posted } = await enqueueReportPost(db, {
    orgId,
    orgName: organisation.name,
    channel,
    keyBase: weeklyReportKey(orgId, week),
    messages: channelReportMessages(organisation.name, data),
    report: data.report,
    now,
  });
  return { run: posted ? { kind: 'posted', week, channel } : { kind: 'already-posted', week }, schedule };
}
