/**
 * Writes History notes on Xero documents (PUT /Invoices/{id}/History, PUT /Contacts/{id}/History). The Xero
 * gateway implements it with xero-node's createInvoiceHistory / createContactHistory; the outbox handler
 * depends only on this shape. Several details for one document may go in one PUT (one HistoryRecord each).
 */
export type HistoryDocumentType = 'invoice' | 'contact';

export type NoteWriteOutcome =
  | { readonly kind: 'written' }
  /** 429 from Xero (minute or daily limit): come back after Retry-After. */
  | { readonly kind: 'rate-limited'; readonly retryAfterMs: number; readonly error: string }
  /** 5xx, timeouts, network: try again with backoff. */
  | { readonly kind: 'retryable'; readonly error: string }
  /** 400/403/404: the document is gone or the organisation disconnected; retrying will not help. */
  | { readonly kind: 'rejected'; readonly error: string };

export interface XeroNoteWriter {
  addNotes(
    orgId: string,
    documentType: HistoryDocumentType,
    documentId: string,
    details: readonly string[],
    /** Sent as Xero's Idempotency-Key header: a replay after a lost response writes nothing twice. */
    idempotencyKey: string,
  ): Promise<NoteWriteOutcome>;
}
