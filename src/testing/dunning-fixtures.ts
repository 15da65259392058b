import type { Ledger } from '../domain/ledger.js';
import { LedgerBuilder } from './ledger-builders.js';

export const DUNNING_ORG_ID = '7d3c2b1a-0000-4000-8000-00000000d001';

/**
 * A small Auckland organisation for dunning tests, as of Monday 2026-11-23 (NZDT, UTC+13):
 * - Acme Ltd: INV-A1 $500.00 due 8 Nov (15 days overdue) and INV-A2 $250.00 due 16 Nov → one firm chase
 * - Beta Bakery: INV-B1 $120.00 due 20 Nov (3 days) → the friendly, auto-eligible step
 * - Soon Pty: INV-S1 $400.00 due 26 Nov → a courtesy reminder 3 days before due
 * - Paused Co, Dispute Ltd: overdue, for holds; Silent Ltd: overdue with no email address
 */
export function dunningLedger(options: { timezone?: string } = {}): Ledger {
  const b = new LedgerBuilder({
    id: DUNNING_ORG_ID,
    name: 'Harbour Foods',
    baseCurrency: 'NZD',
    timezone: options.timezone ?? 'Pacific/Auckland',
  });
  const contact = (id: string, name: string, email: string | null, extra = {}) =>
    b.contact({ id, name, email, ...extra });
  contact('c-acme', 'Acme Ltd', 'ap@acme.example', {
    firstName: 'Jo',
    persons: [
      { firstName: 'Sam', lastName: 'Lee', email: 'sam@acme.example', includeInEmails: true },
      { firstName: 'Old', lastName: 'Contact', email: 'old@acme.example', includeInEmails: false },
    ],
  });
  contact('c-beta', 'Beta Bakery', 'accounts@beta.example', { firstName: 'Ana' });
  contact('c-soon', 'Soon Pty', 'pay@soon.example');
  contact('c-paused', 'Paused Co', 'ap@paused.example');
  contact('c-disp', 'Dispute Ltd', 'ap@dispute.example');
  contact('c-silent', 'Silent Ltd', null);
  const inv = (contactId: string, id: string, number: string, total: string, dueDate: string) =>
    b.invoice(contactId, {
      id,
      number,
      total,
      amountDue: total,
      currency: 'NZD',
      date: '2026-10-01',
      dueDate,
    });
  inv('c-acme', 'i-a1', 'INV-A1', '500.00', '2026-11-08');
  inv('c-acme', 'i-a2', 'INV-A2', '250.00', '2026-11-16');
  inv('c-beta', 'i-b1', 'INV-B1', '120.00', '2026-11-20');
  inv('c-soon', 'i-s1', 'INV-S1', '400.00', '2026-11-26');
  inv('c-paused', 'i-p1', 'INV-P1', '800.00', '2026-11-01');
  inv('c-disp', 'i-d1', 'INV-D1', '900.00', '2026-11-01');
  inv('c-silent', 'i-n1', 'INV-N1', '300.00', '2026-11-05');
  return b.build();
}

/** 09:00 on Monday 2026-11-23 in Auckland; still Sunday 22 November in UTC. */
export const MONDAY_9AM_AUCKLAND = new Date('2026-11-22T20:00:00Z');
