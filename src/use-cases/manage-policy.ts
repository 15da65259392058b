import type { Kysely } from 'kysely';
import { recordAuditEvent } from '../adapters/db/audit-events.js';
import { getDunningPolicy, type StoredPolicy, saveDunningPolicy } from '../adapters/db/dunning-queries.js';
import { getOrganisation } from '../adapters/db/organisations.js';
import type { DB } from '../adapters/db/schema.js';
import { parsePolicy } from '../domain/dunning-policy.js';
import { describePolicy } from '../domain/dunning-policy-summary.js';

export interface PolicyView extends StoredPolicy {
  readonly summary: readonly string[];
}

export async function showPolicy(db: Kysely<DB>, orgId: string): Promise<PolicyView> {
  const stored = await getDunningPolicy(db, orgId);
  const org = await getOrganisation(db, orgId);
  return { ...stored, summary: describePolicy(stored.policy, org?.baseCurrency ?? '') };
}

export type PolicyUpdate =
  | { readonly kind: 'saved'; readonly summary: readonly string[] }
  | { readonly kind: 'invalid'; readonly errors: readonly string[] };

/** Validates untrusted policy JSON, saves it and audits before/after; errors are listed, nothing is half-saved. */
export async function updatePolicy(
  db: Kysely<DB>,
  input: {
    orgId: string;
    policy: unknown;
    actor: { type: 'user' | 'system'; id: string | null; name: string | null };
    now: Date;
  },
): Promise<PolicyUpdate> {
  const parsed = parsePolicy(input.policy);
  if (!parsed.ok) return { kind: 'invalid', errors: parsed.errors };
  const before = await getDunningPolicy(db, input.orgId);
  await db.transaction().execute(async (trx) => {
    await saveDunningPolicy(
      trx,
      input.orgId,
      parsed.policy,
      before.templates,
      input.actor.id ?? input.actor.name,
      input.now,
    );
    await recordAuditEvent(trx, {
      orgId: input.orgId,
      occurredAt: input.now,
      actor: input.actor,
      action: 'policy.updated',
      subject: { type: 'organisation', id: input.orgId },
      payload: { before: before.isDefault ? null : before.policy, after: parsed.policy },
    });
  });
  const org = await getOrganisation(db, input.orgId);
  return { kind: 'saved', summary: describePolicy(parsed.policy, org?.baseCurrency ?? '') };
}
