import { describe, expect, it } from 'vitest';
import { LedgerBuilder } from '../testing/ledger-builders.js';
import { reminderHitRate, type SentReminder } from './collections-report.js';
import { type CollectorDecision, type CollectorPromise, collectorNumbers } from './collector-numbers.js';

/**
 * A hand-built organisation in Auckland (UTC+13 in March), as of Tuesday 2026-03-31: the last 30 days run from
 * 2 March to 31 March, Auckland days.
 *
 *   A  a1 1000 due 20 Feb; the collector reminds on 3 Mar; pays 400 on 10 Mar (a part payment, inside the 14
 *      days 3–16 Mar) and 600 on 20 Mar (after the 14 days: not counted).
 *   B  b1 500 due 1 Feb; reminded on 5 Mar; pays 500 on 12 Mar.
 *   C  c1 2000 due 10 Feb; reminded on 25 Mar: its 14 days run to 7 Apr, so it is counted but not measured.
 *      An upcoming reminder to C at 01:00 on 2 Mar Auckland time (1 Mar UTC) is in the window but not in the hit
 *      rate (only overdue reminders are); one on 25 Feb is outside the window.
 *
 * Hit rate (14 days): reminded 1000 + 500 = 1500, paid 400 + 500 = 900 → 0.6.
 */
function auckland() {
  const b = new LedgerBuilder({ timezone: 'Pacific/Auckland' });
  const [A, B, C] = ['A', 'B', 'C'].map((name) => b.contact({ name }));
  const a1 = b.invoice(A!, { date: '2026-01-21', dueDate: '2026-02-20', total: '1000.00' });
  const b1 = b.invoice(B!, { date: '2026-01-02', dueDate: '2026-02-01', total: '500.00' });
  const c1 = b.invoice(C!, { date: '2026-01-11', dueDate: '2026-02-10', total: '2000.00' });
  b.payment(a1, '2026-03-10', '400.00');
  b.payment(a1, '2026-03-20', '600.00');
  b.payment(b1, '2026-03-12', '500.00');
  return { ledger: b.build(), A: A!.id, B: B!.id, C: C!.id, a1: a1.id, b1: b1.id, c1: c1.id };
}

const reminder = (
  id: string,
  contactId: string,
  sentAt: string,
  invoiceIds: string[],
  purpose: SentReminder['purpose'] = 'overdue',
): SentReminder => ({
  id,
  contactId,
  purpose,
  stepIndex: 0,
  tone: 'friendly',
  invoiceIds,
  sentAt: new Date(sentAt),
});

const AS_OF = '2026-03-31';

describe('reminderHitRate', () => {
  it('is the share of the reminded overdue amount paid within 14 days: a part payment counts, a later one does not', () => {
    const l = auckland();
    const sent = [
      reminder('r1', l.A, '2026-03-02T21:00:00Z', [l.a1]), // 3 Mar, Auckland
      reminder('r2', l.B, '2026-03-04T21:00:00Z', [l.b1]), // 5 Mar
    ];
    expect(reminderHitRate(l.ledger, sent, { from: '2026-03-02', asOf: AS_OF, windowDays: 14 })).toEqual({
      windowDays: 14,
      reminders: 2,
      measured: 2,
      remindedAmount: '1500.00',
      paidAmount: '900.00',
      share: 0.6,
    });
    // Within 7 days (3–9 Mar, 5–11 Mar) nothing was paid yet.
    expect(reminderHitRate(l.ledger, sent, { from: '2026-03-02', asOf: AS_OF, windowDays: 7 })).toMatchObject(
      {
        paidAmount: '0.00',
        share: 0,
      },
    );
  });

  it('counts a reminder whose window has not ended, but does not measure it; none measured has no share', () => {
    const l = auckland();
    const late = [reminder('r3', l.C, '2026-03-24T21:00:00Z', [l.c1])];
    expect(
      reminderHitRate(l.ledger, late, { from: '2026-03-02', asOf: AS_OF, windowDays: 14 }),
    ).toMatchObject({
      reminders: 1,
      measured: 0,
      remindedAmount: '0.00',
      share: null,
    });
  });
});

