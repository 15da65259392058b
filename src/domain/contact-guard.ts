import { daysBetween } from './calendar.js';
import type { IsoDate } from './ledger.js';

/**
 * Checked when a person approves a card, across all of the customer's cards: the planner applied the same rules
 * when it drafted, but a card can wait for days, and two live cards for one customer could both be approved.
 */
export interface ContactGuardInput {
  readonly asOf: IsoDate;
  readonly minDaysBetweenContacts: number;
  /** Plan dates of the customer's other reminders that went out (or may have). */
  readonly contactedOn: readonly IsoDate[];
  /** The customer's other reminders approved and on their way now. */
  readonly inFlight: number;
  readonly doNotContact: boolean;
  /** A reply from the customer waits for a collector (issue #18): nothing goes out until it is handled. */
  readonly replyWaiting?: boolean;
}

/** Why this approval must not send now, or null. */
export function contactBlock(input: ContactGuardInput): string | null {
  if (input.doNotContact) return 'this customer is on the do-not-contact list';
  if (input.replyWaiting)
    return 'this customer replied and the reply waits for a collector: chasing is paused until someone handles it';
  if (input.inFlight > 0) return 'another reminder to this customer was approved and is being sent';
  const last = input.contactedOn.reduce<IsoDate | null>((a, d) => (a === null || d > a ? d : a), null);
  if (last === null) return null;
  const since = Math.max(0, daysBetween(last, input.asOf));
  if (since >= input.minDaysBetweenContacts) return null;
  return `this customer was last emailed ${since === 0 ? 'today' : `${since} day${since === 1 ? '' : 's'} ago`} (the policy keeps ${input.minDaysBetweenContacts} days between contacts)`;
}
