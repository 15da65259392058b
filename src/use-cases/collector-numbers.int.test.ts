import { describe, expect, it } from 'vitest';
import { recordAuditEvent } from '../adapters/db/audit-events.js';
import {
  listAcceptedPromises,
  listCardDecisions,
  listSentFromApprovals,
} from '../adapters/db/collector-numbers-queries.js';
import { insertReminderIfAbsent } from '../adapters/db/dunning-queries.js';
import { yourNumbersBlock } from '../adapters/slack/blocks/home.js';
import { collectorNumbers } from '../domain/collector-numbers.js';
import type { Ledger } from '../domain/ledger.js';
import { LedgerBuilder, TEST_ORG_ID } from '../testing/ledger-builders.js';
import { insertLedger } from '../testing/ledger-fixtures.js';
import { useTestDatabase } from '../testing/test-database.js';

/**
 * "Your numbers" on App Home (#19 part 3) from the recorded facts: the collector's decisions in the audit trail,
 * the reminders sent from their approvals (not a colleague's), the promises they accepted. Auckland, as of
 * 2026-03-31: the last 30 days are 2–31 March.
 */
const ME = 'U_MARIA';
const COLLEAGUE = 'U_COLIN';
const AS_OF = '2026-03-31';
const SINCE = new Date('2026-03-01T11:00:00Z'); // 00:00 on 2 Mar in Auckland, and a little before

function ledger(): { ledger: Ledger; a1: string; b1: string; A: string; B: string } {
  const b = new LedgerBuilder({ id: TEST_ORG_ID, timezone: 'Pacific/Auckland', baseCurrency: 'NZD' });
  const A = b.contact({ name: 'Aroha Bakery' });
  const B = b.contact({ name: 'Bay Fish' });
  const a1 = b.invoice(A, { date: '2026-01-21', dueDate: '2026-02-20', total: '1000.00' });
  const b1 = b.invoice(B, { date: '2026-01-02', dueDate: '2026-02-01', total: '500.00' });
  b.payment(a1, '2026-03-10', '400.00'); // inside the 14 days after 3 Mar
  b.payment(a1, '2026-03-20', '600.00'); // after them
  b.payment(b1, '2026-03-12', '500.00');
  return { ledger: b.build(), a1: a1.id, b1: b1.id, A: A.id, B: B.id };
}

