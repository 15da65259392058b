import type { Queryable } from './schema.js';

export interface AuditActor {
  readonly type: 'user' | 'system';
  /** Slack user id, or a system component name ('scheduler', 'xero-sync'). */
  readonly id: string | null;
  readonly name: string | null;
}

export interface AuditEventInput {
  readonly orgId: string | null;
  readonly occurredAt: Date;
  readonly actor: AuditActor;
  readonly action: string;
  readonly subject?: { readonly type: string; readonly id: string };
  /** Before/after and the facts of the decision; never secrets or email bodies. */
  readonly payload?: Record<string, unknown>;
}

export interface AuditEvent extends AuditEventInput {
  readonly id: number;
  readonly recordedAt: Date;
}

/** Append-only: the table refuses UPDATE and DELETE. Call inside the transaction that made the change. */
export async function recordAuditEvent(db: Queryable, event: AuditEventInput): Promise<number> {
  const row = await db
    .insertInto('audit_events')
    .values({
      org_id: event.orgId,
      occurred_at: event.occurredAt,
      actor_type: event.actor.type,
      actor_id: event.actor.id,
      actor_name: event.actor.name,
      action: event.action,
      subject_type: event.subject?.type ?? null,
      subject_id: event.subject?.id ?? null,
      payload: JSON.stringify(event.payload ?? {}),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface AuditFilter {
  readonly orgId?: string;
  readonly subject?: { readonly type: string; readonly id: string };
  readonly action?: string;
  readonly limit?: number;
}

export async function listAuditEvents(db: Queryable, filter: AuditFilter = {}): Promise<AuditEvent[]> {
  let q = db.selectFrom('audit_events').selectAll();
  if (filter.orgId) q = q.where('org_id', '=', filter.orgId);
  if (filter.subject) {
    q = q.where('subject_type', '=', filter.subject.type).where('subject_id', '=', filter.subject.id);
  }
  if (filter.action) q = q.where('action', '=', filter.action);
  const rows = await q
    .orderBy('occurred_at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.limit ?? 100)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    orgId: r.org_id,
    occurredAt: r.occurred_at,
    actor: { type: r.actor_type, id: r.actor_id, name: r.actor_name },
    action: r.action,
    ...(r.subject_type && r.subject_id ? { subject: { type: r.subject_type, id: r.subject_id } } : {}),
    payload: r.payload,
    recordedAt: r.recorded_at,
  }));
}
