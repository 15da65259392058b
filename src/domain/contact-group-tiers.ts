import type { PriorityTier } from './priority.js';

/**
 * Priority tiers in Xero (#19 part 5): each customer's tier is membership of one of four contact groups. Pure:
 * what each customer's group should be, what differs from what was last written, and which of those writes fit
 * in the calls left today. Adding is batched (one PUT adds up to a batch of contacts to a group); removing is one
 * DELETE per contact (reference/xero-api.md §5), so a customer moving between tiers costs its DELETE plus its
 * share of one PUT.
 */
export type GroupTier = PriorityTier | 'do_not_chase';
export const GROUP_TIERS: readonly GroupTier[] = ['high', 'medium', 'low', 'do_not_chase'];

export const GROUP_NAMES: Readonly<Record<GroupTier, string>> = {
  high: 'Collections: High',
  medium: 'Collections: Medium',
  low: 'Collections: Low',
  do_not_chase: 'Collections: Do not chase',
};

/** Contacts per PUT: Xero advises about 50 elements per request (reference/xero-api.md §8). */
export const GROUP_BATCH = 50;

export interface WrittenTier {
  readonly tier: GroupTier;
  readonly groupId: string;
}

/**
 * The tier each customer should show: do-not-contact (the policy's list or a collector's hold) wins over the
 * computed tier. A customer with no open invoice has no computed tier and shows nothing, unless not to be chased.
 */
export function desiredTiers(
  tiers: ReadonlyMap<string, PriorityTier>,
  doNotChase: ReadonlySet<string>,
  /** Contacts Xero still has as ACTIVE: an archived one cannot be added to a group. */
  active: ReadonlySet<string>,
): Map<string, GroupTier> {
  const out = new Map<string, GroupTier>();
  for (const [contactId, tier] of tiers) if (active.has(contactId)) out.set(contactId, tier);
  for (const contactId of doNotChase) if (active.has(contactId)) out.set(contactId, 'do_not_chase');
  return out;
}

export interface TierMove {
  readonly contactId: string;
  /** The group to leave first (the tier last written), or null. */
  readonly from: WrittenTier | null;
}

export interface TierChanges {
  /** Per tier, the contacts to add (each with the group it leaves first). */
  readonly adds: ReadonlyMap<GroupTier, readonly TierMove[]>;
  /** Contacts that should show no tier any more: one DELETE each. */
  readonly removals: readonly { readonly contactId: string; readonly from: WrittenTier }[];
}

export function tierChanges(
  desired: ReadonlyMap<string, GroupTier>,
  written: ReadonlyMap<string, WrittenTier>,
): TierChanges {
  const adds = new Map<GroupTier, TierMove[]>();
  for (const [contactId, tier] of [...desired].sort(([a], [b]) => a.localeCompare(b))) {
    const was = written.get(contactId) ?? null;
    if (was?.tier === tier) continue;
    const list = adds.get(tier) ?? [];
    list.push({ contactId, from: was });
    adds.set(tier, list);
  }
  const removals = [...written]
    .filter(([contactId]) => !desired.has(contactId))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([contactId, from]) => ({ contactId, from }));
  return { adds, removals };
}

/** Calls the changes would cost: one DELETE per contact leaving a group, one PUT per batch joining one. */
export function changeCost(c: TierChanges): { removes: number; adds: number; total: number } {
  let removes = c.removals.length;
  let adds = 0;
  for (const moves of c.adds.values()) {
    removes += moves.filter((m) => m.from !== null).length;
    adds += Math.ceil(moves.length / GROUP_BATCH);
  }
  return { removes, adds, total: removes + adds };
}

export function pendingContacts(c: TierChanges): number {
  let n = c.removals.length;
  for (const moves of c.adds.values()) n += moves.length;
  return n;
}

/**
 * The next batch joining a group that fits in `spare` calls: its leavers' DELETEs plus the PUT. Shortened when
 * the whole batch does not fit; empty when not even one contact does.
 */
export function fittingBatch(moves: readonly TierMove[], spare: number): TierMove[] {
  const out: TierMove[] = [];
  let cost = 1;
  for (const m of moves.slice(0, GROUP_BATCH)) {
    const next = cost + (m.from ? 1 : 0);
    if (next > spare) break;
    cost = next;
    out.push(m);
  }
  return out;
}

/** A short, stable name for a batch (FNV-1a over its ids), for Xero's Idempotency-Key. */
export function batchKey(ids: readonly string[]): string {
  let h = 0x811c9dc5;
  for (const ch of ids.join(',')) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `${ids.length}-${h.toString(16)}`;
}
