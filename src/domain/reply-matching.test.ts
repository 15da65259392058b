import { describe, expect, it } from 'vitest';
import {
  emailDomainOf,
  invoiceNumberCandidates,
  isAutoReply,
  isFreeMailDomain,
  type MatchEvidence,
  matchReply,
  replyExcerpt,
  threadMessageIds,
} from './reply-matching.js';

const none: MatchEvidence = { threadIds: [], thread: [], invoices: [], senderAddress: [], senderDomain: [] };
const acme = { orgId: 'org-1', contactId: 'acme' };
const fern = { orgId: 'org-1', contactId: 'fern' };
const acmeElsewhere = { orgId: 'org-2', contactId: 'acme-2' };

describe('matchReply', () => {
  it('prefers the reminder the customer answered over everything else', () => {
    const m = matchReply({
      ...none,
      threadIds: ['<b@x>', '<a@x>'],
      thread: [
        { ...fern, reminderId: 'r-a', messageId: '<a@x>', invoiceIds: ['i-9'] },
        { ...acme, reminderId: 'r-b', messageId: '<b@x>', invoiceIds: ['i-1', 'i-2'] },
      ],
      invoices: [{ ...fern, invoiceId: 'i-9', number: 'INV-9' }],
      senderAddress: [fern],
    });
    expect(m).toMatchObject({
      method: 'thread',
      contactId: 'acme',
      reminderId: 'r-b',
      invoiceIds: ['i-1', 'i-2'],
    });
  });

  it('falls back to invoice numbers, then the address, then the domain', () => {
    expect(matchReply({ ...none, invoices: [{ ...acme, invoiceId: 'i-1', number: 'INV-1' }] })).toMatchObject(
      {
        method: 'invoice_number',
        contactId: 'acme',
        invoiceIds: ['i-1'],
      },
    );
    expect(matchReply({ ...none, senderAddress: [fern], senderDomain: [acme] })).toMatchObject({
      method: 'sender_address',
      contactId: 'fern',
    });
    expect(matchReply({ ...none, senderDomain: [acme, acme] })).toMatchObject({
      method: 'sender_domain',
      contactId: 'acme',
    });
    expect(matchReply(none)).toMatchObject({ method: 'none' });
  });

  it('leaves a number found in two organisations to a person, unless the sender settles it', () => {
    const invoices = [
      { ...acme, invoiceId: 'i-1', number: 'INV-0042' },
      { ...acmeElsewhere, invoiceId: 'j-1', number: 'INV-0042' },
    ];
    const ambiguous = matchReply({ ...none, invoices });
    expect(ambiguous.method).toBe('none');
    expect(ambiguous.note).toContain('2 organisations');
    expect(matchReply({ ...none, invoices, senderAddress: [acmeElsewhere] })).toMatchObject({
      method: 'invoice_number',
      orgId: 'org-2',
      invoiceIds: ['j-1'],
    });
  });

  it.each([
    ['an address shared by two customers', { ...none, senderAddress: [acme, fern] }],
    ['a domain used by two customers', { ...none, senderDomain: [acme, fern] }],
    ['a domain used in two organisations', { ...none, senderDomain: [acme, acmeElsewhere] }],
  ])('never guesses: %s', (_, evidence) => {
    expect(matchReply(evidence).method).toBe('none');
  });
});

describe('threadMessageIds', () => {
  it('puts In-Reply-To first, then References from the newest, without duplicates', () => {
    expect(threadMessageIds('<c@x>', ['<a@x> <b@x>', '<c@x>'])).toEqual(['<c@x>', '<b@x>', '<a@x>']);
    expect(threadMessageIds(null, [])).toEqual([]);
    expect(threadMessageIds('bare@x', [])).toEqual(['<bare@x>']);
  });
});

describe('invoiceNumberCandidates', () => {
  it.each([
    ['Re: Invoice INV-0042 overdue', ['INV-0042']],
    ['paid inv-0042. and #SI/2026/17', ['INV-0042', 'SI/2026/17', 'SI', '2026', '17']],
    ['we paid 10423 on the 3rd', ['10423', '3RD']],
    ['pay 12 items on 5 May', []],
  ])('%s', (text, expected) => {
    const got = invoiceNumberCandidates(text);
    for (const e of expected.filter((x) => /\d/.test(x) && !(/^\d+$/.test(x) && x.length < 3)))
      expect(got).toContain(e);
    expect(got).not.toContain('12');
    expect(got).not.toContain('5');
  });
});

describe('sender domain', () => {
  it('reads the domain and knows free mail', () => {
    expect(emailDomainOf('Jo <x>')).toBeNull();
    expect(emailDomainOf('jo@Acme.CO.NZ')).toBe('acme.co.nz');
    expect(isFreeMailDomain('gmail.com')).toBe(true);
    expect(isFreeMailDomain('acme.co.nz')).toBe(false);
  });
});

describe('isAutoReply', () => {
  it.each([
    [{ autoSubmitted: 'auto-replied', subject: 'Re: Invoice' }, true],
    [{ autoSubmitted: 'no', subject: 'Re: Invoice' }, false],
    [{ autoSubmitted: null, subject: 'Out of Office: back Monday' }, true],
    [{ autoSubmitted: null, subject: 'Automatic reply: Invoice INV-1' }, true],
    [{ autoSubmitted: null, subject: 'Re: your invoice', precedence: 'auto_reply' }, true],
    [{ autoSubmitted: null, subject: 'Re: we will pay Friday' }, false],
  ])('%o → %s', (input, expected) => {
    expect(isAutoReply(input)).toBe(expected);
  });
});

describe('replyExcerpt', () => {
  it('keeps the reply and drops what it quotes', () => {
    const text =
      'We will pay on Friday.\n\nThanks, Jo\n\nOn Mon, 1 Dec 2026 at 09:00, Accounts wrote:\n> Dear Jo,\n> INV-1';
    expect(replyExcerpt(text)).toBe('We will pay on Friday. Thanks, Jo');
    expect(replyExcerpt('x'.repeat(400), 20)).toHaveLength(20);
    expect(replyExcerpt('> only quoted')).toBe('> only quoted');
  });
});
