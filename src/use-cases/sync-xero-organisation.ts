import type { SyncResource, XeroLedgerStore } from '../adapters/db/xero-ledger-store.js';
import type { XeroPage, XeroTenantApi } from '../adapters/xero/xero-gateway.js';
import type { CreditRecordKind } from '../adapters/xero/xero-records.js';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';

/** What a sync needs: one tenant's API and the ledger store. Both are adapters, passed in. */
export interface XeroSyncDeps {
  readonly api: XeroTenantApi;
  readonly store: XeroLedgerStore;
  readonly log: Logger;
  /** The run's time (stored as synced_at); read once by the caller. */
  readonly now: Date;
}

export interface SyncTarget {
  readonly id: string;
  readonly name: string;
  readonly baseCurrency: string | null;
}

export interface ResourceCount {
  pages: number;
  rows: number;
}

export interface XeroSyncReport {
  readonly orgId: string;
  readonly mode: 'full' | 'incremental';
  readonly organisationRefreshed: boolean;
  readonly resources: Record<SyncResource, ResourceCount>;
  /** Whether any resource had records modified after its cursor (a full sync: whether it read anything). */
  readonly changed: boolean;
  readonly apiCalls: number;
}

export interface XeroSyncOptions {
  /** Ignore cursors and read everything (cursors still move forward). */
  readonly full?: boolean;
  /** Re-read the organisation's settings (always done when we hold none yet). */
  readonly refreshOrganisation?: boolean;
  /** Called after each stored page (CLI progress). */
  readonly onPage?: (resource: SyncResource, count: ResourceCount) => void;
  /**
   * Shutdown: the sync stops after the page it is storing (each page is stored with its cursor, so the next run
   * resumes there) and throws `SYNC_STOPPED`.
   */
  readonly signal?: AbortSignal;
}

/** If-Modified-Since is accurate to the second: re-read the cursor's second (upserts are idempotent). */
const OVERLAP_MS = 1_000;

export const CREDIT_RESOURCES: Record<CreditRecordKind, SyncResource> = {
  credit_note: 'credit_notes',
  overpayment: 'overpayments',
  prepayment: 'prepayments',
};

/**
 * Reads every page of one resource and stores each page with its cursor in one transaction, so a sync that
 * stops anywhere (a 500 that outlasts the retries, a crash) resumes from the last stored page next time.
 * Once Xero has said how many pages there are, the next page is requested while this one is being stored
 * (two calls in flight at most, well inside Xero's five): pages are still stored strictly in order.
 */
export async function syncPaged<T>(
  fetchPage: (page: number) => Promise<XeroPage<T>>,
  savePage: (rows: T[], cursorAt: Date | null) => Promise<void>,
  onPage?: (count: ResourceCount) => void,
  signal?: AbortSignal,
): Promise<ResourceCount> {
  const count: ResourceCount = { pages: 0, rows: 0 };
  stopIfAsked(signal, count);
  let pending: Promise<XeroPage<T>> = fetchPage(1);
  for (let page = 1; ; page++) {
    const p = await pending;
    // Xero's pagination object says how many pages there are; without it, a short page is the last.
    const more = p.pageCount !== null ? page < p.pageCount : p.returned > 0 && p.returned >= 1000;
    if (more && !signal?.aborted) {
      pending = fetchPage(page + 1);
      // Surfaced when awaited; until then a failure must not count as unhandled.
      pending.catch(() => undefined);
    }
    await savePage(p.items, p.maxUpdatedAt);
    count.pages++;
    count.rows += p.items.length;
    onPage?.(count);
    if (!more) return count;
    stopIfAsked(signal, count);
  }
}

function stopIfAsked(signal: AbortSignal | undefined, count: ResourceCount): void {
  if (signal?.aborted) {
    throw new AppError(
      'SYNC_STOPPED',
      `stopped at shutdown after ${count.pages} stored pages; the next run resumes there`,
    );
  }
}

