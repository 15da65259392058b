import { describe, expect, it } from 'vitest';
import { createRng } from './prng.js';
import { centsToAmount, centsToDecimal } from './wire-format.js';

describe('centsToAmount', () => {
  it('gives the double that the decimal text parses to, for every cent amount tried', () => {
    const rng = createRng(11);
    const samples = [0, 1, -1, 5, 10, 99, 100, 101, 1005, 2_675, -2_675, 999_999_999_99, -123_456_789_01];
    for (let i = 0; i < 20_000; i++) samples.push(rng.int(-1e11, 1e11));
    for (const cents of samples) expect(centsToAmount(cents)).toBe(Number(centsToDecimal(cents)));
  });

  it('rounds a fraction of a cent to two decimals', () => {
    expect(centsToAmount(1234.5)).toBe(12.35);
    expect(centsToAmount(0.4)).toBe(0);
  });
});
