import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SmtpSink, startSmtpSink } from '../../sandbox/mail/smtp-sink.js';
import { createSmtpSender, type MailSender } from './smtp-sender.js';

let sink: SmtpSink;
let sender: MailSender;
beforeAll(async () => {
  sink = await startSmtpSink({ user: 'ar', password: 'secret' });
  sender = createSmtpSender({
    smtpUrl: sink.url,
    from: 'AR Team <ar@harbour.example>',
    replyTo: 'ar+org1@harbour.example',
  });
});
afterAll(async () => {
  sender?.close();
  await sink?.close();
});

const mail = {
  messageId: '<reminder.org1.c1.overdue-2.inv9@harbour.example>',
  to: ['ap@acme.example'],
  cc: ['jo@acme.example'],
  subject: 'Overdue: invoice INV-0042',
  text: 'Hi Jo,\n\nInvoice INV-0042 is overdue.',
};

describe('SMTP sender (nodemailer → real SMTP server)', () => {
  it('delivers with the deterministic Message-ID, Reply-To and auto-submitted headers', async () => {
    const r = await sender.send(mail);
    expect(r).toMatchObject({ kind: 'sent', accepted: ['ap@acme.example', 'jo@acme.example'] });
    const got = sink.messages.at(-1)!;
    expect(got).toMatchObject({
      messageId: mail.messageId,
      from: 'ar@harbour.example',
      to: ['ap@acme.example'],
      cc: ['jo@acme.example'],
      replyTo: 'ar+org1@harbour.example',
      subject: mail.subject,
    });
    expect(got.text.trim()).toBe(mail.text);
    expect(got.headers.get('auto-submitted')).toBe('auto-generated');
  });

  it('reports a temporary refusal as retryable and a permanent one as not', async () => {
    sink.failNext(1, 451);
    expect(await sender.send(mail)).toMatchObject({
      kind: 'failed',
      retryable: true,
      error: expect.stringMatching(/^SMTP 451/),
    });
    sink.failNext(1, 550);
    expect(await sender.send(mail)).toMatchObject({
      kind: 'failed',
      retryable: false,
      error: expect.stringMatching(/^SMTP 550/),
    });
  });

  it('reports an unreachable server as retryable', async () => {
    const dead = createSmtpSender({
      smtpUrl: 'smtp://127.0.0.1:1',
      from: 'ar@harbour.example',
      replyTo: null,
      timeoutMs: 2_000,
    });
    expect(await dead.send(mail)).toMatchObject({ kind: 'failed', retryable: true });
    dead.close();
  });

  it('calls a connection lost after the message was handed over uncertain, never a plain failure', async () => {
    const before = sink.messages.length;
    sink.dropAfterAcceptNext(1);
    const r = await sender.send({ ...mail, messageId: '<dropped@harbour.example>' });
    expect(r).toMatchObject({ kind: 'uncertain', error: expect.stringMatching(/closed/i) });
    // The server did accept it: retrying blindly would deliver a second copy.
    expect(sink.messages.length).toBe(before + 1);
  });

  it('returns the message as sent, byte for byte, for filing a copy', async () => {
    const r = await sender.send({ ...mail, messageId: '<copy@harbour.example>' });
    if (r.kind !== 'sent') throw new Error(r.error);
    const raw = r.raw.toString('utf8');
    expect(raw).toMatch(/^Message-ID: <copy@harbour\.example>\r$/m);
    expect(raw).toContain('Subject: Overdue: invoice INV-0042');
  });

  it('keeps serving after a client resets its connection mid-transaction (a killed sender)', async () => {
    // smtp-server raises a reset inside a transaction (after MAIL FROM) as an 'error' event on the server.
    const open = await new Promise<ReturnType<typeof connect>>((resolve) => {
      const s = connect(sink.port, '127.0.0.1');
      s.once('data', () => resolve(s));
    });
    const say = (line: string) =>
      new Promise<string>((resolve) => {
        open.once('data', (d: Buffer) => resolve(d.toString('utf8')));
        open.write(`${line}\r\n`);
      });
    expect(await say('EHLO killed.example')).toMatch(/^250/);
    expect(await say('AUTH PLAIN AGFyAHNlY3JldA==')).toMatch(/^235/);
    expect(await say('MAIL FROM:<ar@harbour.example>')).toMatch(/^250/);
    open.resetAndDestroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await sender.send({ ...mail, messageId: '<after-reset@harbour.example>' })).toMatchObject({
      kind: 'sent',
    });
  });
});
