/**
 * How old an organisation's ledger is: the time since a sync last completed every resource. A ledger older than
 * the policy's `staleLedgerHours` (`LEDGER_STALE_AFTER_HOURS` by default) plans no reminders (a customer may have paid since), and every surface that shows
 * figures says how old they are once they are older than `LEDGER_AGE_SHOWN_AFTER_MINUTES` (polls are at most two
 * hours apart, and the morning syncs first, so a healthy ledger never shows it).
 */
export const LEDGER_STALE_AFTER_HOURS = 24;
export const LEDGER_AGE_SHOWN_AFTER_MINUTES = 3 * 60;

export interface LedgerAge {
  readonly minutes: number;
  readonly stale: boolean;
}

/** `staleAfterHours`: the organisation's policy (`staleLedgerHours`), 24 by default. */
export function ledgerAge(
  completeAt: Date | null,
  now: Date,
  staleAfterHours: number = LEDGER_STALE_AFTER_HOURS,
): LedgerAge | null {
  if (!completeAt) return null;
  const minutes = Math.max(0, Math.floor((now.getTime() - completeAt.getTime()) / 60_000));
  return { minutes, stale: minutes >= staleAfterHours * 60 };
}

/** "45 minutes", "5 hours", "3 days". */
export function describeAge(minutes: number): string {
  if (minutes < 120) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} hours`;
  return `${Math.floor(hours / 24)} days`;
}

/**
 * The warning every surface that shows figures puts first once they are older than a healthy ledger ever is
 * (Slack's digest, `/ar`, App Home, the CLI); null while the ledger is fresh or its age unknown.
 */
export function ledgerAgeWarning(age: LedgerAge | null): string | null {
  if (age === null || age.minutes < LEDGER_AGE_SHOWN_AFTER_MINUTES) return null;
  return `These figures are from Xero as it was ${describeAge(age.minutes)} ago (the last complete sync); payments since then are missing.${age.stale ? ' No reminders are planned until a sync completes.' : ''}`;
}