/**
 * 1. the organisation's settings (first run, full runs, or when asked);
 * 2. contacts, ACCREC invoices (with their payments, unless every payment is read in this run), credit notes,
 *    overpayments, prepayments (with allocations and refunds), then payments (deleted ones included, which
 *    undoes them);
 * each from its own If-Modified-Since cursor, or from the beginning when `full`.
 */
export async function syncXeroOrganisation(
  deps: XeroSyncDeps,
  org: SyncTarget,
  options: XeroSyncOptions = {},
): Promise<XeroSyncReport> {
  const { api, store, now, log } = deps;
  const full = options.full === true;
  const startCalls = api.calls;

  const refreshOrganisation = full || options.refreshOrganisation === true || !org.baseCurrency;
  if (refreshOrganisation) await refreshOrganisationProfile(deps, org.id);

  // The cursors as they were: a page whose newest record is newer than its cursor brings something new (the
  // second re-read below the cursor brings nothing new, and says nothing about whether Xero changed).
  const before = new Map<SyncResource, Date | null>();
  let changed = false;
  const since = async (resource: SyncResource) => {
    const c = await store.cursor(org.id, resource);
    before.set(resource, c);
    if (full) return null;
    return c ? new Date(c.getTime() - OVERLAP_MS) : null;
  };
  const progress = (resource: SyncResource) => (c: ResourceCount) => options.onPage?.(resource, c);
  const saveOptions = (resource: SyncResource, at: Date | null) => {
    const prior = before.get(resource) ?? null;
    if (at && (!prior || at > prior)) changed = true;
    return { now, cursor: { resource, at } };
  };

  const resources = {} as Record<SyncResource, ResourceCount>;

  let modifiedSince = await since('contacts');
  resources.contacts = await syncPaged(
    (page) => api.contacts({ page, modifiedSince }),
    (rows, at) => store.saveContacts(org.id, rows, saveOptions('contacts', at)),
    progress('contacts'),
    options.signal,
  );

  modifiedSince = await since('invoices');
  // Reading every invoice and, later in this run, every payment: the payments each invoice lists would be
  // stored twice, so the invoices come as Xero's summary pages (no Payments, no LineItems: little over half the
  // bytes). An incremental read keeps the full pages, whose payment lists also reveal deleted payments.
  const summaryOnly = modifiedSince === null && (await since('payments')) === null;
  resources.invoices = await syncPaged(
    (page) => api.invoices({ page, modifiedSince, summaryOnly }),
    (rows, at) => store.saveInvoices(org.id, rows, saveOptions('invoices', at)),
    progress('invoices'),
    options.signal,
  );

  for (const [kind, resource] of Object.entries(CREDIT_RESOURCES) as [CreditRecordKind, SyncResource][]) {
    const creditsSince = await since(resource);
    resources[resource] = await syncPaged(
      (page) => api.credits(kind, { page, modifiedSince: creditsSince }),
      (rows, at) => store.saveCredits(org.id, rows, saveOptions(resource, at)),
      progress(resource),
      options.signal,
    );
  }

  modifiedSince = await since('payments');
  resources.payments = await syncPaged(
    (page) => api.payments({ page, modifiedSince }),
    (rows, at) => store.savePayments(org.id, rows, saveOptions('payments', at)),
    progress('payments'),
    options.signal,
  );

  // Every resource is in: from now on the ledger may drive decisions (scores, plans, digests, cards).
  await store.markComplete(org.id, now);
  const report: XeroSyncReport = {
    orgId: org.id,
    mode: full ? 'full' : 'incremental',
    organisationRefreshed: refreshOrganisation,
    resources,
    changed,
    apiCalls: api.calls - startCalls,
  };
  log.info({ orgId: org.id, mode: report.mode, apiCalls: report.apiCalls, resources }, 'xero sync finished');
  return report;
}

export async function refreshOrganisationProfile(deps: XeroSyncDeps, orgId: string): Promise<void> {
  const profile = await deps.api.organisation();
  const reminders = await deps.api.invoiceRemindersEnabled();
  await deps.store.saveOrganisation(orgId, profile, reminders, deps.now);
}
