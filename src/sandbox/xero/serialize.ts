// Over 300 lines: the wire shape of every Xero resource the sandbox serves, in one place so the contract tests check one file.
import type {
  AllocationRec,
  ContactGroupRec,
  ContactRec,
  CreditRec,
  HistoryRec,
  InvoiceRec,
  LineRec,
  OrgRec,
  PaymentRec,
} from './model.js';
import type { SandboxStore } from './store.js';
import {
  centsToAmount,
  type Day,
  isoDateString,
  isoDateTimeString,
  msDate,
  msDateTime,
} from './wire-format.js';

/** Xero's wire shapes (PascalCase, MS-JSON dates), built from sandbox records. */

type Json = Record<string, unknown>;

const ORG_TIMEZONE_WIRE = (windowsName: string) => windowsName.replace(/[^A-Za-z]/g, '').toUpperCase();

export function organisationJson(org: OrgRec): Json {
  return {
    OrganisationID: org.organisationId,
    APIKey: '',
    Name: org.name,
    LegalName: org.legalName,
    PaysTax: true,
    Version: org.version,
    OrganisationType: 'COMPANY',
    BaseCurrency: org.baseCurrency,
    CountryCode: org.countryCode,
    IsDemoCompany: org.isDemoCompany,
    OrganisationStatus: 'ACTIVE',
    FinancialYearEndDay: 31,
    FinancialYearEndMonth: 3,
    SalesTaxBasis: 'PAYMENTS',
    SalesTaxPeriod: 'TWOMONTHS',
    DefaultSalesTax: 'Tax Exclusive',
    DefaultPurchasesTax: 'Tax Inclusive',
    CreatedDateUTC: msDateTime(org.createdMs),
    // Xero sends the Windows zone name upper-cased without spaces, e.g. NEWZEALANDSTANDARDTIME.
    Timezone: ORG_TIMEZONE_WIRE(org.timezone),
    OrganisationEntityType: 'COMPANY',
    ShortCode: org.shortCode,
    Class: org.isDemoCompany ? 'DEMO' : 'STANDARD',
    Edition: 'BUSINESS',
    LineOfBusiness: 'Professional services',
    Addresses: [],
    Phones: [],
    ExternalLinks: [],
    PaymentTerms: {
      Bills: { Day: org.billsTerms.day, Type: org.billsTerms.type },
      Sales: { Day: org.salesTerms.day, Type: org.salesTerms.type },
    },
  };
}

function contactSummary(c: ContactRec): Json {
  return { ContactID: c.id, Name: c.name, ContactStatus: c.status };
}

const PHONE_SLOTS = ['DEFAULT', 'DDI', 'FAX', 'MOBILE'] as const;

export function contactJson(store: SandboxStore, c: ContactRec, opts: { summaryOnly?: boolean } = {}): Json {
  const balances = store.balancesOf(c);
  const isCustomer = c.invoices.some((i) => i.type === 'ACCREC') || c.credits.length > 0;
  const isSupplier = c.invoices.some((i) => i.type === 'ACCPAY');
  const out: Json = {
    ContactID: c.id,
    ContactStatus: c.status,
    Name: c.name,
  };
  if (c.contactNumber) out.ContactNumber = c.contactNumber;
  if (c.accountNumber) out.AccountNumber = c.accountNumber;
  if (c.firstName) out.FirstName = c.firstName;
  if (c.lastName) out.LastName = c.lastName;
  if (c.email) out.EmailAddress = c.email;
  if (c.mergedToId) out.MergedToContactID = c.mergedToId;
  out.UpdatedDateUTC = msDateTime(c.updatedMs);
  out.IsSupplier = isSupplier;
  out.IsCustomer = isCustomer;
  if (c.defaultCurrency) out.DefaultCurrency = c.defaultCurrency;
  if (opts.summaryOnly) return out;
  out.ContactPersons = c.persons.map((p) => {
    const person: Json = { FirstName: p.firstName, LastName: p.lastName, IncludeInEmails: p.includeInEmails };
    if (p.email) person.EmailAddress = p.email;
    return person;
  });
  out.Addresses = [
    { AddressType: 'STREET', City: '', Region: '', PostalCode: '', Country: '' },
    { AddressType: 'POBOX', City: '', Region: '', PostalCode: '', Country: '' },
  ];
  // Xero returns every phone slot, empty ones included.
  out.Phones = PHONE_SLOTS.map((slot) => {
    const p = c.phones.find((x) => x.type === slot);
    return {
      PhoneType: slot,
      PhoneNumber: p?.number ?? '',
      PhoneAreaCode: p?.areaCode ?? '',
      PhoneCountryCode: p?.countryCode ?? '',
    };
  });
  const org = store.org(c.tenantId);
  out.ContactGroups = c.groupIds.flatMap((id) => {
    const g = org.groups.get(id);
    return g && g.status === 'ACTIVE'
      ? [{ ContactGroupID: g.id, Name: g.name, Status: g.status, Contacts: [] }]
      : [];
  });
  if (c.website) out.Website = c.website;
  out.SalesDefaultLineAmountType = 'EXCLUSIVE';
  out.PurchasesDefaultLineAmountType = 'INCLUSIVE';
  if (c.salesTerms) out.PaymentTerms = { Sales: { Day: c.salesTerms.day, Type: c.salesTerms.type } };
  out.Balances = {
    AccountsReceivable: {
      Outstanding: Number(balances.receivable.outstanding),
      Overdue: Number(balances.receivable.overdue),
    },
    AccountsPayable: {
      Outstanding: Number(balances.payable.outstanding),
      Overdue: Number(balances.payable.overdue),
    },
  };
  out.HasAttachments = false;
  out.HasValidationErrors = false;
  return out;
}

