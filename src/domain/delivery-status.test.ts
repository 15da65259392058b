import { describe, expect, it } from 'vitest';
import { bouncedMessageId, bounceSummary, failedRecipients } from './delivery-status.js';

const postfix = [
  'Reporting-MTA: dns; mx.acme.example',
  'Arrival-Date: Mon, 23 Nov 2026 01:59:58 +0000',
  '',
  'Final-Recipient: rfc822; AP@Acme.example',
  'Original-Recipient: rfc822;ap@acme.example',
  'Action: failed',
  'Status: 5.1.1',
  'Diagnostic-Code: smtp; 550 5.1.1 <ap@acme.example>: Recipient address',
  '    rejected: User unknown in virtual mailbox table',
  '',
  'Final-Recipient: rfc822; accounts@acme.example',
  'Action: delayed',
  'Status: 4.4.1',
  'Diagnostic-Code: X-Postfix; connect to mx2.acme.example: Connection timed out',
].join('\r\n');

describe('a delivery status notification', () => {
  it('names the recipients that failed for good, with the code and the server’s words (folded lines joined)', () => {
    expect(failedRecipients(postfix)).toEqual([
      {
        address: 'ap@acme.example',
        status: '5.1.1',
        diagnostic:
          '550 5.1.1 <ap@acme.example>: Recipient address rejected: User unknown in virtual mailbox table',
      },
    ]);
  });

  it('is no bounce when it reports a delay, a relay, a success or a temporary failure', () => {
    for (const [action, status] of [
      ['delayed', '4.4.1'],
      ['relayed', '2.0.0'],
      ['delivered', '2.0.0'],
      ['failed', '4.2.2'],
    ])
      expect(
        failedRecipients(`Final-Recipient: rfc822; ap@acme.example\nAction: ${action}\nStatus: ${status}`),
      ).toEqual([]);
  });

  it('ignores the note for people and anything that is not an address', () => {
    expect(failedRecipients('Your message could not be delivered.\nAction: failed')).toEqual([]);
    expect(
      failedRecipients('Final-Recipient: rfc822; not-an-address\nAction: failed\nStatus: 5.1.1'),
    ).toEqual([]);
    // Exchange sometimes leaves the status out of a permanent failure.
    expect(failedRecipients('Final-Recipient: rfc822;ap@acme.example\nAction: failed')).toEqual([
      { address: 'ap@acme.example', status: null, diagnostic: null },
    ]);
  });

  it('finds the Message-ID of the returned message, folded or not', () => {
    expect(bouncedMessageId('From: a@b.example\r\nMessage-ID:\r\n <r-1.x@harbour.example>\r\n')).toBe(
      '<r-1.x@harbour.example>',
    );
    expect(bouncedMessageId('Message-Id: r-2@harbour.example')).toBe('<r-2@harbour.example>');
    expect(bouncedMessageId('Subject: no id here')).toBeNull();
  });

  it('sums it up in one line', () => {
    expect(
      bounceSummary([
        { address: 'ap@acme.example', status: '5.1.1', diagnostic: null },
        { address: 'jo@acme.example', status: null, diagnostic: null },
      ]),
    ).toBe('ap@acme.example (5.1.1), jo@acme.example');
  });
});
