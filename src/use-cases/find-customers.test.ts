import { describe, expect, it } from 'vitest';
import { aContact } from '../testing/ledger-builders.js';
import { findCustomers } from './find-customers.js';

const contacts = [
  aContact({ id: 'c1', name: 'Acme Ltd', accountNumber: 'ACM-001' }),
  aContact({ id: 'c2', name: 'Acme Holdings', accountNumber: 'ACM-002' }),
  aContact({ id: 'c3', name: 'Bolt & Nut Supplies', accountNumber: 'BOLT' }),
  aContact({ id: 'c4', name: 'Harbour Foods Limited', contactNumber: 'HF-9' }),
  aContact({ id: 'c5', name: 'Harbour Foods', mergedToContactId: 'c4' }),
];

describe('findCustomers', () => {
  it.each([
    ['acme ltd', 'c1'], // exact name, any case
    ['  ACME   Ltd ', 'c1'], // spacing
    ['acm-002', 'c2'], // account number
    ['hf-9', 'c4'], // contact number
    ['c3', 'c3'], // Xero contact id
    ['bolt', 'c3'], // account number and partial name agree
    ['nut supp', 'c3'], // partial name
    ['harbour', 'c4'], // the merged duplicate is not a candidate
    ['bolt & nutt', 'c3'], // typo: fuzzy, one clear winner
  ])('%j finds %s', (query, id) => {
    const r = findCustomers(contacts, query);
    expect(r.kind).toBe('found');
    expect(r.kind === 'found' && r.contact.id).toBe(id);
  });

  it('returns the list when a partial name matches several customers', () => {
    const r = findCustomers(contacts, 'acme');
    expect(r.kind).toBe('ambiguous');
    expect(r.kind === 'ambiguous' && r.matches.map((c) => c.name)).toEqual(['Acme Holdings', 'Acme Ltd']);
  });

  it.each(['', '   ', 'zzzzqqq'])('finds nothing for %j', (query) => {
    expect(findCustomers(contacts, query)).toEqual({ kind: 'none' });
  });
});
