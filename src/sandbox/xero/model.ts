import type { Day } from './wire-format.js';

/**
 * The sandbox's in-memory records. Amounts are integer cents; derived figures (AmountDue, Status PAID,
 * RemainingCredit…) are recomputed by the store on every mutation, never set by hand.
 */

export type PaymentTermsType =
  | 'DAYSAFTERBILLDATE'
  | 'DAYSAFTERBILLMONTH'
  | 'OFCURRENTMONTH'
  | 'OFFOLLOWINGMONTH';

export interface TermsRec {
  day: number;
  type: PaymentTermsType;
}

export interface PersonRec {
  firstName: string;
  lastName: string;
  email: string | null;
  includeInEmails: boolean;
}

export interface PhoneRec {
  type: 'DEFAULT' | 'DDI' | 'MOBILE' | 'FAX' | 'OFFICE';
  number: string;
  areaCode: string;
  countryCode: string;
}

export interface ContactRec {
  readonly id: string;
  readonly tenantId: string;
  updatedMs: number;
  name: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  accountNumber: string | null;
  contactNumber: string | null;
  status: 'ACTIVE' | 'ARCHIVED' | 'GDPRREQUEST';
  persons: PersonRec[];
  phones: PhoneRec[];
  groupIds: string[];
  salesTerms: TermsRec | null;
  defaultCurrency: string | null;
  mergedToId: string | null;
  website: string | null;
  /** Every invoice (ACCREC and ACCPAY) of the contact: IsCustomer/IsSupplier and Balances derive from it. */
  invoices: InvoiceRec[];
  credits: CreditRec[];
  createdMs: number;
}

export interface LineRec {
  /** Absent on generated lines: the LineItemID is then derived from the document id and position. */
  id?: string;
  description: string;
  quantity: number;
  unitCents: number;
  accountCode: string;
  taxType: string;
  taxCents: number;
  lineCents: number;
}

export type LineAmountTypes = 'Exclusive' | 'Inclusive' | 'NoTax';
export type DocumentStatus = 'DRAFT' | 'SUBMITTED' | 'AUTHORISED' | 'PAID' | 'VOIDED' | 'DELETED';

export interface InvoiceRec {
  readonly id: string;
  updatedMs: number;
  type: 'ACCREC' | 'ACCPAY';
  number: string;
  reference: string | null;
  contact: ContactRec;
  date: Day;
  dueDate: Day;
  expectedPaymentDate: Day | null;
  currency: string;
  rate: number;
  lineAmountTypes: LineAmountTypes;
  lines: LineRec[];
  subTotalCents: number;
  taxCents: number;
  totalCents: number;
  /** What a user set: DRAFT, SUBMITTED, AUTHORISED, VOIDED or DELETED. PAID is derived. */
  baseStatus: Exclude<DocumentStatus, 'PAID'>;
  status: DocumentStatus;
  amountPaidCents: number;
  amountCreditedCents: number;
  amountDueCents: number;
  fullyPaidOn: Day | null;
  payments: PaymentRec[];
  allocations: AllocationRec[];
  sentToContact: boolean;
  createdMs: number;
}

export interface PaymentRec {
  readonly id: string;
  updatedMs: number;
  invoice: InvoiceRec;
  date: Day;
  amountCents: number;
  rate: number;
  reference: string | null;
  status: 'AUTHORISED' | 'DELETED';
  type: 'ACCRECPAYMENT' | 'ACCPAYPAYMENT';
  isReconciled: boolean;
  createdMs: number;
}

export type CreditKind = 'creditnote' | 'overpayment' | 'prepayment';

/** Credit notes, overpayments and prepayments: a credit of the contact that allocations spend. */
export interface CreditRec {
  readonly id: string;
  readonly kind: CreditKind;
  updatedMs: number;
  /** CreditNoteNumber for credit notes; null otherwise. */
  number: string | null;
  type: 'ACCRECCREDIT' | 'RECEIVE-OVERPAYMENT' | 'RECEIVE-PREPAYMENT';
  reference: string | null;
  contact: ContactRec;
  date: Day;
  currency: string;
  rate: number;
  lineAmountTypes: LineAmountTypes;
  lines: LineRec[];
  subTotalCents: number;
  taxCents: number;
  totalCents: number;
  baseStatus: 'DRAFT' | 'AUTHORISED' | 'VOIDED' | 'DELETED';
  status: DocumentStatus;
  remainingCents: number;
  fullyPaidOn: Day | null;
  allocations: AllocationRec[];
  createdMs: number;
}

export interface AllocationRec {
  readonly id: string;
  source: CreditRec;
  invoice: InvoiceRec;
  amountCents: number;
  date: Day;
}

export interface ContactGroupRec {
  readonly id: string;
  name: string;
  status: 'ACTIVE' | 'DELETED';
}

export interface HistoryRec {
  changes: string;
  dateMs: number;
  user: string;
  details: string;
}

export type HistoryKind = 'Invoices' | 'Contacts' | 'CreditNotes';

export interface OrgRec {
  readonly tenantId: string;
  readonly organisationId: string;
  name: string;
  legalName: string;
  shortCode: string;
  baseCurrency: string;
  countryCode: string;
  /** Windows time-zone name, e.g. 'New Zealand Standard Time'. */
  timezone: string;
  isDemoCompany: boolean;
  version: 'NZ' | 'AU' | 'UK' | 'US' | 'GLOBAL';
  salesTerms: TermsRec;
  billsTerms: TermsRec;
  invoiceRemindersEnabled: boolean;
  /** Invoice emails allowed per organisation-local day (Xero: 1000 paying, 20 trial, 0 demo). */
  emailDailyLimit: number;
  createdMs: number;
  contacts: Map<string, ContactRec>;
  invoices: Map<string, InvoiceRec>;
  payments: Map<string, PaymentRec>;
  credits: Map<string, CreditRec>;
  groups: Map<string, ContactGroupRec>;
  history: Map<string, HistoryRec[]>;
  /** Invoices Xero emailed (POST /Invoices/{id}/Email), with the Idempotency-Key the request carried. */
  emailsSent: { invoiceId: string; day: Day; at: number; idempotencyKey: string | null }[];
  /**
   * Ground truth of generated organisations: the payment habit each contact was generated with. Never served
   * by the API; tests of scoring compare against it.
   */
  habits: Map<string, string>;
  nextInvoiceNumber: number;
  nextCreditNoteNumber: number;
}
