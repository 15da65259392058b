import { describe, expect, it } from 'vitest';
import {
  mapContact,
  mapCredit,
  mapInvoice,
  mapInvoiceRemindersEnabled,
  mapOrganisation,
  mapPayment,
  toCalendarDate,
  toDecimalString,
  windowsZoneToIana,
} from './xero-mappers.js';

// xero-node hands date-only fields over as JS Dates at 00:00 UTC of the org-local day (reference §1).
const day = (iso: string) => new Date(`${iso}T00:00:00.000Z`);

describe('toCalendarDate', () => {
  it.each([
    [day('2026-11-21'), '2026-11-21'],
    ['/Date(1539993600000+0000)/', '2018-10-20'],
    ['2026-02-28T00:00:00', '2026-02-28'],
    [new Date('2026-12-31T23:59:59.999Z'), '2026-12-31'],
    [null, null],
    ['', null],
    ['not a date', null],
  ])('%s → %s', (input, expected) => {
    expect(toCalendarDate(input as Date | string | null)).toBe(expected);
  });

  it('reads UTC fields, whatever the process time zone', () => {
    // 00:00 UTC is the previous evening west of UTC; getDate() would give the 20th there.
    expect(toCalendarDate(new Date(Date.UTC(2026, 10, 21)))).toBe('2026-11-21');
  });
});

describe('toDecimalString', () => {
  it.each([
    [1234.56, '1234.56'],
    [0.1 + 0.2, '0.30000000000000004'],
    [100, '100'],
    ['42.10', '42.10'],
    [Number.NaN, null],
    ['12abc', null],
    [undefined, null],
  ])('%s → %s', (input, expected) => {
    expect(toDecimalString(input as number | string | undefined)).toBe(expected);
  });
});

const invoice = {
  invoiceID: 'inv-1',
  type: 'ACCREC',
  invoiceNumber: 'INV-0001',
  reference: 'P/O 7',
  contact: { contactID: 'c-1', name: 'Basket Case' },
  status: 'AUTHORISED',
  date: day('2026-10-01'),
  dueDate: day('2026-10-31'),
  currencyCode: 'USD',
  currencyRate: 0.6123,
  total: 115,
  amountDue: 65.5,
  amountPaid: 49.5,
  amountCredited: 0,
  expectedPaymentDate: day('2026-11-28'),
  sentToContact: true,
  updatedDateUTC: new Date('2026-11-02T10:11:12.000Z'),
  payments: [
    { paymentID: 'p-1', date: day('2026-10-15'), amount: 49.5, currencyRate: 0.6, reference: 'part' },
  ],
};

describe('mapInvoice', () => {
  it('maps an ACCREC invoice with its payments', () => {
    expect(mapInvoice(invoice)).toEqual({
      invoiceId: 'inv-1',
      number: 'INV-0001',
      reference: 'P/O 7',
      contactId: 'c-1',
      status: 'AUTHORISED',
      date: '2026-10-01',
      dueDate: '2026-10-31',
      currency: 'USD',
      currencyRate: '0.6123',
      total: '115',
      amountDue: '65.5',
      amountPaid: '49.5',
      amountCredited: '0',
      fullyPaidOnDate: null,
      expectedPaymentDate: '2026-11-28',
      sentToContact: true,
      url: null,
      updatedAt: new Date('2026-11-02T10:11:12.000Z'),
      payments: [
        {
          paymentId: 'p-1',
          invoiceId: 'inv-1',
          creditId: null,
          paymentType: 'ACCRECPAYMENT',
          status: 'AUTHORISED',
          date: '2026-10-15',
          amount: '49.5',
          currencyRate: '0.6',
          reference: 'part',
          updatedAt: null,
        },
      ],
    });
  });

  it.each([
    ['a bill (ACCPAY)', { ...invoice, type: 'ACCPAY' }],
    ['no contact', { ...invoice, contact: undefined }],
    ['a draft without a date', { ...invoice, status: 'DRAFT', date: undefined }],
    ['no id', { ...invoice, invoiceID: undefined }],
    ['not an object', 'INV-0001'],
  ])('skips %s', (_name, raw) => {
    expect(mapInvoice(raw)).toBeNull();
  });

  it('marks the payments of an invoice from a summary page as not listed, not as none', () => {
    const { payments: _omitted, ...summary } = invoice;
    expect(mapInvoice(summary, null, true)).toMatchObject({
      invoiceId: 'inv-1',
      amountDue: '65.5',
      payments: null,
    });
    // A full page without payments means the invoice has none.
    expect(mapInvoice(summary)?.payments).toEqual([]);
  });

  it('defaults a missing due date to the invoice date and a missing currency to base', () => {
    const m = mapInvoice({ ...invoice, dueDate: undefined, currencyCode: undefined }, 'NZD');
    expect(m).toMatchObject({ dueDate: '2026-10-01', currency: 'NZD' });
  });
});

