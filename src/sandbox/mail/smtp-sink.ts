import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/**
 * A real SMTP server on loopback that keeps what it receives: the tests' and the demo's "mailbox". It speaks
 * SMTP through the same nodemailer transport production uses, so Message-ID, Reply-To and headers are real.
 */
export interface ReceivedMail {
  readonly messageId: string | null;
  readonly from: string | null;
  readonly to: readonly string[];
  readonly cc: readonly string[];
  readonly replyTo: string | null;
  readonly subject: string;
  readonly text: string;
  readonly headers: ReadonlyMap<string, unknown>;
  readonly receivedAt: Date;
}

export interface SmtpSink {
  readonly port: number;
  readonly url: string;
  readonly messages: ReceivedMail[];
  /** Fail the next N messages with an SMTP error (e.g. 451 temporary, 550 permanent). */
  failNext(times: number, code: 451 | 550, message?: string): void;
  onMessage(listener: (mail: ReceivedMail) => void): void;
  close(): Promise<void>;
}

const addresses = (v: ParsedMail['to']): string[] =>
  (Array.isArray(v) ? v : v ? [v] : []).flatMap((a) => a.value.map((x) => x.address ?? '')).filter(Boolean);

export async function startSmtpSink(options: { user?: string; password?: string } = {}): Promise<SmtpSink> {
  const messages: ReceivedMail[] = [];
  const listeners: ((m: ReceivedMail) => void)[] = [];
  const failures: { code: number; message: string }[] = [];
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    authOptional: !options.user,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === options.user && auth.password === options.password)
        return callback(null, { user: auth.username });
      return callback(new Error('Invalid username or password'));
    },
    onData(stream, _session, callback) {
      const failure = failures.shift();
      simpleParser(stream).then(
        (parsed) => {
          if (failure) {
            const err = Object.assign(new Error(failure.message), { responseCode: failure.code });
            return callback(err);
          }
          const mail: ReceivedMail = {
            messageId: parsed.messageId ?? null,
            from: parsed.from?.value[0]?.address ?? null,
            to: addresses(parsed.to),
            cc: addresses(parsed.cc),
            replyTo: parsed.replyTo?.value[0]?.address ?? null,
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            headers: parsed.headers,
            receivedAt: new Date(),
          };
          messages.push(mail);
          for (const l of listeners) l(mail);
          callback();
        },
        (err: Error) => callback(err),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  const auth = options.user
    ? `${encodeURIComponent(options.user)}:${encodeURIComponent(options.password ?? '')}@`
    : '';
  return {
    port,
    url: `smtp://${auth}127.0.0.1:${port}`,
    messages,
    failNext(times, code, message = code === 451 ? 'Try again later' : 'Mailbox unavailable') {
      for (let i = 0; i < times; i++) failures.push({ code, message });
    },
    onMessage: (l) => listeners.push(l),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
