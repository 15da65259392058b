import { describe, expect, it } from 'vitest';
import { dec, toBase } from './money.js';
import { divRound, formatUnits, scaleUnits, toBaseUnits, unitsOf, unitsToBig } from './money-units.js';

describe('money units', () => {
  it.each([
    ['1234.56', 12345600n],
    ['0.0001', 1n],
    ['-12.5', -125000n],
    ['100', 1000000n],
    ['.5', 5000n],
    ['1.23456', 12346n], // rounded half-up beyond 4 places
    ['1.23455', 12346n],
    ['1.23454', 12345n],
    ['1e3', 10000000n],
  ])('unitsOf(%s) = %s', (text, units) => {
    expect(unitsOf(text)).toBe(units);
  });

  it.each([
    [12345600n, 'USD', '1234.56'],
    [12345650n, 'USD', '1234.57'], // half-up
    [12345649n, 'USD', '1234.56'],
    [12345000n, 'JPY', '1235'],
    [12345678n, 'KWD', '1234.568'],
    [-5000n, 'USD', '-0.50'],
    [-5050n, 'USD', '-0.51'], // half away from zero
    [123456789012345678901n, 'USD', '12345678901234567.89'], // beyond 2⁵³: the bigint path
    [123456789012345678950n, 'USD', '12345678901234567.90'],
    [40n, 'USD', '0.00'],
    [0n, 'JPY', '0'],
  ])('formatUnits(%s, %s) = %s', (units, currency, text) => {
    expect(formatUnits(units, currency)).toBe(text);
  });

  it('converts to base exactly like big.js division, rounded to 1/10⁴', () => {
    for (const [amount, rate] of [
      ['300.00', '0.9'],
      ['500.00', '1.25'],
      ['100.00', '0.0066'],
      ['1234.5678', '0.9123456789'],
    ] as const) {
      const viaBig = toBase(dec(amount), rate).times(10_000).toFixed(0);
      expect(toBaseUnits(unitsOf(amount), rate).toString()).toBe(viaBig);
    }
    expect(toBaseUnits(unitsOf('10'), null)).toBe(100000n);
    expect(toBaseUnits(unitsOf('10'), '0')).toBe(100000n);
  });

  it('scales exactly on both paths (double below 2^29 units, bigint above)', () => {
    const reference = (u: bigint, f: number) => divRound(u * BigInt(Math.round(f * 2 ** 24)), 2n ** 24n);
    for (const f of [0, 0.37, 0.5, 1 + 47 / 90, 1.5, 2.999]) {
      for (const u of [1n, 12345n, 2n ** 29n - 1n, 2n ** 29n, 2n ** 40n + 7n, -98765n]) {
        expect(scaleUnits(u, f)).toBe(reference(u, f));
      }
    }
  });

  it('scales by a probability and rounds', () => {
    expect(scaleUnits(10000n, 0.5)).toBe(5000n);
    expect(scaleUnits(3n, 0.5)).toBe(2n);
    expect(divRound(-3n, 2n)).toBe(-2n);
    expect(unitsToBig(12345n).toString()).toBe('1.2345');
  });
});
