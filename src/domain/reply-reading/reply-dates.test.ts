import { describe, expect, it } from 'vitest';
import { dateContextFor, findDateMentions, promiseWindow } from './reply-dates.js';

/** The window the first date phrase of `text` promises, as "earliest..latest". */
function promised(text: string, received: string, zone = 'Europe/London'): string | null {
  const ctx = dateContextFor(received, zone);
  const m = findDateMentions(text, ctx)[0];
  const w = m ? promiseWindow(m, ctx) : null;
  return w ? `${w.earliest}..${w.latest}` : null;
}

/** The days the first date phrase of `text` names, read towards the past (a payment already made). */
function inThePast(text: string, received: string, zone = 'Europe/London'): string | null {
  const ctx = dateContextFor(received, zone);
  const r = findDateMentions(text, ctx)[0]?.resolve('past');
  return r ? `${r.earliest}..${r.latest}` : null;
}

// 2026-03-11 is a Wednesday; 2026-03-13 a Friday; 2026-03-14 a Saturday.
const WED = '2026-03-11T10:00:00Z';

describe('promise windows: the grammar of finance-team replies', () => {
  it.each([
    // "the 15th": the next 15th on or after today
    ['we will pay on the 15th', '2026-03-11T10:00:00Z', '2026-03-15..2026-03-15'],
    ['we will pay on the 15th', '2026-03-16T10:00:00Z', '2026-04-15..2026-04-15'],
    ['payment on the 15th', '2026-03-15T10:00:00Z', '2026-03-15..2026-03-15'],
    // end of the month: its last week (a payment on the 25th meets it as well as on the 31st)
    ['payment is scheduled for the end of the month', WED, '2026-03-25..2026-03-31'],
    ['we will pay at month end', '2026-03-28T10:00:00Z', '2026-03-28..2026-03-31'],
    ['by the end of the month', WED, '2026-03-11..2026-03-31'],
    ['end of next month', '2026-12-02T10:00:00Z', '2027-01-25..2027-01-31'],
    // next Friday on a Wednesday: this week's Friday or next week's, both count
    ['next Friday', WED, '2026-03-13..2026-03-20'],
    // ... on a Saturday the coming Friday is already in next week
    ['next Friday', '2026-03-14T10:00:00Z', '2026-03-20..2026-03-20'],
    ['this Friday', WED, '2026-03-13..2026-03-13'],
    ['on Friday', WED, '2026-03-13..2026-03-13'],
    ['Friday week', WED, '2026-03-20..2026-03-20'],
    // after the 20th: from the 21st to the month's end ("later this month"); a week when under three days
    // are left or the date ended a month
    ['we can pay after the 20th', WED, '2026-03-21..2026-03-31'],
    ['we will settle after 14 April', WED, '2026-04-15..2026-04-30'],
    ['funds go out after the 28th', WED, '2026-03-29..2026-03-31'],
    ['funds go out after the 30th', WED, '2026-03-31..2026-04-06'],
    ['we can pay after 31 March', WED, '2026-04-01..2026-04-07'],
    // after a weekday or a week: the week after it (they name no month)
    ['after Friday', WED, '2026-03-14..2026-03-20'],
    ["we can't pay until the 20th", WED, '2026-03-20..2026-03-26'],
    ["in next week's run", WED, '2026-03-16..2026-03-20'],
    ['early next week', WED, '2026-03-16..2026-03-18'],
    ['end of the week', WED, '2026-03-13..2026-03-13'],
    ['end of next week', WED, '2026-03-20..2026-03-20'],
    ['Friday 13 March', WED, '2026-03-13..2026-03-13'],
    ['Monday the 12th of October', '2026-10-03T10:00:00Z', '2026-10-12..2026-10-12'],
    ['le paiement sera effectué le 25 mars', WED, '2026-03-25..2026-03-25'],
    ['Tuesday, May 26', '2026-05-21T15:00:00Z', '2026-05-26..2026-05-26'],
    // by the 10th: from the day the reply arrived
    ['by the 10th', '2026-03-02T10:00:00Z', '2026-03-02..2026-03-10'],
    ['before the 10th', '2026-03-02T10:00:00Z', '2026-03-02..2026-03-09'],
    ['by close of play Friday', WED, '2026-03-11..2026-03-13'],
    ['in two weeks', WED, '2026-03-25..2026-03-25'],
    ['in a fortnight', WED, '2026-03-25..2026-03-25'],
    // approximately: from the day named to a few days after it
    ['in a fortnight or so', WED, '2026-03-25..2026-03-28'],
    ['in about three weeks', WED, '2026-04-01..2026-04-04'],
    ['in ten days or so', WED, '2026-03-21..2026-03-22'],
    ['in a month or so', WED, '2026-04-11..2026-04-18'],
    // a weekday of next week, said on a Wednesday
    ['Tuesday next week', WED, '2026-03-17..2026-03-17'],
    ['by Thursday of next week', WED, '2026-03-11..2026-03-19'],
    ['within the next two weeks', WED, '2026-03-11..2026-03-25'],
    ['in 3 business days', '2026-03-13T10:00:00Z', '2026-03-18..2026-03-18'],
    ['between the 20th and the 25th', WED, '2026-03-20..2026-03-25'],
    ['early next month', WED, '2026-04-01..2026-04-10'],
    ['the first Tuesday of April', '2026-03-19T07:00:00Z', '2026-04-07..2026-04-07'],
    ['Payment ETA 3-5 business days', WED, '2026-03-16..2026-03-18'],
    ['please allow 2 working days', '2026-03-13T10:00:00Z', '2026-03-17..2026-03-17'],
    ['tomorrow', WED, '2026-03-12..2026-03-12'],
    ['today', WED, '2026-03-11..2026-03-11'],
  ])('%s (received %s) → %s', (text, received, want) => {
    expect(promised(text, received)).toBe(want);
  });

  it('weekends are the customer\'s words: "tomorrow" on a Friday is Saturday, "end of the week" on a Saturday the coming Friday', () => {
    expect(promised('tomorrow', '2026-03-13T10:00:00Z')).toBe('2026-03-14..2026-03-14');
    expect(promised('by the end of the week', '2026-03-14T10:00:00Z')).toBe('2026-03-14..2026-03-20');
    // The 1st of August 2026 is a Saturday: still the 1st.
    expect(promised('in our next check run on the 1st', '2026-07-20T16:00:00Z', 'America/Chicago')).toBe(
      '2026-08-01..2026-08-01',
    );
  });

  it('rolls over months and years', () => {
    expect(promised('by the 10th', '2026-09-28T09:00:00Z', 'Europe/Dublin')).toBe('2026-09-28..2026-10-10');
    // "the 31st" in a 30-day month is its last day
    expect(promised('on the 31st', '2026-04-02T09:00:00Z')).toBe('2026-04-30..2026-04-30');
    expect(promised('in the first week of January', '2026-12-18T10:00:00Z')).toBe('2027-01-01..2027-01-07');
    expect(promised('on 5 January', '2026-12-18T10:00:00Z')).toBe('2027-01-05..2027-01-05');
    expect(promised('the 2nd', '2026-12-28T10:00:00Z')).toBe('2027-01-02..2027-01-02');
  });

  it("resolves in the customer's zone: 23:30 UTC on Thursday is Friday in Auckland", () => {
    const received = '2026-08-13T23:30:00Z';
    expect(dateContextFor(received, 'Pacific/Auckland').today).toBe('2026-08-14');
    expect(dateContextFor(received, 'Europe/London').today).toBe('2026-08-14');
    expect(dateContextFor(received, 'America/Los_Angeles').today).toBe('2026-08-13');
    expect(promised('tomorrow', received, 'Pacific/Auckland')).toBe('2026-08-15..2026-08-15');
    expect(promised('tomorrow', received, 'America/Los_Angeles')).toBe('2026-08-14..2026-08-14');
    // Friday in Auckland: "Friday" is a week away there, tomorrow in Los Angeles.
    expect(promised('on Friday', received, 'Pacific/Auckland')).toBe('2026-08-21..2026-08-21');
    expect(promised('on Friday', received, 'America/Los_Angeles')).toBe('2026-08-14..2026-08-14');
  });

  it('reads numeric dates month first in the United States and day first elsewhere', () => {
    expect(promised('due out 04/08', '2026-03-11T10:00:00Z', 'Europe/London')).toBe('2026-08-04..2026-08-04');
    expect(promised('due out 04/08', '2026-03-11T15:00:00Z', 'America/New_York')).toBe(
      '2026-04-08..2026-04-08',
    );
    // A day above 12 settles it wherever it is written.
    expect(promised('on 10/15', '2026-10-06T10:00:00Z', 'Europe/London')).toBe('2026-10-15..2026-10-15');
    expect(promised('back on 23/03/2026', '2026-03-12T22:40:00Z', 'Pacific/Auckland')).toBe(
      '2026-03-23..2026-03-23',
    );
  });

  it('does not take rates, schedules, floors or phone numbers for dates', () => {
    const ctx = dateContextFor(WED, 'Europe/London');
    for (const text of [
      'billed at $120/hr',
      'we are open 24/7',
      'our office is on the 5th floor',
      'this is our 3rd reminder',
      'call 021 555 0199 or 312-555-0148',
      'we may pay soon',
      'Is this for the March service?',
      "I'll be your contact from now on",
      // a schedule, not a date
      'we pay suppliers every Friday',
    ]) {
      expect(
        findDateMentions(text, ctx).map((m) => m.text),
        text,
      ).toEqual([]);
    }
  });
});