/** A stable LineItemID for generated lines: the document id with its last 4 hex digits replaced by the position. */
function lineId(documentId: string, index: number): string {
  return `${documentId.slice(0, 32)}${index.toString(16).padStart(4, '0')}`;
}

function lineJson(l: LineRec, index: number, documentId: string): Json {
  return {
    LineItemID: l.id ?? lineId(documentId, index),
    Description: l.description,
    Quantity: l.quantity,
    UnitAmount: centsToAmount(l.unitCents),
    AccountCode: l.accountCode,
    TaxType: l.taxType,
    TaxAmount: centsToAmount(l.taxCents),
    LineAmount: centsToAmount(l.lineCents),
    Tracking: [],
  };
}

function dateFields(prefix: 'Date' | 'DueDate', day: Day): Json {
  return { [prefix]: msDate(day), [`${prefix}String`]: isoDateString(day) };
}

function paymentSummary(p: PaymentRec): Json {
  return {
    PaymentID: p.id,
    Date: msDate(p.date),
    Amount: centsToAmount(p.amountCents),
    CurrencyRate: p.rate,
    Reference: p.reference ?? '',
    HasAccount: false,
    HasValidationErrors: false,
  };
}

function allocationOnInvoice(a: AllocationRec): Json {
  const src = a.source;
  const base: Json = {
    ID: src.id,
    AppliedAmount: centsToAmount(a.amountCents),
    Date: msDate(a.date),
    DateString: isoDateString(a.date),
    Total: centsToAmount(src.totalCents),
    LineItems: [],
  };
  if (src.kind === 'creditnote')
    return { CreditNoteID: src.id, CreditNoteNumber: src.number, HasErrors: false, ...base };
  if (src.kind === 'overpayment') return { OverpaymentID: src.id, ...base };
  return { PrepaymentID: src.id, ...base };
}

export function invoiceJson(inv: InvoiceRec, opts: { summaryOnly?: boolean } = {}): Json {
  const out: Json = {
    Type: inv.type,
    InvoiceID: inv.id,
    InvoiceNumber: inv.number,
    Reference: inv.reference ?? '',
    AmountDue: centsToAmount(inv.amountDueCents),
    AmountPaid: centsToAmount(inv.amountPaidCents),
    AmountCredited: centsToAmount(inv.amountCreditedCents),
    CurrencyRate: inv.rate,
    IsDiscounted: false,
    HasErrors: false,
    Contact: contactSummary(inv.contact),
    ...dateFields('Date', inv.date),
    ...dateFields('DueDate', inv.dueDate),
    Status: inv.status,
    LineAmountTypes: inv.lineAmountTypes,
    SubTotal: centsToAmount(inv.subTotalCents),
    TotalTax: centsToAmount(inv.taxCents),
    Total: centsToAmount(inv.totalCents),
    UpdatedDateUTC: msDateTime(inv.updatedMs),
    UpdatedDateUTCString: isoDateTimeString(inv.updatedMs),
    CurrencyCode: inv.currency,
    SentToContact: inv.sentToContact,
  };
  if (inv.fullyPaidOn) out.FullyPaidOnDate = msDate(inv.fullyPaidOn);
  if (inv.expectedPaymentDate) {
    out.ExpectedPaymentDate = msDate(inv.expectedPaymentDate);
    out.ExpectedPaymentDateString = isoDateString(inv.expectedPaymentDate);
  }
  const byKind = (kind: string) =>
    inv.allocations.filter((a) => a.source.kind === kind).map(allocationOnInvoice);
  out.CreditNotes = byKind('creditnote');
  out.Prepayments = byKind('prepayment');
  out.Overpayments = byKind('overpayment');
  // summaryOnly omits Payments, HasAttachments, LineItems and CISDeduction (reference/xero-api.md §1).
  if (opts.summaryOnly) return out;
  out.Payments = inv.payments.filter((p) => p.status === 'AUTHORISED').map(paymentSummary);
  out.HasAttachments = false;
  out.LineItems = inv.lines.map((l, i) => lineJson(l, i, inv.id));
  return out;
}

