import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../logger.js';
import { type Dovecot, startDovecot } from '../../testing/dovecot.js';
import { parseImapUrl } from './imap-url.js';
import { createImapSentMailbox } from './sent-mailbox.js';

let dovecot: Dovecot;
beforeAll(async () => {
  dovecot = await startDovecot({ users: ['ar'] });
});
afterAll(() => dovecot?.close());

const log = createLogger({ level: process.env.IMAP_TEST_LOG ? 'debug' : 'silent' });
const message = (id: string) =>
  Buffer.from(`Message-ID: ${id}\r\nFrom: ar@harbour.example\r\nSubject: Invoice INV-1\r\n\r\nHello\r\n`);

describe('the Sent folder over IMAP (dovecot on loopback)', () => {
  it('finds a filed copy by its Message-ID and not another one', async () => {
    const address = parseImapUrl(dovecot.urlFor('ar'));
    if ('error' in address) throw new Error(address.error);
    const mailbox = createImapSentMailbox({ address, folder: null, copies: 'append', log });
    expect(await mailbox.find('<r-1@harbour.example>')).toBe('absent');
    expect(await mailbox.fileCopy(message('<r-1@harbour.example>'))).toBe(true);
    expect(await mailbox.find('<r-1@harbour.example>')).toBe('found');
    // A Message-ID that merely contains another's text is a different message.
    expect(await mailbox.find('<r-1@harbour.example.evil>')).toBe('absent');
    const own = await dovecot.client('ar');
    const status = await own.status('Sent', { messages: true });
    expect(status).toMatchObject({ messages: 1 });
  });

  it("answers 'unknown' (never 'absent') when the server refuses the login or is not there", async () => {
    const wrong = parseImapUrl(dovecot.urlFor('ar').replace(/:[^:@]+@/, ':wrong@'));
    const gone = parseImapUrl('imap://ar:x@127.0.0.1:1');
    for (const address of [wrong, gone]) {
      if ('error' in address) throw new Error(address.error);
      const mailbox = createImapSentMailbox({
        address,
        folder: null,
        copies: 'server',
        log,
        timeoutMs: 3_000,
      });
      expect(await mailbox.find('<r-1@harbour.example>')).toBe('unknown');
    }
  });
});
