import type { Queryable } from './schema.js';

/** What we know of an invoice's online link: the link, or Xero's refusal and when it was asked. */
export interface CachedOnlineInvoice {
  readonly invoiceId: string;
  readonly url: string | null;
  readonly error: string | null;
  readonly checkedAt: Date;
}

/** The cached answers for some invoices of one organisation (absent: never asked). */
export async function getCachedOnlineInvoices(
  db: Queryable,
  orgId: string,
  invoiceIds: readonly string[],
): Promise<Map<string, CachedOnlineInvoice>> {
  if (invoiceIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('xero_online_invoices')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('invoice_id', 'in', [...invoiceIds])
    .execute();
  return new Map(
    rows.map((r) => [
      r.invoice_id,
      { invoiceId: r.invoice_id, url: r.url, error: r.error, checkedAt: new Date(r.checked_at) },
    ]),
  );
}

/**
 * Keeps Xero's answer. A link, once known, is never replaced by a later refusal (it does not change, and a
 * transient 400 must not lose it).
 */
export async function saveOnlineInvoice(
  db: Queryable,
  input: { orgId: string; invoiceId: string; url: string | null; error: string | null; checkedAt: Date },
): Promise<void> {
  await db
    .insertInto('xero_online_invoices')
    .values({
      org_id: input.orgId,
      invoice_id: input.invoiceId,
      url: input.url,
      error: input.error,
      checked_at: input.checkedAt,
    })
    .onConflict((oc) =>
      oc
        .columns(['org_id', 'invoice_id'])
        .doUpdateSet({ url: input.url, error: input.error, checked_at: input.checkedAt })
        .where('xero_online_invoices.url', 'is', null),
    )
    .execute();
}
