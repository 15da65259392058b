import Big from 'big.js';

/**
 * Money is a decimal string in the database and in domain values ('1234.5600'), Big in arithmetic, never a
 * float. Currency minor units vary (JPY 0, KWD 3), so rounding takes the currency.
 */
export type Decimal = string;

export { Big };

// Big's defaults: 20 dp for division, half-up rounding. Money needs no more.
Big.DP = 20;
Big.RM = Big.roundHalfUp;

export const ZERO = new Big(0);

export function dec(value: Decimal | number | Big): Big {
  if (value instanceof Big) return value;
  // Xero sends doubles; String(n) round-trips every amount up to 15 significant digits.
  return new Big(typeof value === 'number' ? String(value) : value);
}

export function sum(values: Iterable<Decimal | Big>): Big {
  let total = ZERO;
  for (const v of values) total = total.plus(dec(v));
  return total;
}

const MINOR_UNITS_CACHE = new Map<string, number>();

/** ISO 4217 minor units via Intl (JPY → 0, KWD → 3, unknown → 2). */
export function minorUnits(currency: string): number {
  const cached = MINOR_UNITS_CACHE.get(currency);
  if (cached !== undefined) return cached;
  const code = currency.toUpperCase();
  let n = MINOR_UNITS_CACHE.get(code);
  if (n === undefined) {
    try {
      n =
        new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions()
          .maximumFractionDigits ?? 2;
    } catch {
      n = 2;
    }
    MINOR_UNITS_CACHE.set(code, n);
  }
  MINOR_UNITS_CACHE.set(currency, n);
  return n;
}

export function roundMoney(value: Big, currency: string): Big {
  return value.round(minorUnits(currency), Big.roundHalfUp);
}

/** Fixed-scale string for storage and comparison ('1234.5000'). */
export function toDecimal(value: Big, dp = 4): Decimal {
  return value.toFixed(dp);
}

/**
 * Xero's CurrencyRate is units of document currency per one unit of base currency
 * (base amount = document amount ÷ rate). A missing or zero rate means the document is in base currency.
 */
export function toBase(amount: Big, currencyRate: Decimal | null | undefined): Big {
  if (!currencyRate) return amount;
  const rate = dec(currencyRate);
  return rate.eq(0) ? amount : amount.div(rate);
}

// Building an Intl.NumberFormat costs ~20 µs; a digest formats thousands of amounts.
const FORMAT_CACHE = new Map<string, Intl.NumberFormat>();

export function formatMoney(value: Big | Decimal, currency: string, locale = 'en'): string {
  return formatRoundedAmount(Number(dec(value).toFixed(minorUnits(currency))), currency, locale);
}

/** `amount` already rounded to the currency's minor unit (a decimal string from formatUnits, as a number). */
export function formatRoundedAmount(amount: number, currency: string, locale = 'en'): string {
  const dp = minorUnits(currency);
  const key = `${locale}\u0000${currency}`;
  let format = FORMAT_CACHE.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, {
      style: 'currency',
      currency,
      minimumFractionDigits: dp,
      maximumFractionDigits: dp,
    });
    FORMAT_CACHE.set(key, format);
  }
  return format.format(amount);
}

export function isPositive(value: Big | Decimal): boolean {
  return dec(value).gt(0);
}
