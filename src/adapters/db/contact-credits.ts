import type { Credit, InvoiceStatus, Settlement, SettlementKind } from '../../domain/ledger.js';
import type { Queryable } from './schema.js';

/**
 * One customer's credit documents with their allocations (as settlements) and cash refunds, as `loadLedger` holds
 * them: enough for the point-in-time unapplied credit of one customer without loading the ledger (Approve).
 */
export async function loadContactCredits(
  db: Queryable,
  orgId: string,
  contactId: string,
): Promise<{ credits: Credit[]; settlements: Settlement[] }> {
  const rows = await db
    .selectFrom('xero_credits')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('contact_id', '=', contactId)
    .execute();
  if (rows.length === 0) return { credits: [], settlements: [] };
  const ids = rows.map((r) => r.credit_id);
  const [allocations, refunds] = await Promise.all([
    db
      .selectFrom('xero_credit_allocations')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('credit_id', 'in', ids)
      .execute(),
    db
      .selectFrom('xero_payments')
      .select(['credit_id', 'date', 'amount'])
      .where('org_id', '=', orgId)
      .where('credit_id', 'in', ids)
      .where('status', '!=', 'DELETED')
      .execute(),
  ]);
  const kinds = new Map(rows.map((r) => [r.credit_id, r.kind]));
  const settlements: Settlement[] = allocations.map((a) => ({
    id: a.allocation_id,
    invoiceId: a.invoice_id,
    kind: (kinds.get(a.credit_id) ?? 'credit_note') as SettlementKind,
    sourceId: a.credit_id,
    date: a.date,
    amount: a.amount,
    currencyRate: null,
  }));
  const credits: Credit[] = rows.map((c) => ({
    id: c.credit_id,
    kind: c.kind,
    number: c.number,
    contactId: c.contact_id,
    status: c.status as InvoiceStatus,
    date: c.date,
    currency: c.currency.trim(),
    currencyRate: c.currency_rate,
    total: c.total,
    remainingCredit: c.remaining_credit,
    refunds: refunds
      .filter((r) => r.credit_id === c.credit_id)
      .map((r) => ({ date: r.date, amount: r.amount })),
  }));
  return { credits, settlements };
}
