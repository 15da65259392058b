import { describe, expect, it } from 'vitest';
import { dateContextFor, findDateMentions, promiseWindow } from './reply-dates.js';
import { readReplyOffline } from './reply-reader.js';

/**
 * Date phrases as accounts-payable clerks write them, each with the moment the reply arrived and the customer's
 * zone. The expected value is the range a collector would accept (as the labelled sets are scored): the window
 * read must lie inside it. `=` in front asks for exactly that window; null asks for no date at all.
 *
 * Calendar: 2026-03-11 is a Wednesday, 2026-06-02 a Tuesday, 2026-12-17 a Thursday, 2026-12-28 a Monday.
 */

const WED = '2026-03-11T10:00:00Z';
const TUE = '2026-06-02T10:00:00Z';
const DEC_THU = '2026-12-17T10:00:00Z';
const DEC_MON = '2026-12-28T10:00:00Z';
const LON = 'Europe/London';
const NYC = 'America/New_York';

/** The window the first date phrase of `text` promises, as "earliest..latest". */
function promised(text: string, received: string, zone: string): string | null {
  const ctx = dateContextFor(received, zone);
  const m = findDateMentions(text, ctx)[0];
  const w = m ? promiseWindow(m, ctx) : null;
  return w ? `${w.earliest}..${w.latest}` : null;
}

function inside(got: string | null, want: string): boolean {
  if (got === null) return false;
  const [ge, gl] = got.split('..');
  const [we, wl] = want.split('..');
  return (ge ?? '') >= (we ?? '') && (gl ?? '') <= (wl ?? '') && (ge ?? '') <= (gl ?? '');
}

type Row = readonly [text: string, received: string, zone: string, want: string | null];

