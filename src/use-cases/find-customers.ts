import Fuse from 'fuse.js';
import type { Contact } from '../domain/ledger.js';

export type CustomerLookup =
  | { readonly kind: 'found'; readonly contact: Contact }
  | { readonly kind: 'ambiguous'; readonly matches: readonly Contact[] }
  | { readonly kind: 'none' };

export const MAX_MATCHES = 10;

const norm = (s: string | null | undefined) => (s ?? '').trim().toLowerCase().replace(/\s+/g, ' ');

function decide(matches: Contact[]): CustomerLookup {
  if (matches.length === 1) return { kind: 'found', contact: matches[0]! };
  if (matches.length === 0) return { kind: 'none' };
  return {
    kind: 'ambiguous',
    matches: [...matches].sort((a, b) => a.name.localeCompare(b.name)).slice(0, MAX_MATCHES),
  };
}

/**
 * What a collector types after `/ar aging` or `ar-copilot aging`: a name, part of one, an account number or a
 * Xero contact id. In order: exact (name, account number, contact number, id), then names containing the text,
 * then fuzzy (typos: "acne" → "Acme"). A fuzzy result is taken alone only when it is clearly the best;
 * otherwise the caller gets the list to choose from. Contacts merged into another are skipped: their invoices
 * moved to the survivor.
 */
export function findCustomers(contacts: readonly Contact[], query: string): CustomerLookup {
  const q = norm(query);
  if (q === '') return { kind: 'none' };
  const live = contacts.filter((c) => c.mergedToContactId === null);

  const exact = live.filter(
    (c) =>
      norm(c.name) === q ||
      norm(c.accountNumber) === q ||
      norm(c.contactNumber) === q ||
      c.id.toLowerCase() === q,
  );
  if (exact.length > 0) return decide(exact);

  const partial = live.filter(
    (c) => norm(c.name).includes(q) || (c.accountNumber !== null && norm(c.accountNumber).startsWith(q)),
  );
  if (partial.length > 0) return decide(partial);

  const fuse = new Fuse(live, {
    keys: [
      { name: 'name', weight: 3 },
      { name: 'accountNumber', weight: 1 },
    ],
    includeScore: true,
    ignoreLocation: true,
    threshold: 0.4,
  });
  const results = fuse.search(q, { limit: MAX_MATCHES + 1 });
  if (results.length === 0) return { kind: 'none' };
  const [best, second] = results;
  const clear = !second || (second.score ?? 1) - (best!.score ?? 0) >= 0.15;
  return clear ? { kind: 'found', contact: best!.item } : decide(results.map((r) => r.item));
}
