import { readFileSync } from 'node:fs';
import { createRng } from './prng.js';
import type { SandboxStore } from './store.js';
import { type Day, dayToUtcMs, laterDay } from './wire-format.js';

/**
 * Loads the public IBM late-payment history (src/testing/fixtures/ar-history-ibm.csv) as an organisation: one contact
 * per customerID, one ACCREC invoice per row, one full payment dated SettledDate. The `Disputed` column is
 * deliberately dropped: it is only known after the fact, and the product must never read it.
 */

export interface IbmOrgOptions {
  csvPath: string;
  name?: string;
  tenantId?: string;
}

const HEADER = [
  'countryCode',
  'customerID',
  'PaperlessDate',
  'invoiceNumber',
  'InvoiceDate',
  'DueDate',
  'InvoiceAmount',
  'Disputed',
  'SettledDate',
  'PaperlessBill',
  'DaysToSettle',
  'DaysLate',
] as const;

/** M/D/YYYY → YYYY-MM-DD. */
export function usDateToDay(text: string): Day {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text.trim());
  if (!m) throw new Error(`not an M/D/YYYY date: ${text}`);
  return `${m[3]}-${(m[1] as string).padStart(2, '0')}-${(m[2] as string).padStart(2, '0')}`;
}

export function loadIbmOrg(store: SandboxStore, opts: IbmOrgOptions): string {
  const lines = readFileSync(opts.csvPath, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  const header = (lines.shift() ?? '').split(',').map((h) => h.trim());
  if (HEADER.some((h, i) => header[i] !== h)) {
    throw new Error(`${opts.csvPath}: unexpected header ${header.join(',')}`);
  }
  const rng = createRng(2005);
  const tenantId = opts.tenantId ?? rng.uuid();
  const rows = lines.map((line, i) => {
    const cells = line.split(',');
    if (cells.length !== HEADER.length)
      throw new Error(`${opts.csvPath}:${i + 2}: expected ${HEADER.length} cells`);
    const get = (name: (typeof HEADER)[number]) => (cells[HEADER.indexOf(name)] as string).trim();
    return {
      country: get('countryCode'),
      customer: get('customerID'),
      number: get('invoiceNumber'),
      date: usDateToDay(get('InvoiceDate')),
      due: usDateToDay(get('DueDate')),
      amount: get('InvoiceAmount'),
      settled: usDateToDay(get('SettledDate')),
      paperless: get('PaperlessBill') === 'Electronic',
    };
  });
  // Replaying in date order keeps UpdatedDateUTC plausible: each record is stamped on the day it happened.
  rows.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.number < b.number ? -1 : 1));
  const first = rows[0]?.date ?? '2012-01-01';
  store.addOrganisation({
    tenantId,
    organisationId: rng.uuid(),
    name: opts.name ?? 'IBM AR History (US)',
    baseCurrency: 'USD',
    countryCode: 'US',
    version: 'US',
    timezone: 'Eastern Standard Time',
    salesTerms: { day: 30, type: 'DAYSAFTERBILLDATE' },
    isDemoCompany: false,
    createdAt: new Date(dayToUtcMs(first) - 30 * 86_400_000),
  });
  const contacts = new Map<string, string>();
  const stamp = (day: Day, i: number) => new Date(dayToUtcMs(day) + 14 * 3600_000 + (i % 3600) * 1000);
  rows.forEach((row, i) => {
    let contactId = contacts.get(row.customer);
    if (!contactId) {
      contactId = store.addContact({
        tenantId,
        id: rng.uuid(),
        name: `Customer ${row.customer}`,
        accountNumber: row.customer,
        email: row.paperless ? `ap@${row.customer.toLowerCase()}.example.com` : null,
        salesTerms: { day: 30, type: 'DAYSAFTERBILLDATE' },
        at: stamp(first, i),
      }).id;
      contacts.set(row.customer, contactId);
    }
    const inv = store.addInvoice({
      id: rng.uuid(),
      contactId,
      number: row.number,
      date: row.date,
      dueDate: row.due,
      amount: row.amount,
      lines: [{ id: rng.uuid(), description: 'Invoice', quantity: 1, unitAmount: row.amount }],
      lineAmountTypes: 'NoTax',
      sentToContact: true,
      at: stamp(row.date, i),
    });
    store.addPayment(inv.id, {
      id: rng.uuid(),
      date: laterDay(row.settled, row.date),
      amount: row.amount,
      isReconciled: true,
      at: stamp(laterDay(row.settled, row.date), i),
    });
  });
  return tenantId;
}