const ROWS: readonly Row[] = [
  // weekday names
  ["we'll pay Friday", WED, LON, '=2026-03-13..2026-03-13'],
  ['it will go out this Friday', WED, LON, '=2026-03-13..2026-03-13'],
  ['payment next Friday', WED, LON, '2026-03-13..2026-03-20'],
  ['can pay Fri 13th', WED, LON, '=2026-03-13..2026-03-13'],
  ['will be paid on Monday', WED, LON, '=2026-03-16..2026-03-16'],
  ['we will pay by Thursday', WED, LON, '=2026-03-11..2026-03-12'],
  ['should go Tues 17th', WED, LON, '=2026-03-17..2026-03-17'],
  ['paying next Tuesday', WED, LON, '=2026-03-17..2026-03-17'],
  ['this coming Monday', WED, LON, '=2026-03-16..2026-03-16'],
  ['Monday week', WED, LON, '=2026-03-23..2026-03-23'],
  ['will pay on thurs', WED, LON, '=2026-03-12..2026-03-12'],
  ['Wednesday the 18th', WED, LON, '=2026-03-18..2026-03-18'],
  // ordinal days: the next such day
  ['payment on the 15th', WED, LON, '=2026-03-15..2026-03-15'],
  ['we will pay on the 3rd', WED, LON, '=2026-04-03..2026-04-03'],
  ['by the 3rd', WED, LON, '=2026-03-11..2026-04-03'],
  ['on the 30th', WED, LON, '=2026-03-30..2026-03-30'],
  ['on the 31st', '2026-02-10T10:00:00Z', LON, '=2026-02-28..2026-02-28'],
  ['will pay 25th', WED, LON, '=2026-03-25..2026-03-25'],
  // end of the month
  ['payment end of the month', WED, LON, '2026-03-24..2026-03-31'],
  ['will be paid EOM', WED, LON, '2026-03-24..2026-03-31'],
  ['at month end', WED, LON, '2026-03-24..2026-03-31'],
  ['by EOM', WED, LON, '=2026-03-11..2026-03-31'],
  ['end of month', '2026-03-29T10:00:00Z', LON, '2026-03-29..2026-03-31'],
  ['end of the month', DEC_MON, LON, '2026-12-28..2026-12-31'],
  ['end of April', WED, LON, '2026-04-23..2026-04-30'],
  ['end of next month', WED, LON, '2026-04-23..2026-04-30'],
  ['by month-end', '2026-03-31T08:00:00Z', LON, '=2026-03-31..2026-03-31'],
  // start of a month
  ['start of April', WED, LON, '2026-04-01..2026-04-10'],
  ['beginning of May', WED, LON, '2026-05-01..2026-05-10'],
  ['first week of April', WED, LON, '2026-04-01..2026-04-08'],
  ['in the first week of next month', WED, LON, '2026-04-01..2026-04-08'],
  ['first week of January', DEC_THU, LON, '2027-01-01..2027-01-08'],
  ['early April', WED, LON, '2026-04-01..2026-04-10'],
  ['start of next month', DEC_THU, LON, '2027-01-01..2027-01-10'],
  // the middle of a month
  ['mid-month', WED, LON, '2026-03-11..2026-03-20'],
  ['mid March', WED, LON, '2026-03-11..2026-03-20'],
  ['mid-April', WED, LON, '2026-04-10..2026-04-20'],
  ['middle of next month', WED, LON, '2026-04-10..2026-04-20'],
  // mid-month said after the middle has gone: next month's
  ['mid month', '2026-03-25T10:00:00Z', LON, '2026-04-10..2026-04-20'],
  // weeks
  ['next week', WED, LON, '2026-03-16..2026-03-20'],
  ['this week', WED, LON, '2026-03-11..2026-03-13'],
  ['later this week', WED, LON, '2026-03-12..2026-03-13'],
  ['early next week', WED, LON, '2026-03-16..2026-03-18'],
  ['by the end of next week', WED, LON, '=2026-03-11..2026-03-20'],
  ['the week after next', WED, LON, '2026-03-23..2026-03-27'],
  ['later this week', '2026-03-13T10:00:00Z', LON, '2026-03-13..2026-03-13'],
  ['w/c 16 March', WED, LON, '2026-03-16..2026-03-20'],
  ['week commencing the 23rd', WED, LON, '2026-03-23..2026-03-27'],
  // durations
  ['within 7 days', WED, LON, '=2026-03-11..2026-03-18'],
  ['within 5 business days', WED, LON, '=2026-03-11..2026-03-18'],
  ['within the next 10 working days', WED, LON, '=2026-03-11..2026-03-25'],
  ['in 3 days', WED, LON, '2026-03-14..2026-03-15'],
  ['in 2-3 days', WED, LON, '2026-03-13..2026-03-14'],
  ['within a week', WED, LON, '=2026-03-11..2026-03-18'],
  ['in a couple of days', WED, LON, '2026-03-12..2026-03-14'],
  ['in a fortnight', WED, LON, '2026-03-24..2026-03-28'],
  ["in two weeks' time", WED, LON, '2026-03-24..2026-03-28'],
  ['within a fortnight', WED, LON, '=2026-03-11..2026-03-25'],
  ['in 2 weeks', WED, LON, '2026-03-24..2026-03-28'],
  // end of the day
  ['by close of business tomorrow', WED, LON, '=2026-03-11..2026-03-12'],
  ['COB tomorrow', WED, LON, '=2026-03-12..2026-03-12'],
  ['EOD Friday', WED, LON, '=2026-03-13..2026-03-13'],
  ['by end of day tomorrow', WED, LON, '=2026-03-11..2026-03-12'],
  // after / before a day
  ['after the 20th', WED, LON, '2026-03-21..2026-03-31'],
  ['before the 20th', WED, LON, '=2026-03-11..2026-03-19'],
  ['not before the 20th', WED, LON, '2026-03-20..2026-03-31'],
  ['sometime after the 25th', WED, LON, '2026-03-26..2026-03-31'],
  ['no later than the 20th', WED, LON, '=2026-03-11..2026-03-20'],
  // pay runs: a run without a day names no date (the reader's convention); with one, that day
  ['it will be in our next pay run', WED, LON, null],
  ['in next week’s payment run', WED, LON, '2026-03-16..2026-03-20'],
  ['going in the pay run on Thursday', WED, LON, '=2026-03-12..2026-03-12'],
  ['our cheque run on the 25th', WED, LON, '=2026-03-25..2026-03-25'],
  // numeric dates: day first outside North America, month first in the US and Canada
  ['on 20/3', WED, LON, '=2026-03-20..2026-03-20'],
  ['on 3/20', WED, NYC, '=2026-03-20..2026-03-20'],
  ['on 04/05', WED, LON, '=2026-05-04..2026-05-04'],
  ['on 04/05', WED, NYC, '=2026-04-05..2026-04-05'],
  ['on 04/05', WED, 'America/Toronto', '=2026-04-05..2026-04-05'],
  ['on 04/05', WED, 'Pacific/Auckland', '=2026-05-04..2026-05-04'],
  ['payment on 3.4.2026', WED, 'Europe/Berlin', '=2026-04-03..2026-04-03'],
  ['on 2026-04-15', WED, LON, '=2026-04-15..2026-04-15'],
  ['by 15/04/2026', WED, 'Australia/Sydney', '=2026-03-11..2026-04-15'],
  ['on 4/15/26', WED, 'America/Chicago', '=2026-04-15..2026-04-15'],
  ['on 12/3', WED, LON, '=2026-03-12..2026-03-12'],
  // month names, with and without a year, and the turn of the year
  ['on 15 April', WED, LON, '=2026-04-15..2026-04-15'],
  ['April 15th', WED, NYC, '=2026-04-15..2026-04-15'],
  ['the 15th of April 2026', WED, LON, '=2026-04-15..2026-04-15'],
  ['on 5 Jan', DEC_THU, LON, '=2027-01-05..2027-01-05'],
  ['Jan 5th', DEC_MON, NYC, '=2027-01-05..2027-01-05'],
  ['by 2 January 2027', DEC_MON, LON, '=2026-12-28..2027-01-02'],
  ['in January', DEC_THU, LON, '2027-01-01..2027-01-31'],
  ['next month', DEC_THU, LON, '2027-01-01..2027-01-31'],
  ['on the 5th', DEC_MON, LON, '=2027-01-05..2027-01-05'],
  ['next Friday', DEC_MON, LON, '2027-01-01..2027-01-08'],
  ['early in the new year', DEC_THU, LON, '2027-01-01..2027-01-15'],
  ['first week of the new year', DEC_MON, LON, '2027-01-01..2027-01-08'],
  ['after the new year', DEC_THU, 'Pacific/Auckland', '2027-01-01..2027-01-15'],
  // daylight saving weeks: the customer's own calendar
  // Friday 18:30 in New York (EST), the weekend the clocks go forward
  ['on Monday', '2026-03-06T23:30:00Z', NYC, '=2026-03-09..2026-03-09'],
  ['tomorrow', '2026-03-06T23:30:00Z', NYC, '=2026-03-07..2026-03-07'],
  // Sunday 20:30 in Los Angeles, PDT since that morning
  ['tomorrow', '2026-03-09T03:30:00Z', 'America/Los_Angeles', '=2026-03-09..2026-03-09'],
  // 00:30 on Sunday 25 October in London (BST until 02:00)
  ['next week', '2026-10-24T23:30:00Z', LON, '2026-10-26..2026-10-30'],
  // 01:30 on Sunday 27 September in Auckland, half an hour before NZDT
  ['tomorrow', '2026-09-26T13:30:00Z', 'Pacific/Auckland', '=2026-09-28..2026-09-28'],
  // 01:30 on Sunday 5 April in Sydney, AEDT until 03:00
  ['on Friday', '2026-04-04T14:30:00Z', 'Australia/Sydney', '=2026-04-10..2026-04-10'],
  // a Tuesday in June, plain
  ['end of the week', TUE, LON, '=2026-06-05..2026-06-05'],
  // the end of the working week, the weekend
  ['remitted eow', WED, 'America/New_York', '=2026-03-13..2026-03-13'],
  ['by end of week', WED, LON, '=2026-03-11..2026-03-13'],
  ['by the weekend', WED, LON, '2026-03-11..2026-03-15'],
  ['over the weekend', WED, LON, '2026-03-14..2026-03-16'],
  // days of the month in words
  ['on the first', WED, LON, '=2026-04-01..2026-04-01'],
  ['the first of next month', WED, LON, '=2026-04-01..2026-04-01'],
  ['by the twenty-first', WED, LON, '=2026-03-11..2026-03-21'],
  ['the fifteenth of April', WED, LON, '=2026-04-15..2026-04-15'],
  // hours, "a day or two", "the coming days"
  ['within 48 hours', WED, LON, '=2026-03-11..2026-03-13'],
  ['in a day or two', WED, LON, '2026-03-12..2026-03-13'],
  ['in the next day or two', WED, LON, '2026-03-11..2026-03-13'],
  ['over the coming days', WED, LON, '2026-03-11..2026-03-18'],
  // British "a week today", end of play, within the month, quarter and financial year ends
  ['two weeks today', WED, LON, '=2026-03-25..2026-03-25'],
  ['a week tomorrow', WED, LON, '=2026-03-19..2026-03-19'],
  ['by end of play Thursday', WED, LON, '=2026-03-11..2026-03-12'],
  ['within the month', WED, LON, '=2026-03-11..2026-03-31'],
  ['at the end of the quarter', '2026-05-11T09:00:00Z', LON, '2026-06-24..2026-06-30'],
  ['by the end of the financial year', '2026-05-11T01:00:00Z', 'Australia/Sydney', '=2026-05-11..2026-06-30'],
  ['at EOFY', '2026-02-10T01:00:00Z', 'Pacific/Auckland', '2026-03-24..2026-03-31'],
  ['by the end of the financial year', '2026-05-11T09:00:00Z', LON, null],
  // fortnights on a weekday, the week after, month's end, business days of a month
  ['Friday fortnight', WED, LON, '=2026-03-27..2026-03-27'],
  ['a fortnight on Monday', WED, LON, '=2026-03-30..2026-03-30'],
  ['next week or the week after', WED, LON, '2026-03-16..2026-03-27'],
  ['end of next week or early the week after', WED, LON, '2026-03-20..2026-03-25'],
  ["by month's end", WED, LON, '=2026-03-11..2026-03-31'],
  ['on the last business day of the month', '2026-05-11T09:00:00Z', LON, '=2026-05-29..2026-05-29'],
  ['the first working day of next month', '2026-07-20T09:00:00Z', LON, '=2026-08-03..2026-08-03'],
  // Christmas
  ['before Christmas', DEC_THU, LON, '=2026-12-17..2026-12-24'],
  ['after Christmas', DEC_THU, LON, '2026-12-26..2027-01-08'],
];

