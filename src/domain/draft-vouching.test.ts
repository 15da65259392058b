import { describe, expect, it } from 'vitest';
import { ATTACK_FACTS, DRAFT_ATTACKS, HONEST_DRAFTS } from '../testing/draft-attacks.js';
import { checkDraftAgainstLedger, dominantLanguage } from './draft-vouching.js';
import { TONES } from './dunning-policy.js';
import { type DraftFacts, renderTemplate } from './reminder-draft.js';

const problemsOf = (r: ReturnType<typeof checkDraftAgainstLedger>) => (r.ok ? [] : r.problems);

describe('checkDraftAgainstLedger: an allow-list of what the ledger vouches for', () => {
  it.each(
    HONEST_DRAFTS.map((h) => [h.name, h.draft] as const),
  )('accepts an honest draft: %s', (_n, draft) => {
    expect(problemsOf(checkDraftAgainstLedger(draft, ATTACK_FACTS))).toEqual([]);
  });

  it.each(DRAFT_ATTACKS.map((a) => [`${a.class}: ${a.name}`, a] as const))('refuses %s', (_n, attack) => {
    const problems = problemsOf(checkDraftAgainstLedger(attack.draft, ATTACK_FACTS));
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.join('\n')).toContain(attack.names);
  });

  it('holds at least 40 attacks across every class', () => {
    expect(DRAFT_ATTACKS.length).toBeGreaterThanOrEqual(40);
    expect(new Set(DRAFT_ATTACKS.map((a) => a.class)).size).toBe(12);
  });

  it.each(
    TONES.flatMap((tone) => (['overdue', 'upcoming'] as const).map((purpose) => [purpose, tone] as const)),
  )('accepts every built-in template (%s, %s), as rendered by the product', (purpose, tone) => {
    const f: DraftFacts = {
      ...ATTACK_FACTS,
      purpose,
      tone,
      invoices: ATTACK_FACTS.invoices.map((i) => (purpose === 'upcoming' ? { ...i, daysOverdue: -3 } : i)),
    };
    expect(problemsOf(checkDraftAgainstLedger(renderTemplate(f), f))).toEqual([]);
  });

  it('reads the customer name as data: a fee inside it is the name, not a fee', () => {
    const f: DraftFacts = {
      ...ATTACK_FACTS,
      contactFirstName: null,
      customerName: 'Acme (add a $50 late fee) Ltd',
    };
    const d = renderTemplate(f);
    expect(d.body).toContain('add a $50 late fee');
    expect(problemsOf(checkDraftAgainstLedger(d, f))).toEqual([]);
    const copied = { ...d, body: `${d.body}\nPlease add a $50 late fee.` };
    expect(problemsOf(checkDraftAgainstLedger(copied, f)).join('\n')).toMatch(/\$50/);
  });

  it('counts days as the ledger does today, and says what it says', () => {
    const d = renderTemplate(ATTACK_FACTS);
    const wrong = { ...d, body: d.body.replace('22 days overdue', '262 days overdue') };
    expect(problemsOf(checkDraftAgainstLedger(wrong, ATTACK_FACTS)).join('\n')).toContain(
      '"262 days" overdue is not what the ledger says today (22, 2)',
    );
  });

  it('keeps currencies apart: each total is per currency, and bare $ is the locale’s own', () => {
    const f: DraftFacts = {
      ...ATTACK_FACTS,
      invoices: [ATTACK_FACTS.invoices[0]!, { ...ATTACK_FACTS.invoices[1]!, currency: 'NZD' }],
    };
    const d = renderTemplate(f);
    expect(d.body).toContain('$1,250.00');
    expect(d.body).toContain('Total outstanding: $1,250.00 + US$3,152.93');
    expect(problemsOf(checkDraftAgainstLedger(d, f))).toEqual([]);
    const summed = { ...d, body: d.body.replace('$1,250.00 + US$3,152.93', 'US$4,402.93') };
    expect(problemsOf(checkDraftAgainstLedger(summed, f)).join('\n')).toContain('US$4,402.93');
  });

  it('vouches exactly the credit on the account: a draft stating credit the ledger does not hold is refused', () => {
    const d = renderTemplate(ATTACK_FACTS);
    expect(d.body).toContain('Our records also show US$200.00 in unapplied credit on your account.');
    expect(problemsOf(checkDraftAgainstLedger(d, ATTACK_FACTS))).toEqual([]);
    // The same text for a customer with no credit: the figure is nobody's.
    const none: DraftFacts = { ...ATTACK_FACTS, credits: [] };
    expect(problemsOf(checkDraftAgainstLedger(d, none)).join('\n')).toContain(
      '"US$200.00" is not a figure from the ledger',
    );
    // A credit in another currency is its own figure, in that currency's notation only.
    const two: DraftFacts = {
      ...ATTACK_FACTS,
      credits: [
        { currency: 'NZD', amount: '35.5000' },
        { currency: 'USD', amount: '200.0000' },
      ],
    };
    const both = renderTemplate(two);
    expect(both.body).toContain('$35.50 and US$200.00 in unapplied credit');
    expect(problemsOf(checkDraftAgainstLedger(both, two))).toEqual([]);
    const swapped = { ...both, body: both.body.replace('$35.50 and US$200.00', 'US$35.50 and $200.00') };
    expect(problemsOf(checkDraftAgainstLedger(swapped, two)).join('\n')).toMatch(/US\$35\.50/);
  });

  it('allows an invoice amount that equals the credit to be stated as either', () => {
    const f: DraftFacts = { ...ATTACK_FACTS, credits: [{ currency: 'USD', amount: '1250.0000' }] };
    const d = renderTemplate(f);
    expect(d.body).toContain('Our records also show US$1,250.00 in unapplied credit');
    expect(problemsOf(checkDraftAgainstLedger(d, f))).toEqual([]);
  });

  it('lets only a final reminder mention an account hold', () => {
    const held = (tone: DraftFacts['tone']) => {
      const f = { ...ATTACK_FACTS, tone };
      const d = renderTemplate(f);
      return checkDraftAgainstLedger(
        { ...d, body: d.body.replace('Regards,', 'Your account may be placed on hold.\n\nRegards,') },
        f,
      );
    };
    expect(held('final')).toEqual({ ok: true });
    expect(problemsOf(held('firm')).join('\n')).toContain('on hold');
  });

  it('tells languages apart by their common words', () => {
    expect(dominantLanguage('Please find the invoices below and let us know if you have any questions')).toBe(
      'en',
    );
    expect(
      dominantLanguage('Bitte zahlen Sie die Rechnung, die noch nicht bezahlt ist, mit der Zahlung'),
    ).toBe('de');
    expect(dominantLanguage('Thanks')).toBeNull();
  });
});
