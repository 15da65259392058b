import { sql, type Transaction } from 'kysely';
import type { OverrideTier } from '../../domain/customer-overrides.js';
import type { DB, Queryable } from './schema.js';

/** A manager's priority tier for a customer, in force until removed (#19 part 4). */
export interface CustomerOverride {
  readonly id: number;
  readonly orgId: string;
  readonly contactId: string;
  readonly tier: OverrideTier;
  readonly reason: string | null;
  readonly setBy: string;
  readonly setByName: string;
  readonly setAt: Date;
}

type Row = {
  id: number;
  org_id: string;
  contact_id: string;
  tier: OverrideTier;
  reason: string | null;
  set_by: string;
  set_by_name: string;
  set_at: Date;
};

const toOverride = (r: Row): CustomerOverride => ({
  id: r.id,
  orgId: r.org_id,
  contactId: r.contact_id,
  tier: r.tier,
  reason: r.reason,
  setBy: r.set_by,
  setByName: r.set_by_name,
  setAt: r.set_at,
});

const COLUMNS = ['id', 'org_id', 'contact_id', 'tier', 'reason', 'set_by', 'set_by_name', 'set_at'] as const;

/** The overrides in force for an organisation (or one customer), oldest first. */
export async function listActiveOverrides(
  db: Queryable,
  orgId: string,
  contactId?: string,
): Promise<CustomerOverride[]> {
  let q = db
    .selectFrom('customer_overrides')
    .select(COLUMNS)
    .where('org_id', '=', orgId)
    .where('removed_at', 'is', null);
  if (contactId) q = q.where('contact_id', '=', contactId);
  return (await q.orderBy('set_at').orderBy('id').execute()).map(toOverride);
}

/**
 * Serialises changes to one customer's overrides and exclusion until the transaction ends: a double click (or
 * two managers at once) waits here, then sees what the first one did.
 */
export async function lockCustomerOverrides(
  trx: Transaction<DB>,
  orgId: string,
  contactId: string,
): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`customer-override:${orgId}:${contactId}`}, 0))`.execute(
    trx,
  );
}

export async function insertOverride(
  db: Queryable,
  o: {
    orgId: string;
    contactId: string;
    tier: OverrideTier;
    reason: string | null;
    setBy: string;
    setByName: string;
    now: Date;
  },
): Promise<CustomerOverride> {
  const row = await db
    .insertInto('customer_overrides')
    .values({
      org_id: o.orgId,
      contact_id: o.contactId,
      tier: o.tier,
      reason: o.reason,
      set_by: o.setBy,
      set_by_name: o.setByName,
      set_at: o.now,
      removed_at: null,
      removed_by: null,
    })
    .returning(COLUMNS)
    .executeTakeFirstOrThrow();
  return toOverride(row);
}

/** Removes the customer's override in force (kept, marked removed); the one removed, or null when none was. */
export async function removeOverride(
  db: Queryable,
  o: { orgId: string; contactId: string; removedBy: string; now: Date },
): Promise<CustomerOverride | null> {
  const row = await db
    .updateTable('customer_overrides')
    .set({ removed_at: o.now, removed_by: o.removedBy })
    .where('org_id', '=', o.orgId)
    .where('contact_id', '=', o.contactId)
    .where('removed_at', 'is', null)
    .returning(COLUMNS)
    .executeTakeFirst();
  return row ? toOverride(row) : null;
}