describe('a collector’s own numbers from the database', () => {
  const database = useTestDatabase();

  const reminder = async (contactId: string, invoiceId: string, step: number, sentAt: Date | null) => {
    const { id } = await insertReminderIfAbsent(
      database.db,
      {
        orgId: TEST_ORG_ID,
        contactId,
        purpose: 'overdue',
        segment: 'standard',
        stepIndex: step,
        stepCount: 3,
        tone: 'friendly',
        channel: 'email',
        mode: 'assisted',
        autoSend: false,
        carryingInvoiceId: invoiceId,
        invoiceIds: [invoiceId],
        planDate: '2026-03-03',
        reason: 'overdue',
        status: sentAt ? 'sent' : 'proposed',
        recipients: ['ap@example.com'],
        cc: [],
        messageId: `<r-${contactId}-${step}@example.com>`,
      },
      new Date('2026-03-01T00:00:00Z'),
    );
    if (sentAt)
      await database.db.updateTable('reminders').set({ sent_at: sentAt }).where('id', '=', id).execute();
    return id;
  };
  const decide = (who: string, action: string, reminderId: string, at: string) =>
    recordAuditEvent(database.db, {
      orgId: TEST_ORG_ID,
      occurredAt: new Date(at),
      actor: { type: 'user', id: who, name: who },
      action,
      subject: { type: 'contact', id: 'x' },
      payload: { reminderId },
    });
  const promise = (who: string, status: string, settledAt: string | null, madeOn: string) =>
    database.db
      .insertInto('payment_promises')
      .values({
        org_id: TEST_ORG_ID,
        contact_id: 'c1',
        earliest: '2026-03-15',
        latest: '2026-03-15',
        made_on: madeOn,
        amount: null,
        currency: null,
        source: 'reply',
        reply_id: null,
        plan_id: null,
        instalment: null,
        hold_id: null,
        accepted_by: who,
        accepted_by_name: who,
        created_at: new Date(`${madeOn}T00:00:00Z`),
        status: status as 'kept',
        settled_at: settledAt ? new Date(settledAt) : null,
        paid_amount: null,
        superseded_by: null,
        cited_in_reminder_id: null,
        thanked_by: null,
        thanked_at: null,
        thank_you_attempted_at: null,
        thank_you_outcome: null,
      })
      .execute();

  it('reads their decisions, the reminders sent from their approvals and their promises, and measures them', async () => {
    const l = ledger();
    await insertLedger(database.db, TEST_ORG_ID, l.ledger);
    const mineA = await reminder(l.A, l.a1, 0, new Date('2026-03-02T21:00:00Z')); // 3 Mar
    const mineB = await reminder(l.B, l.b1, 0, new Date('2026-03-04T21:00:00Z')); // 5 Mar
    const theirs = await reminder(l.B, l.b1, 1, new Date('2026-03-20T21:00:00Z'));
    const waiting = await reminder(l.A, l.a1, 1, null);
    await decide(ME, 'reminder.edited', mineA, '2026-03-02T20:00:00Z');
    await decide(ME, 'reminder.approved', mineA, '2026-03-02T20:30:00Z');
    await decide(ME, 'reminder.approved', mineB, '2026-03-04T20:30:00Z');
    await decide(ME, 'reminder.snoozed', waiting, '2026-03-25T01:00:00Z');
    await decide(ME, 'reminder.refused', waiting, '2026-03-25T01:00:00Z'); // not a decision
    await decide(COLLEAGUE, 'reminder.approved', theirs, '2026-03-20T20:30:00Z');
    await promise(ME, 'kept', '2026-03-20T02:00:00Z', '2026-03-05');
    await promise(ME, 'broken', '2026-03-22T02:00:00Z', '2026-03-06');
    await promise(ME, 'active', null, '2026-03-28');
    await promise(COLLEAGUE, 'kept', '2026-03-20T02:00:00Z', '2026-03-05');

    const [decisions, sent, promises] = await Promise.all([
      listCardDecisions(database.db, TEST_ORG_ID, ME, SINCE),
      listSentFromApprovals(database.db, TEST_ORG_ID, ME, SINCE),
      listAcceptedPromises(database.db, TEST_ORG_ID, ME, SINCE),
    ]);
    expect(decisions.map((d) => [d.decision, d.reminderId])).toEqual([
      ['edited', mineA],
      ['approved', mineA],
      ['approved', mineB],
      ['snoozed', waiting],
    ]);
    expect(sent.map((r) => r.id).sort()).toEqual([mineA, mineB].sort());
    expect(promises.map((p) => p.status).sort()).toEqual(['active', 'broken', 'kept']);

    const n = collectorNumbers({ ledger: l.ledger, decisions, sent, promises }, { asOf: AS_OF });
    expect(n).toMatchObject({
      cardsDecided: 3,
      decisions: { approved: 2, edited: 1, snoozed: 1, escalated: 0, skipped: 0 },
      sent: 2,
      hitRate: { reminders: 2, measured: 2, remindedAmount: '1500.00', paidAmount: '900.00', share: 0.6 },
      promises: { kept: 1, partKept: 0, broken: 1, open: 1 },
      empty: false,
    });
    const text = JSON.stringify(yourNumbersBlock(n, 'NZD'));
    expect(text).toContain('*Your numbers* (last 30 days, 2026-03-02 – 2026-03-31)');
    expect(text).toContain('3 cards decided: 2 approved, 1 edited, 1 snoozed');
    expect(text).toContain('2 reminders sent from your approvals');
    expect(text).toContain('Hit rate: 60% of the NZ$1,500.00 overdue you reminded was paid within 14 days');
    expect(text).toContain('Promises you accepted: 1 kept, 1 broken (1 still open)');
  });

  it('a collector with nothing in the window gets one short line', async () => {
    const l = ledger();
    await insertLedger(database.db, TEST_ORG_ID, l.ledger);
    const [decisions, sent, promises] = await Promise.all([
      listCardDecisions(database.db, TEST_ORG_ID, ME, SINCE),
      listSentFromApprovals(database.db, TEST_ORG_ID, ME, SINCE),
      listAcceptedPromises(database.db, TEST_ORG_ID, ME, SINCE),
    ]);
    const n = collectorNumbers({ ledger: l.ledger, decisions, sent, promises }, { asOf: AS_OF });
    expect(n.empty).toBe(true);
    const block = yourNumbersBlock(n, 'NZD') as unknown as { text: { text: string } };
    expect(block.text.text).toBe(
      '*Your numbers* (last 30 days, 2026-03-02 – 2026-03-31)\n_No cards decided, reminders sent or promises judged in that time._',
    );
  });
});