export function paymentJson(p: PaymentRec): Json {
  const inv = p.invoice;
  return {
    PaymentID: p.id,
    Date: msDate(p.date),
    BankAmount: centsToAmount(p.amountCents),
    Amount: centsToAmount(p.amountCents),
    Reference: p.reference ?? '',
    CurrencyRate: p.rate,
    PaymentType: p.type,
    Status: p.status,
    UpdatedDateUTC: msDateTime(p.updatedMs),
    UpdatedDateUTCString: isoDateTimeString(p.updatedMs),
    HasAccount: true,
    IsReconciled: p.isReconciled,
    Account: { AccountID: '13918178-849a-4823-9a31-57b7eac713d7', Code: '090' },
    Invoice: {
      Type: inv.type,
      InvoiceID: inv.id,
      InvoiceNumber: inv.number,
      Contact: contactSummary(inv.contact),
      CurrencyCode: inv.currency,
      CurrencyRate: inv.rate,
      Payments: [],
      CreditNotes: [],
      Prepayments: [],
      Overpayments: [],
      HasErrors: false,
      IsDiscounted: false,
      LineItems: [],
    },
    HasValidationErrors: false,
  };
}

function allocationOnCredit(a: AllocationRec): Json {
  return {
    AllocationID: a.id,
    Amount: centsToAmount(a.amountCents),
    Date: msDate(a.date),
    Invoice: {
      InvoiceID: a.invoice.id,
      InvoiceNumber: a.invoice.number,
      Payments: [],
      CreditNotes: [],
      Prepayments: [],
      Overpayments: [],
      HasErrors: false,
      IsDiscounted: false,
      LineItems: [],
    },
    IsDeleted: false,
  };
}

export function creditJson(cr: CreditRec): Json {
  const applied = cr.allocations.reduce((s, a) => s + a.amountCents, 0);
  const common: Json = {
    Contact: contactSummary(cr.contact),
    Date: msDate(cr.date),
    DateString: isoDateString(cr.date),
    Status: cr.status,
    LineAmountTypes: cr.lineAmountTypes,
    LineItems: cr.lines.map((l, i) => lineJson(l, i, cr.id)),
    SubTotal: centsToAmount(cr.subTotalCents),
    TotalTax: centsToAmount(cr.taxCents),
    Total: centsToAmount(cr.totalCents),
    UpdatedDateUTC: msDateTime(cr.updatedMs),
    UpdatedDateUTCString: isoDateTimeString(cr.updatedMs),
    CurrencyCode: cr.currency,
    CurrencyRate: cr.rate,
    RemainingCredit: centsToAmount(cr.remainingCents),
    Allocations: cr.allocations.map(allocationOnCredit),
    AppliedAmount: centsToAmount(applied),
    HasAttachments: false,
  };
  if (cr.fullyPaidOn) common.FullyPaidOnDate = msDate(cr.fullyPaidOn);
  if (cr.kind === 'creditnote') {
    return {
      CreditNoteID: cr.id,
      CreditNoteNumber: cr.number,
      Type: cr.type,
      Reference: cr.reference ?? '',
      SentToContact: false,
      Payments: [],
      HasErrors: false,
      ...common,
    };
  }
  if (cr.kind === 'overpayment') {
    const { FullyPaidOnDate: _ignored, ...rest } = common;
    return { OverpaymentID: cr.id, Type: cr.type, Reference: cr.reference ?? '', Payments: [], ...rest };
  }
  const { FullyPaidOnDate: _ignored, ...rest } = common;
  return { PrepaymentID: cr.id, Type: cr.type, Reference: cr.reference ?? '', Payments: [], ...rest };
}

export function contactGroupJson(
  store: SandboxStore,
  tenantId: string,
  g: ContactGroupRec,
  withMembers: boolean,
): Json {
  const members = withMembers
    ? store
        .sorted(tenantId, 'Contacts')
        .filter((c) => c.groupIds.includes(g.id) && c.status === 'ACTIVE')
        .map((c) => ({ ContactID: c.id, Name: c.name }))
    : [];
  return { ContactGroupID: g.id, Name: g.name, Status: g.status, Contacts: members };
}

export function historyJson(h: HistoryRec): Json {
  return {
    Changes: h.changes,
    DateUTCString: isoDateTimeString(h.dateMs),
    DateUTC: msDateTime(h.dateMs),
    User: h.user,
    Details: h.details,
  };
}