describe('mapPayment', () => {
  const base = {
    paymentID: 'p-9',
    date: day('2026-11-01'),
    amount: 20,
    status: 'AUTHORISED',
    currencyRate: 1,
  };
  it.each([
    ['ACCRECPAYMENT', { invoice: { invoiceID: 'inv-1' } }, { invoiceId: 'inv-1', creditId: null }],
    ['ARCREDITPAYMENT', { creditNote: { creditNoteID: 'cn-1' } }, { invoiceId: null, creditId: 'cn-1' }],
    [
      'AROVERPAYMENTPAYMENT',
      { overpayment: { overpaymentID: 'op-1' } },
      { invoiceId: null, creditId: 'op-1' },
    ],
    ['ARPREPAYMENTPAYMENT', { prepayment: { prepaymentID: 'pp-1' } }, { invoiceId: null, creditId: 'pp-1' }],
  ])('%s', (paymentType, ref, expected) => {
    expect(mapPayment({ ...base, paymentType, ...ref })).toMatchObject({
      ...expected,
      paymentType,
      amount: '20',
    });
  });

  it('keeps DELETED payments (they undo their effect) and skips the AP side', () => {
    expect(
      mapPayment({ ...base, paymentType: 'ACCRECPAYMENT', status: 'DELETED', invoice: { invoiceID: 'i' } })
        ?.status,
    ).toBe('DELETED');
    expect(mapPayment({ ...base, paymentType: 'ACCPAYPAYMENT', invoice: { invoiceID: 'i' } })).toBeNull();
    expect(
      mapPayment({ ...base, paymentType: 'APCREDITPAYMENT', creditNote: { creditNoteID: 'c' } }),
    ).toBeNull();
  });
});

describe('mapCredit', () => {
  const note = {
    creditNoteID: 'cn-1',
    creditNoteNumber: 'CN-0001',
    type: 'ACCRECCREDIT',
    contact: { contactID: 'c-1' },
    status: 'AUTHORISED',
    date: day('2026-11-01'),
    currencyCode: 'NZD',
    total: 50,
    remainingCredit: 20,
    allocations: [
      { allocationID: 'a-1', amount: 30, date: day('2026-11-02'), invoice: { invoiceID: 'inv-1' } },
      { amount: 5, date: day('2026-11-03'), invoice: { invoiceID: 'inv-2' }, isDeleted: true },
    ],
    payments: [{ paymentID: 'r-1', date: day('2026-11-05'), amount: 0 }],
  };
  it('maps a customer credit note with its live allocations and refunds', () => {
    const m = mapCredit('credit_note', note);
    expect(m).toMatchObject({
      creditId: 'cn-1',
      number: 'CN-0001',
      kind: 'credit_note',
      remainingCredit: '20',
    });
    expect(m?.allocations).toEqual([
      { allocationId: 'a-1', creditId: 'cn-1', invoiceId: 'inv-1', date: '2026-11-02', amount: '30' },
    ]);
    expect(m?.refunds.map((r) => [r.paymentId, r.paymentType, r.creditId])).toEqual([
      ['r-1', 'ARCREDITPAYMENT', 'cn-1'],
    ]);
  });
  it('skips supplier credits and the spend side of overpayments and prepayments', () => {
    expect(mapCredit('credit_note', { ...note, type: 'ACCPAYCREDIT' })).toBeNull();
    expect(mapCredit('overpayment', { ...note, overpaymentID: 'o', type: 'SPEND-OVERPAYMENT' })).toBeNull();
    expect(mapCredit('prepayment', { ...note, prepaymentID: 'p', type: 'RECEIVE-PREPAYMENT' })).toMatchObject(
      {
        creditId: 'p',
        kind: 'prepayment',
        number: null,
      },
    );
  });
  it('gives allocations without an AllocationID a stable synthetic id', () => {
    const m = mapCredit('overpayment', {
      ...note,
      overpaymentID: 'op-1',
      type: 'RECEIVE-OVERPAYMENT',
      allocations: [{ amount: 10, date: day('2026-11-02'), invoice: { invoiceID: 'inv-9' } }],
    });
    expect(m?.allocations[0]?.allocationId).toBe('op-1:inv-9:2026-11-02:0');
  });
});

