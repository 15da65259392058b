// Over 300 lines: zod schemas and mappers for every Xero resource we read: one boundary where Xero data is validated.
import { WINDOWS_TO_IANA_MAP } from 'windows-iana';
import { z } from 'zod';
import type { PaymentTerms, PaymentTermsType } from '../../domain/ledger.js';
import type {
  AllocationRecord,
  ContactRecord,
  CreditRecord,
  CreditRecordKind,
  InvoiceRecord,
  OrganisationRecord,
  PaymentRecord,
} from './xero-records.js';

/**
 * Pure mappers from xero-node models to ledger records, with lenient zod at the boundary: a record without
 * the fields we cannot do without (an id, a contact, a date) is skipped, anything else missing becomes null.
 *
 * xero-node quirks handled here (reference/xero-api.md §1, §11):
 * - date-only fields typed `string` arrive as JS Dates (MS-date strings are converted at run time); they
 *   encode the organisation-local day at 00:00 UTC, so they are read with getUTC*, never in local time;
 * - amounts are doubles: String(n) gives the shortest round-tripping decimal, which numeric stores exactly.
 */

const DateLike = z.union([z.date(), z.string()]).nullish();
const Amount = z.union([z.number(), z.string()]).nullish();
const Str = z.string().nullish();
const Bool = z.boolean().nullish();

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** 'YYYY-MM-DD' from a Date (UTC fields), an MS date '/Date(ms+0000)/', or an ISO string. */
export function toCalendarDate(v: Date | string | null | undefined): string | null {
  if (v === null || v === undefined || v === '') return null;
  let d: Date;
  if (v instanceof Date) d = v;
  else {
    const ms = /^\/Date\((-?\d+)/.exec(v);
    if (ms) d = new Date(Number(ms[1]));
    else if (/^\d{4}-\d{2}-\d{2}/.test(v)) return v.slice(0, 10);
    else d = new Date(v);
  }
  if (Number.isNaN(d.getTime())) return null;
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

export function toTimestamp(v: Date | string | null | undefined): Date | null {
  if (v === null || v === undefined || v === '') return null;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v;
  const ms = /^\/Date\((-?\d+)/.exec(v);
  const d = ms ? new Date(Number(ms[1])) : new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** Decimal string for a numeric column; Xero doubles through String(n), never arithmetic. */
export function toDecimalString(v: number | string | null | undefined): string | null {
  if (v === null || v === undefined || v === '') return null;
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : null;
  return /^-?\d+(\.\d+)?$/.test(v.trim()) ? v.trim() : null;
}

const orNull = (v: string | null | undefined) => (v === undefined || v === null || v === '' ? null : v);
const enumText = (v: unknown) => (v === undefined || v === null ? null : String(v));

const TERMS_TYPES: readonly PaymentTermsType[] = [
  'DAYSAFTERBILLDATE',
  'DAYSAFTERBILLMONTH',
  'OFCURRENTMONTH',
  'OFFOLLOWINGMONTH',
];

const TermsSchema = z.object({ day: z.number().nullish(), type: z.unknown().optional() }).nullish();

function toTerms(v: z.infer<typeof TermsSchema>): PaymentTerms | null {
  if (!v || v.day === null || v.day === undefined) return null;
  const type = enumText(v.type) as PaymentTermsType | null;
  return type && TERMS_TYPES.includes(type) ? { day: v.day, type } : null;
}

// ---------------------------------------------------------------------------------------------- contacts

const ContactSchema = z.object({
  contactID: z.string(),
  name: Str,
  contactStatus: z.unknown().optional(),
  accountNumber: Str,
  contactNumber: Str,
  emailAddress: Str,
  firstName: Str,
  lastName: Str,
  contactPersons: z
    .array(z.object({ firstName: Str, lastName: Str, emailAddress: Str, includeInEmails: Bool }))
    .nullish(),
  phones: z
    .array(
      z.object({
        phoneType: z.unknown().optional(),
        phoneNumber: Str,
        phoneAreaCode: Str,
        phoneCountryCode: Str,
      }),
    )
    .nullish(),
  contactGroups: z.array(z.object({ name: Str, status: z.unknown().optional() })).nullish(),
  paymentTerms: z.object({ sales: TermsSchema }).nullish(),
  defaultCurrency: z.unknown().optional(),
  mergedToContactID: Str,
  isCustomer: Bool,
  updatedDateUTC: DateLike,
});

export function mapContact(raw: unknown): ContactRecord | null {
  const p = ContactSchema.safeParse(raw);
  if (!p.success) return null;
  const c = p.data;
  return {
    contactId: c.contactID,
    name: c.name ?? '',
    status: enumText(c.contactStatus) ?? 'ACTIVE',
    accountNumber: orNull(c.accountNumber),
    contactNumber: orNull(c.contactNumber),
    email: orNull(c.emailAddress),
    firstName: orNull(c.firstName),
    lastName: orNull(c.lastName),
    persons: (c.contactPersons ?? []).map((x) => ({
      firstName: orNull(x.firstName),
      lastName: orNull(x.lastName),
      email: orNull(x.emailAddress),
      includeInEmails: x.includeInEmails === true,
    })),
    // Xero returns every phone slot, empty ones included.
    phones: (c.phones ?? []).flatMap((x) => {
      if (!x.phoneNumber) return [];
      const number = [x.phoneCountryCode, x.phoneAreaCode, x.phoneNumber].filter(Boolean).join(' ');
      return [{ type: enumText(x.phoneType) ?? 'DEFAULT', number }];
    }),
    groups: (c.contactGroups ?? [])
      .filter((g) => g.name && (g.status === undefined || g.status === null || g.status === 'ACTIVE'))
      .map((g) => g.name as string),
    salesTerms: toTerms(c.paymentTerms?.sales),
    defaultCurrency: enumText(c.defaultCurrency),
    mergedToContactId: orNull(c.mergedToContactID),
    isCustomer: c.isCustomer === true,
    updatedAt: toTimestamp(c.updatedDateUTC),
  };
}

// ---------------------------------------------------------------------------------------------- payments

const PaymentSchema = z.object({
  paymentID: z.string(),
  paymentType: z.unknown().optional(),
  status: z.unknown().optional(),
  date: DateLike,
  amount: Amount,
  currencyRate: Amount,
  reference: Str,
  updatedDateUTC: DateLike,
  invoice: z.object({ invoiceID: Str, type: z.unknown().optional() }).nullish(),
  creditNote: z.object({ creditNoteID: Str }).nullish(),
  overpayment: z.object({ overpaymentID: Str }).nullish(),
  prepayment: z.object({ prepaymentID: Str }).nullish(),
});

/** The AR payment types: an invoice payment, or a cash refund of a customer's credit. */
const REFUND_TYPES = new Set(['ARCREDITPAYMENT', 'AROVERPAYMENTPAYMENT', 'ARPREPAYMENTPAYMENT']);

export function mapPayment(raw: unknown): PaymentRecord | null {
  const p = PaymentSchema.safeParse(raw);
  if (!p.success) return null;
  const x = p.data;
  const type = enumText(x.paymentType);
  let invoiceId: string | null = null;
  let creditId: string | null = null;
  if (type === 'ACCRECPAYMENT') invoiceId = orNull(x.invoice?.invoiceID);
  else if (type && REFUND_TYPES.has(type)) {
    creditId = orNull(
      x.creditNote?.creditNoteID ?? x.overpayment?.overpaymentID ?? x.prepayment?.prepaymentID,
    );
  } else return null; // ACCPAY side or unknown
  const date = toCalendarDate(x.date);
  const amount = toDecimalString(x.amount);
  if (!date || amount === null || (!invoiceId && !creditId)) return null;
  return {
    paymentId: x.paymentID,
    invoiceId,
    creditId,
    paymentType: type,
    status: enumText(x.status) ?? 'AUTHORISED',
    date,
    amount,
    currencyRate: toDecimalString(x.currencyRate),
    reference: orNull(x.reference),
    updatedAt: toTimestamp(x.updatedDateUTC),
  };
}

// Built once: zod compiles each schema on first use, so a schema made per call costs more than the parse.
const EmbeddedPaymentSchema = PaymentSchema.partial({ paymentType: true });

/** A payment as listed inside its invoice or credit: it carries no type or status of its own there. */
function mapEmbeddedPayment(
  raw: unknown,
  owner: { invoiceId: string } | { creditId: string; type: string },
): PaymentRecord | null {
  const p = EmbeddedPaymentSchema.safeParse(raw);
  if (!p.success) return null;
  const date = toCalendarDate(p.data.date);
  const amount = toDecimalString(p.data.amount);
  if (!date || amount === null) return null;
  const status = enumText(p.data.status) ?? 'AUTHORISED';
  if (status === 'DELETED') return null;
  return {
    paymentId: p.data.paymentID,
    invoiceId: 'invoiceId' in owner ? owner.invoiceId : null,
    creditId: 'creditId' in owner ? owner.creditId : null,
    paymentType: 'invoiceId' in owner ? 'ACCRECPAYMENT' : owner.type,
    status,
    date,
    amount,
    currencyRate: toDecimalString(p.data.currencyRate),
    reference: orNull(p.data.reference),
    updatedAt: toTimestamp(p.data.updatedDateUTC),
  };
}

// ---------------------------------------------------------------------------------------------- invoices

const InvoiceSchema = z.object({
  invoiceID: z.string(),
  type: z.unknown().optional(),
  invoiceNumber: Str,
  reference: Str,
  contact: z.object({ contactID: Str }).nullish(),
  status: z.unknown().optional(),
  date: DateLike,
  dueDate: DateLike,
  currencyCode: z.unknown().optional(),
  currencyRate: Amount,
  total: Amount,
  amountDue: Amount,
  amountPaid: Amount,
  amountCredited: Amount,
  fullyPaidOnDate: DateLike,
  expectedPaymentDate: DateLike,
  sentToContact: Bool,
  url: Str,
  updatedDateUTC: DateLike,
  payments: z.array(z.unknown().optional()).nullish(),
});

/**
 * ACCREC (sales) invoices only; bills (ACCPAY) are not receivables and return null. `summary`: the invoice
 * came from a `summaryOnly` page, which has no Payments (an empty list would wrongly mean "none").
 */
export function mapInvoice(
  raw: unknown,
  baseCurrency: string | null = null,
  summary = false,
): InvoiceRecord | null {
  const p = InvoiceSchema.safeParse(raw);
  if (!p.success) return null;
  const x = p.data;
  if (enumText(x.type) !== 'ACCREC') return null;
  const contactId = orNull(x.contact?.contactID);
  const date = toCalendarDate(x.date);
  if (!contactId || !date) return null; // a DRAFT without a date is not a receivable yet
  const invoiceId = x.invoiceID;
  const payments = summary
    ? null
    : (x.payments ?? []).flatMap((r) => {
        const m = mapEmbeddedPayment(r, { invoiceId });
        return m ? [m] : [];
      });
  return {
    invoiceId,
    number: orNull(x.invoiceNumber),
    reference: orNull(x.reference),
    contactId,
    status: enumText(x.status) ?? 'DRAFT',
    date,
    dueDate: toCalendarDate(x.dueDate) ?? date,
    currency: enumText(x.currencyCode) ?? baseCurrency ?? 'XXX',
    currencyRate: toDecimalString(x.currencyRate),
    total: toDecimalString(x.total) ?? '0',
    amountDue: toDecimalString(x.amountDue) ?? '0',
    amountPaid: toDecimalString(x.amountPaid) ?? '0',
    amountCredited: toDecimalString(x.amountCredited) ?? '0',
    fullyPaidOnDate: toCalendarDate(x.fullyPaidOnDate),
    expectedPaymentDate: toCalendarDate(x.expectedPaymentDate),
    sentToContact: x.sentToContact === true,
    url: orNull(x.url),
    updatedAt: toTimestamp(x.updatedDateUTC),
    payments,
  };
}

// ---------------------------------------------------------------------------------------------- credits

const AllocationSchema = z.object({
  allocationID: Str,
  amount: Amount,
  date: DateLike,
  isDeleted: Bool,
  invoice: z.object({ invoiceID: Str }).nullish(),
});

const CreditSchema = z.object({
  type: z.unknown().optional(),
  contact: z.object({ contactID: Str }).nullish(),
  status: z.unknown().optional(),
  date: DateLike,
  currencyCode: z.unknown().optional(),
  currencyRate: Amount,
  total: Amount,
  remainingCredit: Amount,
  updatedDateUTC: DateLike,
  allocations: z.array(z.unknown().optional()).nullish(),
  payments: z.array(z.unknown().optional()).nullish(),
});

const CREDIT_SOURCES: Record<
  CreditRecordKind,
  { idField: string; numberField: string | null; type: string; refundType: string }
> = {
  credit_note: {
    idField: 'creditNoteID',
    numberField: 'creditNoteNumber',
    type: 'ACCRECCREDIT',
    refundType: 'ARCREDITPAYMENT',
  },
  overpayment: {
    idField: 'overpaymentID',
    numberField: null,
    type: 'RECEIVE-OVERPAYMENT',
    refundType: 'AROVERPAYMENTPAYMENT',
  },
  prepayment: {
    idField: 'prepaymentID',
    numberField: null,
    type: 'RECEIVE-PREPAYMENT',
    refundType: 'ARPREPAYMENTPAYMENT',
  },
};

/** ACCRECCREDIT credit notes, RECEIVE-OVERPAYMENT and RECEIVE-PREPAYMENT only (the customer side). */
export function mapCredit(
  kind: CreditRecordKind,
  raw: unknown,
  baseCurrency: string | null = null,
): CreditRecord | null {
  const src = CREDIT_SOURCES[kind];
  const p = CreditSchema.safeParse(raw);
  if (!p.success || !raw || typeof raw !== 'object') return null;
  const r = raw as Record<string, unknown>;
  const creditId = typeof r[src.idField] === 'string' ? (r[src.idField] as string) : null;
  const x = p.data;
  if (!creditId || enumText(x.type) !== src.type) return null;
  const contactId = orNull(x.contact?.contactID);
  const date = toCalendarDate(x.date);
  if (!contactId || !date) return null;
  const number =
    src.numberField && typeof r[src.numberField] === 'string' ? (r[src.numberField] as string) : null;
  const allocations: AllocationRecord[] = [];
  (x.allocations ?? []).forEach((a, i) => {
    const pa = AllocationSchema.safeParse(a);
    if (!pa.success || pa.data.isDeleted) return;
    const invoiceId = orNull(pa.data.invoice?.invoiceID);
    const amount = toDecimalString(pa.data.amount);
    const aDate = toCalendarDate(pa.data.date) ?? date;
    if (!invoiceId || amount === null) return;
    allocations.push({
      // Xero does not always return an AllocationID; the set is replaced per credit, so position is stable enough.
      allocationId: orNull(pa.data.allocationID) ?? `${creditId}:${invoiceId}:${aDate}:${i}`,
      creditId,
      invoiceId,
      date: aDate,
      amount,
    });
  });
  const refunds = (x.payments ?? []).flatMap((pr) => {
    const m = mapEmbeddedPayment(pr, { creditId, type: src.refundType });
    return m ? [m] : [];
  });
  return {
    creditId,
    kind,
    number: orNull(number),
    contactId,
    status: enumText(x.status) ?? 'AUTHORISED',
    date,
    currency: enumText(x.currencyCode) ?? baseCurrency ?? 'XXX',
    currencyRate: toDecimalString(x.currencyRate),
    total: toDecimalString(x.total) ?? '0',
    remainingCredit: toDecimalString(x.remainingCredit) ?? '0',
    updatedAt: toTimestamp(x.updatedDateUTC),
    allocations,
    refunds,
  };
}

// ---------------------------------------------------------------------------------------------- organisation

const WINDOWS_ZONES: Map<string, string> = (() => {
  const m = new Map<string, string>();
  const entries: readonly { windowsName: string; territory: string; iana: readonly string[] }[] =
    Object.values(WINDOWS_TO_IANA_MAP);
  // Territory 001 is CLDR's primary zone for each Windows name.
  for (const e of entries) {
    const key = e.windowsName.replace(/[^A-Za-z0-9]/g, '').toUpperCase();
    if (e.territory === '001' && e.iana[0]) m.set(key, e.iana[0]);
  }
  for (const e of entries) {
    const key = e.windowsName.replace(/[^A-Za-z0-9]/g, '').toUpperCase();
    if (!m.has(key) && e.iana[0]) m.set(key, e.iana[0]);
  }
  return m;
})();

/**
 * Xero names zones the Windows way, upper-cased without spaces ('NEWZEALANDSTANDARDTIME'); CLDR's table
 * (windows-iana) keys them 'New Zealand Standard Time'. Both normalise to the same key.
 */
export function windowsZoneToIana(name: string | null | undefined): string | null {
  if (!name) return null;
  if (name.includes('/')) return name; // already IANA
  return WINDOWS_ZONES.get(name.replace(/[^A-Za-z0-9]/g, '').toUpperCase()) ?? null;
}

const OrganisationSchema = z.object({
  name: Str,
  baseCurrency: z.unknown().optional(),
  timezone: z.unknown().optional(),
  shortCode: Str,
  isDemoCompany: Bool,
  paymentTerms: z.object({ sales: TermsSchema }).nullish(),
});

export function mapOrganisation(raw: unknown): OrganisationRecord | null {
  const p = OrganisationSchema.safeParse(raw);
  if (!p.success) return null;
  const o = p.data;
  const baseCurrency = enumText(o.baseCurrency);
  if (!baseCurrency) return null;
  return {
    name: o.name ?? '',
    baseCurrency,
    timezone: windowsZoneToIana(enumText(o.timezone)) ?? 'UTC',
    shortCode: orNull(o.shortCode),
    defaultSalesTerms: toTerms(o.paymentTerms?.sales),
    isDemoCompany: o.isDemoCompany === true,
  };
}

/** GET /InvoiceReminders/Settings: are Xero's own automatic reminders on? (Avoids double dunning.) */
export function mapInvoiceRemindersEnabled(raw: unknown): boolean | null {
  const p = z.object({ invoiceReminders: z.array(z.object({ enabled: Bool })).nullish() }).safeParse(raw);
  if (!p.success || !p.data.invoiceReminders?.length) return null;
  return p.data.invoiceReminders.some((r) => r.enabled === true);
}
