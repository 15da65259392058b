import { describe, expect, it } from 'vitest';
import { businessDayStatus, nextBusinessDay } from './business-calendar.js';
import {
  type ChaseAction,
  type CustomerState,
  type OpenItem,
  planDunning,
  type SkipAction,
} from './dunning-planner.js';
import {
  DEFAULT_POLICY_INPUT,
  type DunningPolicyInput,
  defaultPolicy,
  parsePolicy,
} from './dunning-policy.js';

const item = (over: Partial<OpenItem> & { daysOverdue: number; asOf?: string }): OpenItem => ({
  invoiceId: over.invoiceId ?? `inv-${over.daysOverdue}`,
  invoiceNumber: over.invoiceNumber ?? `INV-${1000 + over.daysOverdue}`,
  currency: 'NZD',
  amountDue: over.amountDue ?? '500.00',
  baseAmountDue: over.baseAmountDue ?? over.amountDue ?? '500.00',
  dueDate: over.dueDate ?? '2026-11-01',
  daysOverdue: over.daysOverdue,
});

const customer = (over: Partial<CustomerState> = {}): CustomerState => ({
  contactId: 'c-1',
  name: 'Acme Ltd',
  hasEmail: true,
  archived: false,
  tier: 'medium',
  risk: 0.3,
  contactGroups: [],
  openItems: [item({ daysOverdue: 14 })],
  history: [],
  pausedUntil: null,
  hasOpenDispute: false,
  promiseDueOn: null,
  brokenPromises: 0,
  ...over,
});

// 2026-11-23 is a Monday.
const MONDAY = '2026-11-23';

function plan(c: CustomerState | CustomerState[], asOf = MONDAY, policy = defaultPolicy('NZ')) {
  return planDunning({ asOf, baseCurrency: 'NZD', policy, customers: Array.isArray(c) ? c : [c] });
}
// Tests read fields of either variant; the assertions on `kind` say which one was expected.
const only = (r: ReturnType<typeof plan>) => r.actions[0] as ChaseAction & Omit<SkipAction, 'kind'>;

describe('policy validation', () => {
  it('accepts the default policy and fills defaults', () => {
    const p = defaultPolicy();
    expect(p.mode).toBe('assisted');
    expect(p.segments.map((s) => s.name)).toEqual(['High risk', 'Standard']);
  });

  it.each<[string, DunningPolicyInput, RegExp]>([
    [
      'no catch-all segment',
      { ...DEFAULT_POLICY_INPUT, segments: [DEFAULT_POLICY_INPUT.segments![0]!] },
      /catch-all/,
    ],
    [
      'steps out of order',
      {
        ...DEFAULT_POLICY_INPUT,
        segments: [
          {
            name: 'S',
            match: {},
            steps: [
              { offsetDays: 10, tone: 'firm' },
              { offsetDays: 3, tone: 'friendly' },
            ],
          },
        ],
      },
      /increasing offsetDays/,
    ],
    [
      'bad amount',
      { ...DEFAULT_POLICY_INPUT, minimumAmount: '-5' },
      /minimumAmount: expected a non-negative amount/,
    ],
    [
      'bad send window',
      { ...DEFAULT_POLICY_INPUT, sendWindow: { weekdays: [1], start: '17:00', end: '09:00' } },
      /start must be before/,
    ],
    [
      'bad country',
      { ...DEFAULT_POLICY_INPUT, holidays: { country: 'nz', region: null, dates: [] } },
      /two-letter country/,
    ],
    [
      'unknown tone',
      {
        ...DEFAULT_POLICY_INPUT,
        segments: [{ name: 'S', match: {}, steps: [{ offsetDays: 3, tone: 'rude' as 'firm' }] }],
      },
      /tone/,
    ],
  ])('rejects %s with a readable path', (_name, input, message) => {
    const r = parsePolicy(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.join('\n')).toMatch(message);
  });
});

describe('business days', () => {
  const cal = { weekdays: [1, 2, 3, 4, 5], country: 'NZ', extraHolidays: ['2026-12-24'] };
  it.each([
    ['2026-11-23', true, ''],
    ['2026-11-21', false, /Saturday/],
    ['2026-12-25', false, /Christmas Day/],
    ['2026-12-28', false, /Boxing Day \(substitute day\)/],
    ['2026-12-24', false, /organisation holiday/],
    ['2027-02-08', false, /Waitangi Day/],
  ])('%s open=%s', (date, open, reason) => {
    const s = businessDayStatus(date, cal);
    expect(s.open).toBe(open);
    if (!s.open) expect(s.reason).toMatch(reason);
  });

  it('moves past a long weekend and Christmas', () => {
    expect(nextBusinessDay('2026-12-24', cal)).toBe('2026-12-29');
  });
});

