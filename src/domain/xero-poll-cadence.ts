/**
 * How often to poll an organisation's Xero for changes (If-Modified-Since on six resources, one call each when
 * nothing changed). On Xero's Starter tier a day has 1,000 calls (reference/xero-api.md, December 2026): a poll
 * every 15 minutes alone would spend 576 of them. So:
 * - while polls keep finding changes and no webhooks arrive, every 15 minutes;
 * - each poll that finds nothing doubles the wait, up to 2 hours (a quiet organisation: 12 polls a day);
 * - when Xero's webhooks are arriving they bring the changes (refreshed by id): polling is a 2-hourly safety net;
 * - never faster than the day's remaining background budget lasts, spread over a day.
 * The digest does not wait for the next poll: the morning job syncs first when the ledger is older than 15
 * minutes. Pure: the caller passes what it read.
 */

export const POLL_MINUTES = 15;
export const QUIET_MAX_MINUTES = 120;
export const SAFETY_NET_MINUTES = 120;
/** Contacts, invoices, three credit kinds, payments. */
export const CALLS_PER_POLL = 6;
/** Spent budget: look again in an hour (a refused call costs nothing; Xero's day resets at its own time). */
export const BUDGET_RETRY_MINUTES = 60;
const PACE_MAX_MINUTES = 360;
const DAY_MINUTES = 24 * 60;
/** Webhooks count as arriving when one came within this long. */
export const WEBHOOKS_ACTIVE_MS = 24 * 60 * 60_000;

export interface PollCadenceInput {
  /** Consecutive polls that found nothing new, this one included. */
  readonly quietPolls: number;
  readonly webhooksActive: boolean;
  /** Calls left today less the reserve for interactive work (what background work may still spend). */
  readonly backgroundSpare: number;
}

export function pollIntervalMinutes(c: PollCadenceInput): number {
  if (c.backgroundSpare <= 0) return BUDGET_RETRY_MINUTES;
  const cadence = c.webhooksActive
    ? SAFETY_NET_MINUTES
    : Math.min(POLL_MINUTES * 2 ** Math.max(0, Math.min(c.quietPolls, 8)), QUIET_MAX_MINUTES);
  const pace = Math.min(Math.ceil((DAY_MINUTES * CALLS_PER_POLL) / c.backgroundSpare), PACE_MAX_MINUTES);
  return Math.max(cadence, pace);
}

/** The next poll after `after`, on a whole minute (the scheduler ticks once a minute). */
export function nextPollAt(after: Date, c: PollCadenceInput): Date {
  const at = after.getTime() + pollIntervalMinutes(c) * 60_000;
  return new Date(Math.ceil(at / 60_000) * 60_000);
}

export function areWebhooksActive(lastWebhookAt: Date | null, now: Date): boolean {
  return lastWebhookAt !== null && now.getTime() - lastWebhookAt.getTime() < WEBHOOKS_ACTIVE_MS;
}
