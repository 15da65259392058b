import { addDays } from '../domain/calendar.js';
import {
  buildCollectionsReport,
  type CollectionsReport,
  type PeriodKind,
} from '../domain/collections-report.js';
import type { Ledger } from '../domain/ledger.js';
import { LedgerBuilder } from './ledger-builders.js';

export const REPORT_AS_OF = '2026-11-23';

/**
 * A ledger of `customers` customers (names with Slack's and XML's control characters among them), each with an
 * invoice a week apart going back a year, half of them paid late, so every ageing bucket and every period has
 * figures.
 */
export function reportLedger(customers = 40): Ledger {
  const b = new LedgerBuilder({
    name: 'Demo <Trading> & Co',
    timezone: 'Pacific/Auckland',
    baseCurrency: 'NZD',
  });
  for (let i = 0; i < customers; i++) {
    const c = b.contact({ name: i === 0 ? 'Acme & <Sons> "Ltd"' : `Customer ${String(i).padStart(5, '0')}` });
    const date = addDays(REPORT_AS_OF, -((i * 7) % 360) - 10);
    const inv = b.invoice(c, { date, dueInDays: 20, total: `${(100 + ((i * 37) % 900)).toFixed(2)}` });
    if (i % 2 === 1) b.payment(inv, addDays(date, 20 + (i % 45)), inv.total);
  }
  return b.build();
}

export function sampleReport(
  periodKind: PeriodKind = 'week',
  ledger: Ledger = reportLedger(),
): CollectionsReport {
  return buildCollectionsReport(
    {
      ledger,
      reminders: [],
      promises: [],
      disputes: [],
      grace: {
        graceBusinessDays: 2,
        calendar: { weekdays: [1, 2, 3, 4, 5], country: null, extraHolidays: [] },
      },
    },
    { asOf: REPORT_AS_OF, periodKind },
  );
}
