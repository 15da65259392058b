// Over 300 lines: the four manager overrides (tier set and cleared, exclusion and resumption) share one lock, audit and note path.
import type { Kysely } from 'kysely';
import { recordAuditEvent } from '../adapters/db/audit-events.js';
import {
  insertOverride,
  listActiveOverrides,
  lockCustomerOverrides,
  removeOverride,
} from '../adapters/db/customer-overrides.js';
import { addCustomerHold, listActiveHolds, releaseCustomerHolds } from '../adapters/db/dunning-queries.js';
import { loadContact } from '../adapters/db/ledger-queries.js';
import type { DB, Queryable } from '../adapters/db/schema.js';
import {
  cleanReason,
  type OverrideTier,
  overrideNote,
  TIER_NAMES,
  tierChange,
} from '../domain/customer-overrides.js';
import { type Actor, enqueueXeroNotes } from './decide-reminder.js';
import { recordAccessDenied } from './slack-admin.js';

/**
 * Overrides, recorded (#19 part 4): a manager sets a customer's priority tier or excludes the customer from chasing
 * from the customer view. Each change: 1. only a manager (anyone else is refused, and the refusal audited);
 * 2. under a per-customer lock, compared with what is in force, so a double click or a second manager changes
 * nothing and notes nothing twice; 3. stored, audited and noted once on the Xero contact's History, in one
 * transaction. Planning reads the tier (collections signals) and the exclusion (a do_not_contact hold) until removed.
 */
export interface OverrideRequest {
  readonly orgId: string;
  readonly contactId: string;
  readonly actor: Actor;
  readonly now: Date;
  /** The tier the brain computes for the customer today, when the caller has scored the ledger (for the note). */
  readonly computedTier?: OverrideTier | null;
}

export type OverrideOutcome =
  /** Changed, audited and noted: `summary` says what to the manager. */
  | { readonly kind: 'done'; readonly customerName: string; readonly summary: string }
  /** Already as asked (a double click, a second manager): nothing written. */
  | { readonly kind: 'unchanged'; readonly customerName: string; readonly summary: string }
  | { readonly kind: 'forbidden'; readonly reason: string }
  | { readonly kind: 'not-found' };

export const OVERRIDE_WHAT = {
  tier: "change a customer's priority",
  exclude: 'exclude a customer from chasing',
  resume: 'resume chasing a customer',
} as const;

/** Step 1: managers only. Anyone else is refused, the attempt audited, and told why (null: a manager). */
export async function refuseUnlessManager(
  db: Kysely<DB>,
  input: OverrideRequest,
  what: string,
): Promise<OverrideOutcome | null> {
  if (input.actor.isManager) return null;
  await recordAccessDenied(db, {
    orgId: input.orgId,
    actor: input.actor,
    what,
    needed: 'manager',
    now: input.now,
  });
  return {
    kind: 'forbidden',
    reason: `Only AR managers can ${what}. You are ${input.actor.isCollector ? 'a collector' : 'not on the AR team'}; this attempt was recorded.`,
  };
}

const byUser = (actor: Actor) => ({ type: 'user' as const, id: actor.id, name: actor.name });

/** "Set priority": High, Medium or Low in place of the computed tier, until cleared. */
export async function setTierOverride(
  db: Kysely<DB>,
  input: OverrideRequest & { readonly tier: OverrideTier },
): Promise<OverrideOutcome> {
  return changeTier(db, input, input.tier);
}

/** "Set priority: Clear": back to the computed tier. */
export async function clearTierOverride(db: Kysely<DB>, input: OverrideRequest): Promise<OverrideOutcome> {
  return changeTier(db, input, null);
}

