import { describe, expect, it } from 'vitest';
import { ATTACK_FACTS } from '../testing/draft-attacks.js';
import { cardFreshness, type FreshnessInput, type InvoiceNow } from './card-freshness.js';
import { renderTemplate } from './reminder-draft.js';

const drafted = ATTACK_FACTS; // drafted on 2013-10-30: INV-0010 22 days overdue, INV-0016 2 days overdue
const ids = ['i10', 'i16'];
const asDrafted = (): Map<string, InvoiceNow | null> =>
  new Map(
    drafted.invoices.map((i, k) => [
      ids[k]!,
      { status: 'AUTHORISED', amountDue: i.amountDue, dueDate: i.dueDate, currency: i.currency },
    ]),
  );
const input = (over: Partial<FreshnessInput> = {}): FreshnessInput => ({
  drafted,
  invoiceIds: ids,
  now: asDrafted(),
  draft: renderTemplate(drafted),
  asOf: drafted.asOf,
  businessDaysOld: 0,
  staleAfterBusinessDays: 2,
  newerCard: false,
  ...over,
});

describe('cardFreshness: a card held against today’s ledger at Approve', () => {
  it('is fresh when nothing changed on the day it was drafted', () => {
    expect(cardFreshness(input())).toEqual({ kind: 'fresh' });
  });

  it('is stale when an invoice was paid since, and redrafts with what is still open', () => {
    const now = asDrafted();
    now.set('i16', { status: 'PAID', amountDue: '0.00', dueDate: '2013-10-28', currency: 'USD' });
    const r = cardFreshness(input({ now }));
    expect(r).toMatchObject({
      kind: 'stale',
      changes: ['INV-0016 was paid or credited in full'],
      openInvoiceIds: ['i10'],
    });
    if (r.kind === 'stale') expect(r.facts?.invoices.map((i) => i.number)).toEqual(['INV-0010']);
  });

  it('names a part payment with both amounts', () => {
    const now = asDrafted();
    now.set('i10', { status: 'AUTHORISED', amountDue: '1000.00', dueDate: '2013-10-08', currency: 'USD' });
    const r = cardFreshness(input({ now }));
    expect(r.kind === 'stale' && r.changes).toEqual(['INV-0010 now has US$1,000.00 due (was US$3,152.93)']);
    if (r.kind === 'stale') expect(r.facts?.invoices[0]?.amountDue).toBe('1000.00');
  });

  it('is stale when the credit on the account changed since the draft, and redrafts stating today’s', () => {
    expect(cardFreshness(input({ creditsNow: [{ currency: 'USD', amount: '200.00' }] }))).toEqual({
      kind: 'fresh',
    });
    const r = cardFreshness(input({ creditsNow: [] }));
    expect(r.kind === 'stale' && r.changes).toEqual([
      'the unapplied credit on the account is now none (was US$200.00)',
    ]);
    if (r.kind === 'stale') expect(renderTemplate(r.facts!).body).not.toContain('unapplied credit');
    const more = cardFreshness(input({ creditsNow: [{ currency: 'USD', amount: '350' }] }));
    expect(more.kind === 'stale' && more.changes).toEqual([
      'the unapplied credit on the account is now US$350.00 (was US$200.00)',
    ]);
  });

  it('closes the card when nothing is left to chase', () => {
    const now = new Map<string, InvoiceNow | null>([
      ['i10', { status: 'PAID', amountDue: '0', dueDate: '2013-10-08', currency: 'USD' }],
      ['i16', null],
    ]);
    expect(cardFreshness(input({ now }))).toMatchObject({ kind: 'stale', facts: null, openInvoiceIds: [] });
  });

  it('is stale when the text is no longer true today: a day count four days on', () => {
    const r = cardFreshness(input({ asOf: '2013-11-03' }));
    expect(r.kind).toBe('stale');
    if (r.kind === 'stale') {
      expect(r.changes.join('\n')).toContain('"22 days" overdue is not what the ledger says today (26, 6)');
      expect(r.facts?.invoices.map((i) => i.daysOverdue)).toEqual([26, 6]);
    }
  });

  it('is fresh a day later when the text states no day count', () => {
    const draft = {
      subject: 'Invoices INV-0010 and INV-0016',
      body: 'Hi Alex,\n\nINV-0010 (US$3,152.93) and INV-0016 (US$1,250.00) are overdue.\n\nKind regards,\nMere Collector',
    };
    expect(cardFreshness(input({ draft, asOf: '2013-10-31', businessDaysOld: 1 }))).toEqual({
      kind: 'fresh',
    });
  });

  it('is stale when "due today" is no longer today', () => {
    const upcoming = {
      ...drafted,
      purpose: 'upcoming' as const,
      invoices: [{ ...drafted.invoices[1]!, dueDate: '2013-10-30', daysOverdue: 0 }],
    };
    const now = new Map([
      ['i16', { status: 'AUTHORISED', amountDue: '1250.0000', dueDate: '2013-10-30', currency: 'USD' }],
    ]);
    const draft = renderTemplate(upcoming);
    expect(draft.body).toContain('due today');
    const later = cardFreshness({
      ...input(),
      drafted: upcoming,
      invoiceIds: ['i16'],
      now,
      draft,
      asOf: '2013-11-03',
    });
    expect(later.kind === 'stale' && later.changes.join('\n')).toMatch(/"due today" is not true today/);
  });

  it('is stale past the policy’s age, and when a newer card exists', () => {
    expect(cardFreshness(input({ businessDaysOld: 3 }))).toMatchObject({
      kind: 'stale',
      changes: ['the card is 3 business days old (policy: redraft after 2)'],
    });
    expect(cardFreshness(input({ businessDaysOld: 2 }))).toEqual({ kind: 'fresh' });
    expect(cardFreshness(input({ newerCard: true }))).toMatchObject({
      changes: ['a newer card exists for this customer'],
    });
  });

  it('skips the text check for a card without its draft (older cards), still checking the invoices', () => {
    expect(cardFreshness(input({ draft: null, asOf: '2013-11-03' }))).toEqual({ kind: 'fresh' });
  });
});
