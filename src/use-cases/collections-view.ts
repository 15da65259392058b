import type { Kysely } from 'kysely';
import { type CustomerOverride, listActiveOverrides } from '../adapters/db/customer-overrides.js';
import { type ActiveHold, getDunningPolicy, listActiveHolds } from '../adapters/db/dunning-queries.js';
import { loadLedger } from '../adapters/db/ledger-queries.js';
import type { Organisation } from '../adapters/db/organisations.js';
import { listPaymentPromises, type PaymentPromiseRecord } from '../adapters/db/payment-promises.js';
import type { DB, Queryable } from '../adapters/db/schema.js';
import { getSyncState } from '../adapters/db/xero-sync-state.js';
import { addDays, localDateOf } from '../domain/calendar.js';
import type {
  CollectionsSignals,
  Dispute,
  DisputeReason,
  PromiseToPay,
} from '../domain/collections-signals.js';
import { tierOverrideSignals } from '../domain/customer-overrides.js';
import type { IsoDate, Ledger } from '../domain/ledger.js';
import { type LedgerAge, ledgerAge } from '../domain/ledger-freshness.js';
import { DISPUTE_REASONS } from '../domain/reply-reading/reply-reading.js';

/**
 * What the Slack surfaces read about one organisation: its synced ledger, today in its time zone, and the
 * collections signals: customer holds (pauses, disputes) and tracked promises to pay (payment_promises).
 */
export interface CollectionsView {
  readonly organisation: Organisation;
  readonly ledger: Ledger;
  readonly asOf: IsoDate;
  readonly holds: readonly ActiveHold[];
  readonly signals: CollectionsSignals;
  /** Priority tiers set by managers, in force (customer-overrides.ts); also in `signals`. */
  readonly tierOverrides?: readonly CustomerOverride[];
  /** How old the figures are (since the last complete sync); null when unknown. */
  readonly ledgerAge?: LedgerAge | null;
}

/** A pause with no end date runs until someone resumes it. */
export const OPEN_ENDED = '9999-12-31';

/**
 * The brain's signals from holds and tracked promises. A tracked promise (payment_promises) stands for its hold:
 * active ones feed the forecast on their latest date (the day the customer said the money would be there at the
 * latest, and the day the hold waits until: forecasting on the earliest would count cash the customer never
 * committed to that soon); judged ones carry their recorded verdict, so broken promises are counted from what
 * the ledger said when they were judged. A promise hold with no tracked promise (from before tracking) still
 * counts, as before, without invoices.
 */
export function signalsFromHolds(
  holds: readonly ActiveHold[],
  timezone: string,
  tracked: readonly PaymentPromiseRecord[] = [],
  /** Managers' tiers in force: the priority list shows and plans with them (customer-overrides.ts). */
  overrides: readonly CustomerOverride[] = [],
): CollectionsSignals {
  const promises: PromiseToPay[] = tracked.flatMap((p) => signalOfPromise(p, timezone));
  const trackedHolds = new Set(tracked.map((p) => p.holdId).filter((id) => id !== null));
  const disputes: Dispute[] = [];
  const pausedUntil: Record<string, IsoDate> = {};
  for (const h of holds) {
    if (trackedHolds.has(h.id)) continue;
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
  return {
    promises,
    disputes,
    pausedUntil,
    ...(overrides.length > 0 ? { tierOverrides: tierOverrideSignals(overrides) } : {}),
  };
}

function signalOfPromise(p: PaymentPromiseRecord, timezone: string): PromiseToPay[] {
  const judged = p.status === 'kept' || p.status === 'part_kept' || p.status === 'broken';
  if (p.status !== 'active' && !judged) return [];
  const judgedOn = p.settledAt ? localDateOf(p.settledAt, timezone) : null;
  return [
    {
      id: `promise-${p.id}`,
      contactId: p.contactId,
      invoiceIds: p.invoiceIds,
      amount: p.amount,
      currency: p.currency,
      promisedDate: p.latest,
      madeOn: p.madeOn,
      // Accepted by a collector from the customer's own words.
      confidence: 0.8,
      // A judged promise no longer forecasts anything: its money arrived or it did not.
      cancelledOn: judged ? judgedOn : null,
      ...(judged && judgedOn ? { outcome: p.status as 'kept' | 'part_kept' | 'broken', judgedOn } : {}),
    },
  ];
}

/** An organisation's collections signals now (holds, promises, disputes), for reports outside Slack (the CLI). */
export async function loadCollectionsSignals(
  db: Queryable,
  orgId: string,
  timezone: string,
): Promise<CollectionsSignals> {
  const [holds, tracked, overrides] = await Promise.all([
    listActiveHolds(db, orgId),
    listSignalPromises(db, orgId),
    listActiveOverrides(db, orgId),
  ]);
  return signalsFromHolds(holds, timezone, tracked, overrides);
}

/** The promises the surfaces read: active ones and judged ones (rescheduled and cancelled ones count for nothing). */
export function listSignalPromises(db: Queryable, orgId: string): Promise<PaymentPromiseRecord[]> {
  return listPaymentPromises(db, orgId, { statuses: ['active', 'kept', 'part_kept', 'broken'] });
}

export async function loadCollectionsView(
  db: Kysely<DB>,
  organisation: Organisation,
  now: Date,
  load: (orgId: string) => Promise<Ledger> = (orgId) => loadLedger(db, orgId),
): Promise<CollectionsView> {
  const ledger = await load(organisation.id);
  const asOf = localDateOf(now, ledger.organisation.timezone);
  const [holds, sync, stored, tracked, overrides] = await Promise.all([
    listActiveHolds(db, organisation.id),
    getSyncState(db, organisation.id, now.getTime()),
    getDunningPolicy(db, organisation.id),
    listSignalPromises(db, organisation.id),
    listActiveOverrides(db, organisation.id),
  ]);
  return {
    organisation,
    ledger,
    asOf,
    holds,
    signals: signalsFromHolds(holds, ledger.organisation.timezone, tracked, overrides),
    tierOverrides: overrides,
    ledgerAge: ledgerAge(sync?.lastCompleteAt ?? null, now, stored.policy.staleLedgerHours),
  };
}
