import { describe, expect, it } from 'vitest';
import { planDunning } from '../domain/dunning-planner.js';
import { defaultPolicy } from '../domain/dunning-policy.js';
import { planJson } from './dunning-commands.js';

describe('dunning --json', () => {
  it('prints each planned invoice under the field names scripts read, not the richer priority row', () => {
    // The planner is handed priority rows (extra fields, `invoiceNumber`); --json keeps its documented shape.
    const row = {
      invoiceId: 'inv-1',
      invoiceNumber: 'INV-0042',
      contactId: 'c-1',
      currency: 'NZD',
      amountDue: '500.00',
      baseAmountDue: '500.00',
      dueDate: '2026-11-01',
      daysOverdue: 22,
      risk: 0.4,
      score: '260.00',
      reasons: ['22 days overdue'],
    };
    const plan = planDunning({
      asOf: '2026-11-23',
      baseCurrency: 'NZD',
      policy: defaultPolicy('NZ'),
      customers: [
        {
          contactId: 'c-1',
          name: 'Acme Ltd',
          hasEmail: true,
          archived: false,
          tier: 'medium',
          risk: 0.4,
          contactGroups: [],
          openItems: [row],
          history: [],
          pausedUntil: null,
          hasOpenDispute: false,
          promiseDueOn: null,
          brokenPromises: 0,
        },
      ],
    });
    const printed = JSON.parse(JSON.stringify(planJson(plan))) as {
      actions: { kind: string; invoices?: unknown[] }[];
    };
    expect(printed.actions[0]!.kind).toBe('chase');
    expect(printed.actions[0]!.invoices).toEqual([
      {
        invoiceId: 'inv-1',
        number: 'INV-0042',
        currency: 'NZD',
        amountDue: '500.00',
        baseAmountDue: '500.00',
        dueDate: '2026-11-01',
        daysOverdue: 22,
      },
    ]);
  });
});
