import { describe, expect, it } from 'vitest';
import { isOutboxKind, OUTBOX_PAYLOADS, parseOutboxPayload } from './outbox-kinds.js';

describe('the outbox kinds table', () => {
  it('keeps the stored kind strings', () => {
    // These are rows in every installation's outbox: renaming one strands its items.
    expect(Object.keys(OUTBOX_PAYLOADS).sort()).toEqual([
      'promise.thank_you',
      'reminder.send',
      'reply.read',
      'slack.chart',
      'slack.post',
      'slack.reminder_card',
      'xero.contact_groups.sync',
      'xero.history_note',
      'xero.refresh',
      'xero.sync_request',
    ]);
    expect(isOutboxKind('toString')).toBe(false);
  });

  it('checks a payload against its kind and names what is wrong', () => {
    expect(parseOutboxPayload('reminder.send', { reminderId: 'r1' })).toEqual({
      ok: true,
      payload: { reminderId: 'r1' },
    });
    const bad = parseOutboxPayload('xero.history_note', {
      documentType: 'quote',
      documentId: 'q1',
      details: 'x',
    });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error).toMatch(/^malformed xero\.history_note payload: documentType/);
    expect(parseOutboxPayload('reminder.send', { reminderId: '' }).ok).toBe(false);
  });

  it('reads rows older versions wrote (numbers stored as strings, lists left out)', () => {
    expect(parseOutboxPayload('promise.thank_you', { promiseId: '42' })).toEqual({
      ok: true,
      payload: { promiseId: 42 },
    });
    expect(parseOutboxPayload('xero.refresh', { orgId: 'o1', invoices: ['i1'] })).toEqual({
      ok: true,
      payload: { orgId: 'o1', contacts: [], invoices: ['i1'], creditNotes: [], payments: [] },
    });
  });

  it('passes a kind it does not know through unchanged (another version may run it)', () => {
    expect(parseOutboxPayload('future.kind', { anything: 1 })).toEqual({
      ok: true,
      payload: { anything: 1 },
    });
  });
});
