import type { ModalView } from '@slack/types';
import type { Kysely } from 'kysely';
import { recordAuditEvent } from '../adapters/db/audit-events.js';
import { getDunningPolicy, type StoredPolicy, saveDunningPolicy } from '../adapters/db/dunning-queries.js';
import { getOrganisation } from '../adapters/db/organisations.js';
import type { DB } from '../adapters/db/schema.js';
import { POLICY_EDIT_VIEW, POLICY_INPUT_MAX, policyModal } from '../adapters/slack/blocks/policy-editor.js';
import { messageModal } from '../adapters/slack/blocks/reminder-modals.js';
import { parsePolicy } from '../domain/dunning-policy.js';
import { describePolicy } from '../domain/dunning-policy-summary.js';
import { type AuthorizeDeps, authorizeSlack, onlyManagersCan } from './authorize-slack.js';

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

/** The editor behind `/ar policy`'s Edit button: for managers of the organisation it names, checked each time. */
function authorizePolicyEditor(deps: AuthorizeDeps, input: { orgRef: string | undefined; userId: string }) {
  return authorizeSlack(deps, {
    orgRef: input.orgRef,
    userId: input.userId,
    role: 'manager',
    what: 'edit the dunning policy',
    refusal: onlyManagersCan('see and change the dunning policy'),
  });
}

/** Pretty JSON when it fits Slack's text box, compact otherwise. */
function policyJson(policy: unknown): string {
  const pretty = JSON.stringify(policy, null, 1);
  return pretty.length <= POLICY_INPUT_MAX ? pretty : JSON.stringify(policy);
}

/** What the Edit button's modal shows: the policy as JSON, or why not (refused, or too long for Slack's box). */
export async function openPolicyEditor(
  deps: AuthorizeDeps,
  input: { orgRef: string | undefined; userId: string },
): Promise<ModalView> {
  const auth = await authorizePolicyEditor(deps, input);
  if (auth.kind === 'refused') return messageModal('', POLICY_EDIT_VIEW, 'Dunning policy', auth.message);
  const json = policyJson((await showPolicy(deps.db, auth.org.id)).policy);
  if (json.length > POLICY_INPUT_MAX) {
    return messageModal(
      '',
      POLICY_EDIT_VIEW,
      'Dunning policy',
      'This policy is too long for Slack: use `npm run cli -- policy set --file`.',
    );
  }
  return policyModal(auth.org.id, json, auth.org.name);
}

/**
 * The editor's Save: the text must be JSON and a valid policy (every problem listed, at most eight shown), and the
 * saver still a manager; saved and audited as `policy.updated`. Problems come back as the modal's field error.
 */
export async function savePolicyFromSlack(
  deps: AuthorizeDeps,
  input: { orgRef: string | undefined; userId: string; text: string },
): Promise<{ readonly kind: 'saved' } | { readonly kind: 'problem'; readonly message: string }> {
  let json: unknown;
  try {
    json = JSON.parse(input.text);
  } catch (err) {
    return { kind: 'problem', message: `Not valid JSON: ${(err as Error).message}` };
  }
  const auth = await authorizePolicyEditor(deps, input);
  if (auth.kind === 'refused') return { kind: 'problem', message: auth.message };
  const out = await updatePolicy(deps.db, {
    orgId: auth.org.id,
    policy: json,
    actor: { type: 'user', id: auth.actor.id, name: auth.actor.name },
    now: deps.now(),
  });
  if (out.kind === 'saved') return { kind: 'saved' };
  const listed = out.errors.slice(0, 8).join('\n');
  const more = out.errors.length > 8 ? `\n…and ${out.errors.length - 8} more` : '';
  return { kind: 'problem', message: `${listed}${more}`.slice(0, 1900) };
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