describe('mapContact', () => {
  it('keeps persons, real phone numbers, active groups, sales terms and the merge target', () => {
    const m = mapContact({
      contactID: 'c-1',
      name: 'Ridgeway University',
      contactStatus: 'ARCHIVED',
      emailAddress: 'ap@ridgeway.example',
      contactPersons: [
        { firstName: 'Ann', lastName: 'Lee', emailAddress: 'ann@r.example', includeInEmails: true },
      ],
      phones: [
        { phoneType: 'DEFAULT', phoneNumber: '555 0101', phoneAreaCode: '09', phoneCountryCode: '64' },
        { phoneType: 'FAX', phoneNumber: '' },
      ],
      contactGroups: [
        { name: 'Tier A', status: 'ACTIVE' },
        { name: 'Old', status: 'DELETED' },
      ],
      paymentTerms: { sales: { day: 20, type: 'OFFOLLOWINGMONTH' } },
      mergedToContactID: 'c-2',
      isCustomer: true,
      updatedDateUTC: '/Date(1552326816230)/',
    });
    expect(m).toMatchObject({
      status: 'ARCHIVED',
      persons: [{ firstName: 'Ann', lastName: 'Lee', email: 'ann@r.example', includeInEmails: true }],
      phones: [{ type: 'DEFAULT', number: '64 09 555 0101' }],
      groups: ['Tier A'],
      salesTerms: { day: 20, type: 'OFFOLLOWINGMONTH' },
      mergedToContactId: 'c-2',
      isCustomer: true,
      updatedAt: new Date(1552326816230),
    });
  });
});

describe('organisation', () => {
  it.each([
    ['NEWZEALANDSTANDARDTIME', 'Pacific/Auckland'],
    ['New Zealand Standard Time', 'Pacific/Auckland'],
    ['GMTSTANDARDTIME', 'Europe/London'],
    ['AUSEASTERNSTANDARDTIME', 'Australia/Sydney'],
    ['EASTERNSTANDARDTIME', 'America/New_York'],
    ['UTC', 'Etc/UTC'],
    ['NOSUCHZONE', null],
  ])('Windows zone %s → %s', (w, iana) => {
    expect(windowsZoneToIana(w)).toBe(iana);
  });

  it('maps the settings the product needs, and the reminders flag', () => {
    expect(
      mapOrganisation({
        name: 'Demo Company (NZ)',
        baseCurrency: 'NZD',
        timezone: 'NEWZEALANDSTANDARDTIME',
        shortCode: '!abc12',
        isDemoCompany: true,
        paymentTerms: { sales: { day: 20, type: 'OFFOLLOWINGMONTH' } },
      }),
    ).toEqual({
      name: 'Demo Company (NZ)',
      baseCurrency: 'NZD',
      timezone: 'Pacific/Auckland',
      shortCode: '!abc12',
      defaultSalesTerms: { day: 20, type: 'OFFOLLOWINGMONTH' },
      isDemoCompany: true,
    });
    expect(mapInvoiceRemindersEnabled({ invoiceReminders: [{ enabled: true }] })).toBe(true);
    expect(mapInvoiceRemindersEnabled({ invoiceReminders: [{ enabled: false }] })).toBe(false);
    expect(mapInvoiceRemindersEnabled({})).toBeNull();
  });
});
