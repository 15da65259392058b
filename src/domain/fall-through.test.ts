import { describe, expect, it } from 'vitest';
import { type CustomerState, type OpenItem, planDunning } from './dunning-planner.js';
import { defaultPolicy } from './dunning-policy.js';
import { fallThrough } from './fall-through.js';

const item = (daysOverdue: number, amount = '500.00'): OpenItem => ({
  invoiceId: `inv-${daysOverdue}-${amount}`,
  invoiceNumber: `INV-${daysOverdue}`,
  currency: 'NZD',
  amountDue: amount,
  baseAmountDue: amount,
  dueDate: '2026-11-01',
  daysOverdue,
});

const customer = (id: string, over: Partial<CustomerState> = {}): CustomerState => ({
  contactId: id,
  name: id,
  hasEmail: true,
  archived: false,
  tier: 'medium',
  risk: 0.3,
  contactGroups: [],
  openItems: [item(14)],
  history: [],
  pausedUntil: null,
  hasOpenDispute: false,
  promiseDueOn: null,
  brokenPromises: 0,
  ...over,
});

const MONDAY = '2026-11-23';
const SATURDAY = '2026-11-28';

function left(customers: CustomerState[], asOf = MONDAY) {
  const plan = planDunning({ asOf, baseCurrency: 'NZD', policy: defaultPolicy('NZ'), customers });
  const overdue = new Map(
    customers.map((c) => {
      const items = c.openItems.filter((i) => i.daysOverdue >= 1);
      const sum = items.reduce((s, i) => s + Number(i.baseAmountDue), 0);
      return [c.contactId, { overdueBase: sum.toFixed(2), overdueCount: items.length }];
    }),
  );
  return fallThrough(plan, customers, overdue);
}

describe('fallThrough: customers the plan cannot chase by email', () => {
  it('lists each reason with its way forward, largest overdue first; chased, disputed and promised are not in it', () => {
    const out = left([
      customer('chased'),
      customer('no-email', { hasEmail: false, openItems: [item(20, '300.00')] }),
      customer('refused', {
        addressesRefused: 'the mail server refused a@x.example (SMTP 550) on 2026-11-20',
        openItems: [item(20, '900.00')],
      }),
      customer('small', { openItems: [item(20, '4.00')] }),
      customer('paused', { pausedUntil: '2026-12-31', openItems: [item(20, '800.00')] }),
      customer('archived', { archived: true }),
      customer('disputed', { hasOpenDispute: true }),
      customer('promised', { promiseDueOn: '2026-11-30' }),
      customer('not-yet-due', { hasEmail: false, openItems: [item(-5)] }),
    ]);
    expect(out.map((f) => [f.contactId, f.code, f.ways])).toEqual([
      ['refused', 'bounced', ['add-address', 'call-task']],
      ['paused', 'paused', ['call-task']],
      ['archived', 'archived', ['call-task']],
      ['no-email', 'no-email', ['add-address', 'call-task']],
      ['small', 'below-minimum', ['call-task']],
    ]);
    expect(out[0]).toMatchObject({ overdueBase: '900.00', overdueCount: 1 });
    expect(out.find((f) => f.code === 'below-minimum')?.reason).toMatch(/below the .* minimum/);
  });

  it('a customer with no address is listed on a day no step falls due for them, and on a closed day', () => {
    const between = customer('quiet', {
      hasEmail: false,
      // Step 2 sent; the next is days away: the plan says "not today", yet nobody could be written to then.
      history: [{ sentOn: '2026-11-20', purpose: 'overdue', stepIndex: 2, invoiceIds: ['inv-14-500.00'] }],
    });
    expect(left([between]).map((f) => f.code)).toEqual(['no-email']);
    expect(left([customer('weekend', { hasEmail: false })], SATURDAY).map((f) => f.code)).toEqual([
      'no-email',
    ]);
  });

  it('the planner does not write to addresses refused last time', () => {
    const plan = planDunning({
      asOf: MONDAY,
      baseCurrency: 'NZD',
      policy: defaultPolicy('NZ'),
      customers: [customer('refused', { addressesRefused: 'refused (SMTP 550)' })],
    });
    expect(plan.actions[0]).toMatchObject({ kind: 'skip', code: 'bounced', reason: 'refused (SMTP 550)' });
  });
});
