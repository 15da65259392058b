import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY_INPUT, defaultPolicy, parsePolicy } from './dunning-policy.js';
import { describePolicy } from './dunning-policy-summary.js';

describe('describePolicy', () => {
  it('summarises the default policy in the lines the README and /ar policy show', () => {
    expect(describePolicy(defaultPolicy('NZ'), 'NZD')).toEqual([
      'Mode: assisted (shadow = suggest only; assisted = every send approved in Slack; auto = eligible steps send themselves)',
      'Sends on Mon, Tue, Wed, Thu, Fri, 09:00–16:00 local time; closed on public holidays of NZ',
      'Chase customers owing at least NZD 20 overdue; at least 5 days between contacts; 0 on do-not-contact',
      'Courtesy reminders before due: on; paused on dispute, promise to pay and collector pause',
      'Segment High risk (tier high): 3d before due friendly → 1d overdue firm → 10d overdue firm → 21d overdue final',
      'Segment Standard (everyone else): 3d before due friendly [auto] → 3d overdue friendly [auto] → 14d overdue firm → 30d overdue final',
      'Escalate to a manager at NZD 10000 overdue, 60 days overdue, risk ≥ 80%, or 2 broken promises',
      'A promise to pay is judged 2 business days after its date: kept, part-kept or broken, from the ledger',
      'Priority tiers written to Xero as contact groups (Collections: High/Medium/Low/Do not chase): off',
    ]);
  });

  it('names segment conditions, per-segment modes, Xero email steps and own closed days', () => {
    const parsed = parsePolicy({
      ...DEFAULT_POLICY_INPUT,
      holidays: { country: null, region: null, dates: ['2026-12-24'] },
      segments: [
        {
          name: 'Big',
          match: { minOverdue: '5000', contactGroups: ['Wholesale'] },
          mode: 'shadow',
          steps: [{ offsetDays: 0, tone: 'firm', channel: 'xero_email' }],
        },
        { name: 'Rest', steps: [{ offsetDays: 7, tone: 'friendly' }] },
      ],
    });
    if (!parsed.ok) throw new Error(parsed.errors.join('; '));
    const lines = describePolicy(parsed.policy);
    expect(lines[1]).toBe(
      'Sends on Mon, Tue, Wed, Thu, Fri, 09:00–16:00 local time; closed on 1 own closed day(s)',
    );
    expect(lines[4]).toBe(
      'Segment Big (overdue ≥ 5000, group Wholesale, mode shadow): on the due date firm (Xero email)',
    );
    expect(lines[5]).toBe('Segment Rest (everyone else): 7d overdue friendly');
  });
});
