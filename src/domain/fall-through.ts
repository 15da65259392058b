import {
  type CustomerState,
  type PlanResult,
  type SkipAction,
  type SkipCode,
  unreachableSkip,
} from './dunning-planner.js';
import type { Decimal } from './money.js';

/**
 * Customers who owe something overdue and whom the plan cannot chase by email: the ones that would otherwise
 * fall through silently. Disputes and promises are not here: the digest lists them in their own sections, and
 * waiting for them is the plan working.
 */
export type FallThroughCode =
  | 'no-email'
  | 'bounced'
  | 'below-minimum'
  | 'do-not-contact'
  | 'paused'
  | 'archived';

/** What a collector can do about it from Slack. */
export type WayForward = 'add-address' | 'call-task';

export interface FallThrough {
  readonly contactId: string;
  readonly customerName: string;
  readonly code: FallThroughCode;
  readonly reason: string;
  readonly overdueBase: Decimal;
  readonly overdueCount: number;
  readonly ways: readonly WayForward[];
}

const CODES: ReadonlySet<SkipCode> = new Set<FallThroughCode>([
  'no-email',
  'bounced',
  'below-minimum',
  'do-not-contact',
  'paused',
  'archived',
]);

/** Skips that only say "not today": behind them a customer nobody can email still falls through. */
const NOT_TODAY: ReadonlySet<SkipCode> = new Set<SkipCode>([
  'closed-day',
  'nothing-due',
  'step-already-sent',
  'min-interval',
]);

const WAYS: Record<FallThroughCode, readonly WayForward[]> = {
  'no-email': ['add-address', 'call-task'],
  bounced: ['add-address', 'call-task'],
  'below-minimum': ['call-task'],
  paused: ['call-task'],
  archived: ['call-task'],
  // Somebody decided nobody contacts this customer: the way forward is that decision, not a button.
  'do-not-contact': [],
};

/** A customer left behind, with the call task someone has taken on for them. */
export interface FallThroughEntry extends FallThrough {
  readonly callTask: {
    readonly id: number;
    readonly assigneeId: string;
    readonly assigneeName: string;
    readonly createdAt: Date;
  } | null;
}

/** What a call task says it is for, from the reason the customer fell through. */
export const CALL_REASON: Record<FallThroughCode, string> = {
  'no-email': 'no email address for reminders',
  bounced: 'their mail server refused our reminders',
  'below-minimum': 'overdue amount below the minimum for reminders',
  'do-not-contact': 'on the do-not-contact list',
  paused: 'chasing is paused',
  archived: 'archived in Xero',
};

export function isFallThroughCode(code: string): code is FallThroughCode {
  return Object.hasOwn(CALL_REASON, code);
}

export interface OverdueSummary {
  readonly overdueBase: Decimal;
  readonly overdueCount: number;
}

/**
 * The customers the plan leaves behind, largest overdue amount first. A customer with no usable address is
 * listed even on a day no step falls due for them, so the address can be added before it does.
 */
export function fallThrough(
  plan: PlanResult,
  customers: readonly CustomerState[],
  overdue: ReadonlyMap<string, OverdueSummary>,
): FallThrough[] {
  const actions = new Map(plan.actions.map((a) => [a.contactId, a]));
  const out: FallThrough[] = [];
  for (const c of customers) {
    const owed = overdue.get(c.contactId);
    if (!owed || owed.overdueCount === 0) continue;
    const action = actions.get(c.contactId);
    let why: SkipAction | null = null;
    if (action?.kind === 'skip' && CODES.has(action.code)) why = action;
    else if (!action || (action.kind === 'skip' && NOT_TODAY.has(action.code))) why = unreachableSkip(c);
    if (!why) continue;
    const code = why.code as FallThroughCode;
    out.push({
      contactId: c.contactId,
      customerName: c.name,
      code,
      reason: why.reason,
      overdueBase: owed.overdueBase,
      overdueCount: owed.overdueCount,
      ways: WAYS[code],
    });
  }
  return out.sort(
    (a, b) => Number(b.overdueBase) - Number(a.overdueBase) || a.customerName.localeCompare(b.customerName),
  );
}
