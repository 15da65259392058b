import type { Kysely } from 'kysely';
import { listPaymentPromises } from '../adapters/db/payment-promises.js';
import type { DB } from '../adapters/db/schema.js';
import type { DisputeListEntry, PromiseListEntry } from '../adapters/slack/blocks/promises.js';
import { isDisputeOpen } from '../domain/collections-signals.js';
import type { Invoice } from '../domain/ledger.js';
import { type Big, dec, toBase, toDecimal, ZERO } from '../domain/money.js';
import { DISPUTE_LABEL } from '../domain/reply-suggestion.js';
import type { CollectionsView } from './collections-view.js';

/** Judged promises stay on `/ar promises` this long, so a collector sees this week's verdicts too. */
const JUDGED_SHOWN_DAYS = 7;

/**
 * `/ar promises`: active promises, and those judged in the last week with their verdict, largest first (in base
 * currency: a promise of "everything due" counts what is due on its invoices now).
 */
export async function listPromisesForSlack(
  db: Kysely<DB>,
  view: CollectionsView,
  now: Date,
): Promise<PromiseListEntry[]> {
  const since = new Date(now.getTime() - JUDGED_SHOWN_DAYS * 86_400_000);
  const [active, judged] = await Promise.all([
    listPaymentPromises(db, view.organisation.id, { statuses: ['active'] }),
    listPaymentPromises(db, view.organisation.id, {
      statuses: ['kept', 'part_kept', 'broken'],
      settledSince: since,
    }),
  ]);
  const base = view.ledger.organisation.baseCurrency;
  const names = new Map(view.ledger.contacts.map((c) => [c.id, c.name]));
  const open = openInvoicesByContact(view);
  const entries = [...active, ...judged].map((p): PromiseListEntry => {
    const covered = (open.get(p.contactId) ?? []).filter(
      (i) =>
        (p.invoiceIds.length === 0 || p.invoiceIds.includes(i.id)) &&
        (!p.currency || i.currency === p.currency),
    );
    const rate = covered[0]?.currencyRate ?? null;
    const expected =
      p.amount !== null ? toBase(dec(p.amount), rate) : sumBase(covered, (i) => dec(i.amountDue));
    return {
      customerName: names.get(p.contactId) ?? p.contactId,
      earliest: p.earliest,
      latest: p.latest,
      amount: p.amount,
      currency: p.currency,
      status: p.status as PromiseListEntry['status'],
      expectedBase: toDecimal(expected, 2),
      baseCurrency: base,
    };
  });
  return entries.sort((a, b) => dec(b.expectedBase).cmp(dec(a.expectedBase)));
}

/** `/ar disputes`: open disputes, largest disputed balance (base currency) first. */
export function listDisputesForSlack(view: CollectionsView): DisputeListEntry[] {
  const names = new Map(view.ledger.contacts.map((c) => [c.id, c.name]));
  const open = openInvoicesByContact(view);
  const base = view.ledger.organisation.baseCurrency;
  return view.signals.disputes
    .filter((d) => isDisputeOpen(d, view.asOf))
    .map((d): DisputeListEntry => {
      const disputed = (open.get(d.contactId) ?? []).filter(
        (i) => d.invoiceIds.length === 0 || d.invoiceIds.includes(i.id),
      );
      return {
        customerName: names.get(d.contactId) ?? d.contactId,
        reason: d.reason === 'other' ? 'reason not given' : DISPUTE_LABEL[d.reason],
        openedOn: d.openedOn,
        invoiceCount: disputed.length,
        amountBase: toDecimal(
          sumBase(disputed, (i) => dec(i.amountDue)),
          2,
        ),
        baseCurrency: base,
      };
    })
    .sort((a, b) => dec(b.amountBase).cmp(dec(a.amountBase)));
}

function openInvoicesByContact(view: CollectionsView): Map<string, Invoice[]> {
  const out = new Map<string, Invoice[]>();
  for (const i of view.ledger.invoices) {
    if (i.status !== 'AUTHORISED' || dec(i.amountDue).lte(0)) continue;
    const list = out.get(i.contactId);
    if (list) list.push(i);
    else out.set(i.contactId, [i]);
  }
  return out;
}

function sumBase(invoices: readonly Invoice[], amountOf: (i: Invoice) => Big): Big {
  return invoices.reduce((t, i) => t.plus(toBase(amountOf(i), i.currencyRate)), ZERO);
}
