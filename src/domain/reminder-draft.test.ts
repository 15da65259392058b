import { describe, expect, it } from 'vitest';
import { TONES } from './dunning-policy.js';
import {
  checkDraftAgainstLedger,
  type DraftFacts,
  ReminderDraftSchema,
  renderTemplate,
  validateTemplate,
} from './reminder-draft.js';

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

  it('refuses organisation templates with unknown merge fields or no invoice list', () => {
    expect(validateTemplate({ subject: 'Hi {{custmer}}', body: 'Pay {{total}}' })).toEqual([
      expect.stringMatching(/subject: unknown merge field \{\{custmer\}\}/),
      'body: must include {{invoice_lines}}',
    ]);
  });
});

describe('checkDraftAgainstLedger', () => {
  const good = renderTemplate(facts());
  const withBody = (body: string) => ({ subject: good.subject, body });

  it.each<[string, string, RegExp]>([
    [
      'a wrong amount',
      good.body.replace('$1,250.50', '$1,520.50'),
      /amount \$1,520.50 is not in the ledger facts/,
    ],
    ['an invented total', `${good.body}\nIn total you owe NZD 2000.00.`, /amount NZD 2000.00/],
    [
      'an invented invoice',
      `${good.body}\nAlso INV-0099 is outstanding.`,
      /invoice number INV-0099 is not one of this customer's invoices/,
    ],
    ['a missing invoice', good.body.replace(/• INV-0057.*\n?/, ''), /invoice INV-0057 is not mentioned/],
    [
      'an invented due date',
      good.body.replace('due 9 November 2026', 'due 19 November 2026'),
      /date "19 November 2026"/,
    ],
    ['an ISO date that is not a due date', `${good.body}\nPlease pay by 2026-12-01.`, /date 2026-12-01/],
    ['an ambiguous numeric date', `${good.body}\nPay by 01/12/2026.`, /ambiguous numeric date/],
    ['a late fee', `${good.body}\nA late fee of $25 applies.`, /fee or charge/],
    ['interest', `${good.body}\nInterest will accrue daily.`, /interest/],
    ['a legal threat', `${good.body}\nWe will commence legal action.`, /legal action/],
    ['a collection agency', `${good.body}\nYour debt will go to a collection agency.`, /collection agencies/],
    ['a concession', `${good.body}\nWe can waive the second invoice.`, /concession/],
    [
      'a foreign link',
      `${good.body}\nPay here: https://evil.example/pay`,
      /link https:\/\/evil.example\/pay/,
    ],
    ['a placeholder', good.body.replace('Mere Collector', '[Your Name]'), /placeholder/],
    [
      'an account hold in a firm reminder',
      `${good.body}\nOtherwise your account will be put on hold.`,
      /only a final reminder/,
    ],
  ])('rejects %s', (_name, body, problem) => {
    const r = checkDraftAgainstLedger(withBody(body), facts());
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.join('\n')).toMatch(problem);
  });

  it('accepts a reworded draft that states only the facts', () => {
    const body = [
      'Dear Jo,',
      'Invoices INV-0042 ($1,250.50, due 1 November 2026) and INV-0057 (NZ$99.99, due November 9, 2026) are overdue,',
      'so $1,350.49 is outstanding. You can pay INV-0042 online at https://in.xero.com/abc123.',
      'Thanks, Mere',
    ].join('\n');
    expect(checkDraftAgainstLedger({ subject: 'Two overdue invoices', body }, facts())).toEqual({ ok: true });
  });

  it('lets a final reminder mention an account hold', () => {
    const f = facts({ tone: 'final' });
    expect(checkDraftAgainstLedger(renderTemplate(f), f)).toEqual({ ok: true });
  });
});
