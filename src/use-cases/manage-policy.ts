import type { Kysely } from 'kysely';
import { recordAuditEvent } from '../adapters/db/audit-events.js';
import { getDunningPolicy, type StoredPolicy, saveDunningPolicy } from '../adapters/db/dunning-queries.js';
import { findOrganisation, getOrganisation } from '../adapters/db/organisations.js';
import type { DB } from '../adapters/db/schema.js';
import { parsePolicy } from '../domain/dunning-policy.js';
import { describePolicy } from '../domain/dunning-policy-summary.js';
import { resolveSlackActor, type SlackDecisionDeps } from './decide-from-slack.js';

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

export type SlackPolicyAccess =
  | {
      readonly kind: 'allowed';
      readonly orgId: string;
      readonly orgName: string;
      readonly actor: { readonly id: string; readonly name: string };
      readonly view: PolicyView;
    }
  | { readonly kind: 'refused'; readonly message: string };

/** `/ar policy`: which organisation, and is this person a manager of it (checked on every use)? */
export async function policyAccessFromSlack(
  deps: SlackDecisionDeps,
  input: { userId: string; orgRef?: string | undefined },
): Promise<SlackPolicyAccess> {
  const found = await findOrganisation(deps.db, input.orgRef);
  if (found.kind === 'none') {
    return {
      kind: 'refused',
      message: input.orgRef
        ? `No organisation matches "${input.orgRef}".`
        : 'No Xero organisation is connected yet.',
    };
  }
  if (found.kind === 'ambiguous') {
    return {
      kind: 'refused',
      message: `Several organisations are connected; say which: /ar policy ${found.matches.map((o) => o.name).join(' | ')}`,
    };
  }
  const org = found.organisation;
  const actor = await resolveSlackActor(deps, org.id, input.userId);
  if (!actor.isManager) {
    await recordAuditEvent(deps.db, {
      orgId: org.id,
      occurredAt: deps.now(),
      actor: { type: 'user', id: actor.id, name: actor.name },
      action: 'policy.refused',
      subject: { type: 'organisation', id: org.id },
      payload: { reason: 'not a manager' },
    });
    return { kind: 'refused', message: 'Only managers can see and change the dunning policy.' };
  }
  return {
    kind: 'allowed',
    orgId: org.id,
    orgName: org.name,
    actor: { id: actor.id, name: actor.name },
    view: await showPolicy(deps.db, org.id),
  };
}

/** The policy in effect for an organisation, in words (`/ar policy`), and whether a manager has saved one. */
export async function describeOrganisationPolicy(
  db: Kysely<DB>,
  orgId: string,
  baseCurrency: string,
): Promise<{ readonly lines: readonly string[]; readonly saved: boolean }> {
  const stored = await getDunningPolicy(db, orgId);
  return { lines: describePolicy(stored.policy, baseCurrency), saved: !stored.isDefault };
}
