import type { Transaction } from 'kysely';
import type { DB } from './schema.js';

export interface XeroWebhookEvent {
  readonly tenantId: string;
  readonly resourceId: string;
  readonly eventDateUtc: Date;
  readonly eventType: string;
  readonly eventCategory: string;
}

/**
 * Stores events, skipping ones already seen (Xero delivers at least once; the identity is
 * tenant + resource + event date + type). Returns only the new ones, with the organisation they belong to.
 */
export async function recordWebhookEvents(
  trx: Transaction<DB>,
  events: readonly XeroWebhookEvent[],
  now: Date,
): Promise<(XeroWebhookEvent & { orgId: string | null })[]> {
  if (events.length === 0) return [];
  const tenants = [...new Set(events.map((e) => e.tenantId))];
  const orgs = await trx
    .selectFrom('organisations')
    .select(['id', 'xero_tenant_id'])
    .where('xero_tenant_id', 'in', tenants)
    .where('status', '=', 'active')
    .execute();
  const orgOf = new Map(orgs.map((o) => [o.xero_tenant_id, o.id]));
  const rows = await trx
    .insertInto('xero_webhook_events')
    .values(
      events.map((e) => ({
        tenant_id: e.tenantId,
        resource_id: e.resourceId,
        event_date_utc: e.eventDateUtc,
        event_type: e.eventType,
        event_category: e.eventCategory,
        org_id: orgOf.get(e.tenantId) ?? null,
        received_at: now,
      })),
    )
    .onConflict((oc) => oc.columns(['tenant_id', 'resource_id', 'event_date_utc', 'event_type']).doNothing())
    .returningAll()
    .execute();
  return rows.map((r) => ({
    tenantId: r.tenant_id,
    resourceId: r.resource_id,
    eventDateUtc: r.event_date_utc,
    eventType: r.event_type,
    eventCategory: r.event_category,
    orgId: r.org_id,
  }));
}
