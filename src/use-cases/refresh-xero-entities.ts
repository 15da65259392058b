import type { XeroSyncDeps } from './sync-xero-organisation.js';
import { chunk } from './xero-batching.js';

export interface XeroEntityRefs {
  readonly contacts: readonly string[];
  readonly invoices: readonly string[];
  readonly creditNotes: readonly string[];
  /** PAYMENT events (Xero added them in 2026); each is read by id. */
  readonly payments?: readonly string[];
}

export interface XeroRefreshReport {
  readonly contacts: number;
  readonly invoices: number;
  readonly creditNotes: number;
  readonly payments: number;
  readonly apiCalls: number;
}

/**
 * A targeted refresh after webhook events: re-read just these contacts, invoices, credit notes and payments by ID.
 * Webhooks carry no data (credit notes aside), so this is how an event becomes ledger rows. Bills (ACCPAY)
 * and supplier credit notes come back too and are dropped by the mappers. Cursors are left alone.
 */
export async function refreshXeroEntities(
  deps: XeroSyncDeps,
  orgId: string,
  refs: XeroEntityRefs,
  idsPerRequest = 40,
): Promise<XeroRefreshReport> {
  const { api, store, now } = deps;
  const startCalls = api.calls;
  let contacts = 0;
  let invoices = 0;
  let creditNotes = 0;
  for (const ids of chunk([...new Set(refs.contacts)], idsPerRequest)) {
    const page = await api.contacts({ page: 1, ids });
    await store.saveContacts(orgId, page.items, { now });
    contacts += page.items.length;
  }
  for (const ids of chunk([...new Set(refs.invoices)], idsPerRequest)) {
    const page = await api.invoices({ page: 1, ids });
    await store.saveInvoices(orgId, page.items, { now });
    invoices += page.items.length;
  }
  for (const id of new Set(refs.creditNotes)) {
    const credit = await api.creditNote(id);
    if (credit) {
      await store.saveCredits(orgId, [credit], { now });
      creditNotes++;
    }
  }
  let payments = 0;
  for (const id of new Set(refs.payments ?? [])) {
    const payment = await api.payment(id);
    if (payment) {
      await store.savePayments(orgId, [payment], { now });
      payments++;
    }
  }
  return { contacts, invoices, creditNotes, payments, apiCalls: api.calls - startCalls };
}
