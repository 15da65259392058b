import { Big, type Decimal, minorUnits } from './money.js';

/**
 * Exact integer money for hot loops: 1 unit = 1/10⁴ of a currency unit (the database's numeric(19,4) scale),
 * held in a bigint. Scoring 100k invoices with big.js objects spends most of its time allocating; bigint
 * addition is exact and cheap. Values enter from decimal strings and leave as decimal strings or Big.
 */
export type Units = bigint;

export const UNIT_DP = 4;
const SCALE = 10_000n;
/** Xero currency rates are stored as numeric(28,10). */
const RATE_DP = 10;
const RATE_SCALE = 10n ** BigInt(RATE_DP);

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?$/;

/** Parses a fixed-point decimal string, rounding half-up (away from zero) beyond `dp` places. */
function parseScaled(value: string, dp: number): bigint {
  const m = DECIMAL.exec(value.trim());
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) {
    // Exponent notation and the like: let Big parse it.
    return BigInt(new Big(value).times(new Big(10).pow(dp)).toFixed(0));
  }
  const negative = m[1] === '-';
  const whole = m[2] || '0';
  const frac = m[3] ?? '';
  let n = BigInt(whole + frac.slice(0, dp).padEnd(dp, '0'));
  if (frac.length > dp && frac.charCodeAt(dp) >= 53 /* '5' */) n += 1n;
  return negative ? -n : n;
}

const PLAIN = /^-?\d+(\.\d{0,4})?$/;

export function unitsOf(value: Decimal): Units {
  // Fast path for what the database and Xero hand us ('1234.5600', '-12.5'): digits, at most 4 places.
  if (PLAIN.test(value)) {
    const dot = value.indexOf('.');
    if (dot < 0) return BigInt(value) * SCALE;
    return BigInt(value.slice(0, dot) + value.slice(dot + 1).padEnd(UNIT_DP, '0'));
  }
  return parseScaled(value, UNIT_DP);
}

export function unitsFromBig(value: Big): Units {
  return BigInt(value.times(10_000).toFixed(0));
}

export function unitsToBig(units: Units): Big {
  return new Big(units.toString()).div(10_000);
}

/** A statistic's view of an amount (ratios, weights): never used for money arithmetic. */
export function unitsToNumber(units: Units): number {
  return Number(units) / 10_000;
}

/** Integer division rounding half away from zero. */
export function divRound(n: bigint, d: bigint): bigint {
  if (d < 0n) return divRound(-n, -d);
  const q = n / d;
  const r = n % d;
  if (r === 0n) return q;
  return 2n * (r < 0n ? -r : r) >= d ? q + (n < 0n ? -1n : 1n) : q;
}

const rateCache = new Map<string, bigint>();

/** Base-currency units: amount ÷ currency rate (Xero's convention); no or zero rate = already base. */
export function toBaseUnits(units: Units, currencyRate: Decimal | null | undefined): Units {
  if (!currencyRate) return units;
  let rate = rateCache.get(currencyRate);
  if (rate === undefined) {
    rate = parseScaled(currencyRate, RATE_DP);
    if (rateCache.size > 10_000) rateCache.clear();
    rateCache.set(currencyRate, rate);
  }
  return rate === 0n ? units : divRound(units * RATE_SCALE, rate);
}

/** Factors are quantised to 2⁻²⁴ (≈ 6e-8): dividing by a power of two is exact in a double. */
const FACTOR_BITS = 24;
const FACTOR_SCALE = 2 ** FACTOR_BITS;
const FACTOR_SCALE_BIG = BigInt(FACTOR_SCALE);
/** |units| below 2²⁹ (≈ 53,687 currency units) times a factor below 2⁴·2²⁴ stays under 2⁵³: exact in a double. */
const SMALL = 2n ** 29n;

/** units × factor for a probability or weight 0 ≤ factor < 16, rounded half away from zero; exact integer maths. */
export function scaleUnits(units: Units, factor: number): Units {
  const q = Math.round(factor * FACTOR_SCALE);
  if (units < SMALL && units > -SMALL && q < 2 ** 28) {
    const scaled = (Number(units) * q) / FACTOR_SCALE; // exact: a power-of-two division of an integer < 2⁵³
    return BigInt(scaled < 0 ? -Math.floor(-scaled + 0.5) : Math.floor(scaled + 0.5));
  }
  return divRound(units * BigInt(q), FACTOR_SCALE_BIG);
}

const DIVISORS = [10_000n, 1_000n, 100n, 10n, 1n];
const NUMBER_DIVISORS = [10_000, 1_000, 100, 10, 1];
const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function digitsText(magnitude: string, dp: number, negative: boolean): string {
  const digits = magnitude.padStart(dp + 1, '0');
  const text = dp === 0 ? digits : `${digits.slice(0, -dp)}.${digits.slice(-dp)}`;
  return negative ? `-${text}` : text;
}

/** Rounded half-up to the currency's minor unit and printed at that scale ('1234.50', JPY '1235'). */
export function formatUnits(units: Units, currency: string): Decimal {
  const dp = Math.min(minorUnits(currency), UNIT_DP);
  if (units <= SAFE && units >= -SAFE) {
    // Integers below 2⁵³ are exact in a double, and so are %, subtraction and an exact division.
    const v = Number(units);
    const d = NUMBER_DIVISORS[dp]!;
    const r = v % d;
    let q = (v - r) / d;
    if (2 * Math.abs(r) >= d) q += v < 0 ? -1 : 1;
    const negative = q < 0;
    return digitsText(String(negative ? -q : q), dp, negative);
  }
  const rounded = divRound(units, DIVISORS[dp]!);
  const negative = rounded < 0n;
  return digitsText((negative ? -rounded : rounded).toString(), dp, negative);
}

export const ZERO_UNITS: Units = 0n;
export { SCALE as UNIT_SCALE };
