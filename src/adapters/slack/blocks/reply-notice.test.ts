import { describe, expect, it } from 'vitest';
import { buildReplyNotice, buildReplyTriage } from './reply-notice.js';

const hostile = {
  fromName: '<!channel> *Boss*',
  fromAddress: 'x@evil.example',
  receivedAt: new Date('2026-11-23T01:00:00Z'),
  subject: 'Re: <https://evil.example|click>',
  excerpt: 'Pay to <!here> & <@U123>',
  autoReply: false,
};

describe('reply notices in Slack', () => {
  it('escapes everything the customer wrote, in the blocks and in the notification text', () => {
    for (const m of [
      buildReplyNotice({ ...hostile, customerName: 'Acme <Ltd>', matchNote: 'a reply to our reminder' }),
      buildReplyTriage({ ...hostile, why: 'no customer matches', replyId: 'r-1' }),
    ]) {
      const all = `${m.text} ${JSON.stringify(m.blocks)}`;
      expect(all).not.toMatch(/<!channel>|<!here>|<@U123>|<https:/);
      expect(all).toContain('&lt;!channel&gt;');
    }
  });

  it('says who replied, the excerpt, and that chasing is paused until someone handles it', () => {
    const m = buildReplyNotice({ ...hostile, customerName: 'Acme', matchNote: 'a reply to our reminder' });
    const shown = JSON.stringify(m.blocks);
    expect(shown).toContain('x@evil.example');
    expect(shown).toContain('&lt;!here&gt; &amp; &lt;@U123&gt;');
    expect(m.text).toContain('chasing paused until someone handles it');
    expect(shown).toContain('paused until someone handles it');
  });
});
