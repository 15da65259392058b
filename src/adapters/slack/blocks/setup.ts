import { DateTime } from 'luxon';
import { VIEW } from './ids.js';
import { type Block, clip, context, escapeMrkdwn, section } from './kit.js';

export interface SetupValues {
  readonly orgId: string;
  readonly orgName: string;
  readonly digestChannel: string | null;
  readonly queueChannel: string | null;
  readonly escalationChannel: string | null;
  readonly managers: readonly string[];
  readonly collectors: readonly string[];
  readonly digestTime: string;
  /** The weekly report's day (ISO weekday, Monday = 1) and local time; Monday 09:00 when not given. */
  readonly weeklyReportDay?: number;
  readonly weeklyReportTime?: string;
  /** Xero's daily call budget and the syncs, for the manager who wonders why figures lag. */
  readonly xero?: SetupXeroStatus;
}

export interface SetupXeroStatus {
  readonly timezone: string;
  readonly callsToday: number;
  readonly callsRemaining: number;
  readonly reserve: number;
  readonly nextSyncAt: Date | null;
  readonly syncingSince: Date | null;
  readonly lastSync: {
    readonly finishedAt: Date;
    readonly ok: boolean;
    readonly error: string | null;
  } | null;
}

function localTime(at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone }).toFormat('ccc d LLL HH:mm');
}

/** One line on Xero: calls spent and left today (of which the reserve), and the syncs. */
export function xeroStatusLine(x: SetupXeroStatus): string {
  const parts = [
    `Xero calls today: ${x.callsToday} made, ${x.callsRemaining} left (${x.reserve} kept for collectors' work)`,
  ];
  if (x.syncingSince) parts.push(`syncing now (since ${localTime(x.syncingSince, x.timezone)})`);
  else if (x.nextSyncAt) parts.push(`next sync ${localTime(x.nextSyncAt, x.timezone)}`);
  if (x.lastSync) {
    parts.push(
      x.lastSync.ok
        ? `last sync ${localTime(x.lastSync.finishedAt, x.timezone)}`
        : `last sync failed ${localTime(x.lastSync.finishedAt, x.timezone)}: ${clip(x.lastSync.error ?? 'unknown error', 300)}`,
    );
  }
  return escapeMrkdwn(parts.join(' · '));
}

export const SETUP_BLOCK = {
  digestChannel: 'setup_digest_channel',
  queueChannel: 'setup_queue_channel',
  escalationChannel: 'setup_escalation_channel',
  managers: 'setup_managers',
  collectors: 'setup_collectors',
  digestTime: 'setup_digest_time',
  weeklyReportDay: 'setup_weekly_report_day',
  weeklyReportTime: 'setup_weekly_report_time',
} as const;

const WEEKDAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;
const dayOption = (day: number) => ({
  text: { type: 'plain_text', text: WEEKDAY_NAMES[day - 1] ?? 'Monday' },
  value: String(day),
});
export const SETUP_INPUT = 'value';

const isUser = (id: string) => /^[UW][A-Z0-9_]+$/.test(id);

function channelInput(blockId: string, label: string, initial: string | null, hint: string): Block {
  return {
    type: 'input',
    block_id: blockId,
    optional: true,
    label: { type: 'plain_text', text: label },
    hint: { type: 'plain_text', text: hint },
    element: {
      type: 'conversations_select',
      action_id: SETUP_INPUT,
      filter: { include: ['public', 'private'], exclude_bot_users: true },
      ...(initial ? { initial_conversation: initial } : {}),
    },
  };
}

function usersInput(blockId: string, label: string, ids: readonly string[]): Block {
  const users = ids.filter(isUser);
  return {
    type: 'input',
    block_id: blockId,
    optional: true,
    label: { type: 'plain_text', text: label },
    element: {
      type: 'multi_users_select',
      action_id: SETUP_INPUT,
      ...(users.length ? { initial_users: users } : {}),
    },
  };
}

/** `/ar setup`: the organisation's channels, people and digest time. The org id rides in private_metadata. */
export function setupModal(v: SetupValues): Record<string, unknown> {
  const groups = [...v.managers, ...v.collectors].filter((id) => !isUser(id));
  return {
    type: 'modal',
    callback_id: VIEW.setup,
    private_metadata: JSON.stringify({ orgId: v.orgId }),
    title: { type: 'plain_text', text: 'AR Copilot setup' },
    submit: { type: 'plain_text', text: 'Save' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      section(`Settings for *${escapeMrkdwn(clip(v.orgName, 200))}*`),
      ...(v.xero ? [context(xeroStatusLine(v.xero))] : []),
      channelInput(
        SETUP_BLOCK.digestChannel,
        'Digest channel',
        v.digestChannel,
        'The daily prioritised digest goes here.',
      ),
      channelInput(
        SETUP_BLOCK.queueChannel,
        'Approval queue channel',
        v.queueChannel,
        'Reminder cards waiting for approval.',
      ),
      channelInput(
        SETUP_BLOCK.escalationChannel,
        'Escalation channel',
        v.escalationChannel,
        'Customers that need a manager.',
      ),
      usersInput(SETUP_BLOCK.managers, 'Managers', v.managers),
      usersInput(SETUP_BLOCK.collectors, 'Collectors', v.collectors),
      ...(groups.length
        ? [context(`User groups kept from configuration: ${groups.map((g) => `<!subteam^${g}>`).join(', ')}`)]
        : []),
      {
        type: 'input',
        block_id: SETUP_BLOCK.digestTime,
        label: { type: 'plain_text', text: 'Digest time (organisation time zone)' },
        element: { type: 'timepicker', action_id: SETUP_INPUT, initial_time: v.digestTime },
      },
      {
        type: 'input',
        block_id: SETUP_BLOCK.weeklyReportDay,
        label: { type: 'plain_text', text: 'Weekly report day' },
        hint: {
          type: 'plain_text',
          text: 'The weekly report goes to the escalation channel (or the queue channel).',
        },
        element: {
          type: 'static_select',
          action_id: SETUP_INPUT,
          options: WEEKDAY_NAMES.map((_, i) => dayOption(i + 1)),
          initial_option: dayOption(v.weeklyReportDay ?? 1),
        },
      },
      {
        type: 'input',
        block_id: SETUP_BLOCK.weeklyReportTime,
        label: { type: 'plain_text', text: 'Weekly report time (organisation time zone)' },
        element: { type: 'timepicker', action_id: SETUP_INPUT, initial_time: v.weeklyReportTime ?? '09:00' },
      },
    ],
  };
}
