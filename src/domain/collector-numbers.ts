import { addDays, localDateOf } from './calendar.js';
import {
  type ReminderHitRate,
  type ReportPromiseStatus,
  reminderHitRate,
  type SentReminder,
} from './collections-report.js';
import type { IsoDate, Ledger } from './ledger.js';

/**
 * A collector's own numbers for App Home (#19 part 3): over the last `days` organisation-local days to asOf, the
 * approval cards they decided, the reminders sent from their approvals, the hit rate of those reminders (the
 * collections report's measure, domain/collections-report.ts, over their reminders only) and the verdicts on the
 * promises they accepted. Pure: the recorded facts are arguments, already narrowed to the collector.
 */

export const COLLECTOR_NUMBERS_DAYS = 30;
/** The hit rate's window: the share of the reminded overdue amount paid within this many days. */
export const COLLECTOR_HIT_RATE_DAYS = 14;

export const CARD_DECISIONS = ['approved', 'edited', 'snoozed', 'escalated', 'skipped'] as const;
export type CardDecision = (typeof CARD_DECISIONS)[number];

/** One decision on an approval card (an audit event `reminder.<decision>` by the collector). */
export interface CollectorDecision {
  readonly reminderId: string;
  readonly decision: CardDecision;
  readonly at: Date;
}

/** A promise to pay the collector accepted (payment_promises.accepted_by). */
export interface CollectorPromise {
  readonly status: ReportPromiseStatus;
  /** When it was judged, rescheduled or cancelled. */
  readonly settledAt: Date | null;
  readonly madeOn: IsoDate;
}

export interface CollectorNumbersInput {
  readonly ledger: Ledger;
  readonly decisions: readonly CollectorDecision[];
  /** Reminders sent (status sent) that the collector approved. */
  readonly sent: readonly SentReminder[];
  readonly promises: readonly CollectorPromise[];
}

export interface CollectorNumbers {
  readonly from: IsoDate;
  readonly to: IsoDate;
  readonly days: number;
  /** Distinct cards they decided, and their decisions by kind (a card edited then approved counts in both). */
  readonly cardsDecided: number;
  readonly decisions: Readonly<Record<CardDecision, number>>;
  /** Reminders from their approvals sent in the window. */
  readonly sent: number;
  readonly hitRate: ReminderHitRate;
  /** Verdicts recorded in the window on promises they accepted; open: accepted in the window, not judged yet. */
  readonly promises: {
    readonly kept: number;
    readonly partKept: number;
    readonly broken: number;
    readonly open: number;
  };
  /** Nothing decided, sent or judged in the window. */
  readonly empty: boolean;
}

export function collectorNumbers(
  input: CollectorNumbersInput,
  options: { readonly asOf: IsoDate; readonly days?: number },
): CollectorNumbers {
  const days = options.days ?? COLLECTOR_NUMBERS_DAYS;
  const to = options.asOf;
  const from = addDays(to, 1 - days);
  const zone = input.ledger.organisation.timezone;
  const inWindow = (at: Date) => {
    const day = localDateOf(at, zone);
    return day >= from && day <= to;
  };

  const decisions = Object.fromEntries(CARD_DECISIONS.map((d) => [d, 0])) as Record<CardDecision, number>;
  const cards = new Set<string>();
  for (const d of input.decisions) {
    if (!inWindow(d.at)) continue;
    decisions[d.decision]++;
    cards.add(d.reminderId);
  }
  const sent = input.sent.filter((r) => inWindow(r.sentAt));
  const hitRate = reminderHitRate(input.ledger, sent, {
    from,
    asOf: to,
    windowDays: COLLECTOR_HIT_RATE_DAYS,
  });
  const promises = { kept: 0, partKept: 0, broken: 0, open: 0 };
  for (const p of input.promises) {
    if (p.status === 'active') {
      if (p.madeOn >= from && p.madeOn <= to) promises.open++;
      continue;
    }
    if (p.settledAt === null || !inWindow(p.settledAt)) continue;
    if (p.status === 'kept') promises.kept++;
    else if (p.status === 'part_kept') promises.partKept++;
    else if (p.status === 'broken') promises.broken++;
  }
  const judged = promises.kept + promises.partKept + promises.broken;
  return {
    from,
    to,
    days,
    cardsDecided: cards.size,
    decisions,
    sent: sent.length,
    hitRate,
    promises,
    empty: cards.size === 0 && sent.length === 0 && judged === 0 && promises.open === 0,
  };
}
