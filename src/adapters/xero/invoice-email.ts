import type { Kysely } from 'kysely';
import { errorMessage, isAppError } from '../../errors.js';
import { getOrganisation, type Organisation } from '../db/organisations.js';
import type { DB } from '../db/schema.js';
import { XeroCallError } from './xero-errors.js';
import type { XeroTenantApi } from './xero-gateway.js';

/**
 * Xero's own invoice email (POST /Invoices/{id}/Email) as the send handler needs it. Xero answers a used-up daily
 * email limit, an invoice in the wrong status and a Demo Company (limit 0) with 400, not 429: those are final
 * (`refused`, the reason shown on the card), while a 429, a 5xx or a lost connection is tried again by the outbox
 * with the same Idempotency-Key.
 */
export type InvoiceEmailOutcome =
  | { readonly kind: 'sent' }
  | { readonly kind: 'rate-limited'; readonly retryAfterMs: number; readonly error: string }
  | { readonly kind: 'retryable'; readonly error: string }
  | { readonly kind: 'refused'; readonly error: string };

export interface XeroInvoiceEmailer {
  emailInvoice(orgId: string, invoiceId: string, idempotencyKey: string): Promise<InvoiceEmailOutcome>;
}

/** "HTTP 400: ValidationException: A validation exception occurred: <why>" → "<why> (HTTP 400)". */
function readableRefusal(message: string): string {
  const m = /^HTTP (\d+): ValidationException: A validation exception occurred: (.+)$/s.exec(message);
  return m ? `${m[2]} (HTTP ${m[1]})` : message;
}

/** Until Xero's daily budget resets: the gate refuses for the rest of the organisation's day. */
const BUDGET_WAIT_MS = 60 * 60_000;

export function createGatewayInvoiceEmailer(deps: {
  readonly db: Kysely<DB>;
  readonly tenantApi: (org: Organisation) => Pick<XeroTenantApi, 'emailInvoice'>;
}): XeroInvoiceEmailer {
  return {
    async emailInvoice(orgId, invoiceId, idempotencyKey) {
      const org = await getOrganisation(deps.db, orgId);
      if (!org) return { kind: 'refused', error: 'the organisation no longer exists' };
      if (org.status === 'disconnected')
        return { kind: 'refused', error: `${org.name} is disconnected from Xero` };
      try {
        await deps.tenantApi(org).emailInvoice(invoiceId, idempotencyKey);
        return { kind: 'sent' };
      } catch (err) {
        if (err instanceof XeroCallError) {
          const f = err.failure;
          if (f.kind === 'rate-limited') {
            return { kind: 'rate-limited', retryAfterMs: f.retryAfterMs ?? 60_000, error: f.message };
          }
          if (f.kind === 'client' || f.kind === 'not-found') {
            return { kind: 'refused', error: readableRefusal(f.message) };
          }
          return { kind: 'retryable', error: err.message };
        }
        // Our own daily budget for this organisation is spent: a wait until it resets, not a failed attempt.
        if (isAppError(err, 'XERO_DAILY_BUDGET')) {
          return { kind: 'rate-limited', retryAfterMs: BUDGET_WAIT_MS, error: err.message };
        }
        // Reconnect required, database hiccups: the outbox tries again (and its dead letter says why at the end).
        return { kind: 'retryable', error: errorMessage(err) };
      }
    },
  };
}
