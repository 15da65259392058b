import { describe, expect, it } from 'vitest';
import { readReplyOffline } from './reply-reader.js';
import { stripReply } from './reply-text.js';

/**
 * Rules v6: phrase families found missing by replies-train-6.jsonl and by the fresh sets' remaining misses,
 * each checked here in words that appear in no fixture. The rules alone (no intent model).
 */

// 2026-09-09 is a Wednesday.
const WED = '2026-09-09T09:00:00Z';

function read(text: string, received = WED, timezone = 'Europe/London', amount = '1200.00') {
  return readReplyOffline(
    { received, timezone, text, reminder: { currency: 'GBP', invoices: [{ number: 'INV-3001', amount }] } },
    { model: null },
  ).reading;
}

describe('disputes', () => {
  it.each([
    ['The cladding is already flaking off the north wall, so this stays unpaid for now.', 'quality'],
    ["The scanner still won't power on after the repair visit.", 'quality'],
    ['We will settle up once the pump works as specified; until it works we hold payment.', 'quality'],
    ['Our sign-in sheets show 11 attendees, and you invoiced 15.', 'wrong_amount'],
    ['VAT was added twice on this bill.', 'wrong_amount'],
    ['It should be £880.00, not £1,056.00.', 'wrong_amount'],
    ['You billed us for 6 crates that were never unloaded at our dock.', 'wrong_amount'],
    ['INV-3001 and INV-2987 are the same booking, you have sent it twice.', 'duplicate'],
    ['Your rep promised the set-up charge would be waived for us.', 'pricing'],
    ['This came through at the full retail price instead of our trade terms.', 'pricing'],
    ['The licences for the extra seats were never delivered.', 'not_received'],
    ['Nothing has turned up at the depot yet.', 'not_received'],
  ])('%s → dispute (%s)', (text, reason) => {
    const r = read(text);
    expect(r.intent).toBe('dispute');
    expect(r.dispute_reason).toBe(reason);
  });

  it('an idiom is not a quality complaint, a denial is not a dispute, and a question about our cheque is not one', () => {
    expect(
      read("The floods have smashed us this month. Could we pay £300 a month until it's cleared?").intent,
    ).toBe('payment_plan_request');
    expect(read("We don't dispute the bill at all; can we split it into three payments?").intent).toBe(
      'payment_plan_request',
    );
    expect(read('We posted the cheque on the 2nd. Has it not reached you?').intent).toBe('paid_already');
  });
});

describe('payments made', () => {
  it.each([
    ['Already paid, via the portal, this morning.', '2026-09-09'],
    ['All taken care of - we did an online transfer on Monday.', '2026-09-07'],
    ['That has been sorted: it went in the batch last Friday.', '2026-09-04'],
  ])('%s → paid_already on %s', (text, day) => {
    const r = read(text);
    expect(r.intent).toBe('paid_already');
    expect(r.paid_on?.latest).toBe(day);
  });

  it('"if we paid" supposes a payment; "make sure it is paid" promises one', () => {
    expect(read('Would it be OK if we paid £600 now and the rest over the next two months?').intent).toBe(
      'payment_plan_request',
    );
    const r = read("We shut on the 18th for stocktake so I'll make sure it's paid before then.");
    expect(r.intent).toBe('promise_to_pay');
    expect(r.promises.map((p) => `${p.earliest}..${p.latest}`)).toEqual(['2026-09-09..2026-09-17']);
  });

  it('the rest after a part already paid', () => {
    const r = read('We paid £500 yesterday and will transfer the remainder on Friday.');
    expect(r.intent).toBe('promise_to_pay');
    expect(r.promises).toEqual([{ earliest: '2026-09-11', latest: '2026-09-11', amount: '700.00' }]);
  });
});

