import type { CreditRecordKind } from '../adapters/xero/xero-records.js';
import {
  CREDIT_RESOURCES,
  refreshOrganisationProfile,
  type SyncTarget,
  syncPaged,
  type XeroSyncDeps,
} from './sync-xero-organisation.js';
import type { XeroIdsPerRequest } from './xero-batching.js';
import { chunk } from './xero-batching.js';

export interface XeroReconcileReport {
  readonly orgId: string;
  /** AUTHORISED invoices Xero listed (their DueDate and other quiet changes are now current). */
  readonly openInvoices: number;
  /** Invoices we held as open that Xero no longer lists as open, re-read by ID. */
  readonly recheckedInvoices: number;
  /** Of those, how many Xero did not return at all (marked DELETED here). */
  readonly missingInvoices: number;
  readonly openCredits: number;
  /** Credits we held as open that Xero no longer lists as open, re-read one by one (no IDs filter exists). */
  readonly recheckedCredits: number;
  readonly apiCalls: number;
}

/**
 * The nightly safety net for what If-Modified-Since misses (reference/xero-api.md §1, gotcha 3): a DueDate or
 * SentToContact change on a part-paid invoice does not bump UpdatedDateUTC, and webhooks can be lost.
 * 1. organisation settings; 2. every open invoice, by status; 3. invoices we hold as open that Xero no longer
 * lists as open, by ID (≤ 40 a request); 4. open credits, by status, and those we hold as open that Xero no
 * longer lists as open, one by one.
 */
export async function reconcileXeroOrganisation(
  deps: XeroSyncDeps,
  org: SyncTarget,
  idsPerRequest: XeroIdsPerRequest = 40,
): Promise<XeroReconcileReport> {
  const { api, store, now, log } = deps;
  const startCalls = api.calls;
  await refreshOrganisationProfile(deps, org.id);

  const seenOpen = new Set<string>();
  const open = await syncPaged(
    (page) => api.invoices({ page, statuses: ['AUTHORISED'] }),
    async (rows) => {
      for (const r of rows) seenOpen.add(r.invoiceId);
      await store.saveInvoices(org.id, rows, { now });
    },
  );

  const held = await store.openInvoiceIds(org.id);
  const stale = held.filter((id) => !seenOpen.has(id));
  let missing = 0;
  for (const ids of chunk(stale, idsPerRequest)) {
    const page = await api.invoices({ page: 1, ids });
    await store.saveInvoices(org.id, page.items, { now });
    const returned = new Set(page.items.map((i) => i.invoiceId));
    const gone = ids.filter((id) => !returned.has(id));
    missing += gone.length;
    if (gone.length) await store.markInvoicesDeleted(org.id, gone, now);
  }

  let openCredits = 0;
  const seenCredits = new Set<string>();
  for (const kind of Object.keys(CREDIT_RESOURCES) as CreditRecordKind[]) {
    const c = await syncPaged(
      (page) => api.credits(kind, { page, status: 'AUTHORISED' }),
      async (rows) => {
        for (const r of rows) seenCredits.add(r.creditId);
        await store.saveCredits(org.id, rows, { now });
      },
    );
    openCredits += c.rows;
  }
  const staleCredits = (await store.openCredits(org.id)).filter((c) => !seenCredits.has(c.id));
  for (const c of staleCredits) {
    const current = await api.credit(c.kind, c.id);
    if (current) await store.saveCredits(org.id, [current], { now });
    else await store.markCreditsDeleted(org.id, [c.id], now);
  }

  const report: XeroReconcileReport = {
    orgId: org.id,
    openInvoices: open.rows,
    recheckedInvoices: stale.length,
    missingInvoices: missing,
    openCredits,
    recheckedCredits: staleCredits.length,
    apiCalls: api.calls - startCalls,
  };
  log.info(report, 'xero reconcile finished');
  return report;
}