describe('planDunning', () => {
  it('names the step and why: one chase with every overdue invoice of the customer', () => {
    const c = customer({
      openItems: [
        item({ invoiceId: 'a', invoiceNumber: 'INV-1', daysOverdue: 3, amountDue: '100.00' }),
        item({ invoiceId: 'b', invoiceNumber: 'INV-2', daysOverdue: 16, amountDue: '250.50' }),
        item({ invoiceId: 'c', invoiceNumber: 'INV-3', daysOverdue: -10, amountDue: '75.00' }),
      ],
      history: [{ sentOn: '2026-11-16', purpose: 'overdue', stepIndex: 1, invoiceIds: ['b'] }],
    });
    const a = only(plan(c));
    expect(a.kind).toBe('chase');
    expect(a.purpose).toBe('overdue');
    expect(a.segment).toBe('Standard');
    expect(a.stepIndex).toBe(2);
    expect(a.step.tone).toBe('firm');
    expect(a.invoices.map((i) => i.invoiceId)).toEqual(['b', 'a']);
    expect(a.totalBase).toBe('350.5000');
    expect(a.reason).toBe('step 3 of Standard: 16 days overdue (+1 more invoice), last reminder 7 days ago');
  });

  it('fires the latest due step once rather than every missed step in a burst', () => {
    const a = only(plan(customer({ openItems: [item({ daysOverdue: 20 })] })));
    expect(a.stepIndex).toBe(2);
    expect(a.step.tone).toBe('firm');
    expect(a.reason).toContain('first reminder');
  });

  it('never opens with the final reminder: a long-overdue customer not yet contacted gets the firm one first', () => {
    const first = only(plan(customer({ openItems: [item({ daysOverdue: 40 })] })));
    expect(first).toMatchObject({ kind: 'chase', stepIndex: 2 });
    expect(first.step.tone).toBe('firm');
    const after = only(
      plan(
        customer({
          openItems: [item({ daysOverdue: 46 })],
          history: [{ sentOn: '2026-11-17', purpose: 'overdue', stepIndex: 2, invoiceIds: ['inv-46'] }],
        }),
      ),
    );
    expect(after).toMatchObject({ kind: 'chase', stepIndex: 3 });
    expect(after.step.tone).toBe('final');
  });

  it('does not repeat a step already sent, and says when the next one comes', () => {
    const c = customer({
      history: [{ sentOn: '2026-11-10', purpose: 'overdue', stepIndex: 2, invoiceIds: ['inv-14'] }],
    });
    const a = only(plan(c));
    expect(a).toMatchObject({ kind: 'skip', code: 'step-already-sent' });
    expect(a.reason).toBe('step 3 of Standard already sent; step 4 at 30 days overdue');
  });

  it('honours the minimum interval between contacts', () => {
    const c = customer({
      history: [{ sentOn: '2026-11-20', purpose: 'upcoming', stepIndex: 0, invoiceIds: ['x'] }],
    });
    expect(only(plan(c))).toMatchObject({
      kind: 'skip',
      code: 'min-interval',
      reason: 'last contacted 3 days ago (minimum 5)',
    });
  });

  it.each<[string, Partial<CustomerState>, string, RegExp]>([
    ['paused', { pausedUntil: '2026-12-01' }, 'paused', /paused until 2026-12-01/],
    ['disputing', { hasOpenDispute: true }, 'disputed', /open dispute/],
    [
      'whose reply waits for a collector',
      { replyWaiting: true },
      'reply-waiting',
      /^a reply waits for a collector$/,
    ],
    [
      'holding a promise not yet due',
      { promiseDueOn: '2026-11-27' },
      'promise-pending',
      /promised to pay by 2026-11-27/,
    ],
    [
      'whose promise is past its date but still in its grace',
      { promiseDueOn: '2026-11-20', promiseQuietThrough: '2026-11-24' },
      'promise-pending',
      /promised to pay by 2026-11-20; waiting until 2026-11-24 for the payment to show in Xero/,
    ],
    ['archived', { archived: true }, 'archived', /archived/],
    ['without an email address', { hasEmail: false }, 'no-email', /no email/],
    [
      'owing less than the minimum',
      { openItems: [item({ daysOverdue: 20, amountDue: '19.99' })] },
      'below-minimum',
      /NZ\$19.99 overdue is below the NZ\$20.00 minimum/,
    ],
  ])('skips a customer %s', (_name, over, code, reason) => {
    const a = only(plan(customer(over)));
    expect(a.kind).toBe('skip');
    expect(a.code).toBe(code);
    expect(a.reason).toMatch(reason);
  });

  it('chases again once a pause has ended or a promise has passed', () => {
    expect(only(plan(customer({ pausedUntil: '2026-11-22' }))).kind).toBe('chase');
    expect(only(plan(customer({ promiseDueOn: '2026-11-22' }))).kind).toBe('chase');
    expect(only(plan(customer({ promiseDueOn: '2026-11-18', promiseQuietThrough: '2026-11-20' }))).kind).toBe(
      'chase',
    );
  });

  it('skips everyone on a public holiday and a weekend, saying why', () => {
    const holiday = plan(customer(), '2026-12-25');
    expect(holiday.businessDay).toBe(false);
    expect(holiday.closedReason).toMatch(/Christmas Day/);
    expect(only(holiday)).toMatchObject({ kind: 'skip', code: 'closed-day' });
    expect(plan(customer(), '2026-11-22').closedReason).toMatch(/Sunday is outside the send window/);
  });

  it('sends a separate courtesy note before the due date, once per invoice', () => {
    const upcoming = customer({
      openItems: [item({ invoiceId: 'u1', daysOverdue: -2 }), item({ invoiceId: 'u2', daysOverdue: -9 })],
    });
    const a = only(plan(upcoming));
    expect(a).toMatchObject({ kind: 'chase', purpose: 'upcoming', stepIndex: 0 });
    expect(a.invoices.map((i) => i.invoiceId)).toEqual(['u1']);
    expect(a.reason).toBe('courtesy reminder (Standard): 1 invoice due in 2 days');
    const again = customer({
      openItems: upcoming.openItems,
      history: [{ sentOn: '2026-11-16', purpose: 'upcoming', stepIndex: 0, invoiceIds: ['u1'] }],
    });
    expect(only(plan(again))).toMatchObject({ kind: 'skip', code: 'nothing-due' });
  });

  it('puts high-risk customers on the faster, firmer sequence', () => {
    const a = only(plan(customer({ tier: 'high', openItems: [item({ daysOverdue: 1 })] })));
    expect(a).toMatchObject({ kind: 'chase', segment: 'High risk', stepIndex: 1 });
    expect(a.step.tone).toBe('firm');
  });

  it('auto mode sends on its own only auto-eligible steps; shadow and assisted never do', () => {
    const auto = defaultPolicy('NZ');
    const autoPolicy = { ...auto, mode: 'auto' as const };
    const friendly = only(plan(customer({ openItems: [item({ daysOverdue: 4 })] }), MONDAY, autoPolicy));
    const firm = only(plan(customer({ openItems: [item({ daysOverdue: 15 })] }), MONDAY, autoPolicy));
    const highRisk = only(
      plan(customer({ tier: 'high', openItems: [item({ daysOverdue: 2 })] }), MONDAY, autoPolicy),
    );
    expect(friendly).toMatchObject({ mode: 'auto', autoSend: true });
    expect(firm).toMatchObject({ mode: 'auto', autoSend: false });
    expect(highRisk).toMatchObject({ mode: 'auto', autoSend: false });
    const shadow = only(
      plan(customer({ openItems: [item({ daysOverdue: 4 })] }), MONDAY, { ...auto, mode: 'shadow' }),
    );
    expect(shadow).toMatchObject({ mode: 'shadow', autoSend: false });
  });

  it('flags customers for managers past the escalation thresholds', () => {
    const r = plan([
      customer({ contactId: 'big', openItems: [item({ daysOverdue: 10, amountDue: '12000.00' })] }),
      customer({ contactId: 'old', openItems: [item({ daysOverdue: 75 })] }),
      customer({ contactId: 'fine' }),
      customer({ contactId: 'liar', brokenPromises: 2, risk: 0.85 }),
    ]);
    expect(r.escalations.map((e) => [e.contactId, e.reasons])).toEqual([
      ['big', ['NZ$12,000.00 overdue']],
      ['old', ['oldest invoice 75 days overdue']],
      ['liar', ['late-payment risk 85%', '2 broken promises']],
    ]);
  });
});
