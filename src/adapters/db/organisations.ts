import { isUuid } from '../../domain/ids.js';
import type { OrganisationRow, OrganisationStatus, Queryable } from './schema.js';

export interface Organisation {
  readonly id: string;
  readonly xeroTenantId: string;
  readonly xeroConnectionId: string | null;
  readonly tokenSetId: string | null;
  readonly name: string;
  readonly baseCurrency: string | null;
  readonly timezone: string;
  readonly shortCode: string | null;
  readonly status: OrganisationStatus;
  readonly statusReason: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export function toOrganisation(row: OrganisationRow): Organisation {
  return {
    id: row.id,
    xeroTenantId: row.xero_tenant_id,
    xeroConnectionId: row.xero_connection_id,
    tokenSetId: row.token_set_id,
    name: row.name,
    baseCurrency: row.base_currency?.trim() ?? null,
    timezone: row.timezone,
    shortCode: row.short_code,
    status: row.status,
    statusReason: row.status_reason,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function listOrganisations(db: Queryable): Promise<Organisation[]> {
  const rows = await db.selectFrom('organisations').selectAll().orderBy('name').orderBy('id').execute();
  return rows.map(toOrganisation);
}

export async function getOrganisation(db: Queryable, id: string): Promise<Organisation | null> {
  const row = await db.selectFrom('organisations').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toOrganisation(row) : null;
}

export type OrganisationLookup =
  | { readonly kind: 'found'; readonly organisation: Organisation }
  | { readonly kind: 'none' }
  | { readonly kind: 'ambiguous'; readonly matches: Organisation[] };

/**
 * Resolves what an operator types after --org: our id, the Xero tenant id, the Xero short code, or the
 * name (exact, then unique prefix, case-insensitive). With one organisation, no argument picks it.
 */
export async function findOrganisation(db: Queryable, ref: string | undefined): Promise<OrganisationLookup> {
  const all = await listOrganisations(db);
  if (!ref) {
    if (all.length === 1) return { kind: 'found', organisation: all[0]! };
    return all.length === 0 ? { kind: 'none' } : { kind: 'ambiguous', matches: all };
  }
  const needle = ref.trim().toLowerCase();
  const exact = all.filter(
    (o) =>
      (isUuid(needle) && (o.id === needle || o.xeroTenantId.toLowerCase() === needle)) ||
      o.shortCode?.toLowerCase() === needle ||
      o.name.toLowerCase() === needle,
  );
  if (exact.length === 1) return { kind: 'found', organisation: exact[0]! };
  if (exact.length > 1) return { kind: 'ambiguous', matches: exact };
  const partial = all.filter((o) => o.name.toLowerCase().includes(needle));
  if (partial.length === 1) return { kind: 'found', organisation: partial[0]! };
  return partial.length === 0 ? { kind: 'none' } : { kind: 'ambiguous', matches: partial };
}

export async function setOrganisationStatus(
  db: Queryable,
  id: string,
  status: OrganisationStatus,
  reason: string | null,
  now: Date,
): Promise<void> {
  await db
    .updateTable('organisations')
    .set({ status, status_reason: reason, updated_at: now })
    .where('id', '=', id)
    .execute();
}
