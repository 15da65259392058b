import type { TierOverrideSignal } from './customer-overrides.js';
import type { IsoDate } from './ledger.js';
import type { Decimal } from './money.js';
import type { DisputeReason as ReadDisputeReason } from './reply-reading/reply-reading.js';

/**
 * What collectors learn outside Xero: promises to pay, disputes, pauses. Every scoring function takes them as
 * an optional input (default: none) and reads each one point-in-time, by the dates it carries, so a promise
 * made after `asOf` never changes a figure as of `asOf`.
 */
export interface PromiseToPay {
  readonly id: string;
  readonly contactId: string;
  /** Invoices the promise covers; empty means the customer's whole balance. */
  readonly invoiceIds: readonly string[];
  /** Promised amount in `currency`; null means everything due on the covered invoices. */
  readonly amount: Decimal | null;
  readonly currency: string | null;
  /** The day the customer said they would pay. */
  readonly promisedDate: IsoDate;
  /** The day the promise was recorded (it does not exist before). */
  readonly madeOn: IsoDate;
  /** How much the forecast trusts it, 0..1 (a human-confirmed remittance is near 1; a vague "next week" less). */
  readonly confidence: number;
  /** Set when a human withdrew the promise (it stops counting from that day). */
  readonly cancelledOn: IsoDate | null;
  /**
   * The recorded verdict once the promise was judged (payment_promises), and the day it was: from that day the
   * verdict is what counts, not a recomputation from the ledger. Absent for promises never judged (backtests,
   * holds from before promises were tracked).
   */
  readonly outcome?: 'kept' | 'part_kept' | 'broken';
  readonly judgedOn?: IsoDate;
}

/** A dispute hold's reason: what a reply can be read as, or 'other' (a collector's own). */
export type DisputeReason = ReadDisputeReason | 'other';

export interface Dispute {
  readonly id: string;
  readonly contactId: string;
  /** Disputed invoices; empty means the customer disputes their whole account. */
  readonly invoiceIds: readonly string[];
  readonly reason: DisputeReason;
  readonly openedOn: IsoDate;
  readonly resolvedOn: IsoDate | null;
}

export interface CollectionsSignals {
  readonly promises: readonly PromiseToPay[];
  readonly disputes: readonly Dispute[];
  /** Chasing paused for a contact until (and including) this date. */
  readonly pausedUntil?: Readonly<Record<string, IsoDate>>;
  /** A manager's priority tier per contact, in force until cleared (customer-overrides.ts). */
  readonly tierOverrides?: Readonly<Record<string, TierOverrideSignal>>;
}

export const NO_SIGNALS: CollectionsSignals = Object.freeze({ promises: [], disputes: [] });

/** A promise that exists and is still in force as of `asOf`. */
export function isPromiseActive(p: PromiseToPay, asOf: IsoDate): boolean {
  return p.madeOn <= asOf && (p.cancelledOn === null || p.cancelledOn > asOf);
}

export function isDisputeOpen(d: Dispute, asOf: IsoDate): boolean {
  return d.openedOn <= asOf && (d.resolvedOn === null || d.resolvedOn > asOf);
}

export function coversInvoice(signal: { invoiceIds: readonly string[] }, invoiceId: string): boolean {
  return signal.invoiceIds.length === 0 || signal.invoiceIds.includes(invoiceId);
}

/**
 * Signals grouped by contact. Callers that ask per open invoice (100k of them) look up their customer's few
 * signals instead of scanning every signal for every invoice.
 */
export function groupByContact<T extends { readonly contactId: string }>(
  items: readonly T[],
): ReadonlyMap<string, readonly T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const list = out.get(item.contactId);
    if (list) list.push(item);
    else out.set(item.contactId, [item]);
  }
  return out;
}

/** Disputes open as of `asOf`, by contact (see isInvoiceDisputed). */
export function openDisputesByContact(
  signals: CollectionsSignals,
  asOf: IsoDate,
): ReadonlyMap<string, readonly Dispute[]> {
  return groupByContact(signals.disputes.filter((d) => isDisputeOpen(d, asOf)));
}

export function isInvoiceDisputed(
  openDisputes: ReadonlyMap<string, readonly Dispute[]>,
  contactId: string,
  invoiceId: string,
): boolean {
  return openDisputes.get(contactId)?.some((d) => coversInvoice(d, invoiceId)) ?? false;
}

export function pausedUntilOf(signals: CollectionsSignals, contactId: string, asOf: IsoDate): IsoDate | null {
  const until = signals.pausedUntil?.[contactId];
  return until !== undefined && until >= asOf ? until : null;
}

/** Whether an invoice of a customer is disputed as of `asOf`, for lists that mark disputed invoices (ageing). */
export function disputedAsOf(
  signals: CollectionsSignals,
  asOf: IsoDate,
): (contactId: string, invoiceId: string) => boolean {
  const open = openDisputesByContact(signals, asOf);
  return (contactId, invoiceId) => isInvoiceDisputed(open, contactId, invoiceId);
}
