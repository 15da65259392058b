import type { Queryable } from './schema.js';

export interface SlackSettings {
  readonly orgId: string;
  readonly digestChannel: string | null;
  readonly queueChannel: string | null;
  readonly escalationChannel: string | null;
  readonly managers: readonly string[];
  readonly collectors: readonly string[];
  /** Local time of the daily digest, 'HH:MM' in the organisation's time zone. */
  readonly digestTime: string;
  /** Day of the weekly report (#19): ISO weekday, Monday = 1, in the organisation's time zone. */
  readonly weeklyReportDay: number;
  /** Local time of the weekly report, 'HH:MM' in the organisation's time zone. */
  readonly weeklyReportTime: string;
  readonly updatedBy: string | null;
  readonly updatedAt: Date | null;
  /** True until someone saves settings: the values come from configuration. */
  readonly fromDefaults: boolean;
}

export interface SlackDefaults {
  readonly managers: readonly string[];
  readonly collectors: readonly string[];
  readonly digestChannel: string | null;
  readonly queueChannel: string | null;
  readonly escalationChannel: string | null;
}

export const DEFAULT_WEEKLY_REPORT_DAY = 1;
export const DEFAULT_WEEKLY_REPORT_TIME = '09:00';

export const NO_SLACK_DEFAULTS: SlackDefaults = {
  managers: [],
  collectors: [],
  digestChannel: null,
  queueChannel: null,
  escalationChannel: null,
};

/** Stored settings, or the configured defaults (SLACK_MANAGERS, SLACK_*_CHANNEL…) for a fresh install. */
export async function getSlackSettings(
  db: Queryable,
  orgId: string,
  defaults: SlackDefaults,
): Promise<SlackSettings> {
  const row = await db
    .selectFrom('slack_settings')
    .selectAll()
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  if (!row) {
    return {
      orgId,
      digestChannel: defaults.digestChannel,
      queueChannel: defaults.queueChannel ?? defaults.digestChannel,
      escalationChannel: defaults.escalationChannel,
      managers: defaults.managers,
      collectors: defaults.collectors,
      digestTime: '08:30',
      weeklyReportDay: DEFAULT_WEEKLY_REPORT_DAY,
      weeklyReportTime: DEFAULT_WEEKLY_REPORT_TIME,
      updatedBy: null,
      updatedAt: null,
      fromDefaults: true,
    };
  }
  return {
    orgId,
    digestChannel: row.digest_channel,
    queueChannel: row.queue_channel,
    escalationChannel: row.escalation_channel,
    managers: row.managers,
    collectors: row.collectors,
    digestTime: row.digest_time,
    weeklyReportDay: row.weekly_report_day,
    weeklyReportTime: row.weekly_report_time,
    updatedBy: row.updated_by,
    updatedAt: row.updated_at,
    fromDefaults: false,
  };
}

export async function saveSlackSettings(
  db: Queryable,
  s: Omit<SlackSettings, 'updatedAt' | 'fromDefaults' | 'weeklyReportDay' | 'weeklyReportTime'> &
    Partial<Pick<SlackSettings, 'weeklyReportDay' | 'weeklyReportTime'>>,
  now: Date,
): Promise<void> {
  const values = {
    digest_channel: s.digestChannel,
    queue_channel: s.queueChannel,
    escalation_channel: s.escalationChannel,
    managers: JSON.stringify(s.managers),
    collectors: JSON.stringify(s.collectors),
    digest_time: s.digestTime,
    // Left as stored (or the column default) when the caller does not set them.
    ...(s.weeklyReportDay === undefined ? {} : { weekly_report_day: s.weeklyReportDay }),
    ...(s.weeklyReportTime === undefined ? {} : { weekly_report_time: s.weeklyReportTime }),
    updated_by: s.updatedBy,
    updated_at: now,
  };
  await db
    .insertInto('slack_settings')
    .values({ org_id: s.orgId, ...values })
    .onConflict((oc) => oc.column('org_id').doUpdateSet(values))
    .execute();
}