async function changeTier(
  db: Kysely<DB>,
  input: OverrideRequest,
  wanted: OverrideTier | null,
): Promise<OverrideOutcome> {
  const refused = await refuseUnlessManager(db, input, OVERRIDE_WHAT.tier);
  if (refused) return refused;
  const contact = await loadContact(db, input.orgId, input.contactId);
  if (!contact) return { kind: 'not-found' };
  const name = contact.name;
  const computed = input.computedTier ?? null;
  return db.transaction().execute(async (trx) => {
    await lockCustomerOverrides(trx, input.orgId, input.contactId);
    const current = (await listActiveOverrides(trx, input.orgId, input.contactId)).at(-1) ?? null;
    const change = tierChange(current?.tier ?? null, wanted);
    if (change.kind === 'unchanged') {
      return {
        kind: 'unchanged',
        customerName: name,
        summary: current
          ? `${name} is already set to ${TIER_NAMES[current.tier]} (by ${current.setByName}); nothing changed.`
          : `${name} has no priority set by hand; nothing changed.`,
      } as const;
    }
    const removed = await removeOverride(trx, {
      orgId: input.orgId,
      contactId: input.contactId,
      removedBy: input.actor.id,
      now: input.now,
    });
    if (change.kind === 'clear') {
      await recordAuditEvent(trx, {
        orgId: input.orgId,
        occurredAt: input.now,
        actor: byUser(input.actor),
        action: 'customer.tier_override_cleared',
        subject: { type: 'contact', id: input.contactId },
        payload: { customer: name, before: { tier: change.from, overrideId: removed?.id }, computed },
      });
      await noteOnContact(
        trx,
        input,
        overrideNote({ kind: 'tier-cleared', by: input.actor.name, was: change.from, computed }),
        `override:${removed?.id}:cleared`,
      );
      const back = computed ? ` (${TIER_NAMES[computed]})` : '';
      return {
        kind: 'done',
        customerName: name,
        summary: `${name}: priority set by hand cleared; back to the computed tier${back}. Noted in Xero History.`,
      } as const;
    }
    const row = await insertOverride(trx, {
      orgId: input.orgId,
      contactId: input.contactId,
      tier: change.tier,
      reason: null,
      setBy: input.actor.id,
      setByName: input.actor.name,
      now: input.now,
    });
    // What the customer had before: the previous override, else the computed tier (when the caller knows it).
    const was = change.kind === 'replace' ? change.from : computed;
    await recordAuditEvent(trx, {
      orgId: input.orgId,
      occurredAt: input.now,
      actor: byUser(input.actor),
      action: 'customer.tier_override_set',
      subject: { type: 'contact', id: input.contactId },
      payload: {
        customer: name,
        before: change.kind === 'replace' ? { tier: change.from, overrideId: removed?.id } : null,
        after: { tier: change.tier, overrideId: row.id },
        computed,
      },
    });
    await noteOnContact(
      trx,
      input,
      overrideNote({ kind: 'tier-set', by: input.actor.name, tier: change.tier, was }),
      `override:${row.id}:set`,
    );
    return {
      kind: 'done',
      customerName: name,
      summary: `${name}: priority set to ${TIER_NAMES[change.tier]}${was && was !== change.tier ? ` (was ${TIER_NAMES[was]})` : ''}. Planning uses it until someone clears it. Noted in Xero History.`,
    } as const;
  });
}

