import { Big, type Decimal, formatRoundedAmount, formatRoundedAmountForTeam, minorUnits } from './money.js';

/**
 * Exact integer money for hot loops: 1 unit = 1/10⁴ of a currency unit (the database's numeric(19,4) scale),
 * held in a double. Every integer below 2⁵³ is exact in a double, and so are sums and differences that stay
 * below it: 2⁵³ units is about 900 billion currency units, far beyond any single Xero document. Amounts of a
 * few hundred thousand are small integers V8 keeps unboxed, so scoring 100k invoices allocates nothing for
 * its money (bigint did: one heap object per addition). Where a product or a total could pass 2⁵³, the
 * functions here take an exact bigint path; a total that leaves the safe range is refused when it is printed
 * rather than printed wrong (UnitsRangeError).
 */
export type Units = number;

export const UNIT_DP = 4;
const SCALE = 10_000;
/** Xero currency rates are stored as numeric(28,10). */
const RATE_DP = 10;
const RATE_SCALE = 10 ** RATE_DP;
const RATE_SCALE_BIG = 10n ** BigInt(RATE_DP);

/** A money figure outside what a double holds exactly (about ±900 billion currency units). */
export class UnitsRangeError extends RangeError {
  readonly code = 'AMOUNT_OUT_OF_RANGE';
  constructor(what: string) {
    super(`amount out of range: ${what} (limit ±${Number.MAX_SAFE_INTEGER / SCALE} currency units)`);
    this.name = 'UnitsRangeError';
  }
}

