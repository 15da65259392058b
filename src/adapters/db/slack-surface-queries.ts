import { sql } from 'kysely';
import type { IsoDate } from '../../domain/ledger.js';
import type { Queryable, ReminderStatus } from './schema.js';

export interface DigestSnapshot {
  readonly orgId: string;
  readonly asOf: IsoDate;
  readonly baseCurrency: string;
  readonly totalOverdue: string;
  readonly overdueCount: number;
}

/** The newest snapshot strictly before `asOf` (yesterday, or the last business day the digest ran). */
export async function previousDigestSnapshot(
  db: Queryable,
  orgId: string,
  asOf: IsoDate,
): Promise<DigestSnapshot | null> {
  const row = await db
    .selectFrom('digest_snapshots')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('as_of', '<', asOf)
    .orderBy('as_of', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row
    ? {
        orgId: row.org_id,
        asOf: row.as_of,
        baseCurrency: row.base_currency,
        totalOverdue: row.total_overdue,
        overdueCount: row.overdue_count,
      }
    : null;
}

export async function saveDigestSnapshot(db: Queryable, s: DigestSnapshot, now: Date): Promise<void> {
  const values = {
    base_currency: s.baseCurrency,
    total_overdue: s.totalOverdue,
    overdue_count: s.overdueCount,
    created_at: now,
  };
  await db
    .insertInto('digest_snapshots')
    .values({ org_id: s.orgId, as_of: s.asOf, ...values })
    .onConflict((oc) => oc.columns(['org_id', 'as_of']).doUpdateSet(values))
    .execute();
}

export interface SlackPost {
  readonly idempotencyKey: string;
  readonly channel: string;
  readonly ts: string;
  readonly threadTs: string | null;
}

export async function findSlackPost(db: Queryable, idempotencyKey: string): Promise<SlackPost | null> {
  const row = await db
    .selectFrom('slack_posts')
    .selectAll()
    .where('idempotency_key', '=', idempotencyKey)
    .executeTakeFirst();
  return row
    ? { idempotencyKey: row.idempotency_key, channel: row.channel, ts: row.ts, threadTs: row.thread_ts }
    : null;
}

export async function recordSlackPost(
  db: Queryable,
  post: SlackPost & { orgId: string | null },
  now: Date,
): Promise<void> {
  await db
    .insertInto('slack_posts')
    .values({
      idempotency_key: post.idempotencyKey,
      org_id: post.orgId,
      channel: post.channel,
      ts: post.ts,
      thread_ts: post.threadTs,
      posted_at: now,
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .execute();
}

/**
 * Takes the channel's next posting slot if `minIntervalMs` has passed since the last post (any instance).
 * Returns 0 when taken, otherwise how many milliseconds to wait.
 */
export async function reserveChannelSlot(
  db: Queryable,
  channel: string,
  now: Date,
  minIntervalMs: number,
): Promise<number> {
  const threshold = new Date(now.getTime() - minIntervalMs);
  const taken = await db
    .insertInto('slack_channel_pacing')
    .values({ channel, last_post_at: now })
    .onConflict((oc) =>
      oc
        .column('channel')
        .doUpdateSet({ last_post_at: now })
        .where('slack_channel_pacing.last_post_at', '<=', threshold),
    )
    .returning('channel')
    .executeTakeFirst();
  if (taken) return 0;
  const row = await db
    .selectFrom('slack_channel_pacing')
    .select('last_post_at')
    .where('channel', '=', channel)
    .executeTakeFirst();
  if (!row) return 0;
  return Math.max(1, row.last_post_at.getTime() + minIntervalMs - now.getTime());
}

export interface EscalationState {
  readonly contactId: string;
  readonly active: boolean;
  readonly crossedOn: IsoDate;
  readonly reasons: readonly string[];
}

export async function listEscalationStates(db: Queryable, orgId: string): Promise<EscalationState[]> {
  const rows = await db.selectFrom('escalation_states').selectAll().where('org_id', '=', orgId).execute();
  return rows.map((r) => ({
    contactId: r.contact_id,
    active: r.active,
    crossedOn: r.crossed_on,
    reasons: r.reasons,
  }));
}

export async function setEscalationState(
  db: Queryable,
  orgId: string,
  s: EscalationState,
  now: Date,
): Promise<void> {
  const values = {
    active: s.active,
    crossed_on: s.crossedOn,
    reasons: JSON.stringify(s.reasons),
    updated_at: now,
  };
  await db
    .insertInto('escalation_states')
    .values({ org_id: orgId, contact_id: s.contactId, ...values })
    .onConflict((oc) => oc.columns(['org_id', 'contact_id']).doUpdateSet(values))
    .execute();
}

export interface ReminderSummary {
  readonly id: string;
  readonly contactId: string;
  readonly status: ReminderStatus;
  readonly planDate: IsoDate;
  readonly tone: string;
  readonly stepIndex: number;
  readonly stepCount: number;
  readonly invoiceCount: number;
  readonly sentAt: Date | null;
  readonly decidedByName: string | null;
  readonly slackChannel: string | null;
  readonly slackTs: string | null;
}

/** Newest first; `statuses` narrows (e.g. the cards still waiting for a decision). */
export async function listReminderSummaries(
  db: Queryable,
  orgId: string,
  filter: {
    contactId?: string;
    statuses?: readonly ReminderStatus[];
    limit?: number;
    /** Oldest plan first (a queue), instead of the latest activity first (a history). */
    oldestFirst?: boolean;
  } = {},
): Promise<ReminderSummary[]> {
  let q = db.selectFrom('reminders').selectAll().where('org_id', '=', orgId);
  if (filter.contactId) q = q.where('contact_id', '=', filter.contactId);
  if (filter.statuses?.length) q = q.where('status', 'in', filter.statuses);
  const ordered = filter.oldestFirst
    ? q.orderBy('plan_date').orderBy('created_at').orderBy('id')
    : q.orderBy(sql`coalesce(sent_at, created_at)`, 'desc');
  const rows = await ordered.limit(filter.limit ?? 20).execute();
  return rows.map((r) => ({
    id: r.id,
    contactId: r.contact_id,
    status: r.status,
    planDate: r.plan_date,
    tone: r.tone,
    stepIndex: r.step_index,
    stepCount: r.step_count,
    invoiceCount: r.invoice_ids.length,
    sentAt: r.sent_at,
    decidedByName: r.decided_by_name,
    slackChannel: r.slack_channel,
    slackTs: r.slack_ts,
  }));
}

/** How many reminders of an organisation are in these statuses (App Home counts every waiting card). */
export async function countReminders(
  db: Queryable,
  orgId: string,
  statuses: readonly ReminderStatus[],
): Promise<number> {
  const row = await db
    .selectFrom('reminders')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('org_id', '=', orgId)
    .where('status', 'in', statuses)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Customers with a reminder a person decided at or after `since` (approved, skipped, snoozed, escalated…). */
export async function contactsDecidedSince(db: Queryable, orgId: string, since: Date): Promise<Set<string>> {
  const rows = await db
    .selectFrom('reminders')
    .select('contact_id')
    .distinct()
    .where('org_id', '=', orgId)
    .where('decided_at', '>=', since)
    .execute();
  return new Set(rows.map((r) => r.contact_id));
}