/** "Exclude from chasing": a do_not_contact hold on the whole customer, with the manager's reason. */
export async function excludeFromChasing(
  db: Kysely<DB>,
  input: OverrideRequest & { readonly reason: string | null },
): Promise<OverrideOutcome> {
  const refused = await refuseUnlessManager(db, input, OVERRIDE_WHAT.exclude);
  if (refused) return refused;
  const contact = await loadContact(db, input.orgId, input.contactId);
  if (!contact) return { kind: 'not-found' };
  const name = contact.name;
  const reason = cleanReason(input.reason);
  return db.transaction().execute(async (trx) => {
    await lockCustomerOverrides(trx, input.orgId, input.contactId);
    const before = await exclusionsOf(trx, input);
    if (before.length > 0) {
      const by = before[0]!.createdByName;
      return {
        kind: 'unchanged',
        customerName: name,
        summary: `${name} is already excluded from chasing${by ? ` (by ${by})` : ''}; nothing changed.`,
      } as const;
    }
    const holdId = await addCustomerHold(trx, {
      orgId: input.orgId,
      contactId: input.contactId,
      kind: 'do_not_contact',
      until: null,
      reason,
      actor: { id: input.actor.id, name: input.actor.name },
      now: input.now,
    });
    await recordAuditEvent(trx, {
      orgId: input.orgId,
      occurredAt: input.now,
      actor: byUser(input.actor),
      action: 'customer.excluded',
      subject: { type: 'contact', id: input.contactId },
      payload: { customer: name, before: { excluded: false }, after: { excluded: true, holdId, reason } },
    });
    await noteOnContact(
      trx,
      input,
      overrideNote({ kind: 'excluded', by: input.actor.name, reason }),
      `exclude:${holdId}`,
    );
    return {
      kind: 'done',
      customerName: name,
      summary: `${name} is excluded from chasing: no reminders until someone resumes. Noted in Xero History.`,
    } as const;
  });
}

/** "Resume chasing": releases the exclusion; the next run plans the customer again. */
export async function resumeChasing(db: Kysely<DB>, input: OverrideRequest): Promise<OverrideOutcome> {
  const refused = await refuseUnlessManager(db, input, OVERRIDE_WHAT.resume);
  if (refused) return refused;
  const contact = await loadContact(db, input.orgId, input.contactId);
  if (!contact) return { kind: 'not-found' };
  const name = contact.name;
  return db.transaction().execute(async (trx) => {
    await lockCustomerOverrides(trx, input.orgId, input.contactId);
    const before = await exclusionsOf(trx, input);
    if (before.length === 0) {
      return {
        kind: 'unchanged',
        customerName: name,
        summary: `${name} is not excluded from chasing; nothing changed.`,
      } as const;
    }
    await releaseCustomerHolds(
      trx,
      input.orgId,
      input.contactId,
      ['do_not_contact'],
      input.actor.id,
      input.now,
    );
    await recordAuditEvent(trx, {
      orgId: input.orgId,
      occurredAt: input.now,
      actor: byUser(input.actor),
      action: 'customer.exclusion_resumed',
      subject: { type: 'contact', id: input.contactId },
      payload: {
        customer: name,
        before: { excluded: true, holdIds: before.map((h) => h.id) },
        after: { excluded: false },
      },
    });
    await noteOnContact(
      trx,
      input,
      overrideNote({ kind: 'resumed', by: input.actor.name }),
      `exclude-resume:${before.map((h) => h.id).join('-')}`,
    );
    return {
      kind: 'done',
      customerName: name,
      summary: `Chasing ${name} resumes from the next run. Noted in Xero History.`,
    } as const;
  });
}

/** The customer's name, for a form about them; null when the ledger no longer has them. */
export async function overrideCustomerName(db: Kysely<DB>, orgId: string, contactId: string) {
  return (await loadContact(db, orgId, contactId))?.name ?? null;
}

/** The customer's do-not-contact holds in force (a manager's exclusion). */
async function exclusionsOf(db: Queryable, input: Pick<OverrideRequest, 'orgId' | 'contactId'>) {
  return (await listActiveHolds(db, input.orgId, input.contactId)).filter((h) => h.kind === 'do_not_contact');
}

/** One History note on the Xero contact (no invoice notes: the change is about the customer). */
function noteOnContact(
  db: Queryable,
  input: Pick<OverrideRequest, 'orgId' | 'contactId' | 'now'>,
  details: string,
  key: string,
): Promise<void> {
  return enqueueXeroNotes(
    db,
    { orgId: input.orgId, contactId: input.contactId, invoiceIds: [] },
    details,
    `${key}:${input.orgId}`,
    input.now,
  );
}
