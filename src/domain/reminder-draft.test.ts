import { describe, expect, it } from 'vitest';
import { checkDraftAgainstLedger } from './draft-vouching.js';
import { TONES } from './dunning-policy.js';
import { type DraftFacts, ReminderDraftSchema, renderTemplate, validateTemplate } from './reminder-draft.js';

const facts = (over: Partial<DraftFacts> = {}): DraftFacts => ({
  purpose: 'overdue',
  tone: 'firm',
  customerName: 'Acme Ltd',
  contactFirstName: 'Jo',
  companyName: 'Harbour Foods',
  senderName: 'Mere Collector',
  asOf: '2026-11-23',
  invoices: [
    {
      number: 'INV-0042',
      currency: 'NZD',
      amountDue: '1250.5000',
      dueDate: '2026-11-01',
      daysOverdue: 22,
      onlineUrl: 'https://in.xero.com/abc123',
    },
    {
      number: 'INV-0057',
      currency: 'NZD',
      amountDue: '99.9900',
      dueDate: '2026-11-09',
      daysOverdue: 14,
      onlineUrl: null,
    },
  ],
  ...over,
});

describe('templates', () => {
  it('renders every invoice, its amount, due date and link, and the total', () => {
    const d = renderTemplate(facts());
    expect(d.subject).toBe('Overdue: two invoices with Harbour Foods');
    expect(d.body).toContain('Hi Jo,');
    expect(d.body).toContain(
      '• INV-0042: $1,250.50 (22 days overdue, due 1 November 2026)\n  View and pay: https://in.xero.com/abc123',
    );
    expect(d.body).toContain('• INV-0057: $99.99 (14 days overdue, due 9 November 2026)');
    expect(d.body).toContain('Total outstanding: $1,350.49');
    expect(d.body).toMatch(/Regards,\nMere Collector\nHarbour Foods$/);
  });

  it('keeps currencies apart in the total and greets the company when no person is known', () => {
    const d = renderTemplate(
      facts({
        contactFirstName: null,
        invoices: [
          {
            number: 'INV-1',
            currency: 'NZD',
            amountDue: '100',
            dueDate: '2026-11-01',
            daysOverdue: 22,
            onlineUrl: null,
          },
          {
            number: 'INV-2',
            currency: 'USD',
            amountDue: '40.5',
            dueDate: '2026-11-02',
            daysOverdue: 21,
            onlineUrl: null,
          },
        ],
      }),
    );
    expect(d.body).toContain('Hi Acme Ltd,');
    expect(d.body).toContain('Total outstanding: $100.00 + US$40.50');
  });

  it.each(
    TONES.flatMap((tone) => (['overdue', 'upcoming'] as const).map((purpose) => [purpose, tone] as const)),
  )('the %s/%s default template passes its own ledger check', (purpose, tone) => {
    const f = facts({
      purpose,
      tone,
      invoices:
        purpose === 'upcoming'
          ? [
              {
                number: 'INV-0100',
                currency: 'NZD',
                amountDue: '300',
                dueDate: '2026-11-26',
                daysOverdue: -3,
                onlineUrl: null,
              },
            ]
          : facts().invoices,
    });
    const d = renderTemplate(f);
    expect(ReminderDraftSchema.safeParse(d).success).toBe(true);
    expect(checkDraftAgainstLedger(d, f)).toEqual({ ok: true });
  });

  it('mentions unapplied credit on the account, one figure per currency, and no credit when there is none', () => {
    const withCredit = renderTemplate(
      facts({
        credits: [
          { currency: 'NZD', amount: '150.0000' },
          { currency: 'USD', amount: '20.5000' },
        ],
      }),
    );
    expect(withCredit.body).toContain(
      'Total outstanding: $1,350.49\n\nOur records also show $150.00 and US$20.50 in unapplied credit on your account. If you would like it applied to these invoices, just reply and let us know.\n\nPlease arrange payment',
    );
    const one = renderTemplate(
      facts({ invoices: [facts().invoices[0]!], credits: [{ currency: 'NZD', amount: '150' }] }),
    );
    expect(one.body).toContain('If you would like it applied to this invoice, just reply');
    expect(renderTemplate(facts()).body).not.toMatch(/credit/i);
  });

  it("puts the credit after the total in an organisation's own template that predates the field", () => {
    const d = renderTemplate(facts({ credits: [{ currency: 'NZD', amount: '150' }] }), {
      subject: 'Overdue invoices',
      body: 'Dear {{greeting_name}},\n\n{{invoice_lines}}\n\nDue now: {{total}}\n\nThanks,\n{{sender}}',
    });
    expect(d.body).toContain('Due now: $1,350.49\n\nOur records also show $150.00 in unapplied credit');
    expect(d.body).toMatch(/let us know\.\n\nThanks,\nMere Collector$/);
  });

  it('refuses organisation templates with unknown merge fields or no invoice list', () => {
    expect(validateTemplate({ subject: 'Hi {{custmer}}', body: 'Pay {{total}}' })).toEqual([
      expect.stringMatching(/subject: unknown merge field \{\{custmer\}\}/),
      'body: must include {{invoice_lines}}',
    ]);
  });
});
