// Over 300 lines: the planner decides each customer's next step against policy, holds, calendars and promises in one pass.
import { type BusinessCalendarSpec, businessDayStatus } from './business-calendar.js';
import { daysBetween } from './calendar.js';
import type { DunningMode, DunningPolicy, DunningStep, Segment, Tier } from './dunning-policy.js';
import type { IsoDate } from './ledger.js';
import type { Decimal } from './money.js';
import { fixedUnits, formatUnitsForTeam, type Units, unitsOf } from './money-units.js';

/**
 * One open invoice of a customer as of the planning date: the fields the planner reads. Priority rows
 * (InvoicePriority) are OpenItems as they are.
 */
export interface OpenItem {
  readonly invoiceId: string;
  readonly invoiceNumber: string | null;
  readonly currency: string;
  readonly amountDue: Decimal;
  readonly baseAmountDue: Decimal;
  readonly dueDate: IsoDate;
  /** asOf − dueDate in days: negative before the due date, 0 on it. */
  readonly daysOverdue: number;
  readonly onlineUrl?: string | null;
}

/** A reminder we sent (or decided in shadow mode), as the planner needs to know it. */
export interface ContactRecord {
  readonly sentOn: IsoDate;
  readonly purpose: 'overdue' | 'upcoming';
  readonly stepIndex: number;
  readonly invoiceIds: readonly string[];
}

export interface CustomerState {
  readonly contactId: string;
  readonly name: string;
  readonly hasEmail: boolean;
  /**
   * Why the addresses we would write to cannot be used: every one of them was refused by the receiving mail
   * server on the last attempt (SMTP 5xx). Null when they are usable (or there are none: see hasEmail).
   */
  readonly addressesRefused?: string | null;
  readonly archived: boolean;
  readonly tier: Tier;
  /** Highest late-payment risk among open invoices (0..1). */
  readonly risk: number;
  readonly contactGroups: readonly string[];
  readonly openItems: readonly OpenItem[];
  readonly history: readonly ContactRecord[];
  readonly pausedUntil: IsoDate | null;
  /** A reply from the customer waits for a collector: chasing stops until someone handles it (issue #18). */
  readonly replyWaiting?: boolean;
  readonly hasOpenDispute: boolean;
  /** A promise to pay that is not yet due. */
  readonly promiseDueOn: IsoDate | null;
  /** The last day the promise keeps the customer quiet (its grace, before the ledger's verdict); absent: its date. */
  readonly promiseQuietThrough?: IsoDate | null;
  readonly brokenPromises: number;
}

export interface PlanInput {
  readonly asOf: IsoDate;
  readonly baseCurrency: string;
  readonly policy: DunningPolicy;
  readonly customers: readonly CustomerState[];
}

export type SkipCode =
  | 'closed-day'
  | 'do-not-contact'
  | 'archived'
  | 'paused'
  | 'reply-waiting'
  | 'disputed'
  | 'promise-pending'
  | 'below-minimum'
  | 'no-email'
  | 'bounced'
  | 'min-interval'
  | 'step-already-sent'
  | 'nothing-due';

export interface ChaseAction {
  readonly kind: 'chase';
  readonly contactId: string;
  readonly customerName: string;
  readonly purpose: 'overdue' | 'upcoming';
  readonly segment: string;
  readonly stepIndex: number;
  readonly stepCount: number;
  readonly step: DunningStep;
  readonly mode: DunningMode;
  /** True only in auto mode for an auto-eligible step; everything else waits for a human. */
  readonly autoSend: boolean;
  readonly invoices: readonly OpenItem[];
  readonly totalBase: Decimal;
  readonly reason: string;
}

export interface SkipAction {
  readonly kind: 'skip';
  readonly contactId: string;
  readonly customerName: string;
  readonly code: SkipCode;
  readonly reason: string;
}

export interface Escalation {
  readonly contactId: string;
  readonly customerName: string;
  readonly reasons: readonly string[];
  readonly overdueBase: Decimal;
  readonly oldestDaysOverdue: number;
}

export interface PlanResult {
  readonly asOf: IsoDate;
  readonly businessDay: boolean;
  readonly closedReason: string | null;
  readonly actions: readonly (ChaseAction | SkipAction)[];
  readonly escalations: readonly Escalation[];
}

