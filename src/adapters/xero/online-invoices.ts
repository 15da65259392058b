import type { Kysely } from 'kysely';
import { AppError, errorMessage } from '../../errors.js';
import { getOrganisation, type Organisation } from '../db/organisations.js';
import type { DB } from '../db/schema.js';
import { XeroCallError } from './xero-errors.js';
import type { XeroTenantApi } from './xero-gateway.js';

/**
 * Xero's online-invoice link for one invoice (GET /Invoices/{id}/OnlineInvoice), as the planner needs it: the
 * link, Xero's refusal of this invoice (a 4xx: not a sales invoice, a DRAFT), or a failure that says nothing about
 * the invoice (the day's budget, a 429, Xero down) and after which a run stops asking.
 */
export type OnlineInvoiceOutcome =
  | { readonly kind: 'found'; readonly url: string }
  | { readonly kind: 'refused'; readonly error: string }
  | { readonly kind: 'unavailable'; readonly error: string };

export interface OnlineInvoiceFetcher {
  fetch(orgId: string, invoiceId: string): Promise<OnlineInvoiceOutcome>;
}

/**
 * The production fetcher: through the Xero gateway, so each call is admitted by the shared call gate, logged in
 * `xero_calls` and counted against the organisation's daily budget. Planning is background work: it stops at the
 * reserve kept for History notes and people's requests.
 */
export function createGatewayOnlineInvoiceFetcher(deps: {
  readonly db: Kysely<DB>;
  readonly tenantApi: (org: Organisation) => Pick<XeroTenantApi, 'onlineInvoiceUrl'>;
}): OnlineInvoiceFetcher {
  // One tenant API per organisation for the fetcher's life (a run): it holds the tenant's token between calls.
  const apis = new Map<string, Promise<Pick<XeroTenantApi, 'onlineInvoiceUrl'> | null>>();
  const apiFor = (orgId: string) => {
    let api = apis.get(orgId);
    if (!api) {
      api = getOrganisation(deps.db, orgId).then((org) =>
        org && org.status === 'active' ? deps.tenantApi(org) : null,
      );
      apis.set(orgId, api);
    }
    return api;
  };
  return {
    async fetch(orgId, invoiceId) {
      try {
        const api = await apiFor(orgId);
        if (!api) return { kind: 'unavailable', error: 'the organisation is not connected to Xero' };
        const url = await api.onlineInvoiceUrl(invoiceId);
        return url
          ? { kind: 'found', url }
          : { kind: 'refused', error: 'Xero returned no online invoice link' };
      } catch (err) {
        if (
          err instanceof XeroCallError &&
          (err.failure.kind === 'client' || err.failure.kind === 'not-found')
        ) {
          return { kind: 'refused', error: err.failure.message };
        }
        if (err instanceof AppError) return { kind: 'unavailable', error: `${err.code}: ${err.message}` };
        return { kind: 'unavailable', error: errorMessage(err) };
      }
    },
  };
}
