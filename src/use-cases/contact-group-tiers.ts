import type { Kysely } from 'kysely';
import { recordAuditEvent } from '../adapters/db/audit-events.js';
import {
  addContactGroupCalls,
  contactGroupCallsOn,
  forgetTierWritten,
  listWrittenTiers,
  recordTiersWritten,
} from '../adapters/db/contact-group-tiers.js';
import { getDunningPolicy } from '../adapters/db/dunning-queries.js';
import { loadLedger } from '../adapters/db/ledger-queries.js';
import { getOrganisation, type Organisation } from '../adapters/db/organisations.js';
import type { DB } from '../adapters/db/schema.js';
import { xeroDayBudget } from '../adapters/db/xero-call-log.js';
import { enqueueOutbox } from '../adapters/outbox/outbox-store.js';
import type { ContactGroupWriter, GroupCallOutcome } from '../adapters/xero/contact-groups.js';
import { localDateOf } from '../domain/calendar.js';
import {
  batchKey,
  changeCost,
  desiredTiers,
  fittingBatch,
  GROUP_NAMES,
  GROUP_TIERS,
  type GroupTier,
  pendingContacts,
  type TierMove,
  tierChanges,
} from '../domain/contact-group-tiers.js';
import { OUTBOX_CONTACT_GROUP_TIERS } from '../domain/outbox-kinds.js';
import type { PriorityTier } from '../domain/priority.js';
import type { XeroCallLimits } from '../domain/xero-call-budget.js';
import { loadPlanInputs, planChases } from './run-dunning.js';

/** At most this many calls a day go on contact groups, whatever else is left (Starter: 1,000 a day in all). */
export const CONTACT_GROUP_CALLS_PER_DAY = 200;
/**
 * Calls per outbox run: 40 fit well inside the outbox's 60-second handler timeout under Xero's 60 a minute, so a
 * run is never still writing when its item is claimed again. A run that stops here queues the next part.
 */
export const CONTACT_GROUP_CALLS_PER_RUN = 40;

export interface ContactGroupTierDeps {
  readonly db: Kysely<DB>;
  /** A writer for one organisation (background purpose: it stops at the daily reserve). */
  readonly writerFor: (org: Organisation, signal?: AbortSignal) => ContactGroupWriter;
  readonly limits: XeroCallLimits;
  /** Wall-clock ms, as the shared call log counts. */
  readonly wallMs: () => number;
  readonly callsPerDay?: number;
  readonly callsPerRun?: number;
  /** The outbox's timeout: no new call starts once it fires. */
  readonly signal?: AbortSignal;
}

export interface ContactGroupSyncCounts {
  readonly calls: number;
  readonly groupsCreated: number;
  readonly added: number;
  readonly removed: number;
  /** Contacts whose tier is still to be written (the next run's work). */
  readonly pending: number;
}

export type ContactGroupSyncResult =
  | { readonly kind: 'off' }
  | { readonly kind: 'skipped'; readonly reason: string }
  | ({ readonly kind: 'done' } & ContactGroupSyncCounts)
  /** The day's budget ran out: the rest resumes with the next day's run. */
  | ({ readonly kind: 'budget'; readonly reason: string } & ContactGroupSyncCounts)
  /** This run's share of calls is spent and the day's is not: the next part continues at once. */
  | ({ readonly kind: 'more' } & ContactGroupSyncCounts)
  | ({
      readonly kind: 'retry';
      readonly error: string;
      readonly retryAfterMs: number | null;
    } & ContactGroupSyncCounts);

/** Queued by the morning after planning; one per organisation and local day. */
export async function enqueueContactGroupSync(
  db: Kysely<DB>,
  orgId: string,
  /** The local day (and, for a continuation, its part): the idempotency key. */
  key: string,
  now: Date,
  payload: { readonly asOf: string; readonly part?: number } = { asOf: key },
) {
  return enqueueOutbox(db, {
    orgId,
    kind: OUTBOX_CONTACT_GROUP_TIERS,
    idempotencyKey: `contact-groups:${orgId}:${key}`,
    payload: { orgId, ...payload },
    now,
  });
}

