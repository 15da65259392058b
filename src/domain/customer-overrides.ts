import { clampNote } from './audit-notes.js';

/**
 * Overrides (#19 part 4): a manager sets a customer's priority tier by hand, or excludes the customer from chasing.
 * Pure: how an override changes the computed tier, whether a click changes anything, and the History note it
 * leaves in Xero. The tier set by hand replaces the computed one everywhere a tier is read (the planner's sequence
 * choice, the lists people read, the contact groups in Xero) until someone clears it; the ranking stays the
 * brain's score, so the lists still say who owes the most at risk.
 */
export type OverrideTier = 'high' | 'medium' | 'low';
export const OVERRIDE_TIERS: readonly OverrideTier[] = ['high', 'medium', 'low'];

export const TIER_NAMES: Readonly<Record<OverrideTier, string>> = {
  high: 'High',
  medium: 'Medium',
  low: 'Low',
};

/** What scoring needs to know of an active override (a collections signal, keyed by contact). */
export interface TierOverrideSignal {
  readonly tier: OverrideTier;
  readonly setByName: string;
}

/** Shown beside a tier set by hand: who set it, and what the brain computed. */
export interface TierOverrideMark {
  readonly computed: OverrideTier;
  readonly setByName: string;
}

export function isOverrideTier(value: unknown): value is OverrideTier {
  return typeof value === 'string' && (OVERRIDE_TIERS as readonly string[]).includes(value);
}

/** The tier a customer is planned and shown with: the manager's when one is set, else the computed one. */
export function effectiveTier(
  computed: OverrideTier,
  override: TierOverrideSignal | undefined,
): { readonly tier: OverrideTier; readonly mark: TierOverrideMark | null } {
  if (!override) return { tier: computed, mark: null };
  return { tier: override.tier, mark: { computed, setByName: override.setByName } };
}

/** The signals of a set of active overrides, one per customer (the latest wins, though the store keeps one). */
export function tierOverrideSignals(
  overrides: readonly {
    readonly contactId: string;
    readonly tier: OverrideTier;
    readonly setByName: string;
  }[],
): Record<string, TierOverrideSignal> {
  const out: Record<string, TierOverrideSignal> = {};
  for (const o of overrides) out[o.contactId] = { tier: o.tier, setByName: o.setByName };
  return out;
}

/**
 * What a "Set priority" choice does against the override in force: nothing when it asks for what is already
 * there (a double click, a second manager), else sets, replaces or clears it. `wanted` null: "Clear".
 */
export type TierChange =
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'set'; readonly tier: OverrideTier }
  | { readonly kind: 'replace'; readonly from: OverrideTier; readonly tier: OverrideTier }
  | { readonly kind: 'clear'; readonly from: OverrideTier };

export function tierChange(current: OverrideTier | null, wanted: OverrideTier | null): TierChange {
  if (current === wanted) return { kind: 'unchanged' };
  if (wanted === null) return { kind: 'clear', from: current! };
  return current === null ? { kind: 'set', tier: wanted } : { kind: 'replace', from: current, tier: wanted };
}

/** A manager's reason, as typed: one line, at most this long; it goes to the audit trail and Xero History. */
export const OVERRIDE_REASON_MAX = 300;

export function cleanReason(text: string | null | undefined): string | null {
  const one = (text ?? '').replace(/\s+/g, ' ').trim();
  if (one.length === 0) return null;
  return one.length <= OVERRIDE_REASON_MAX ? one : `${one.slice(0, OVERRIDE_REASON_MAX - 1)}…`;
}

/**
 * The History note on the Xero contact. It names the manager and the change; never the customer's words. `was`
 * is the tier the customer had before the change (the previous override, or the computed tier when known).
 */
export type OverrideNote =
  | {
      readonly kind: 'tier-set';
      readonly by: string;
      readonly tier: OverrideTier;
      readonly was: OverrideTier | null;
    }
  | {
      readonly kind: 'tier-cleared';
      readonly by: string;
      readonly was: OverrideTier;
      readonly computed: OverrideTier | null;
    }
  | { readonly kind: 'excluded'; readonly by: string; readonly reason: string | null }
  | { readonly kind: 'resumed'; readonly by: string };

export function overrideNote(n: OverrideNote): string {
  switch (n.kind) {
    case 'tier-set':
      return clampNote(
        `Collections: priority set to ${TIER_NAMES[n.tier]} by ${n.by}${n.was && n.was !== n.tier ? ` (was ${TIER_NAMES[n.was]})` : ''}, until cleared (AR Copilot).`,
      );
    case 'tier-cleared':
      return clampNote(
        `Collections: priority override (${TIER_NAMES[n.was]}) cleared by ${n.by}${n.computed ? `; back to the computed tier, ${TIER_NAMES[n.computed]}` : '; back to the computed tier'} (AR Copilot).`,
      );
    case 'excluded':
      return clampNote(
        `Collections: excluded from chasing by ${n.by}${n.reason ? `: ${n.reason}` : ''}. No reminders until chasing is resumed (AR Copilot).`,
      );
    case 'resumed':
      return clampNote(`Collections: chasing resumed by ${n.by} (AR Copilot).`);
  }
}

/** How a tier reads where people see it: "High", or "High (set by Ana; computed Low)". */
export function tierLabel(tier: OverrideTier, mark: TierOverrideMark | null | undefined): string {
  if (!mark) return TIER_NAMES[tier];
  const computed = mark.computed !== tier ? `; computed ${TIER_NAMES[mark.computed]}` : '';
  return `${TIER_NAMES[tier]} (set by ${mark.setByName}${computed})`;
}
