import type { Ledger } from '../domain/ledger.js';
import { LedgerBuilder, TEST_ORG_ID } from './ledger-builders.js';

/** The as-of day of `fxLedger` (a Monday; the surfaces tests' clock, SURFACES_NOW, is on it). */
export const FX_AS_OF = '2026-11-23';

/**
 * A New Zealand organisation owed in NZD, USD, AUD and GBP, for "every total equals the sum of the lines shown
 * beside it". The rates (Xero's: document units per base unit) give base amounts with third and fourth decimals
 * (412.73 USD ÷ 0.6543 = 630.7963 NZD), chosen so that the sum of the unrounded base amounts rounds to a
 * different cent than the sum of the rounded ones, customer by customer and bucket by bucket. Early Bird owes a
 * large amount that is not yet due: it scores higher than some customers with something overdue, but has
 * nothing to chase.
 */
export function fxLedger(orgId = TEST_ORG_ID): Ledger {
  const b = new LedgerBuilder({
    id: orgId,
    name: 'Harbour Fx Ltd',
    shortCode: '!fX01',
    baseCurrency: 'NZD',
  });
  const kiwi = b.contact({ name: 'Kiwi Foods', email: 'ap@kiwi.example' });
  const yankee = b.contact({ name: 'Yankee Traders', email: 'ap@yankee.example', defaultCurrency: 'USD' });
  const aussie = b.contact({ name: 'Aussie Mart', email: 'ap@aussie.example', defaultCurrency: 'AUD' });
  const brit = b.contact({ name: 'Britannia Tea', email: 'ap@brit.example', defaultCurrency: 'GBP' });
  const early = b.contact({ name: 'Early Bird Ltd', email: 'ap@early.example' });
  for (const [c, late] of [
    [kiwi, 3],
    [yankee, 30],
    [aussie, 12],
    [brit, 20],
    [early, 45],
  ] as const) {
    b.paidInvoice(c, '2026-03-01', late, { total: '400.00' });
    b.paidInvoice(c, '2026-05-01', late, { total: '400.00' });
  }
  const usd = { currency: 'USD', currencyRate: '0.6543' } as const;
  const aud = { currency: 'AUD', currencyRate: '0.9137' } as const;
  const gbp = { currency: 'GBP', currencyRate: '0.4871' } as const;

  b.invoice(kiwi, { number: 'K-1', date: '2026-10-01', dueDate: '2026-10-31', total: '1187.31' });
  b.invoice(kiwi, { number: 'K-2', date: '2026-11-20', dueDate: '2026-12-20', total: '310.45' });

  // USD: every base amount has a fraction of a cent of .55 or more.
  b.invoice(yankee, { number: 'Y-1', date: '2026-10-01', dueDate: '2026-10-31', total: '412.73', ...usd });
  b.invoice(yankee, { number: 'Y-2', date: '2026-10-05', dueDate: '2026-11-04', total: '450.30', ...usd });
  b.invoice(yankee, { number: 'Y-3', date: '2026-08-01', dueDate: '2026-08-31', total: '487.87', ...usd });
  b.invoice(yankee, { number: 'Y-4', date: '2026-07-01', dueDate: '2026-07-31', total: '525.42', ...usd });
  const y5 = b.invoice(yankee, {
    number: 'Y-5',
    date: '2026-09-15',
    dueDate: '2026-10-15',
    total: '1162.99',
    ...usd,
  });
  b.payment(y5, '2026-11-01', '600.00');
  b.invoice(yankee, { number: 'Y-6', date: '2026-11-10', dueDate: '2026-12-10', total: '337.61', ...usd });
  b.credit(yankee, { number: 'YC-1', date: '2026-11-02', total: '300.04', ...usd });

  b.invoice(aussie, { number: 'A-1', date: '2026-10-10', dueDate: '2026-11-09', total: '400.06', ...aud });
  b.invoice(aussie, { number: 'A-2', date: '2026-09-10', dueDate: '2026-10-10', total: '480.11', ...aud });
  b.invoice(aussie, { number: 'A-3', date: '2026-08-10', dueDate: '2026-09-09', total: '560.15', ...aud });
  b.invoice(aussie, { number: 'A-4', date: '2026-11-15', dueDate: '2026-12-15', total: '640.19', ...aud });

  b.invoice(brit, { number: 'B-1', date: '2026-10-12', dueDate: '2026-11-11', total: '350.00', ...gbp });
  b.invoice(brit, { number: 'B-2', date: '2026-09-12', dueDate: '2026-10-12', total: '466.68', ...gbp });

  b.invoice(early, { number: 'E-1', date: '2026-11-16', dueDate: '2026-12-16', total: '48000.00' });
  return b.build();
}