/** The morning's step after planning: queue today's write when the policy asks for it (nothing when off). */
export async function queueContactGroupSync(db: Kysely<DB>, orgId: string, asOf: string, now: Date) {
  const { policy } = await getDunningPolicy(db, orgId);
  if (!policy.contactGroupTiers) return null;
  return (await enqueueContactGroupSync(db, orgId, asOf, now)).item;
}

/** Each customer's tier today: the brain's tier, or do-not-chase (the policy's list or a collector's hold). */
export async function currentGroupTiers(db: Kysely<DB>, orgId: string, now: Date) {
  const [ledger, inputs] = await Promise.all([loadLedger(db, orgId), loadPlanInputs(db, orgId)]);
  const asOf = localDateOf(now, ledger.organisation.timezone);
  const { priorities } = planChases({ ...inputs, ledger, asOf });
  const tiers = new Map<string, PriorityTier>(priorities.customers.map((c) => [c.contactId, c.tier]));
  const doNotChase = new Set([
    ...inputs.policy.doNotContact,
    ...inputs.holds.filter((h) => h.kind === 'do_not_contact').map((h) => h.contactId),
  ]);
  const active = new Set(ledger.contacts.filter((c) => c.status === 'ACTIVE').map((c) => c.id));
  return { asOf, policy: inputs.policy, desired: desiredTiers(tiers, doNotChase, active) };
}

