import type { Decimal } from './money.js';

/**
 * The synced AR ledger as the domain sees it: plain values, no I/O. The Xero sync stores these facts and
 * `loadLedger` (adapters/db) rebuilds them; scoring, ageing and forecasting read only these types.
 *
 * Dates are organisation-local calendar days, 'YYYY-MM-DD' (Xero's date-only fields); amounts are decimal
 * strings in the document's currency; `currencyRate` converts to base (base = amount ÷ rate).
 */
export type IsoDate = string;

export type ContactStatus = 'ACTIVE' | 'ARCHIVED' | 'GDPRREQUEST';

export interface ContactPerson {
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly email: string | null;
  readonly includeInEmails: boolean;
}

export type PaymentTermsType =
  | 'DAYSAFTERBILLDATE'
  | 'DAYSAFTERBILLMONTH'
  | 'OFCURRENTMONTH'
  | 'OFFOLLOWINGMONTH';

export interface PaymentTerms {
  readonly day: number;
  readonly type: PaymentTermsType;
}

export interface Contact {
  /** Xero ContactID. */
  readonly id: string;
  readonly name: string;
  readonly status: ContactStatus;
  readonly accountNumber: string | null;
  readonly contactNumber: string | null;
  readonly email: string | null;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly persons: readonly ContactPerson[];
  readonly phones: readonly { readonly type: string; readonly number: string }[];
  readonly groups: readonly string[];
  readonly salesTerms: PaymentTerms | null;
  readonly defaultCurrency: string | null;
  /** Set when Xero merged this contact into another (its invoices moved there). */
  readonly mergedToContactId: string | null;
}

/** Invoice statuses we keep. DRAFT and SUBMITTED are not receivables yet; VOIDED and DELETED never were. */
export type InvoiceStatus = 'DRAFT' | 'SUBMITTED' | 'AUTHORISED' | 'PAID' | 'VOIDED' | 'DELETED';

export interface Invoice {
  /** Xero InvoiceID (ACCREC only). */
  readonly id: string;
  readonly number: string | null;
  readonly reference: string | null;
  readonly contactId: string;
  readonly status: InvoiceStatus;
  readonly date: IsoDate;
  readonly dueDate: IsoDate;
  readonly currency: string;
  readonly currencyRate: Decimal | null;
  readonly total: Decimal;
  /** As Xero reported at the last sync; point-in-time figures use settlements instead. */
  readonly amountDue: Decimal;
  readonly amountPaid: Decimal;
  readonly amountCredited: Decimal;
  readonly fullyPaidOnDate: IsoDate | null;
  /** Xero's expected payment date, if a user set one. */
  readonly expectedPaymentDate: IsoDate | null;
  readonly sentToContact: boolean;
  readonly updatedAt: Date;
}

export type SettlementKind = 'payment' | 'credit_note' | 'overpayment' | 'prepayment';

/**
 * Anything that reduced an invoice's amount due: a payment or an allocation of a credit note, overpayment or
 * prepayment. Amount is in the invoice's currency. Deleted payments are not settlements (they are dropped).
 */
export interface Settlement {
  /** PaymentID or AllocationID (or a stable synthetic id when Xero has none). */
  readonly id: string;
  readonly invoiceId: string;
  readonly kind: SettlementKind;
  /** The credit document for allocations; null for payments. */
  readonly sourceId: string | null;
  readonly date: IsoDate;
  readonly amount: Decimal;
  /** Payment's own rate (realised FX); null for allocations. */
  readonly currencyRate: Decimal | null;
}

export type CreditKind = 'credit_note' | 'overpayment' | 'prepayment';

/** A customer credit document: ACCRECCREDIT credit note, RECEIVE-OVERPAYMENT or RECEIVE-PREPAYMENT. */
export interface Credit {
  readonly id: string;
  readonly kind: CreditKind;
  readonly number: string | null;
  readonly contactId: string;
  readonly status: InvoiceStatus;
  readonly date: IsoDate;
  readonly currency: string;
  readonly currencyRate: Decimal | null;
  readonly total: Decimal;
  /** As Xero reported at the last sync. */
  readonly remainingCredit: Decimal;
  /** Cash refunds paid out of this credit, by date (reduce what is left to apply). */
  readonly refunds: readonly { readonly date: IsoDate; readonly amount: Decimal }[];
}

export interface OrganisationProfile {
  readonly id: string;
  readonly name: string;
  readonly baseCurrency: string;
  /** IANA zone (mapped from Xero's Windows name). */
  readonly timezone: string;
  readonly shortCode: string | null;
  readonly defaultSalesTerms: PaymentTerms | null;
}

export interface Ledger {
  readonly organisation: OrganisationProfile;
  readonly contacts: readonly Contact[];
  readonly invoices: readonly Invoice[];
  readonly settlements: readonly Settlement[];
  /** Allocations of credits appear as settlements of kind ≠ 'payment' whose sourceId is the credit. */
  readonly credits: readonly Credit[];
}