describe('past dates: when a payment was made', () => {
  it.each([
    ['paid yesterday', WED, '2026-03-10..2026-03-10'],
    ['paid on Monday', WED, '2026-03-09..2026-03-09'],
    // "last Tuesday" said on a Thursday: this week's Tuesday or the one before
    ['mailed last Tuesday', '2026-06-11T14:00:00Z', '2026-06-02..2026-06-09'],
    ['paid on the 5th', '2026-05-07T10:00:00Z', '2026-05-05..2026-05-05'],
    ['paid on the 28th', '2026-05-07T10:00:00Z', '2026-04-28..2026-04-28'],
    ['paid on 28 December', '2027-01-03T10:00:00Z', '2026-12-28..2026-12-28'],
    ['paid by ACH on Feb 26', '2026-03-02T14:05:00Z', '2026-02-26..2026-02-26'],
    ['paid this morning', WED, '2026-03-11..2026-03-11'],
  ])('%s (received %s) → %s', (text, received, want) => {
    expect(inThePast(text, received)).toBe(want);
  });
});

describe('rules v4: weekdays beside numeric dates, either-or days, monthly days, phone-typed weekdays', () => {
  // 2026-06-02 is a Tuesday.
  const TUE = '2026-06-02T10:00:00Z';
  it.each([
    // a weekday with a numeric date is one date; the weekday settles an ambiguous order where only one fits
    ['back Thurs 11/6', TUE, 'Europe/London', '2026-06-11..2026-06-11'],
    ['we can do Mon 6/15', TUE, 'America/Chicago', '2026-06-15..2026-06-15'],
    ['payment goes Thursday 6/11', TUE, 'Europe/London', '2026-06-11..2026-06-11'],
    ['on Friday 12/6', TUE, 'America/Chicago', '2026-06-12..2026-06-12'],
    // either of two days: the span of both
    ['this afternoon or first thing tomorrow', TUE, 'Europe/London', '2026-06-02..2026-06-03'],
    ['Thursday or Friday', TUE, 'Europe/London', '2026-06-04..2026-06-05'],
    // a day of every month is the next such day
    ['we pay on the 1st of the month', TUE, 'Europe/London', '2026-07-01..2026-07-01'],
    ['suppliers get paid the 20th of each month', TUE, 'Europe/London', '2026-06-20..2026-06-20'],
    ['on the 1st of this month', TUE, 'Europe/London', '2026-06-01..2026-06-01'],
    // lower-case abbreviations after a preposition or a paying verb
    ['will pay fri', TUE, 'Europe/London', '2026-06-05..2026-06-05'],
    ['by thurs', TUE, 'Europe/London', '2026-06-02..2026-06-04'],
  ])('%s (received %s, %s) → %s', (text, received, zone, want) => {
    expect(promised(text, received, zone)).toBe(want);
  });

  it('leaves lower-case abbreviations that are ordinary words alone', () => {
    const ctx = dateContextFor(TUE, 'Europe/London');
    expect(findDateMentions('the invoice sat on my desk', ctx)).toEqual([]);
    expect(findDateMentions('it sat in the queue', ctx)).toEqual([]);
  });
});