export async function syncContactGroupTiers(
  deps: ContactGroupTierDeps,
  input: { readonly orgId: string; readonly now: Date },
): Promise<ContactGroupSyncResult> {
  const { db } = deps;
  const org = await getOrganisation(db, input.orgId);
  if (!org) return { kind: 'skipped', reason: 'the organisation no longer exists' };
  if (org.status !== 'active') return { kind: 'skipped', reason: `${org.name} is not connected to Xero` };
  const { asOf, policy, desired } = await currentGroupTiers(db, input.orgId, input.now);
  if (!policy.contactGroupTiers) return { kind: 'off' };

  const changes = tierChanges(desired, await listWrittenTiers(db, input.orgId));
  const pendingAtStart = pendingContacts(changes);
  const counts = { calls: 0, groupsCreated: 0, added: 0, removed: 0, pending: pendingAtStart };
  if (pendingAtStart === 0) return { kind: 'done', ...counts };

  // The calls this run may spend: this feature's share of the day, and never the reserve kept for people.
  const share =
    (deps.callsPerDay ?? CONTACT_GROUP_CALLS_PER_DAY) - (await contactGroupCallsOn(db, input.orgId, asOf));
  const { backgroundSpare } = await xeroDayBudget(db, org.xeroTenantId, deps.limits, deps.wallMs());
  const writer = deps.writerFor(org, deps.signal);
  const dayLeft = Math.min(share, backgroundSpare);
  const perRun = deps.callsPerRun ?? CONTACT_GROUP_CALLS_PER_RUN;
  let spare = Math.min(dayLeft, perRun);
  let done = 0;
  const charge = async () => {
    const spent = writer.calls - counts.calls;
    counts.calls = writer.calls;
    spare -= spent;
    await addContactGroupCalls(db, input.orgId, asOf, spent, input.now);
  };
  const finish = async (
    stop:
      | { kind: 'budget'; reason: string }
      | { kind: 'more' }
      | { kind: 'retry'; error: string; retryAfterMs: number | null }
      | null,
  ): Promise<ContactGroupSyncResult> => {
    counts.pending = pendingAtStart - done;
    await recordAuditEvent(db, {
      orgId: input.orgId,
      occurredAt: input.now,
      actor: { type: 'system', id: 'contact-group-tiers', name: null },
      action: 'xero.contact_groups_synced',
      subject: { type: 'organisation', id: input.orgId },
      payload: { asOf, ...counts, stopped: stop?.kind ?? null },
    });
    return stop ? { ...stop, ...counts } : { kind: 'done', ...counts };
  };
  const stopOn = (o: Exclude<GroupCallOutcome<unknown>, { kind: 'ok' }>) =>
    o.kind === 'budget'
      ? finish({ kind: 'budget', reason: o.error })
      : finish({
          kind: 'retry',
          error: o.error,
          retryAfterMs: o.kind === 'rate-limited' ? o.retryAfterMs : null,
        });
  const outOfBudget = () =>
    deps.signal?.aborted
      ? finish({ kind: 'retry', error: 'stopped: the run ran out of time', retryAfterMs: null })
      : perRun < dayLeft
        ? finish({ kind: 'more' })
        : finish({
            kind: 'budget',
            reason: `the day's contact-group budget is spent (${changeCost(changes).total} calls wanted); the rest is written tomorrow`,
          });

  // Groups by name, created when missing; only the four `Collections: …` groups are ever touched.
  const wanted = GROUP_TIERS.filter((t) => (changes.adds.get(t)?.length ?? 0) > 0);
  const groupIds = new Map<GroupTier, string>();
  if (wanted.length > 0) {
    if (spare < 2) return outOfBudget();
    const listed = await writer.listGroups();
    await charge();
    if (listed.kind !== 'ok') return stopOn(listed);
    for (const t of wanted) {
      const g = listed.value.find((x) => x.name === GROUP_NAMES[t]);
      if (g) groupIds.set(t, g.id);
    }
  }

  const leave = async (contactId: string, groupId: string): Promise<GroupCallOutcome<void>> => {
    const r = await writer.removeContact(groupId, contactId);
    await charge();
    // Already gone (a person removed it in Xero, or the group was deleted): what we wanted.
    if (r.kind === 'ok' || (r.kind === 'rejected' && r.notFound)) {
      await forgetTierWritten(db, input.orgId, contactId);
      counts.removed++;
      return { kind: 'ok', value: undefined };
    }
    return r;
  };

  for (const tier of wanted) {
    let moves: readonly TierMove[] = changes.adds.get(tier) ?? [];
    let groupId = groupIds.get(tier);
    if (!groupId) {
      if (spare < 2) return outOfBudget();
      const created = await writer.createGroup(GROUP_NAMES[tier], `contact-group:${input.orgId}:${tier}`);
      await charge();
      if (created.kind !== 'ok') return stopOn(created);
      groupId = created.value.id;
      counts.groupsCreated++;
    }
    while (moves.length > 0) {
      const batch = fittingBatch(moves, deps.signal?.aborted ? 0 : spare);
      if (batch.length === 0) return outOfBudget();
      // Leave the old group first: a run that stops between the two finds the contact in no group, and adds it.
      for (const m of batch) {
        if (!m.from) continue;
        const r = await leave(m.contactId, m.from.groupId);
        if (r.kind !== 'ok') return stopOn(r as Exclude<GroupCallOutcome<unknown>, { kind: 'ok' }>);
      }
      const ids = batch.map((m) => m.contactId);
      const added = await writer.addContacts(
        groupId,
        ids,
        `contact-group:${groupId}:${asOf}:${batchKey(ids)}`,
      );
      await charge();
      if (added.kind !== 'ok') {
        // A 400 (a contact archived in Xero since the last sync) is retried after the next sync drops it.
        return stopOn(added);
      }
      await recordTiersWritten(db, input.orgId, ids, tier, groupId, input.now);
      counts.added += ids.length;
      done += ids.length;
      moves = moves.slice(batch.length);
    }
  }
  for (const r of changes.removals) {
    if (spare < 1 || deps.signal?.aborted) return outOfBudget();
    const out = await leave(r.contactId, r.from.groupId);
    if (out.kind !== 'ok') return stopOn(out as Exclude<GroupCallOutcome<unknown>, { kind: 'ok' }>);
    done++;
  }
  return finish(null);
}