describe('date phrases as AP clerks write them', () => {
  it('has at least eighty rows', () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(80);
  });

  it.each(ROWS)('%s (received %s, %s) → %s', (text, received, zone, want) => {
    const got = promised(text, received, zone);
    if (want === null) expect(got).toBeNull();
    else if (want.startsWith('=')) expect(got).toBe(want.slice(1));
    else expect(inside(got, want), `${got} inside ${want}`).toBe(true);
  });
});

function read(text: string, received = WED, timezone = LON, amount = '1000.00') {
  return readReplyOffline(
    { received, timezone, text, reminder: { currency: 'GBP', invoices: [{ number: 'INV-1001', amount }] } },
    { model: null },
  ).reading;
}

const span = (p: { earliest: string; latest: string }) => `${p.earliest}..${p.latest}`;

describe('dates the reader must not take as promises, and instalments', () => {
  it('a date in the signature is not a promise', () => {
    const r = read(
      "We'll pay this on Friday.\n\nKind regards,\nJo Baines\nAccounts | Office closed 24/12/2026 – 5/1/2027",
    );
    expect(r.promises.map(span)).toEqual(['2026-03-13..2026-03-13']);
  });

  it("a date in the quoted reminder's header is not a promise", () => {
    const r = read(
      'Payment will go out next Tuesday.\n\nFrom: Accounts <ar@supplier.example>\nSent: Monday, 9 March 2026 10:00\nTo: Jo Baines\nSubject: INV-1001 due 28/02/2026 - please pay by 16 March',
    );
    expect(r.promises.map(span)).toEqual(['2026-03-17..2026-03-17']);
  });

  it('an invoice due date mentioned in passing is not a promise', () => {
    const r = read('I know INV-1001 was due on 28 February, sorry. We will pay it on the 20th.');
    expect(r.promises.map(span)).toEqual(['2026-03-20..2026-03-20']);
    const s = read("The invoice says it's due 31/03 but we'll pay it this Friday.");
    expect(s.promises.map(span)).toEqual(['2026-03-13..2026-03-13']);
  });

  it('two instalments: half on one day and the rest on another', () => {
    const r = read("We'll pay half on the 15th and the rest on the 24th.");
    expect(r.intent).toBe('promise_to_pay');
    expect(r.promises.map((p) => `${span(p)} ${p.amount}`)).toEqual([
      '2026-03-15..2026-03-15 500.00',
      '2026-03-24..2026-03-24 500.00',
    ]);
    const s = read('£400 this Friday and the balance by the end of the month.');
    expect(s.promises.map((p) => `${span(p)} ${p.amount}`)).toEqual([
      '2026-03-13..2026-03-13 400.00',
      '2026-03-13..2026-03-31 600.00',
    ]);
  });

  it('"our next pay run" names no day: no dated promise (the reader\'s convention)', () => {
    const r = read('This has been approved and will be in our next pay run.');
    expect(r.promises).toEqual([]);
  });
});

describe('words that are not dates', () => {
  it.each([
    'please see the first invoice attached',
    'on the first invoice you charged twice',
    'we may pay it soon',
    'the second payment bounced',
    "I'm heading off for the weekend",
    'we are closed for Christmas',
    'Happy New Year to you all',
    'we are on 60 days EOM terms',
  ])('%s', (text) => {
    expect(findDateMentions(text, dateContextFor(WED, LON)).map((m) => m.text)).toEqual([]);
  });
});