describe('collectorNumbers', () => {
  const decision = (reminderId: string, d: CollectorDecision['decision'], at: string): CollectorDecision => ({
    reminderId,
    decision: d,
    at: new Date(at),
  });
  const promise = (
    status: CollectorPromise['status'],
    settledAt: string | null,
    madeOn = '2026-03-01',
  ): CollectorPromise => ({ status, settledAt: settledAt ? new Date(settledAt) : null, madeOn });

  it("counts the last 30 days in the organisation's zone: cards decided, reminders sent, hit rate, promise verdicts", () => {
    const l = auckland();
    const n = collectorNumbers(
      {
        ledger: l.ledger,
        decisions: [
          decision('r1', 'approved', '2026-03-02T21:00:00Z'),
          decision('r2', 'edited', '2026-03-04T20:00:00Z'),
          decision('r2', 'approved', '2026-03-04T20:30:00Z'),
          decision('r3', 'snoozed', '2026-03-10T01:00:00Z'),
          decision('r4', 'escalated', '2026-03-11T01:00:00Z'),
          decision('r5', 'skipped', '2026-03-12T01:00:00Z'),
          // 23:00 on 1 Mar in Auckland: the day before the window.
          decision('r6', 'approved', '2026-03-01T10:00:00Z'),
          // 00:30 on 1 Apr in Auckland: after asOf.
          decision('r7', 'approved', '2026-03-31T11:30:00Z'),
        ],
        sent: [
          reminder('r1', l.A, '2026-03-02T21:00:00Z', [l.a1]),
          reminder('r2', l.B, '2026-03-04T21:00:00Z', [l.b1]),
          reminder('r8', l.C, '2026-03-24T21:00:00Z', [l.c1]),
          // 01:00 on 2 Mar in Auckland (1 Mar in UTC): in the window; upcoming, so not in the hit rate.
          reminder('r9', l.C, '2026-03-01T12:00:00Z', [l.c1], 'upcoming'),
          reminder('r0', l.C, '2026-02-24T21:00:00Z', [l.c1]),
        ],
        promises: [
          promise('kept', '2026-03-20T02:00:00Z'),
          promise('part_kept', '2026-03-21T02:00:00Z'),
          promise('broken', '2026-03-22T02:00:00Z'),
          promise('broken', '2026-02-20T02:00:00Z'),
          promise('rescheduled', '2026-03-15T02:00:00Z'),
          promise('active', null, '2026-03-28'),
          promise('active', null, '2026-01-10'),
        ],
      },
      { asOf: AS_OF },
    );
    expect(n).toEqual({
      from: '2026-03-02',
      to: AS_OF,
      days: 30,
      cardsDecided: 5,
      decisions: { approved: 2, edited: 1, snoozed: 1, escalated: 1, skipped: 1 },
      sent: 4,
      hitRate: {
        windowDays: 14,
        reminders: 3,
        measured: 2,
        remindedAmount: '1500.00',
        paidAmount: '900.00',
        share: 0.6,
      },
      promises: { kept: 1, partKept: 1, broken: 1, open: 1 },
      empty: false,
    });
  });

  it('is empty for a collector who did nothing in the window', () => {
    const l = auckland();
    const n = collectorNumbers(
      {
        ledger: l.ledger,
        decisions: [decision('r6', 'approved', '2026-01-05T01:00:00Z')],
        sent: [],
        promises: [promise('kept', '2026-01-20T02:00:00Z')],
      },
      { asOf: AS_OF },
    );
    expect(n).toMatchObject({
      empty: true,
      cardsDecided: 0,
      sent: 0,
      hitRate: { reminders: 0, share: null },
    });
  });
});
