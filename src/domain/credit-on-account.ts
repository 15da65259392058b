import type { IsoDate, Ledger, OrganisationProfile } from './ledger.js';
import type { Decimal } from './money.js';
import { fixedUnits, type Units } from './money-units.js';
import { indexLedger, unappliedCreditsAsOf } from './point-in-time.js';

/**
 * What a customer has on account and not yet applied to an invoice (credit notes, overpayments, prepayments),
 * per currency: a reminder says so, because a customer asked to pay while money of theirs sits unapplied pays
 * late, or pays twice. Amounts are in the credit's own currency and never netted against what is owed: applying
 * a credit is the organisation's act in Xero, not the reminder's arithmetic.
 */
export interface AccountCredit {
  readonly currency: string;
  /** Σ unapplied amounts in this currency as of the day (1/10⁴ scale, '200.0000'). */
  readonly amount: Decimal;
}

const NO_ORGANISATION: OrganisationProfile = {
  id: '',
  name: '',
  baseCurrency: '',
  timezone: 'UTC',
  shortCode: null,
  defaultSalesTerms: null,
};

/**
 * Unapplied credit per customer as of `asOf` (point-in-time: allocations and refunds dated after it do not count),
 * for the customers asked about only. Credits are indexed on their own (no invoices), so this costs one pass over
 * the settlements, not a second index of the ledger.
 */
export function creditsOnAccount(
  ledger: Pick<Ledger, 'credits' | 'settlements'>,
  asOf: IsoDate,
  contactIds: ReadonlySet<string>,
): Map<string, AccountCredit[]> {
  if (contactIds.size === 0 || ledger.credits.length === 0) return new Map();
  // Unapplied amounts are in each credit's own currency: the organisation (base currency) plays no part.
  const index = indexLedger({
    organisation: NO_ORGANISATION,
    contacts: [],
    invoices: [],
    credits: ledger.credits,
    settlements: ledger.settlements,
  });
  const byContact = new Map<string, Map<string, Units>>();
  for (const p of unappliedCreditsAsOf(index, asOf)) {
    const contactId = p.credit.contactId;
    if (!contactIds.has(contactId)) continue;
    const perCurrency = byContact.get(contactId) ?? new Map<string, Units>();
    perCurrency.set(p.credit.currency, (perCurrency.get(p.credit.currency) ?? 0) + p.unappliedUnits);
    byContact.set(contactId, perCurrency);
  }
  const out = new Map<string, AccountCredit[]>();
  for (const [contactId, perCurrency] of byContact) {
    out.set(
      contactId,
      [...perCurrency.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([currency, units]) => ({ currency, amount: fixedUnits(units) })),
    );
  }
  return out;
}

/** Two statements of the credit on account say the same (same currencies, same amounts). */
export function sameCredits(a: readonly AccountCredit[], b: readonly AccountCredit[]): boolean {
  if (a.length !== b.length) return false;
  return a.every(
    (x, i) => x.currency === b[i]?.currency && fixedAmount(x.amount) === fixedAmount(b[i]?.amount ?? ''),
  );
}

function fixedAmount(amount: Decimal): string {
  const [whole = '0', frac = ''] = amount.split('.');
  return `${whole.replace(/^0+(?=\d)/, '')}.${frac.padEnd(4, '0').slice(0, 4)}`;
}
