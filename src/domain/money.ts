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

export function formatMoney(value: Big | Decimal, currency: string, locale = 'en'): string {
  return formatRoundedAmount(dec(value).toFixed(minorUnits(currency)), currency, locale);
}

/**
 * Money for the team (Slack, the CLI, reasons and notes they read), where one message can hold several
 * currencies: 'en' (NZ$, A$, CA$, £, €, `SGD 1.00`), except that no currency is written as a bare `$`: 'en' writes
 * USD so, and a US$ beside NZ$ reads as ambiguous. USD becomes `US$`, any other bare `$` its ISO code. What goes to
 * customers (emails, drafts) keeps the organisation's own locale: formatMoney.
 */
export function formatMoneyForTeam(value: Big | Decimal, currency: string): string {
  return formatRoundedAmountForTeam(dec(value).toFixed(minorUnits(currency)), currency);
}

/**
 * How Intl prints one locale's amounts in one currency, learnt once so that plain amounts can be assembled
 * without Intl: the priority list prints 40k amounts per run, and Intl.NumberFormat#format was a tenth of it.
 */
interface MoneyPattern {
  /** Intl's own output, the reference (and the fallback when `plain` is null). */
  readonly format: (amount: number) => string;
  readonly dp: number;
  /** Null when the locale's output is not plain ASCII digits grouped by threes (Intl prints every amount). */
  readonly plain: {
    readonly prefix: string;
    readonly suffix: string;
    readonly negativePrefix: string;
    readonly negativeSuffix: string;
    readonly group: string;
    readonly decimal: string;
  } | null;
}

// Building an Intl.NumberFormat costs ~20 µs; a digest formats thousands of amounts.
const FORMAT_CACHE = new Map<string, MoneyPattern>();
/** Up to 15 significant digits a double holds every minor unit exactly; beyond that Intl's rounding rules. */
const EXACT_DIGITS = 15;
const PLAIN_DECIMAL = /^-?\d+(\.\d+)?$/;

/** `text` is a plain decimal already rounded to the currency's minor unit ('-1234.50', from formatUnits). */
export function formatRoundedAmount(text: Decimal, currency: string, locale = 'en'): string {
  return formatWith(`${locale}\u0000${currency}`, text, () => learnPattern(locale, currency, null));
}

/** formatRoundedAmount in the team's notation (formatMoneyForTeam). */
export function formatRoundedAmountForTeam(text: Decimal, currency: string): string {
  return formatWith(`\u0000team\u0000${currency}`, text, () =>
    learnPattern('en', currency, (symbol) =>
      symbol === '$' ? (currency === 'USD' ? 'US$' : `${currency}\u00a0`) : symbol,
    ),
  );
}

function formatWith(key: string, text: Decimal, learn: () => MoneyPattern): string {
  let pattern = FORMAT_CACHE.get(key);
  if (!pattern) {
    pattern = learn();
    FORMAT_CACHE.set(key, pattern);
  }
  return (pattern.plain && assemble(pattern, text)) ?? pattern.format(Number(text));
}

/** `symbolFor` rewrites the currency symbol Intl prints (the team's notation); null keeps Intl's. */
function learnPattern(
  locale: string,
  currency: string,
  symbolFor: ((symbol: string) => string) | null,
): MoneyPattern {
  const dp = minorUnits(currency);
  const intl = new Intl.NumberFormat(locale, {
    style: 'currency',
    currency,
    minimumFractionDigits: dp,
    maximumFractionDigits: dp,
  });
  const partsOf = (amount: number) =>
    symbolFor
      ? intl
          .formatToParts(amount)
          .map((x) => (x.type === 'currency' ? { ...x, value: symbolFor(x.value) } : x))
      : intl.formatToParts(amount);
  const format = symbolFor
    ? (amount: number) =>
        partsOf(amount)
          .map((x) => x.value)
          .join('')
    : (amount: number) => intl.format(amount);
  const affixes = (amount: number) => {
    const parts = partsOf(amount);
    const first = parts.findIndex((x) => x.type === 'integer');
    let last = -1;
    parts.forEach((x, i) => {
      if (x.type === 'integer' || x.type === 'fraction' || x.type === 'decimal' || x.type === 'group')
        last = i;
    });
    const join = (from: number, to: number) =>
      parts
        .slice(from, to)
        .map((x) => x.value)
        .join('');
    return {
      prefix: join(0, first),
      suffix: join(last + 1, parts.length),
      group: parts.find((x) => x.type === 'group')?.value ?? null,
      decimal: parts.find((x) => x.type === 'decimal')?.value ?? null,
    };
  };
  const positive = affixes(1234567.5);
  const negative = affixes(-1234567.5);
  const candidate: MoneyPattern = {
    format,
    dp,
    plain:
      positive.group === null || (dp > 0 && positive.decimal === null)
        ? null
        : {
            prefix: positive.prefix,
            suffix: positive.suffix,
            negativePrefix: negative.prefix,
            negativeSuffix: negative.suffix,
            group: positive.group,
            decimal: positive.decimal ?? '',
          },
  };
  // Trusted only if it prints what Intl prints, grouping thresholds and digits included.
  const probes = [0, 1, 12, 999, 1000, 9999, 10000, 123456, 1234567, 1000000000, 987654321012];
  const agrees = probes.every((whole) =>
    [whole, -whole - 1].every((v) => {
      const text = (v + (dp > 0 ? Math.sign(v || 1) * 0.5 : 0)).toFixed(dp);
      return assemble(candidate, text) === format(Number(text));
    }),
  );
  return agrees ? candidate : { format, dp, plain: null };
}

function assemble(pattern: MoneyPattern, text: string): string | null {
  const plain = pattern.plain;
  if (!plain) return null;
  const negative = text.charCodeAt(0) === 45; // '-'
  const dot = text.indexOf('.');
  const start = negative ? 1 : 0;
  const end = dot === -1 ? text.length : dot;
  const fraction = dot === -1 ? '' : text.slice(dot + 1);
  if (end - start > EXACT_DIGITS - pattern.dp || fraction.length !== pattern.dp) return null;
  if (!PLAIN_DECIMAL.test(text)) return null;
  let whole = '';
  for (let i = start; i < end; i++) {
    if (i > start && (end - i) % 3 === 0) whole += plain.group;
    whole += text[i];
  }
  const body = pattern.dp > 0 ? `${whole}${plain.decimal}${fraction}` : whole;
  // Intl prints a negative zero ('-0.00', as big.js rounds -0.001) with its sign, and so does this.
  return negative
    ? `${plain.negativePrefix}${body}${plain.negativeSuffix}`
    : `${plain.prefix}${body}${plain.suffix}`;
}

export function isPositive(value: Big | Decimal): boolean {
  return dec(value).gt(0);
}
