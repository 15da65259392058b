import { describe, expect, it } from 'vitest';
import type { ReplyReading } from './reply-reading/reply-reading.js';
import {
  acceptancePlan,
  replyDecisionNote,
  type SuggestionForm,
  suggestionFromForm,
  suggestionFromReading,
} from './reply-suggestion.js';

const reading = (r: Partial<ReplyReading>): ReplyReading => ({
  intent: 'other',
  promises: [],
  dispute_reason: null,
  paid_on: null,
  back_on: null,
  new_contact: null,
  evidence: {},
  ...r,
});

const form = (f: Partial<SuggestionForm>): SuggestionForm => ({
  intent: 'promise_to_pay',
  earliest: null,
  latest: null,
  amount: null,
  disputeReason: null,
  backOn: null,
  ...f,
});

describe('acceptancePlan', () => {
  it('a promise hold per promise, until its latest date, with its amount', () => {
    const plan = acceptancePlan(
      suggestionFromReading(
        reading({
          intent: 'promise_to_pay',
          promises: [
            { earliest: '2026-12-01', latest: '2026-12-04', amount: '500.00' },
            { earliest: '2026-12-30', latest: '2026-12-30', amount: null },
          ],
        }),
      ),
    );
    expect(plan.holds).toEqual([
      expect.objectContaining({ kind: 'promise', until: '2026-12-04', amount: '500.00' }),
      expect.objectContaining({ kind: 'promise', until: '2026-12-30', amount: null }),
    ]);
    expect(plan.summary).toBe(
      'promise to pay 500.00 between 2026-12-01 and 2026-12-04; the full amount on 2026-12-30',
    );
  });

  it('a dispute holds with its reason code and is escalated; out of office pauses until the back-on date', () => {
    const dispute = acceptancePlan(
      suggestionFromReading(reading({ intent: 'dispute', dispute_reason: 'wrong_amount' })),
    );
    expect(dispute.holds).toEqual([{ kind: 'dispute', until: null, amount: null, reason: 'wrong_amount' }]);
    expect(dispute.escalate).toBe(true);
    const away = acceptancePlan(
      suggestionFromReading(reading({ intent: 'out_of_office', back_on: '2027-01-06' })),
    );
    expect(away.holds).toEqual([expect.objectContaining({ kind: 'pause', until: '2027-01-06' })]);
    expect(away.escalate).toBe(false);
  });

  it('a redirect proposes the address and holds nothing; paid-already and the rest are a note only', () => {
    const redirect = acceptancePlan(
      suggestionFromReading(reading({ intent: 'redirect', new_contact: 'ap@new.example' })),
    );
    expect(redirect).toMatchObject({ holds: [], proposeAddress: 'ap@new.example', escalate: false });
    for (const intent of ['paid_already', 'document_request', 'other', 'payment_plan_request'] as const)
      expect(acceptancePlan(suggestionFromReading(reading({ intent })))).toMatchObject({
        holds: [],
        proposeAddress: null,
        escalate: false,
      });
  });

  it('the note names the decision and who, never the customer’s words', () => {
    expect(replyDecisionNote({ by: 'Colin', decision: 'accepted', summary: 'dispute (wrong amount)' })).toBe(
      'Customer reply handled in Slack by Colin: dispute (wrong amount) (AR Copilot).',
    );
  });
});

describe('suggestionFromForm', () => {
  const original = suggestionFromReading(reading({ intent: 'redirect', new_contact: 'x@y.example' }));
  const asOf = '2026-11-23';

  it('a promise: latest defaults to earliest, thousands separators dropped, empty amount is the full amount', () => {
    expect(suggestionFromForm(form({ earliest: '2026-12-11', amount: '1,250.50' }), original, asOf)).toEqual({
      ok: true,
      suggestion: expect.objectContaining({
        intent: 'promise_to_pay',
        promises: [{ earliest: '2026-12-11', latest: '2026-12-11', amount: '1250.50' }],
        newContact: null,
      }),
    });
    const full = suggestionFromForm(form({ earliest: '2026-12-01', latest: '2026-12-05' }), original, asOf);
    expect(full.ok && full.suggestion.promises).toEqual([
      { earliest: '2026-12-01', latest: '2026-12-05', amount: null },
    ]);
  });

  it('refuses, by field: no date, a past date, dates the wrong way round, a bad amount, a missing reason', () => {
    expect(suggestionFromForm(form({}), original, asOf)).toEqual({
      ok: false,
      errors: { earliest: 'A promise needs a date.' },
    });
    expect(suggestionFromForm(form({ earliest: '2026-11-20', amount: '12abc' }), original, asOf)).toEqual({
      ok: false,
      errors: { earliest: 'The earliest date 2026-11-20 is in the past.', amount: expect.any(String) },
    });
    expect(
      suggestionFromForm(form({ earliest: '2026-12-10', latest: '2026-12-01' }), original, asOf),
    ).toMatchObject({ ok: false, errors: { latest: 'The latest date is before the earliest.' } });
    expect(
      suggestionFromForm(form({ intent: 'dispute', disputeReason: 'because' }), original, asOf),
    ).toMatchObject({
      ok: false,
      errors: { disputeReason: expect.any(String) },
    });
    expect(suggestionFromForm(form({ intent: 'hack' }), original, asOf)).toMatchObject({
      ok: false,
      errors: { intent: expect.any(String) },
    });
    expect(suggestionFromForm(form({ intent: 'out_of_office' }), original, asOf)).toMatchObject({
      ok: false,
      errors: { backOn: 'Enter the day they are back.' },
    });
  });

  it('a redirect keeps the address the reply named (the modal has no field for it)', () => {
    expect(suggestionFromForm(form({ intent: 'redirect' }), original, asOf)).toMatchObject({
      ok: true,
      suggestion: { intent: 'redirect', newContact: 'x@y.example', promises: [] },
    });
  });
});
