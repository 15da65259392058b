import type { Kysely } from 'kysely';
import { type ActiveHold, getDunningPolicy, listActiveHolds } from '../adapters/db/dunning-queries.js';
import { loadLedger } from '../adapters/db/ledger-queries.js';
import type { Organisation } from '../adapters/db/organisations.js';
import type { DB } from '../adapters/db/schema.js';
import { getSyncState } from '../adapters/db/xero-sync-state.js';
import { addDays, localDateOf } from '../domain/calendar.js';
import type {
  CollectionsSignals,
  Dispute,
  DisputeReason,
  PromiseToPay,
} from '../domain/collections-signals.js';
import type { IsoDate, Ledger } from '../domain/ledger.js';
import { type LedgerAge, ledgerAge } from '../domain/ledger-freshness.js';
import { DISPUTE_REASONS } from '../domain/reply-reading/reply-reading.js';

/**
 * What the Slack surfaces read about one organisation: its synced ledger, today in its time zone, and the
 * collections signals held as customer holds (pauses, promises, disputes). Promise and dispute holds are
 * written by the reply-handling features; until those land the lists are simply empty.
 */
export interface CollectionsView {
  readonly organisation: Organisation;
  readonly ledger: Ledger;
  readonly asOf: IsoDate;
  readonly holds: readonly ActiveHold[];
  readonly signals: CollectionsSignals;
  /** How old the figures are (since the last complete sync); null when unknown. */
  readonly ledgerAge?: LedgerAge | null;
}

/** A pause with no end date runs until someone resumes it. */
export const OPEN_ENDED = '9999-12-31';

export function signalsFromHolds(holds: readonly ActiveHold[], timezone: string): CollectionsSignals {
  const promises: PromiseToPay[] = [];
  const disputes: Dispute[] = [];
  const pausedUntil: Record<string, IsoDate> = {};
  for (const h of holds) {
    const madeOn = localDateOf(h.createdAt, timezone);
    if (h.kind === 'pause' || h.kind === 'do_not_contact') {
      const until = h.until ?? OPEN_ENDED;
      const prev = pausedUntil[h.contactId];
      if (!prev || until > prev) pausedUntil[h.contactId] = until;
    } else if (h.kind === 'promise' && h.until) {
      promises.push({
        id: `hold-${h.id}`,
        contactId: h.contactId,
        invoiceIds: [],
        amount: h.amount,
        currency: null,
        promisedDate: h.until,
        madeOn,
        // A promise recorded by a person in Slack; the reply reader will set its own confidence.
        confidence: 0.8,
        cancelledOn: null,
      });
    } else if (h.kind === 'dispute') {
      disputes.push({
        id: `hold-${h.id}`,
        contactId: h.contactId,
        invoiceIds: h.invoiceIds ?? [],
        // A dispute accepted from a reply holds its reason code (reply-suggestion.ts); a person's own note is 'other'.
        reason: (DISPUTE_REASONS as readonly string[]).includes(h.reason ?? '')
          ? (h.reason as DisputeReason)
          : 'other',
        openedOn: madeOn,
        // A dispute held until a day stops counting after it (chasing those invoices resumes then too).
        resolvedOn: h.until ? addDays(h.until, 1) : null,
      });
    }
  }
  return { promises, disputes, pausedUntil };
}

export async function loadCollectionsView(
  db: Kysely<DB>,
  organisation: Organisation,
  now: Date,
  load: (orgId: string) => Promise<Ledger> = (orgId) => loadLedger(db, orgId),
): Promise<CollectionsView> {
  const ledger = await load(organisation.id);
  const asOf = localDateOf(now, ledger.organisation.timezone);
  const [holds, sync, stored] = await Promise.all([
    listActiveHolds(db, organisation.id),
    getSyncState(db, organisation.id, Date.now()),
    getDunningPolicy(db, organisation.id),
  ]);
  return {
    organisation,
    ledger,
    asOf,
    holds,
    signals: signalsFromHolds(holds, ledger.organisation.timezone),
    ledgerAge: ledgerAge(sync?.lastCompleteAt ?? null, now, stored.policy.staleLedgerHours),
  };
}
