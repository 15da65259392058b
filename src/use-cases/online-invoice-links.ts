import type { Kysely } from 'kysely';
import type { DB } from '../adapters/db/schema.js';
import { getCachedOnlineInvoices, saveOnlineInvoice } from '../adapters/db/xero-online-invoices.js';
import type { OnlineInvoiceFetcher } from '../adapters/xero/online-invoices.js';

/**
 * Xero's online-invoice links ("View and pay") for the invoices a reminder is about, cached in Postgres. Xero's
 * Starter tier allows 1,000 calls per organisation a day, so a link is fetched once per invoice and only for
 * invoices a reminder is being drafted for, never for the ledger; a refusal is kept and asked again only after a
 * week. A run spends at most `maxFetches` calls on links, and stops asking at the first failure that is not about
 * the invoice (the day's budget, a 429, Xero down): a reminder without its link is still a reminder.
 */

/** An invoice Xero would not link (a DRAFT then) may be authorised since: ask again after this long. */
export const REFUSED_LINK_RETRY_MS = 7 * 24 * 60 * 60_000;
/**
 * Calls one planning run may spend on links; the rest are fetched by the following days' runs. Kept under Xero's 60
 * calls a minute less a sync's worth, so a morning run never waits for the minute window on links: the digest
 * follows the plan, and a first morning with a hundred reminders must not hold it back by a minute.
 */
export const LINK_FETCHES_PER_RUN = 40;

/** Shared by every reminder of one run. */
export interface OnlineLinkBudget {
  remaining: number;
  fetched: number;
  /** Why the run stopped asking Xero (null while it may ask). */
  stopped: string | null;
}

export function onlineLinkBudget(maxFetches = LINK_FETCHES_PER_RUN): OnlineLinkBudget {
  return { remaining: maxFetches, fetched: 0, stopped: null };
}

export interface OnlineLinkDeps {
  readonly db: Kysely<DB>;
  /** null: Xero is not connected here; only cached links are used. */
  readonly fetcher: OnlineInvoiceFetcher | null;
  readonly now: Date;
  readonly budget: OnlineLinkBudget;
}

/**
 * Links by invoice id for the given invoices: the cached ones, and those fetched now. The planner's invoices are
 * open receivables (AUTHORISED), never DRAFT, which Xero refuses to link.
 */
export async function onlineInvoiceLinks(
  deps: OnlineLinkDeps,
  orgId: string,
  invoiceIds: readonly string[],
): Promise<Map<string, string>> {
  const cached = await getCachedOnlineInvoices(deps.db, orgId, invoiceIds);
  const links = new Map<string, string>();
  for (const id of invoiceIds) {
    const known = cached.get(id);
    if (known?.url) {
      links.set(id, known.url);
      continue;
    }
    if (known && deps.now.getTime() - known.checkedAt.getTime() < REFUSED_LINK_RETRY_MS) continue;
    const { budget } = deps;
    if (!deps.fetcher || budget.stopped !== null) continue;
    if (budget.remaining <= 0) {
      budget.stopped = 'this run has spent its calls on links';
      continue;
    }
    budget.remaining--;
    budget.fetched++;
    const out = await deps.fetcher.fetch(orgId, id);
    if (out.kind === 'found') {
      links.set(id, out.url);
      await saveOnlineInvoice(deps.db, {
        orgId,
        invoiceId: id,
        url: out.url,
        error: null,
        checkedAt: deps.now,
      });
    } else if (out.kind === 'refused') {
      await saveOnlineInvoice(deps.db, {
        orgId,
        invoiceId: id,
        url: null,
        error: out.error,
        checkedAt: deps.now,
      });
    } else {
      budget.stopped = out.error;
    }
  }
  return links;
}

/** The cached links only (Approve and Edit recompute facts from them; they never call Xero). */
export async function cachedOnlineInvoiceLinks(
  db: Parameters<typeof getCachedOnlineInvoices>[0],
  orgId: string,
  invoiceIds: readonly string[],
): Promise<Map<string, string>> {
  const cached = await getCachedOnlineInvoices(db, orgId, invoiceIds);
  const links = new Map<string, string>();
  for (const [id, c] of cached) if (c.url) links.set(id, c.url);
  return links;
}
