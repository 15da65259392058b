import type { AddressInfo, Socket } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { SentMailbox } from '../../adapters/mail/sent-mailbox.js';

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
  /** Accept (keep and file) the next N messages, then drop the connection instead of answering 250. */
  dropAfterAcceptNext(times: number): void;
  onMessage(listener: (mail: ReceivedMail) => void): void;
  /** This server's Sent folder as the sender sees it: it files every message it accepts, like Gmail does. */
  sentMailbox(): SentMailbox;
  close(): Promise<void>;
}

const addresses = (v: ParsedMail['to']): string[] =>
  (Array.isArray(v) ? v : v ? [v] : []).flatMap((a) => a.value.map((x) => x.address ?? '')).filter(Boolean);

export interface SmtpSinkOptions {
  readonly user?: string;
  readonly password?: string;
  /** A slow server: every reply waits this long. */
  readonly replyDelayMs?: number;
  /** Files each accepted message (e.g. into an IMAP Sent folder) before the server answers 250. */
  readonly fileAccepted?: (raw: Buffer) => Promise<void>;
}

export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const messages: ReceivedMail[] = [];
  const listeners: ((m: ReceivedMail) => void)[] = [];
  const failures: { code: number; message: string }[] = [];
  let drops = 0;
  const sockets = new Map<number, Socket>();
  const delay = options.replyDelayMs ?? 0;
  const later = (fn: () => void) => (delay > 0 ? setTimeout(fn, delay) : fn());
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    authOptional: !options.user,
    logger: false,
    onConnect(_session, callback) {
      later(() => callback());
    },
    onAuth(auth, _session, callback) {
      later(() => {
        if (auth.username === options.user && auth.password === options.password)
          return callback(null, { user: auth.username });
        return callback(new Error('Invalid username or password'));
      });
    },
    onMailFrom(_address, _session, callback) {
      later(() => callback());
    },
    onRcptTo(_address, _session, callback) {
      later(() => callback());
    },
    onData(stream, session, callback) {
      const failure = failures.shift();
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      const received = new Promise<Buffer>((resolve, reject) => {
        stream.once('end', () => resolve(Buffer.concat(chunks)));
        stream.once('error', reject);
      });
      received
        .then(
          async (raw) => {
            if (failure) {
              const err = Object.assign(new Error(failure.message), { responseCode: failure.code });
              return later(() => callback(err));
            }
            const parsed = await simpleParser(raw);
            await options.fileAccepted?.(raw);
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
            if (drops > 0) {
              drops--;
              sockets.get(session.remotePort)?.destroy();
              return;
            }
            later(() => callback());
          },
          (err: Error) => callback(err),
        )
        .catch((err: unknown) => callback(err instanceof Error ? err : new Error(String(err))));
    },
  });
  // A client that vanishes mid-conversation (a killed process, a dropped socket) is routine for a mail server:
  // smtp-server reports it as an 'error' event, which would otherwise end the process that hosts the sink.
  server.on('error', () => {});
  // Each connection's socket by the client's port, so a fault can drop it after accepting.
  server.server.on('connection', (socket: Socket) => {
    const port = socket.remotePort ?? 0;
    sockets.set(port, socket);
    socket.once('close', () => sockets.delete(port));
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
    dropAfterAcceptNext(times) {
      drops += times;
    },
    onMessage: (l) => listeners.push(l),
    sentMailbox: () => ({
      copies: 'server',
      find: async (messageId) => (messages.some((m) => m.messageId === messageId) ? 'found' : 'absent'),
      fileCopy: async () => true,
    }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
