import { describe, expect, it } from 'vitest';
import { Big, dec, toBase } from './money.js';
import {
  divRound,
  formatUnits,
  roundUnits,
  scaleUnits,
  toBaseUnits,
  UnitsRangeError,
  unitsOf,
  unitsToBig,
} from './money-units.js';

describe('money units', () => {
  it.each([
    ['1234.56', 12345600],
    ['0.0001', 1],
    ['-12.5', -125000],
    ['100', 1000000],
    ['.5', 5000],
    ['-.5', -5000],
    ['-0.0001', -1],
    ['7.', 70000],
    ['1.23456', 12346], // rounded half-up beyond 4 places
    ['1.23455', 12346],
    ['1.23454', 12345],
    ['1e3', 10000000],
    ['99999999999.9999', 999999999999999], // the fast path's widest input
    ['900000000000.0000', 9000000000000000], // 12 whole digits: the slow path, still exact
  ])('unitsOf(%s) = %s', (text, units) => {
    expect(unitsOf(text)).toBe(units);
  });

  it('reads random amounts of every width and sign as big.js does', () => {
    let seed = 5;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const digitsOf = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 10)).join('');
    const mismatches: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      // Up to 12 whole digits (past the fast path's 11), below the ±900 billion a double holds in units.
      const width = Math.floor(random() * 13);
      const whole = width === 12 ? `1${digitsOf(11)}` : digitsOf(width);
      const places = Math.floor(random() * 6); // up to 5: past its 4
      const dot = places > 0 || random() < 0.1 ? '.' : '';
      const text = `${random() < 0.3 ? '-' : ''}${whole}${dot}${digitsOf(places)}`;
      if (!/\d/.test(text)) continue;
      const want = Number(new Big(text).times(10_000).round(0, Big.roundHalfUp).toFixed(0)) + 0;
      if (unitsOf(text) + 0 !== want) mismatches.push(`${text}: ${unitsOf(text)} ≠ ${want}`);
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
  });

  it.each(['', '-', '.', '-.', 'abc', '1.2.3'])('refuses %j, which is not an amount', (text) => {
    expect(() => unitsOf(text)).toThrow();
  });

  it('refuses an amount a double cannot hold exactly instead of rounding it', () => {
    expect(() => unitsOf('900719925474.0993')).toThrow(UnitsRangeError);
    expect(() => unitsOf('-1e12')).toThrow(/amount out of range/);
  });

  it.each([
    [12345600, 'USD', '1234.56'],
    [12345650, 'USD', '1234.57'], // half-up
    [12345649, 'USD', '1234.56'],
    [12345000, 'JPY', '1235'],
    [12345678, 'KWD', '1234.568'],
    [-5000, 'USD', '-0.50'],
    [-5050, 'USD', '-0.51'], // half away from zero
    [40, 'USD', '0.00'],
    [0, 'JPY', '0'],
    [Number.MAX_SAFE_INTEGER, 'USD', '900719925474.10'],
  ])('formatUnits(%s, %s) = %s', (units, currency, text) => {
    expect(formatUnits(units, currency)).toBe(text);
  });

  it('formats bigint totals beyond 2⁵³ exactly, and refuses a double total that has lost precision', () => {
    expect(formatUnits(123456789012345678901n, 'USD')).toBe('12345678901234567.89');
    expect(formatUnits(123456789012345678950n, 'USD')).toBe('12345678901234567.90');
    const drifted = Number.MAX_SAFE_INTEGER + 2;
    expect(() => formatUnits(drifted, 'IDR')).toThrow(UnitsRangeError);
  });

  it('converts to base exactly like big.js division, rounded half away from zero to the base currency’s minor unit', () => {
    const cases: [string, string][] = [
      ['300.00', '0.9'],
      ['500.00', '1.25'],
      ['100.00', '0.0066'],
      ['1234.5678', '0.9123456789'],
      ['0.01', '2'], // a tie: half a cent rounds away from zero
      ['-0.01', '2'],
      ['0.03', '2'],
      ['-0.03', '2'],
      ['412.73', '0.6543'], // 630.79627… → 630.80
      ['12345.6789', '16234.1234567891'],
      ['99999999999.9999', '0.0000000001'], // beyond 2⁵³ units after conversion
    ];
    // Random amounts and rates: the double path must agree with exact decimal division everywhere.
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    for (let i = 0; i < 2000; i++) {
      cases.push([(random() * 10 ** Math.floor(random() * 9)).toFixed(4), (random() * 100).toFixed(10)]);
    }
    for (const [base, dp] of [
      ['USD', 2],
      ['JPY', 0],
      ['KWD', 3],
    ] as const) {
      for (const [amount, rate] of cases) {
        const exact = toBase(dec(amount), rate).round(dp, Big.roundHalfUp).times(10_000);
        if (exact.abs().gt(Number.MAX_SAFE_INTEGER)) {
          expect(() => toBaseUnits(unitsOf(amount), rate, base)).toThrow(UnitsRangeError);
          continue;
        }
        expect(toBaseUnits(unitsOf(amount), rate, base), `${amount} ÷ ${rate} ${base}`).toBe(
          Number(exact.toFixed(0)),
        );
      }
    }
    expect(toBaseUnits(unitsOf('10'), null, 'USD')).toBe(100000);
    expect(toBaseUnits(unitsOf('10'), '0', 'USD')).toBe(100000);
    // Already in base currency: Xero's cents stay as they are; a fourth decimal is rounded like any other.
    expect(toBaseUnits(unitsOf('10.0049'), null, 'USD')).toBe(100000);
    expect(toBaseUnits(unitsOf('-10.005'), null, 'USD')).toBe(-100100);
    expect(toBaseUnits(unitsOf('1234.56'), null, 'JPY')).toBe(12350000);
  });

  it('rounds units to a currency’s minor unit, half away from zero', () => {
    expect(roundUnits(12345, 'USD')).toBe(12300);
    expect(roundUnits(12350, 'USD')).toBe(12400);
    expect(roundUnits(-12350, 'USD')).toBe(-12400);
    expect(roundUnits(-12349, 'USD')).toBe(-12300);
    expect(roundUnits(15000, 'JPY')).toBe(20000);
    expect(roundUnits(12345, 'KWD')).toBe(12350);
    expect(roundUnits(12345, 'CLF')).toBe(12345); // 4 dp: nothing to round
  });

  it('scales exactly on both paths (double below 2^29 units, bigint above)', () => {
    const reference = (u: number, f: number) =>
      Number(divRound(BigInt(u) * BigInt(Math.round(f * 2 ** 24)), 2n ** 24n));
    for (const f of [0, 0.37, 0.5, 1 + 47 / 90, 1.5, 2.999]) {
      for (const u of [1, 12345, 2 ** 29 - 1, 2 ** 29, 2 ** 40 + 7, -98765, -(2 ** 35) - 3]) {
        expect(scaleUnits(u, f)).toBe(reference(u, f));
      }
    }
  });

  it('scales by a probability and rounds', () => {
    expect(scaleUnits(10000, 0.5)).toBe(5000);
    expect(scaleUnits(3, 0.5)).toBe(2);
    expect(scaleUnits(-3, 0.5)).toBe(-2);
    expect(divRound(-3n, 2n)).toBe(-2n);
    expect(unitsToBig(12345).toString()).toBe('1.2345');
  });
});
