import { describe, expect, it } from 'vitest';
import { formatMoney, formatMoneyForTeam, formatRoundedAmount, minorUnits } from './money.js';
import { formatUnits, formatUnitsAsMoney, formatUnitsForTeam } from './money-units.js';

/** What Intl prints for an amount already rounded to the currency's minor unit: the reference. */
function intl(text: string, currency: string, locale: string): string {
  const dp = minorUnits(currency);
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency,
    minimumFractionDigits: dp,
    maximumFractionDigits: dp,
  }).format(Number(text));
}

// Locales with prefixed and suffixed symbols, non-breaking spaces, '.' and ' ' groups, lakh grouping (en-IN),
// a minimum of two grouping digits (es-ES) and non-ASCII digits (ar-EG).
const LOCALES = [
  'en',
  'en-NZ',
  'en-US',
  'en-GB',
  'en-IN',
  'de-DE',
  'fr-FR',
  'es-ES',
  'de-CH',
  'ar-EG',
  'ja-JP',
];
const CURRENCIES = ['NZD', 'AUD', 'USD', 'EUR', 'GBP', 'JPY', 'KWD', 'INR', 'CHF'];

describe('money for people', () => {
  it('prints exactly what Intl prints, for every locale and currency, across magnitudes and signs', () => {
    let seed = 11;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const units: number[] = [0, 1, -1, 49, 50, -50, 9_999, 10_000, 99_995_000, 10_000_000, -10_000_000];
    for (let i = 0; i < 400; i++) {
      const digits = 1 + Math.floor(random() * 15); // up to the safe-integer limit of 1/10⁴ units
      const v = Math.floor(random() * 10 ** digits);
      units.push(random() < 0.2 ? -v : v);
    }
    const mismatches: string[] = [];
    for (const locale of LOCALES) {
      for (const currency of CURRENCIES) {
        for (const u of units) {
          const text = formatUnits(u, currency);
          const got = formatUnitsAsMoney(u, currency, locale);
          const want = intl(text, currency, locale);
          if (got !== want) mismatches.push(`${locale} ${currency} ${text}: ${got} ≠ ${want}`);
        }
      }
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
  });

  it('keeps the sign of a negative zero from big.js, as Intl does', () => {
    expect(formatMoney('-0.001', 'NZD')).toBe(intl('-0.00', 'NZD', 'en'));
    expect(formatMoney('-0.001', 'NZD')).toBe('-NZ$0.00');
  });

  it('prints the familiar forms', () => {
    expect(formatUnitsAsMoney(12_345_678_900, 'NZD', 'en')).toBe('NZ$1,234,567.89');
    expect(formatUnitsAsMoney(-12_345_678_900, 'USD', 'en-US')).toBe('-$1,234,567.89');
    expect(formatUnitsAsMoney(12_345_678_900, 'EUR', 'de-DE')).toBe('1.234.567,89\u00a0€');
    expect(formatUnitsAsMoney(12_345_678_900, 'INR', 'en-IN')).toBe('₹12,34,567.89');
    expect(formatUnitsAsMoney(12_345_000, 'JPY', 'ja-JP')).toBe('￥1,235');
    expect(formatRoundedAmount('1234.500', 'KWD', 'en')).toBe('KWD\u00a01,234.500');
  });

  it('leaves text that is not a plain decimal to Intl', () => {
    expect(formatRoundedAmount('1e21', 'NZD', 'en')).toBe(intl('1e21', 'NZD', 'en'));
    expect(formatRoundedAmount('123456789012345678.00', 'NZD', 'en')).toBe(
      intl('123456789012345678.00', 'NZD', 'en'),
    );
  });

  it.each([
    ['USD', '1234.5', 'US$1,234.50'],
    ['NZD', '1234.5', 'NZ$1,234.50'],
    ['AUD', '1234.5', 'A$1,234.50'],
    ['CAD', '1234.5', 'CA$1,234.50'],
    ['GBP', '1234.5', '£1,234.50'],
    ['EUR', '1234.5', '€1,234.50'],
    ['SGD', '1234.5', 'SGD\u00a01,234.50'],
    ['JPY', '1234.5', '¥1,235'],
    ['USD', '-0.5', '-US$0.50'],
    ['USD', '123456789012345678.00', 'US$123,456,789,012,345,680.00'],
  ])('for the team (Slack, CLI) %s %s is %s: never a bare $', (currency, amount, text) => {
    expect(formatMoneyForTeam(amount, currency)).toBe(text);
  });

  it('never prints a bare $ for the team, and prints what en prints for every other currency', () => {
    const bareDollar = /(^|[^A-Z])\$/;
    const bare: string[] = [];
    for (const currency of Intl.supportedValuesOf('currency')) {
      const en = formatUnitsAsMoney(12_345_600, currency, 'en');
      const team = formatUnitsForTeam(12_345_600, currency);
      if (bareDollar.test(team)) bare.push(`${currency}: ${team}`);
      if (!bareDollar.test(en)) expect(team, currency).toBe(en);
    }
    expect(bare).toEqual([]);
  });
});