describe('plans, documents, redirects and absences', () => {
  it.each([
    ['Can we sit down and work out some sort of arrangement?', 'payment_plan_request'],
    ['Is there any way to keep paying this off fortnightly? We could start Friday.', 'payment_plan_request'],
    ['We would like to pay these off over the next four months.', 'payment_plan_request'],
    ['Please provide the signed job sheet for the callout.', 'document_request'],
    ['What does this charge relate to?', 'document_request'],
    ['Which branch was this delivered to?', 'document_request'],
    ["Not me I'm afraid, try orders@fernhill.example", 'redirect'],
    ['Our invoicing inbox is invoices@tasman-joinery.example, please use that.', 'redirect'],
    ['The workshop is closed over the spring break, reopening Monday 21 September.', 'out_of_office'],
  ])('%s → %s', (text, intent) => {
    expect(read(text).intent).toBe(intent);
  });

  it.each([
    ['Nobody here authorised that work, so we will not be paying it.', 'dispute'],
    ['We cancelled the booking in March - why are we being charged?', 'dispute'],
    ['The fitting was only partially done; we will pay for what is finished.', 'dispute'],
    ['Have paid this now, sorry for the delay.', 'paid_already'],
    ['The company has entered liquidation and all claims should go to the liquidators.', 'redirect'],
    ["I'm unwell at the moment and will deal with it once I get back.", 'out_of_office'],
  ])('%s → %s', (text, intent) => {
    expect(read(text).intent).toBe(intent);
  });

  it('someone else who has been off sick is not an absence notice', () => {
    expect(read('Our bookkeeper has been off sick. It will be paid on Monday.').intent).toBe(
      'promise_to_pay',
    );
  });

  it('a holiday that is over is not an absence', () => {
    expect(read("Sorry, I've been on holiday. Paying it tomorrow.").intent).toBe('promise_to_pay');
  });

  it('the return day, not the day the closure began', () => {
    const r = read('Our yard is shut from 12 September and we reopen on Monday 28 September.');
    expect(r.intent).toBe('out_of_office');
    expect(r.back_on).toBe('2026-09-28');
  });
});

describe('promises', () => {
  it('a last day caps a vaguer window: "early next month, the 3rd at the latest"', () => {
    const r = read("We'll pay early next month - the 3rd at the latest.");
    expect(r.promises.map((p) => `${p.earliest}..${p.latest}`)).toEqual(['2026-10-01..2026-10-03']);
  });

  it('"closed for Christmas" is not a date, "before Christmas" is', () => {
    const r = read(
      "We're closed for Christmas from the 23rd but will pay before Christmas.",
      '2026-12-08T09:00:00Z',
    );
    expect(r.promises.map((p) => `${p.earliest}..${p.latest}`)).toEqual(['2026-12-08..2026-12-24']);
  });

  it('"then" is the day named before it, with its own word ("after the 18th … then")', () => {
    const after = read('Our rent rebate lands after the 18th, so we can square this up then.');
    expect(after.promises.map((p) => `${p.earliest}..${p.latest}`)).toEqual(['2026-09-19..2026-09-30']);
    const due = read("It's on 45 days EOM terms, due 31 October; we'll pay then.");
    expect(due.promises.map((p) => `${p.earliest}..${p.latest}`)).toEqual(['2026-10-31..2026-10-31']);
  });

  it('"expect" commits: "Expect the transfer around the 22nd"', () => {
    const r = read('Expect the transfer around the 22nd.');
    expect(r.intent).toBe('promise_to_pay');
    expect(r.promises.map((p) => `${p.earliest}..${p.latest}`)).toEqual(['2026-09-22..2026-09-22']);
  });

  it('a verbless instalment beside a committed one', () => {
    const r = read('£200 on Friday, then the balance by the 30th.');
    expect(r.promises.map((p) => `${p.earliest}..${p.latest} ${p.amount}`)).toEqual([
      '2026-09-11..2026-09-11 200.00',
      '2026-09-11..2026-09-30 1000.00',
    ]);
  });
});

describe('signatures', () => {
  it.each([
    [
      'We will pay on Friday.\nThanks & Regards,\nRavi Menon\nFinance | Closed 25/12',
      'We will pay on Friday.',
    ],
    ['Transfer Monday.\n\nThank you and regards,\nLena', 'Transfer Monday.'],
    ['paying the 12th\n\nWarm wishes\nPip', 'paying the 12th'],
    ['will pay thurs\n\nSent from Outlook for Android', 'will pay thurs'],
  ])('%j keeps only %j', (text, visible) => {
    expect(stripReply(text).visible).toBe(visible);
  });

  it('a closing word that opens a sentence is not a signature', () => {
    expect(stripReply('Hi\nMany thanks for the nudge, we will pay Friday').visible).toBe(
      'Hi\nMany thanks for the nudge, we will pay Friday',
    );
  });
});
