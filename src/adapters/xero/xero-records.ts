import type { PaymentTerms } from '../../domain/ledger.js';

/**
 * What the Xero gateway hands to the sync: one record per row of the xero_* ledger tables, already checked
 * and converted (calendar dates 'YYYY-MM-DD', amounts as decimal strings, ACCREC side only).
 */
export interface ContactRecord {
  readonly contactId: string;
  readonly name: string;
  readonly status: string;
  readonly accountNumber: string | null;
  readonly contactNumber: string | null;
  readonly email: string | null;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly persons: {
    firstName: string | null;
    lastName: string | null;
    email: string | null;
    includeInEmails: boolean;
  }[];
  readonly phones: { type: string; number: string }[];
  readonly groups: string[];
  readonly salesTerms: PaymentTerms | null;
  readonly defaultCurrency: string | null;
  readonly mergedToContactId: string | null;
  readonly isCustomer: boolean;
  readonly updatedAt: Date | null;
}

export interface PaymentRecord {
  readonly paymentId: string;
  /** ACCRECPAYMENT: the invoice paid. */
  readonly invoiceId: string | null;
  /** AR refunds (ARCREDITPAYMENT, AROVERPAYMENTPAYMENT, ARPREPAYMENTPAYMENT): the credit paid out. */
  readonly creditId: string | null;
  readonly paymentType: string;
  readonly status: string;
  readonly date: string;
  readonly amount: string;
  readonly currencyRate: string | null;
  readonly reference: string | null;
  readonly updatedAt: Date | null;
}

export interface InvoiceRecord {
  readonly invoiceId: string;
  readonly number: string | null;
  readonly reference: string | null;
  readonly contactId: string;
  readonly status: string;
  readonly date: string;
  readonly dueDate: string;
  readonly currency: string;
  readonly currencyRate: string | null;
  readonly total: string;
  readonly amountDue: string;
  readonly amountPaid: string;
  readonly amountCredited: string;
  readonly fullyPaidOnDate: string | null;
  readonly expectedPaymentDate: string | null;
  readonly sentToContact: boolean;
  readonly url: string | null;
  readonly updatedAt: Date | null;
  /**
   * The invoice's current (non-deleted) payments, as listed on the invoice itself; null when the invoice came
   * from a summary page (`summaryOnly`), where Xero leaves them out, so nothing can be concluded about them.
   */
  readonly payments: PaymentRecord[] | null;
}

export interface AllocationRecord {
  readonly allocationId: string;
  readonly creditId: string;
  readonly invoiceId: string;
  readonly date: string;
  readonly amount: string;
}

export type CreditRecordKind = 'credit_note' | 'overpayment' | 'prepayment';

export interface CreditRecord {
  readonly creditId: string;
  readonly kind: CreditRecordKind;
  readonly number: string | null;
  readonly contactId: string;
  readonly status: string;
  readonly date: string;
  readonly currency: string;
  readonly currencyRate: string | null;
  readonly total: string;
  readonly remainingCredit: string;
  readonly updatedAt: Date | null;
  /** All current allocations of this credit (the set replaces what we held). */
  readonly allocations: AllocationRecord[];
  /** Cash refunds paid out of the credit. */
  readonly refunds: PaymentRecord[];
}

export interface OrganisationRecord {
  readonly name: string;
  readonly baseCurrency: string;
  /** IANA zone, mapped from Xero's Windows name. */
  readonly timezone: string;
  readonly shortCode: string | null;
  readonly defaultSalesTerms: PaymentTerms | null;
  readonly isDemoCompany: boolean;
}
