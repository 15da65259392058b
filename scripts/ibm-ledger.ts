/**
 * Maps IBM's public "late payment histories" sample (src/testing/fixtures/ar-history-ibm.csv) to a Ledger, the way the
 * data README says to load it into a Xero organisation: one contact per customerID, one AUTHORISED/PAID ACCREC
 * invoice per row with its own due date, one payment of the full amount dated SettledDate. `Disputed` is
 * dropped: it is only known after the fact. Used by calibration and benchmarking scripts only, never by scoring.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Contact, Invoice, Ledger, Settlement } from '../src/domain/ledger.js';
import { fixturePath } from '../src/testing/fixtures.js';

export const IBM_ORG_ID = '00000000-0000-4000-8000-000000000001';

function isoFromUs(value: string): string {
  const [m, d, y] = value.split('/').map(Number);
  if (!m || !d || !y) throw new Error(`bad date '${value}'`);
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

export function ibmLedgerFromCsv(text: string): Ledger {
  const [header, ...lines] = text.trim().split(/\r?\n/);
  const cols = header!.split(',');
  const at = (name: string) => {
    const i = cols.indexOf(name);
    if (i < 0) throw new Error(`column ${name} missing`);
    return i;
  };
  const c = {
    customer: at('customerID'),
    number: at('invoiceNumber'),
    date: at('InvoiceDate'),
    due: at('DueDate'),
    amount: at('InvoiceAmount'),
    settled: at('SettledDate'),
  };
  const contacts = new Map<string, Contact>();
  const invoices: Invoice[] = [];
  const settlements: Settlement[] = [];
  for (const line of lines) {
    const f = line.split(',');
    const customer = f[c.customer]!;
    if (!contacts.has(customer)) {
      contacts.set(customer, {
        id: customer,
        name: `Customer ${customer}`,
        status: 'ACTIVE',
        accountNumber: customer,
        contactNumber: null,
        email: null,
        firstName: null,
        lastName: null,
        persons: [],
        phones: [],
        groups: [],
        salesTerms: { day: 30, type: 'DAYSAFTERBILLDATE' },
        defaultCurrency: 'USD',
        mergedToContactId: null,
      });
    }
    const id = `inv-${f[c.number]}`;
    const settledOn = isoFromUs(f[c.settled]!);
    const amount = f[c.amount]!;
    invoices.push({
      id,
      number: f[c.number]!,
      reference: null,
      contactId: customer,
      status: 'PAID',
      date: isoFromUs(f[c.date]!),
      dueDate: isoFromUs(f[c.due]!),
      currency: 'USD',
      currencyRate: null,
      total: amount,
      amountDue: '0',
      amountPaid: amount,
      amountCredited: '0',
      fullyPaidOnDate: settledOn,
      expectedPaymentDate: null,
      sentToContact: true,
      updatedAt: new Date(`${settledOn}T00:00:00Z`),
    });
    settlements.push({
      id: `pay-${f[c.number]}`,
      invoiceId: id,
      kind: 'payment',
      sourceId: null,
      date: settledOn,
      amount,
      currencyRate: null,
    });
  }
  return {
    organisation: {
      id: IBM_ORG_ID,
      name: 'IBM sample (public)',
      baseCurrency: 'USD',
      timezone: 'UTC',
      shortCode: null,
      defaultSalesTerms: { day: 30, type: 'DAYSAFTERBILLDATE' },
    },
    contacts: [...contacts.values()],
    invoices,
    settlements,
    credits: [],
  };
}

/** `--csv PATH`, else the copy kept in the repository (src/testing/fixtures/ar-history-ibm.csv). */
export function resolveIbmCsv(argv: readonly string[]): string {
  const i = argv.indexOf('--csv');
  if (i >= 0) {
    const p = argv[i + 1];
    if (!p) throw new Error('--csv needs a path');
    return resolve(p);
  }
  return fixturePath('ar-history-ibm.csv');
}

export function loadIbmLedger(argv: readonly string[]): { ledger: Ledger; path: string } {
  const path = resolveIbmCsv(argv);
  return { ledger: ibmLedgerFromCsv(readFileSync(path, 'utf8')), path };
}
