import { describe, expect, it } from 'vitest';
import {
  clampNote,
  decisionNote,
  reminderMessageId,
  reminderSentNote,
  XERO_NOTE_LIMIT,
} from './audit-notes.js';

describe('Xero history note text', () => {
  it('counts what the customer received, not the sequence step: the first contact is the first reminder', () => {
    const note = (priorReminders: number) =>
      reminderSentNote({
        priorReminders,
        tone: 'firm',
        purpose: 'overdue',
        recipients: ['ap@acme.example'],
        approvedBy: 'Mere Collector',
        auto: false,
        invoiceNumbers: ['INV-1'],
      });
    expect(note(0)).toMatch(/^First reminder \(firm\) emailed to ap@acme\.example,/);
    expect(note(2)).toMatch(/^Reminder 3 \(firm\) emailed/);
  });

  it('names the step, the recipients and the approver', () => {
    expect(
      reminderSentNote({
        priorReminders: 1,
        tone: 'firm',
        purpose: 'overdue',
        recipients: ['ap@acme.example'],
        approvedBy: 'Mere Collector',
        auto: false,
        invoiceNumbers: ['INV-1', 'INV-2'],
      }),
    ).toBe(
      'Reminder 2 (firm) emailed to ap@acme.example covering INV-1, INV-2, approved in Slack by Mere Collector (AR Copilot).',
    );
    expect(
      reminderSentNote({
        priorReminders: 0,
        tone: 'friendly',
        purpose: 'upcoming',
        recipients: ['a@b.c'],
        approvedBy: null,
        auto: true,
        invoiceNumbers: ['INV-9'],
      }),
    ).toBe(
      'Courtesy reminder (friendly) emailed to a@b.c, sent automatically under the auto policy (AR Copilot).',
    );
  });

  it("says a reminder went as Xero's own invoice email, and for which invoices", () => {
    expect(
      reminderSentNote({
        priorReminders: 0,
        tone: 'firm',
        purpose: 'overdue',
        recipients: [],
        approvedBy: 'Mere Collector',
        auto: false,
        invoiceNumbers: ['INV-1', 'INV-2'],
        channel: 'xero_email',
      }),
    ).toBe(
      "First reminder (firm) sent as Xero's invoice email for invoices INV-1, INV-2, approved in Slack by Mere Collector (AR Copilot).",
    );
  });

  it('describes human decisions', () => {
    expect(
      decisionNote({ kind: 'paused', by: 'Jo', until: '2026-12-01', reason: 'customer on holiday' }),
    ).toBe('Collections paused in Slack by Jo until 2026-12-01: customer on holiday (AR Copilot).');
    expect(decisionNote({ kind: 'snoozed', by: 'Jo', until: '2026-11-30' })).toBe(
      'Reminder snoozed in Slack by Jo until 2026-11-30 (AR Copilot).',
    );
  });

  it('never exceeds Xero’s 2,500-character limit', () => {
    const long = clampNote('x'.repeat(5000));
    expect(long).toHaveLength(XERO_NOTE_LIMIT);
    expect(long.endsWith('…')).toBe(true);
    const recipients = Array.from({ length: 200 }, (_, i) => `person${i}@example.com`);
    expect(
      reminderSentNote({
        priorReminders: 0,
        tone: 'firm',
        purpose: 'overdue',
        recipients,
        approvedBy: 'Jo',
        auto: false,
        invoiceNumbers: ['INV-1'],
      }).length,
    ).toBeLessThanOrEqual(XERO_NOTE_LIMIT);
  });

  it('builds one stable Message-ID per organisation, customer, step and carrying invoice', () => {
    const base = {
      orgId: 'o-1',
      contactId: 'c-1',
      purpose: 'overdue' as const,
      stepIndex: 1,
      carryingInvoiceId: 'inv-9',
      domain: 'ar.example',
    };
    expect(reminderMessageId(base)).toBe('<reminder.o-1.c-1.overdue-2.inv-9@ar.example>');
    expect(reminderMessageId(base)).toBe(reminderMessageId({ ...base }));
    expect(reminderMessageId({ ...base, stepIndex: 2 })).not.toBe(reminderMessageId(base));
    expect(reminderMessageId({ ...base, contactId: 'c<>1' })).toBe(
      '<reminder.o-1.c1.overdue-2.inv-9@ar.example>',
    );
  });
});
