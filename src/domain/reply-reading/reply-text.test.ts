import { describe, expect, it } from 'vitest';
import { stripReply } from './reply-text.js';

describe('stripReply: only what the customer wrote this time', () => {
  it.each([
    [
      'Gmail quote',
      'Will pay Thursday.\n\nOn Mon, 10 Aug 2026 at 9:00 AM, Accounts <ar@example.com> wrote:\n> INV-2044 for NZ$3,120.00 was due on 31 July 2026.\n> Please pay by 14 August 2026.',
      'Will pay Thursday.',
    ],
    [
      '"On … wrote:" wrapped over two lines',
      'Paying Friday.\n\nOn Mon, 10 Aug 2026 at 9:00 AM, Harbour Foods Accounts <ar@harbourfoods.example>\nwrote:\n\nPlease pay by 14 August.',
      'Paying Friday.',
    ],
    ['">" lines', 'Payment next Wednesday.\n\n> Please pay INV-1099 by 20 March.', 'Payment next Wednesday.'],
    [
      'Outlook header block',
      'It should go out Friday.\n\nFrom: Accounts Receivable <ar@example.com>\nSent: 21 April 2026 16:02\nTo: Tom\nSubject: Overdue: INV-5521 (£2,340.00, due 31 March 2026)\n\nPlease arrange payment by 28 April 2026.',
      'It should go out Friday.',
    ],
    [
      'Original Message',
      'Looping in AP.\n-----Original Message-----\nFrom: Accounts\nPlease pay by May 25, 2026.',
      'Looping in AP.',
    ],
    [
      'forwarded message',
      'See below.\n\n---------- Forwarded message ---------\nFrom: Jess <jess@example.com>\nDate: Tue, 3 Mar 2026',
      'See below.',
    ],
    [
      '"--" signature with phone numbers and dates',
      'The payment will be released Monday.\n\nThanks,\nGrace\n--\nGrace Liu | Finance Manager\nT +61 2 9876 5432\nOffice closed 24 Dec - 5 Jan',
      'The payment will be released Monday.',
    ],
    [
      'closing line and name',
      "We'll pay it on the 15th.\n\nNgā mihi,\nAroha Tane | Accounts Payable\nP: 07 838 1234 | M: 021 555 0199\n12 Anglesea St, Hamilton 3204",
      "We'll pay it on the 15th.",
    ],
    ['"Cheers, Name" on one line', 'Sorry, paying tomorrow.\nCheers, Mere', 'Sorry, paying tomorrow.'],
    [
      '"Kind regards" then a name',
      'This is with our FD.\n\nKind regards\nTom Hewitt\nTel: 0161 496 0734',
      'This is with our FD.',
    ],
    [
      'Sent from my iPhone',
      'Payment is scheduled to go out 10/15.\n\nSent from my iPhone',
      'Payment is scheduled to go out 10/15.',
    ],
  ])('%s', (_name, raw, visible) => {
    expect(stripReply(raw).visible).toBe(visible);
  });

  it('keeps a first line that opens with thanks, and a later line that says more than a closing', () => {
    expect(stripReply('Thanks for the reminder, noted.').visible).toBe('Thanks for the reminder, noted.');
    expect(stripReply('Hi,\nThanks, will pay Friday.').visible).toBe('Hi,\nThanks, will pay Friday.');
    expect(stripReply('Cheers, I will pass this on to our accounts team.').visible).toBe(
      'Cheers, I will pass this on to our accounts team.',
    );
  });

  it('returns the quote and the signature it cut', () => {
    const r = stripReply('Paid.\r\nRegards\r\nAnn\r\n> old text');
    expect(r).toEqual({ visible: 'Paid.', quoted: '> old text', signature: 'Regards\nAnn' });
  });

  it('leaves a reply that is all quote empty', () => {
    expect(stripReply('> Please pay by 20 March.').visible).toBe('');
  });
});
