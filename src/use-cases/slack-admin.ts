import type { Kysely } from 'kysely';
import { recordAuditEvent } from '../adapters/db/audit-events.js';
import type { DB } from '../adapters/db/schema.js';
import { getSlackSettings, type SlackDefaults, saveSlackSettings } from '../adapters/db/slack-settings.js';
import { enqueueOutbox } from '../adapters/outbox/outbox-store.js';
import { OUTBOX_XERO_SYNC_REQUEST } from '../domain/outbox-kinds.js';
import type { Actor } from './decide-reminder.js';

export interface SetupChange {
  readonly digestChannel: string | null;
  readonly queueChannel: string | null;
  readonly escalationChannel: string | null;
  /** User ids picked in the modal; configured user groups (S…) are kept. */
  readonly managers: readonly string[];
  readonly collectors: readonly string[];
  readonly digestTime: string;
  /** The weekly report's ISO weekday (Monday = 1) and 'HH:MM'; kept as stored when not given. */
  readonly weeklyReportDay?: number;
  readonly weeklyReportTime?: string;
}

export type SetupOutcome =
  | { readonly kind: 'saved' }
  | { readonly kind: 'forbidden'; readonly reason: string }
  | { readonly kind: 'invalid'; readonly field: keyof SetupChange; readonly reason: string };

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;
const isGroup = (id: string) => /^S[A-Z0-9_]+$/.test(id);

export async function saveSlackSetup(
  db: Kysely<DB>,
  defaults: SlackDefaults,
  input: { orgId: string; change: SetupChange; actor: Actor; now: Date },
): Promise<SetupOutcome> {
  if (!input.actor.isManager) return { kind: 'forbidden', reason: 'Only managers can change the setup.' };
  const c = input.change;
  if (!HH_MM.test(c.digestTime))
    return { kind: 'invalid', field: 'digestTime', reason: 'Use a time like 08:30.' };
  if (
    c.weeklyReportDay !== undefined &&
    !(Number.isInteger(c.weeklyReportDay) && c.weeklyReportDay >= 1 && c.weeklyReportDay <= 7)
  )
    return { kind: 'invalid', field: 'weeklyReportDay', reason: 'Pick a day of the week.' };
  if (c.weeklyReportTime !== undefined && !HH_MM.test(c.weeklyReportTime))
    return { kind: 'invalid', field: 'weeklyReportTime', reason: 'Use a time like 09:00.' };
  return db.transaction().execute(async (trx) => {
    const before = await getSlackSettings(trx, input.orgId, defaults);
    const keepGroups = (list: readonly string[]) => list.filter(isGroup);
    const managers = [...new Set([...keepGroups(before.managers), ...c.managers])];
    // Saving must never lock the team out: the manager saving stays a manager unless a group covers them.
    if (managers.length === 0) {
      return { kind: 'invalid', field: 'managers', reason: 'Name at least one manager.' } as const;
    }
    const after = {
      orgId: input.orgId,
      digestChannel: c.digestChannel,
      queueChannel: c.queueChannel,
      escalationChannel: c.escalationChannel,
      managers,
      collectors: [...new Set([...keepGroups(before.collectors), ...c.collectors])],
      digestTime: c.digestTime,
      weeklyReportDay: c.weeklyReportDay ?? before.weeklyReportDay,
      weeklyReportTime: c.weeklyReportTime ?? before.weeklyReportTime,
      updatedBy: input.actor.id,
    };
    await saveSlackSettings(trx, after, input.now);
    const { updatedAt: _u, fromDefaults: _f, updatedBy: _b, orgId: _o, ...beforeValues } = before;
    const { updatedBy: _a, orgId: _p, ...afterValues } = after;
    await recordAuditEvent(trx, {
      orgId: input.orgId,
      occurredAt: input.now,
      actor: { type: 'user', id: input.actor.id, name: input.actor.name },
      action: 'slack.settings_changed',
      subject: { type: 'organisation', id: input.orgId },
      payload: { before: beforeValues, after: afterValues },
    });
    return { kind: 'saved' } as const;
  });
}

export type SyncRequestOutcome =
  | { readonly kind: 'requested'; readonly alreadyQueued: boolean }
  | { readonly kind: 'forbidden'; readonly reason: string };

/** `/ar sync`: one request per organisation per minute, however often it is clicked. */
export async function requestXeroSync(
  db: Kysely<DB>,
  input: { orgId: string; actor: Actor; now: Date },
): Promise<SyncRequestOutcome> {
  if (!input.actor.isManager) return { kind: 'forbidden', reason: 'Only managers can start a Xero sync.' };
  const minute = input.now.toISOString().slice(0, 16);
  return db.transaction().execute(async (trx) => {
    const { created } = await enqueueOutbox(trx, {
      orgId: input.orgId,
      kind: OUTBOX_XERO_SYNC_REQUEST,
      idempotencyKey: `${OUTBOX_XERO_SYNC_REQUEST}:${input.orgId}:${minute}`,
      payload: { orgId: input.orgId, requestedBy: input.actor.id },
      now: input.now,
    });
    if (created) {
      await recordAuditEvent(trx, {
        orgId: input.orgId,
        occurredAt: input.now,
        actor: { type: 'user', id: input.actor.id, name: input.actor.name },
        action: 'xero.sync_requested',
        subject: { type: 'organisation', id: input.orgId },
        payload: {},
      });
    }
    return { kind: 'requested', alreadyQueued: !created } as const;
  });
}

/** A click or command the user's role does not allow: refused, explained to them, and kept on record. */
export async function recordAccessDenied(
  db: Kysely<DB>,
  input: { orgId: string | null; actor: Actor; what: string; needed: 'manager' | 'collector'; now: Date },
): Promise<void> {
  await recordAuditEvent(db, {
    orgId: input.orgId,
    occurredAt: input.now,
    actor: { type: 'user', id: input.actor.id, name: input.actor.name },
    action: 'access.denied',
    payload: {
      attempted: input.what,
      needed: input.needed,
      had: input.actor.isManager ? 'manager' : input.actor.isCollector ? 'collector' : 'none',
    },
  });
}
