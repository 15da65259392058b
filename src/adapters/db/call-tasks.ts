import type { Queryable } from './schema.js';

export interface CallTask {
  readonly id: number;
  readonly orgId: string;
  readonly contactId: string;
  readonly reason: string;
  readonly assigneeId: string;
  readonly assigneeName: string;
  readonly status: 'open' | 'done';
  readonly outcome: string | null;
  readonly createdAt: Date;
  readonly doneByName: string | null;
  readonly doneAt: Date | null;
}

type Row = {
  id: number;
  org_id: string;
  contact_id: string;
  reason: string;
  assignee_id: string;
  assignee_name: string;
  status: 'open' | 'done';
  outcome: string | null;
  created_at: Date;
  done_by_name: string | null;
  done_at: Date | null;
};

function toTask(r: Row): CallTask {
  return {
    id: Number(r.id),
    orgId: r.org_id,
    contactId: r.contact_id,
    reason: r.reason,
    assigneeId: r.assignee_id,
    assigneeName: r.assignee_name,
    status: r.status,
    outcome: r.outcome,
    createdAt: new Date(r.created_at),
    doneByName: r.done_by_name,
    doneAt: r.done_at ? new Date(r.done_at) : null,
  };
}

const COLUMNS = [
  'id',
  'org_id',
  'contact_id',
  'reason',
  'assignee_id',
  'assignee_name',
  'status',
  'outcome',
  'created_at',
  'done_by_name',
  'done_at',
] as const;

/**
 * Opens a call task unless the customer already has one open (the partial unique index decides, so two clicks
 * or two instances at once still make one): `created` says which.
 */
export async function openCallTask(
  db: Queryable,
  input: {
    orgId: string;
    contactId: string;
    reason: string;
    assigneeId: string;
    assigneeName: string;
    now: Date;
  },
): Promise<{ task: CallTask; created: boolean }> {
  const inserted = await db
    .insertInto('call_tasks')
    .values({
      org_id: input.orgId,
      contact_id: input.contactId,
      reason: input.reason,
      assignee_id: input.assigneeId,
      assignee_name: input.assigneeName,
      created_at: input.now,
    })
    .onConflict((oc) => oc.columns(['org_id', 'contact_id']).where('status', '=', 'open').doNothing())
    .returning(COLUMNS)
    .executeTakeFirst();
  if (inserted) return { task: toTask(inserted as Row), created: true };
  const open = await db
    .selectFrom('call_tasks')
    .select(COLUMNS)
    .where('org_id', '=', input.orgId)
    .where('contact_id', '=', input.contactId)
    .where('status', '=', 'open')
    .executeTakeFirstOrThrow();
  return { task: toTask(open as Row), created: false };
}

export async function getCallTask(db: Queryable, orgId: string, id: number): Promise<CallTask | null> {
  const row = await db
    .selectFrom('call_tasks')
    .select(COLUMNS)
    .where('org_id', '=', orgId)
    .where('id', '=', id as never)
    .executeTakeFirst();
  return row ? toTask(row as Row) : null;
}

/** Open tasks of an organisation (all of them, or one collector's), oldest first. */
export async function listOpenCallTasks(
  db: Queryable,
  orgId: string,
  assigneeId?: string,
): Promise<CallTask[]> {
  let q = db
    .selectFrom('call_tasks')
    .select(COLUMNS)
    .where('org_id', '=', orgId)
    .where('status', '=', 'open');
  if (assigneeId) q = q.where('assignee_id', '=', assigneeId);
  const rows = await q.orderBy('created_at').orderBy('id').execute();
  return rows.map((r) => toTask(r as Row));
}

/** Closes an open task; null when it was not open (done already, by a double click or someone else). */
export async function closeCallTask(
  db: Queryable,
  input: { orgId: string; id: number; by: string; byName: string; outcome: string | null; now: Date },
): Promise<CallTask | null> {
  const row = await db
    .updateTable('call_tasks')
    .set({
      status: 'done',
      outcome: input.outcome,
      done_by: input.by,
      done_by_name: input.byName,
      done_at: input.now,
    })
    .where('org_id', '=', input.orgId)
    .where('id', '=', input.id as never)
    .where('status', '=', 'open')
    .returning(COLUMNS)
    .executeTakeFirst();
  return row ? toTask(row as Row) : null;
}
