import { sql } from 'kysely';
import type { GroupTier, WrittenTier } from '../../domain/contact-group-tiers.js';
import type { IsoDate } from '../../domain/ledger.js';
import type { Queryable } from './schema.js';

/** The tier last written to Xero per contact (#19 part 5): a write happens only when it differs. */
export async function listWrittenTiers(db: Queryable, orgId: string): Promise<Map<string, WrittenTier>> {
  const rows = await db
    .selectFrom('contact_group_tiers')
    .select(['contact_id', 'tier', 'group_id'])
    .where('org_id', '=', orgId)
    .execute();
  return new Map(rows.map((r) => [r.contact_id, { tier: r.tier, groupId: r.group_id }]));
}

/** After the PUT that added these contacts to the tier's group succeeded. */
export async function recordTiersWritten(
  db: Queryable,
  orgId: string,
  contactIds: readonly string[],
  tier: GroupTier,
  groupId: string,
  now: Date,
): Promise<void> {
  if (contactIds.length === 0) return;
  await db
    .insertInto('contact_group_tiers')
    .values(
      contactIds.map((contact_id) => ({
        org_id: orgId,
        contact_id,
        tier,
        group_id: groupId,
        written_at: now,
      })),
    )
    .onConflict((oc) =>
      oc.columns(['org_id', 'contact_id']).doUpdateSet({
        tier: (eb) => eb.ref('excluded.tier'),
        group_id: (eb) => eb.ref('excluded.group_id'),
        written_at: (eb) => eb.ref('excluded.written_at'),
      }),
    )
    .execute();
}

/** After the DELETE that took the contact out of its group succeeded (or found it gone). */
export async function forgetTierWritten(db: Queryable, orgId: string, contactId: string): Promise<void> {
  await db
    .deleteFrom('contact_group_tiers')
    .where('org_id', '=', orgId)
    .where('contact_id', '=', contactId)
    .execute();
}

/** Calls spent on contact groups on the organisation's local `day`. */
export async function contactGroupCallsOn(db: Queryable, orgId: string, day: IsoDate): Promise<number> {
  const row = await db
    .selectFrom('contact_group_syncs')
    .select(['day', 'calls'])
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  return row && String(row.day).slice(0, 10) === day ? row.calls : 0;
}

export async function addContactGroupCalls(
  db: Queryable,
  orgId: string,
  day: IsoDate,
  calls: number,
  now: Date,
): Promise<void> {
  if (calls <= 0) return;
  await db
    .insertInto('contact_group_syncs')
    .values({ org_id: orgId, day, calls, updated_at: now })
    .onConflict((oc) =>
      oc.column('org_id').doUpdateSet({
        calls: sql<number>`case when contact_group_syncs.day = excluded.day then contact_group_syncs.calls + excluded.calls else excluded.calls end`,
        day: (eb) => eb.ref('excluded.day'),
        updated_at: (eb) => eb.ref('excluded.updated_at'),
      }),
    )
    .execute();
}
