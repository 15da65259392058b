import { describe, expect, it } from 'vitest';
import { medianInPlace, selectInPlace } from './median.js';

const sortedMedian = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

describe('medianInPlace', () => {
  it.each([
    [[], null],
    [[7], 7],
    [[2, 1], 1.5],
    [[3, 1, 2], 2],
    [[5, 5, 5, 5], 5],
    [[-1, 4, 0.5, 100, 2], 2],
    [[10, 1, 9, 2, 8, 3], 5.5],
  ])('%j → %s', (values, expected) => {
    expect(medianInPlace([...values])).toBe(expected);
  });

  it('agrees with sorting on random, sorted, reversed and repetitive inputs of every small size', () => {
    let seed = 3;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    for (let n = 1; n <= 60; n++) {
      const shapes = [
        Array.from({ length: n }, () => Math.round(random() * 1e6) / 100),
        Array.from({ length: n }, (_, i) => i),
        Array.from({ length: n }, (_, i) => n - i),
        Array.from({ length: n }, () => Math.floor(random() * 3)),
      ];
      for (const xs of shapes) expect(medianInPlace([...xs])).toBe(sortedMedian(xs));
    }
  });

  it('places the k-th value where a sort would, with smaller values before and larger after', () => {
    const xs = [9, 3, 7, 3, 1, 8, 2, 7, 0, 5];
    const sorted = [...xs].sort((a, b) => a - b);
    for (let k = 0; k < xs.length; k++) {
      const a = [...xs];
      selectInPlace(a, k);
      expect(a[k]).toBe(sorted[k]);
      expect(a.slice(0, k).every((v) => v <= a[k]!)).toBe(true);
      expect(a.slice(k + 1).every((v) => v >= a[k]!)).toBe(true);
    }
  });

  it('takes 200k equal values in its stride (no quadratic case for runs of equal totals)', () => {
    expect(medianInPlace(new Array(200_000).fill(100))).toBe(100);
    // 100,001 zeros and 100,000 ones.
    expect(medianInPlace(Array.from({ length: 200_001 }, (_, i) => i % 2))).toBe(0);
  });
});
