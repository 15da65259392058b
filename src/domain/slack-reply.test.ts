import { describe, expect, it } from 'vitest';
import {
  customersNamedIn,
  isPersonMessage,
  isPersonThreadReply,
  isTeamNote,
  plainTextOfSlackMessage,
  slackReplyMessageId,
  slackTsDate,
} from './slack-reply.js';

const c = (contactId: string, name: string, orgId = 'o1') => ({ orgId, contactId, name });

describe('a Slack message as a reply', () => {
  it('has one id per workspace, channel and ts, and a date from its ts', () => {
    expect(slackReplyMessageId('T1', 'C1', '1732356000.000200')).toBe('slack:T1:C1:1732356000.000200');
    expect(slackTsDate('1732356000.000200')?.toISOString()).toBe('2024-11-23T10:00:00.000Z');
    expect(slackTsDate('yesterday')).toBeNull();
  });

  it('reads as plain text: links keep their label and address, escapes undone, tokens kept as data', () => {
    expect(
      plainTextOfSlackMessage(
        'Pay to <mailto:ap@new.example|ap@new.example> &amp; see <https://x.example/a|this> <https://y.example> &lt;!channel&gt; <!channel>',
      ),
    ).toBe('Pay to ap@new.example & see this (https://x.example/a) https://y.example <!channel> <!channel>');
  });

  it('names a customer by whole words, with or without the legal suffix', () => {
    const all = [c('a', 'Acme Ltd'), c('b', 'Beta Bakery'), c('x', 'XYZ Ltd'), c('s', 'Soon Pty')];
    expect(customersNamedIn('Jo from Acme says they will pay Friday', all).map((x) => x.contactId)).toEqual([
      'a',
    ]);
    expect(customersNamedIn('ACME LTD: paid', all).map((x) => x.contactId)).toEqual(['a']);
    expect(customersNamedIn('Acmeville will pay', all)).toEqual([]);
    // Too short once the suffix is gone: "xyz" is never matched alone.
    expect(customersNamedIn('xyz will pay', all)).toEqual([]);
    expect(customersNamedIn('Acme and Beta Bakery', all).map((x) => x.contactId)).toEqual(['a', 'b']);
    expect(customersNamedIn('', all)).toEqual([]);
  });

  it("is a person's message only: no apps (ours included), edits, deletions or empty text", () => {
    const base = { type: 'message', user: 'U1', text: 'We will pay', ts: '2.0', thread_ts: '1.0' };
    expect(isPersonThreadReply(base, 'UBOT')).toBe(true);
    expect(isPersonThreadReply({ ...base, subtype: 'file_share' }, 'UBOT')).toBe(true);
    expect(isPersonThreadReply({ ...base, subtype: 'thread_broadcast' }, 'UBOT')).toBe(true);
    for (const subtype of ['message_changed', 'message_deleted', 'bot_message', 'channel_join'])
      expect(isPersonThreadReply({ ...base, subtype }, 'UBOT')).toBe(false);
    expect(isPersonThreadReply({ ...base, bot_id: 'B1' }, 'UBOT')).toBe(false);
    expect(isPersonThreadReply({ ...base, user: 'UBOT' }, 'UBOT')).toBe(false);
    expect(isPersonThreadReply({ ...base, text: '  ' }, 'UBOT')).toBe(false);
    expect(isPersonThreadReply({ ...base, thread_ts: undefined }, 'UBOT')).toBe(false);
    expect(isPersonThreadReply({ ...base, thread_ts: '2.0' }, 'UBOT')).toBe(false);
    expect(isPersonMessage({ ...base, thread_ts: undefined }, 'UBOT')).toBe(true);
  });
});

describe('isTeamNote', () => {
  it('is a note only with an explicit marker at the start', () => {
    for (const note of [
      'note: calling them tomorrow',
      'Note : left a voicemail',
      '  INTERNAL: do not chase until the audit',
      '// asked Maria to approve the plan',
      'internal:no space after the colon',
    ])
      expect(isTeamNote(note), note).toBe(true);
    for (const reply of [
      'We will pay on Friday',
      '<@U123> Acme says they will pay Friday',
      'Please note: the invoice is wrong',
      'https://example.com/note: paid',
      'Noted, thanks: payment on the 5th',
      'Internally we approved it: paying Friday',
      '',
    ])
      expect(isTeamNote(reply), reply).toBe(false);
  });
});
