import type { Kysely } from 'kysely';
import { errorMessage } from '../../errors.js';
import { getOrganisation, type Organisation } from '../db/organisations.js';
import type { DB } from '../db/schema.js';
import { XeroCallError } from './xero-errors.js';
import type { XeroTenantApi } from './xero-gateway.js';

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

/**
 * The production writer: History notes through the Xero gateway (xero-node createInvoiceHistory /
 * createContactHistory, with the per-tenant limiter, token refresh, timeout and retries).
 */
export function createGatewayNoteWriter(deps: {
  readonly db: Kysely<DB>;
  readonly tenantApi: (org: Organisation) => Pick<XeroTenantApi, 'addHistoryNotes'>;
}): XeroNoteWriter {
  return {
    async addNotes(orgId, documentType, documentId, details, idempotencyKey) {
      const org = await getOrganisation(deps.db, orgId);
      if (!org) return { kind: 'rejected', error: `organisation ${orgId} no longer exists` };
      if (org.status === 'disconnected')
        return { kind: 'rejected', error: `${org.name} is disconnected from Xero` };
      try {
        await deps.tenantApi(org).addHistoryNotes(documentType, documentId, details, idempotencyKey);
        return { kind: 'written' };
      } catch (err) {
        if (err instanceof XeroCallError) {
          const f = err.failure;
          if (f.kind === 'rate-limited') {
            return { kind: 'rate-limited', retryAfterMs: f.retryAfterMs ?? 60_000, error: err.message };
          }
          if (f.kind === 'client' || f.kind === 'not-found') return { kind: 'rejected', error: err.message };
          return { kind: 'retryable', error: err.message };
        }
        // Reconnect required, database hiccups: keep the note until it can be written.
        return { kind: 'retryable', error: errorMessage(err) };
      }
    },
  };
}
