import { describe, expect, it } from 'vitest';
import { conditionalStillUnpaid, EMPTY_SURVIVAL, kaplanMeier, survivalAt } from './survival-curve.js';

describe('kaplanMeier', () => {
  it('equals the empirical survival without censoring', () => {
    const c = kaplanMeier([0, 2, 2, 10], []);
    expect(survivalAt(c, -1)).toBe(1);
    expect(survivalAt(c, 0)).toBe(0.75);
    expect(survivalAt(c, 1)).toBe(0.75);
    expect(survivalAt(c, 2)).toBe(0.25);
    expect(survivalAt(c, 10)).toBe(0);
  });

  it('keeps censored (still open) invoices in the risk set until their age', () => {
    // Events at 5 and 20; open invoices 10 and 60 days past due.
    const c = kaplanMeier([5, 20], [10, 60]);
    expect(survivalAt(c, 5)).toBeCloseTo(3 / 4, 12); // 4 at risk, 1 paid
    expect(survivalAt(c, 20)).toBeCloseTo((3 / 4) * (1 / 2), 12); // 2 at risk (20 and 60)
    expect(survivalAt(c, 100)).toBeCloseTo(3 / 8, 12); // the 60-day one is not evidence of payment
  });

  it('conditions on being unpaid today and mixes customer and organisation', () => {
    const own = kaplanMeier([0, 10], []);
    const org = kaplanMeier([0, 40], []);
    // Own: S(5)=0.5, S(35)=0; org: S(5)=0.5, S(35)=0.5. Weight ½ each: (0 + 0.25) ÷ 0.5.
    expect(conditionalStillUnpaid(own, org, 0.5, 5, 30)).toBeCloseTo(0.5, 12);
    // Older than anything ever paid: no evidence of payment at this age.
    expect(conditionalStillUnpaid(own, org, 0.5, 50, 30)).toBe(1);
    expect(conditionalStillUnpaid(EMPTY_SURVIVAL, EMPTY_SURVIVAL, 0, 5, 30)).toBe(1);
  });
});

describe('kaplanMeier, small and large histories alike', () => {
  /** The textbook estimator, written the slow way: S(t) = Π over event times ≤ t of (1 − d ÷ at risk). */
  function reference(events: number[], censored: number[]) {
    const times = [...new Set(events)].sort((a, b) => a - b);
    let s = 1;
    return times.map((t) => {
      const atRisk = events.filter((e) => e >= t).length + censored.filter((c) => c >= t).length;
      s *= 1 - events.filter((e) => e === t).length / atRisk;
      return [t, s] as const;
    });
  }

  it.each([1, 2, 5, 31, 32, 33, 200])('agrees with the textbook for %i events in any order', (n) => {
    let seed = n;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const events = Array.from({ length: n }, () => Math.floor(random() * 40) - 10);
    const censored = Array.from({ length: Math.floor(n / 2) }, () => Math.floor(random() * 60) - 5);
    const curve = kaplanMeier(events, censored);
    const want = reference(events, censored);
    expect([...curve.times]).toEqual(want.map(([t]) => t));
    [...curve.survival].forEach((s, i) => {
      expect(s).toBeCloseTo(want[i]![1], 12);
    });
    expect(curve.events).toBe(n);
  });
});