function checked(value: number, what: () => string): Units {
  if (!Number.isSafeInteger(value)) throw new UnitsRangeError(what());
  return value;
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?$/;

/** Parses a fixed-point decimal string into an integer scaled by 10^dp, rounding half-up (away from zero). */
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

const FRACTION_SCALE = [1, 1_000, 100, 10, 1];

export function unitsOf(value: Decimal): Units {
  const plain = plainUnits(value);
  if (!Number.isNaN(plain)) return plain;
  const n = parseScaled(value, UNIT_DP);
  return checked(Number(n), () => `'${value}'`);
}

/**
 * What the database and Xero hand us ('1234.5600', '-12.5', '.5'), read digit by digit: an optional '-', at most
 * 11 whole digits and 4 places, at least one digit. The integer is then below 10¹⁵ < 2⁵³, so the sums are exact.
 * NaN for anything else (signs, spaces, exponents, more digits), which parseScaled reads. Scoring parses 400k
 * amounts a run; a regular expression and two substrings each were a twentieth of it.
 */
function plainUnits(value: string): number {
  const length = value.length;
  const negative = length > 0 && value.charCodeAt(0) === 45; // '-'
  let i = negative ? 1 : 0;
  let whole = 0;
  const wholeStart = i;
  for (; i < length; i++) {
    const d = value.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    whole = whole * 10 + d;
  }
  const wholeDigits = i - wholeStart;
  if (wholeDigits > 11) return Number.NaN;
  let fraction = 0;
  let places = 0;
  if (i < length) {
    if (value.charCodeAt(i) !== 46) return Number.NaN; // '.'
    for (i++; i < length; i++) {
      const d = value.charCodeAt(i) - 48;
      if (d < 0 || d > 9 || places === UNIT_DP) return Number.NaN;
      fraction = fraction * 10 + d;
      places++;
    }
  }
  if (wholeDigits + places === 0) return Number.NaN;
  const units = whole * SCALE + fraction * FRACTION_SCALE[places]!;
  return negative ? -units : units;
}

export function unitsFromBig(value: Big): Units {
  return checked(Number(value.times(SCALE).toFixed(0)), () => value.toString());
}

export function unitsToBig(units: Units | bigint): Big {
  return new Big(units.toString()).div(SCALE);
}

/** A statistic's view of an amount (ratios, weights): never used for money arithmetic. */
export function unitsToNumber(units: Units): number {
  return units / SCALE;
}

/** Integer division rounding half away from zero. */
export function divRound(n: bigint, d: bigint): bigint {
  if (d < 0n) return divRound(-n, -d);
  const q = n / d;
  const r = n % d;
  if (r === 0n) return q;
  return 2n * (r < 0n ? -r : r) >= d ? q + (n < 0n ? -1n : 1n) : q;
}

/** Rounds half away from zero a double known to be within a few ulps of the exact quotient, or null if that is too close to call. */
function roundNear(x: number, tolerance: number): number | null {
  const a = Math.abs(x);
  const fraction = a - Math.floor(a);
  if (Math.abs(fraction - 0.5) <= tolerance) return null;
  const r = fraction > 0.5 ? Math.ceil(a) : Math.floor(a);
  return x < 0 ? -r : r;
}

const rateCache = new Map<string, { scaled: bigint; value: number }>();

/** Units per minor unit of a currency: 100 for a cent (2 dp), 10,000 for JPY (0 dp), 1 beyond 4 dp. */
function minorStep(currency: string): number {
  return 10 ** (UNIT_DP - Math.min(minorUnits(currency), UNIT_DP));
}

/**
 * Rounded half away from zero to the currency's minor unit (a cent): what a line is printed as. A figure derived
 * per line (cash at risk = amount × risk) is rounded so, and its total is the sum of these, never the rounding
 * of an unrounded sum, which can differ from the lines printed beside it by a cent.
 */
export function roundUnits(units: Units, currency: string): Units {
  const step = minorStep(currency);
  const r = units % step;
  if (r === 0) return units;
  let q = (units - r) / step;
  if (2 * Math.abs(r) >= step) q += units < 0 ? -1 : 1;
  return checked(q * step, () => `${units / SCALE} ${currency}`);
}

/**
 * A document's amount in base-currency units: amount ÷ currency rate (Xero's convention), rounded half away from
 * zero to the base currency's minor unit, per document; no or zero rate = already base (rounded the same way,
 * which leaves Xero's amounts as they are). Why per document and to the cent: Xero itself stores a document's
 * base amounts rounded, so these are Xero's figures; and every total we print (ageing buckets, a customer's
 * balance, the digest's total overdue, the KPIs) is then an exact sum of cents, equal to the sum of the lines
 * printed beside it. Converted at 4 dp and rounded only when printed, three invoices of 630.7963 each printed
 * 630.80 but totalled 1,892.39.
 *
 * The quotient is taken in doubles and kept when it is clearly not a tie (the double is within 4 ulps of the
 * exact quotient); a near-tie is settled exactly in bigint.
 */
export function toBaseUnits(
  units: Units,
  currencyRate: Decimal | null | undefined,
  baseCurrency: string,
): Units {
  if (!currencyRate) return roundUnits(units, baseCurrency);
  let rate = rateCache.get(currencyRate);
  if (rate === undefined) {
    const scaled = parseScaled(currencyRate, RATE_DP);
    rate = { scaled, value: Number(scaled) / RATE_SCALE };
    if (rateCache.size > 10_000) rateCache.clear();
    rateCache.set(currencyRate, rate);
  }
  if (rate.scaled === 0n) return roundUnits(units, baseCurrency);
  const step = minorStep(baseCurrency);
  const x = units / rate.value / step;
  const fast = Number.isFinite(x) ? roundNear(x, Math.abs(x) * 1e-15 + 1e-9) : null;
  // + 0: a negative amount that rounds to nothing is 0, not -0.
  if (fast !== null && Number.isSafeInteger(fast * step)) return fast * step + 0;
  const exact = divRound(BigInt(units) * RATE_SCALE_BIG, rate.scaled * BigInt(step)) * BigInt(step);
  return checked(Number(exact), () => `${units} ÷ ${currencyRate}`);
}

/** Factors are quantised to 2⁻²⁴ (≈ 6e-8): dividing by a power of two is exact in a double. */
const FACTOR_BITS = 24;
const FACTOR_SCALE = 2 ** FACTOR_BITS;
const FACTOR_SCALE_BIG = BigInt(FACTOR_SCALE);
/** |units| below 2²⁹ (≈ 53,687 currency units) times a factor below 2⁴·2²⁴ stays under 2⁵³: exact in a double. */
const SMALL = 2 ** 29;

/** units × factor for a probability or weight 0 ≤ factor < 16, rounded half away from zero; exact integer maths. */
export function scaleUnits(units: Units, factor: number): Units {
  const q = Math.round(factor * FACTOR_SCALE);
  if (units < SMALL && units > -SMALL && q < 2 ** 28) {
    const scaled = (units * q) / FACTOR_SCALE; // exact: a power-of-two division of an integer < 2⁵³
    return scaled < 0 ? -Math.floor(-scaled + 0.5) : Math.floor(scaled + 0.5);
  }
  const exact = divRound(BigInt(units) * BigInt(q), FACTOR_SCALE_BIG);
  return checked(Number(exact), () => `${units} × ${factor}`);
}

const DIVISORS = [10_000n, 1_000n, 100n, 10n, 1n];
const NUMBER_DIVISORS = [10_000, 1_000, 100, 10, 1];

const POWERS = [1, 10, 100, 1_000, 10_000];
const FRACTIONS: string[][] = [];

/** '05' for 5 cents: a table per scale, so printing 100k amounts builds no padded strings. */
function fractionDigits(dp: number, n: number): string {
  let table = FRACTIONS[dp];
  if (!table) {
    table = Array.from({ length: POWERS[dp]! }, (_, i) => String(i).padStart(dp, '0'));
    FRACTIONS[dp] = table;
  }
  return table[n]!;
}

function digitsText(magnitude: string, dp: number, negative: boolean): string {
  const digits = magnitude.padStart(dp + 1, '0');
  const text = dp === 0 ? digits : `${digits.slice(0, -dp)}.${digits.slice(-dp)}`;
  return negative ? `-${text}` : text;
}

/**
 * Rounded half-up to the currency's minor unit and printed at that scale ('1234.50', JPY '1235'). A total
 * held as a double that is no longer a safe integer has lost cents on the way: refused, never printed.
 */
export function formatUnits(units: Units | bigint, currency: string): Decimal {
  const dp = Math.min(minorUnits(currency), UNIT_DP);
  if (typeof units === 'number') {
    const v = checked(units, () => `a total of ${units / SCALE} ${currency}`);
    // Integers below 2⁵³ are exact in a double, and so are %, subtraction and an exact division.
    const d = NUMBER_DIVISORS[dp]!;
    const r = v % d;
    let q = (v - r) / d;
    if (2 * Math.abs(r) >= d) q += v < 0 ? -1 : 1;
    const negative = q < 0;
    const magnitude = negative ? -q : q;
    if (dp === 0) return negative ? `-${magnitude}` : String(magnitude);
    const whole = (magnitude - (magnitude % POWERS[dp]!)) / POWERS[dp]!;
    const text = `${whole}.${fractionDigits(dp, magnitude % POWERS[dp]!)}`;
    return negative ? `-${text}` : text;
  }
  const rounded = divRound(units, DIVISORS[dp]!);
  const negative = rounded < 0n;
  return digitsText((negative ? -rounded : rounded).toString(), dp, negative);
}

/**
 * A base-currency amount printed like `formatUnits`, reusing `printed` (the document amount's text) when the
 * document is in base currency: 100k report rows then hold one string for both figures, not two equal ones.
 */
export function formatBaseUnits(
  baseUnits: Units,
  baseCurrency: string,
  units: Units,
  currency: string,
  printed: Decimal,
): Decimal {
  return baseUnits === units && currency === baseCurrency ? printed : formatUnits(baseUnits, baseCurrency);
}

/** For people ('$1,234.50'), from exact units: no big.js on the way. */
export function formatUnitsAsMoney(units: Units, currency: string, locale = 'en'): string {
  return formatRoundedAmount(formatUnits(units, currency), currency, locale);
}

/** For the team ('US$1,234.50', 'NZ$1,234.50': formatMoneyForTeam), from exact units. */
export function formatUnitsForTeam(units: Units, currency: string): string {
  return formatRoundedAmountForTeam(formatUnits(units, currency), currency);
}

/** At the full 1/10⁴ scale, as the database stores it and money.ts's toDecimal prints it ('1234.5000'). */
export function fixedUnits(units: Units): Decimal {
  const v = checked(units, () => `a total of ${units / SCALE}`);
  return digitsText(String(v < 0 ? -v : v), UNIT_DP, v < 0);
}

export const ZERO_UNITS: Units = 0;
export { SCALE as UNIT_SCALE };
