import type { DunningPolicy } from './dunning-policy.js';

const WEEKDAYS = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

function offset(days: number): string {
  if (days === 0) return 'on the due date';
  return days < 0 ? `${-days}d before due` : `${days}d overdue`;
}

/** The policy in a few lines a finance manager can check at a glance (CLI, /ar policy, README). */
export function describePolicy(policy: DunningPolicy, baseCurrency = ''): string[] {
  const money = (v: string) => (baseCurrency ? `${baseCurrency} ${v}` : v);
  const days = policy.sendWindow.weekdays.map((d) => WEEKDAYS[d]).join(', ');
  const holidays = [
    policy.holidays.country
      ? `public holidays of ${policy.holidays.country}${policy.holidays.region ? `-${policy.holidays.region}` : ''}`
      : null,
    policy.holidays.dates.length ? `${policy.holidays.dates.length} own closed day(s)` : null,
  ].filter(Boolean);
  const lines = [
    `Mode: ${policy.mode} (shadow = suggest only; assisted = every send approved in Slack; auto = eligible steps send themselves)`,
    `Sends on ${days}, ${policy.sendWindow.start}–${policy.sendWindow.end} local time${holidays.length ? `; closed on ${holidays.join(' and ')}` : ''}`,
    `Chase customers owing at least ${money(policy.minimumAmount)} overdue; at least ${policy.minDaysBetweenContacts} days between contacts; ${policy.doNotContact.length} on do-not-contact`,
    `Courtesy reminders before due: ${policy.remindBeforeDue ? 'on' : 'off'}; paused on dispute, promise to pay and collector pause`,
  ];
  for (const s of policy.segments) {
    const match = [
      s.match.tiers ? `tier ${s.match.tiers.join('/')}` : null,
      s.match.minOverdue ? `overdue ≥ ${money(s.match.minOverdue)}` : null,
      s.match.maxOverdue ? `overdue ≤ ${money(s.match.maxOverdue)}` : null,
      s.match.contactGroups ? `group ${s.match.contactGroups.join('/')}` : null,
    ].filter(Boolean);
    const steps = s.steps
      .map(
        (st) =>
          `${offset(st.offsetDays)} ${st.tone}${st.channel === 'xero_email' ? ' (Xero email)' : ''}${st.autoEligible ? ' [auto]' : ''}`,
      )
      .join(' → ');
    lines.push(
      `Segment ${s.name} (${match.length ? match.join(', ') : 'everyone else'}${s.mode ? `, mode ${s.mode}` : ''}): ${steps}`,
    );
  }
  const e = policy.escalation;
  lines.push(
    `Escalate to a manager at ${money(e.overdueAmountAtLeast)} overdue, ${e.daysOverdueAtLeast} days overdue, risk ≥ ${Math.round(e.riskAtLeast * 100)}%, or ${e.brokenPromisesAtLeast} broken promises`,
  );
  lines.push(
    `A promise to pay is judged ${policy.promiseGraceBusinessDays} business day${policy.promiseGraceBusinessDays === 1 ? '' : 's'} after its date: kept, part-kept or broken, from the ledger`,
  );
  lines.push(
    `Priority tiers written to Xero as contact groups (Collections: High/Medium/Low/Do not chase): ${policy.contactGroupTiers ? 'on' : 'off'}`,
  );
  return lines;
}
