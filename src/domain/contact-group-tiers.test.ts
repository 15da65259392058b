import { describe, expect, it } from 'vitest';
import {
  batchKey,
  changeCost,
  desiredTiers,
  fittingBatch,
  GROUP_BATCH,
  type GroupTier,
  tierChanges,
  type WrittenTier,
} from './contact-group-tiers.js';

const ids = (n: number, prefix = 'c') =>
  Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(4, '0')}`);

describe('contact-group tiers (pure)', () => {
  it('do-not-chase wins over the computed tier; archived contacts get nothing', () => {
    const d = desiredTiers(
      new Map([
        ['a', 'high'],
        ['b', 'low'],
        ['x', 'medium'],
      ]),
      new Set(['b', 'z']),
      new Set(['a', 'b', 'z']),
    );
    expect([...d]).toEqual([
      ['a', 'high'],
      ['b', 'do_not_chase'],
      ['z', 'do_not_chase'],
    ]);
  });

  it('120 new customers in one tier cost 3 PUTs; unchanged ones cost nothing; moves and leavers one DELETE each', () => {
    const desired = new Map<string, GroupTier>(ids(120).map((id) => [id, 'low']));
    expect(changeCost(tierChanges(desired, new Map()))).toEqual({ removes: 0, adds: 3, total: 3 });
    const written = new Map<string, WrittenTier>(
      ids(120).map((id) => [id, { tier: 'low', groupId: 'g-low' }]),
    );
    expect(changeCost(tierChanges(desired, written))).toEqual({ removes: 0, adds: 0, total: 0 });
    desired.set('c0001', 'high');
    desired.delete('c0002');
    const c = tierChanges(desired, written);
    expect(changeCost(c)).toEqual({ removes: 2, adds: 1, total: 3 });
    expect(c.removals.map((r) => r.contactId)).toEqual(['c0002']);
  });

  it('a batch shrinks to what the calls left can pay for: each leaver’s DELETE plus the PUT', () => {
    const moves = ids(80).map((contactId, i) => ({
      contactId,
      from: i % 2 === 0 ? { tier: 'low' as const, groupId: 'g' } : null,
    }));
    expect(fittingBatch(moves, 1000)).toHaveLength(GROUP_BATCH);
    expect(fittingBatch(moves, 4)).toHaveLength(6); // c0, c2, c4 leave (3 DELETEs) + one PUT for c0…c5
    expect(fittingBatch(moves, 1)).toHaveLength(0);
    expect(fittingBatch(moves.slice(1), 1)).toHaveLength(1);
  });

  it('names a batch the same way every time', () => {
    expect(batchKey(['a', 'b'])).toBe(batchKey(['a', 'b']));
    expect(batchKey(['a', 'b'])).not.toBe(batchKey(['a', 'c']));
  });
});