export function calendarOf(policy: DunningPolicy): BusinessCalendarSpec {
  return {
    weekdays: policy.sendWindow.weekdays,
    country: policy.holidays.country,
    region: policy.holidays.region,
    extraHolidays: policy.holidays.dates,
  };
}

export function segmentFor(
  policy: DunningPolicy,
  c: Pick<CustomerState, 'tier' | 'contactGroups'>,
  overdueBase: Decimal,
): Segment {
  const total = unitsOf(overdueBase);
  const found = policy.segments.find((s) => {
    const m = s.match;
    if (m.tiers && !m.tiers.includes(c.tier)) return false;
    if (m.minOverdue && total < unitsOf(m.minOverdue)) return false;
    if (m.maxOverdue && total > unitsOf(m.maxOverdue)) return false;
    if (m.contactGroups && !m.contactGroups.some((g) => c.contactGroups.includes(g))) return false;
    return true;
  });
  // The schema guarantees a catch-all segment.
  return found ?? policy.segments[policy.segments.length - 1]!;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The next action per customer for the business day `asOf`: one consolidated chase for everything overdue
 * (paced off the oldest overdue invoice, the "carrying" invoice), a separate courtesy note for invoices about
 * to fall due, or a skip with the reason. Pure: the same input always gives the same plan.
 */
export function planDunning(input: PlanInput): PlanResult {
  const { asOf, policy } = input;
  const day = businessDayStatus(asOf, calendarOf(policy));
  const actions: (ChaseAction | SkipAction)[] = [];
  const escalations: Escalation[] = [];
  const doNotContact = new Set(policy.doNotContact);
  for (const customer of input.customers) {
    // Escalation and the chase read the same overdue items: picked out and totalled once per customer.
    const overdue = overdueOf(customer);
    const escalation = escalationFor(customer, overdue, input);
    if (escalation) escalations.push(escalation);
    if (!day.open) {
      actions.push(skip(customer, 'closed-day', day.reason));
      continue;
    }
    actions.push(...planCustomer(customer, overdue, input, doNotContact));
  }
  return { asOf, businessDay: day.open, closedReason: day.open ? null : day.reason, actions, escalations };
}

function skip(c: CustomerState, code: SkipCode, reason: string): SkipAction {
  return { kind: 'skip', contactId: c.contactId, customerName: c.name, code, reason };
}

interface Overdue {
  /** Open items at least a day overdue; this customer's own array, sorted by the chase. */
  readonly items: OpenItem[];
  readonly base: Units;
}

function overdueOf(c: CustomerState): Overdue {
  const items = c.openItems.filter((i) => i.daysOverdue >= 1);
  return { items, base: baseTotal(items) };
}

function planCustomer(
  c: CustomerState,
  { items: overdue, base: overdueBase }: Overdue,
  input: PlanInput,
  doNotContact: ReadonlySet<string>,
): (ChaseAction | SkipAction)[] {
  const { asOf, policy, baseCurrency } = input;
  if (doNotContact.has(c.contactId)) return [skip(c, 'do-not-contact', 'on the do-not-contact list')];
  if (c.archived) return [skip(c, 'archived', 'contact is archived in Xero')];
  if (c.replyWaiting) return [skip(c, 'reply-waiting', 'a reply waits for a collector')];
  if (c.pausedUntil && c.pausedUntil >= asOf) return [skip(c, 'paused', `paused until ${c.pausedUntil}`)];
  if (c.hasOpenDispute) return [skip(c, 'disputed', 'has an open dispute')];
  const promiseQuiet = c.promiseQuietThrough ?? c.promiseDueOn;
  if (c.promiseDueOn && promiseQuiet && promiseQuiet >= asOf) {
    return [
      skip(
        c,
        'promise-pending',
        c.promiseDueOn >= asOf
          ? `promised to pay by ${c.promiseDueOn}`
          : `promised to pay by ${c.promiseDueOn}; waiting until ${promiseQuiet} for the payment to show in Xero`,
      ),
    ];
  }

  if (overdue.length > 1) overdue.sort(byOldestThenNumber);
  const segment = segmentFor(policy, c, fixedUnits(overdueBase));
  const mode = segment.mode ?? policy.mode;

  const lastContact = c.history.reduce<IsoDate | null>(
    (m, h) => (m === null || h.sentOn > m ? h.sentOn : m),
    null,
  );
  const sinceLast = lastContact ? daysBetween(lastContact, asOf) : null;
  const intervalBlocked = sinceLast !== null && sinceLast < policy.minDaysBetweenContacts;

  const results: (ChaseAction | SkipAction)[] = [];
  const overdueChase =
    overdue.length > 0 ? planOverdue(c, overdue, overdueBase, segment, mode, sinceLast) : null;
  if (overdueChase && overdueChase.kind === 'chase') {
    const minimum = unitsOf(policy.minimumAmount);
    if (overdueBase < minimum) {
      return [
        skip(
          c,
          'below-minimum',
          `${formatUnitsForTeam(overdueBase, baseCurrency)} overdue is below the ${formatUnitsForTeam(minimum, baseCurrency)} minimum`,
        ),
      ];
    }
    const unreachable = unreachableSkip(c);
    if (unreachable) return [unreachable];
    if (intervalBlocked) {
      return [
        skip(
          c,
          'min-interval',
          `last contacted ${plural(sinceLast!, 'day')} ago (minimum ${policy.minDaysBetweenContacts})`,
        ),
      ];
    }
    results.push(overdueChase);
    return results;
  }
  if (policy.remindBeforeDue) {
    const upcoming = planUpcoming(c, segment, mode);
    if (upcoming) {
      const unreachable = unreachableSkip(c);
      if (unreachable) return [unreachable];
      if (intervalBlocked) {
        return [
          skip(
            c,
            'min-interval',
            `last contacted ${plural(sinceLast!, 'day')} ago (minimum ${policy.minDaysBetweenContacts})`,
          ),
        ];
      }
      return [upcoming];
    }
  }
  if (overdueChase) return [overdueChase];
  return [skip(c, 'nothing-due', overdue.length === 0 ? 'nothing overdue' : 'no step due today')];
}

/** No address to write to, or every one of them refused last time: a reminder cannot reach the customer. */
export function unreachableSkip(c: CustomerState): SkipAction | null {
  if (!c.hasEmail) return skip(c, 'no-email', 'no email address on the contact or its people');
  if (c.addressesRefused) return skip(c, 'bounced', c.addressesRefused);
  return null;
}

/** Σ base amounts due, exact (money-units.ts). */
function baseTotal(items: readonly OpenItem[]): Units {
  let total = 0;
  for (const i of items) total += unitsOf(i.baseAmountDue);
  return total;
}

function byOldestThenNumber(a: OpenItem, b: OpenItem): number {
  return (
    b.daysOverdue - a.daysOverdue ||
    (a.invoiceNumber ?? a.invoiceId).localeCompare(b.invoiceNumber ?? b.invoiceId)
  );
}

function planOverdue(
  c: CustomerState,
  overdue: readonly OpenItem[],
  overdueBase: Units,
  segment: Segment,
  mode: DunningMode,
  sinceLast: number | null,
): ChaseAction | SkipAction {
  const carrying = overdue[0]!;
  const overdueSteps = segment.steps.map((s, i) => ({ s, i })).filter(({ s }) => s.offsetDays >= 1);
  // The latest step whose day has come; earlier ones that were never sent are skipped, not fired in a burst.
  const latestDue = [...overdueSteps].reverse().find(({ s }) => s.offsetDays <= carrying.daysOverdue);
  const sent = c.history
    .filter((h) => h.purpose === 'overdue' && h.invoiceIds.includes(carrying.invoiceId))
    .reduce((m, h) => Math.max(m, h.stepIndex), -1);
  // A customer's first reminder is never the final one: a "final reminder" that nobody was warned about reads
  // as a threat and its template ("despite our earlier reminders") would not be true. Step down to the
  // latest earlier step that is not final; the final one follows at its own time.
  const due =
    sent === -1 && latestDue?.s.tone === 'final'
      ? ([...overdueSteps].reverse().find(({ s, i }) => i < latestDue.i && s.tone !== 'final') ?? latestDue)
      : latestDue;
  if (!due) {
    const first = overdueSteps[0];
    return skip(
      c,
      'nothing-due',
      first
        ? `oldest invoice ${plural(carrying.daysOverdue, 'day')} overdue; first reminder at ${first.s.offsetDays} days`
        : `segment ${segment.name} has no overdue steps`,
    );
  }
  if (due.i <= sent) {
    const next = overdueSteps.find(({ i }) => i > sent);
    return skip(
      c,
      'step-already-sent',
      next
        ? `step ${sent + 1} of ${segment.name} already sent; step ${next.i + 1} at ${next.s.offsetDays} days overdue`
        : `all ${segment.steps.length} steps of ${segment.name} sent`,
    );
  }
  const last = sinceLast === null ? 'first reminder' : `last reminder ${plural(sinceLast, 'day')} ago`;
  const others = overdue.length > 1 ? ` (+${plural(overdue.length - 1, 'more invoice')})` : '';
  return {
    kind: 'chase',
    contactId: c.contactId,
    customerName: c.name,
    purpose: 'overdue',
    segment: segment.name,
    stepIndex: due.i,
    stepCount: segment.steps.length,
    step: due.s,
    mode,
    autoSend: mode === 'auto' && due.s.autoEligible,
    invoices: overdue,
    totalBase: fixedUnits(overdueBase),
    reason: `step ${due.i + 1} of ${segment.name}: ${plural(carrying.daysOverdue, 'day')} overdue${others}, ${last}`,
  };
}

function planUpcoming(c: CustomerState, segment: Segment, mode: DunningMode): ChaseAction | null {
  const steps = segment.steps.map((s, i) => ({ s, i })).filter(({ s }) => s.offsetDays <= 0);
  if (steps.length === 0) return null;
  const reminded = new Set(c.history.filter((h) => h.purpose === 'upcoming').flatMap((h) => h.invoiceIds));
  let chosen: { s: DunningStep; i: number } | null = null;
  const items: OpenItem[] = [];
  for (const item of c.openItems) {
    if (item.daysOverdue > 0 || reminded.has(item.invoiceId)) continue;
    const step = [...steps].reverse().find(({ s }) => s.offsetDays <= item.daysOverdue);
    if (!step) continue;
    items.push(item);
    if (!chosen || step.i > chosen.i) chosen = step;
  }
  if (!chosen || items.length === 0) return null;
  items.sort(
    (a, b) =>
      a.dueDate.localeCompare(b.dueDate) || (a.invoiceNumber ?? '').localeCompare(b.invoiceNumber ?? ''),
  );
  const first = items[0]!;
  const when = first.daysOverdue === 0 ? 'due today' : `due in ${plural(-first.daysOverdue, 'day')}`;
  return {
    kind: 'chase',
    contactId: c.contactId,
    customerName: c.name,
    purpose: 'upcoming',
    segment: segment.name,
    stepIndex: chosen.i,
    stepCount: segment.steps.length,
    step: chosen.s,
    mode,
    autoSend: mode === 'auto' && chosen.s.autoEligible,
    invoices: items,
    totalBase: fixedUnits(baseTotal(items)),
    reason: `courtesy reminder (${segment.name}): ${plural(items.length, 'invoice')} ${when}`,
  };
}

function escalationFor(
  c: CustomerState,
  { items: overdue, base: overdueBase }: Overdue,
  input: PlanInput,
): Escalation | null {
  const { escalation } = input.policy;
  if (overdue.length === 0) return null;
  let oldest = 0;
  for (const i of overdue) if (i.daysOverdue > oldest) oldest = i.daysOverdue;
  const reasons: string[] = [];
  if (overdueBase >= unitsOf(escalation.overdueAmountAtLeast)) {
    reasons.push(`${formatUnitsForTeam(overdueBase, input.baseCurrency)} overdue`);
  }
  if (oldest >= escalation.daysOverdueAtLeast) reasons.push(`oldest invoice ${oldest} days overdue`);
  if (c.risk >= escalation.riskAtLeast) reasons.push(`late-payment risk ${Math.round(c.risk * 100)}%`);
  if (c.brokenPromises >= escalation.brokenPromisesAtLeast)
    reasons.push(`${plural(c.brokenPromises, 'broken promise')}`);
  if (reasons.length === 0) return null;
  return {
    contactId: c.contactId,
    customerName: c.name,
    reasons,
    overdueBase: fixedUnits(overdueBase),
    oldestDaysOverdue: oldest,
  };
}
