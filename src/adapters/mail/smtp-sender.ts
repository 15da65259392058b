import nodemailer from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer';
import { errorMessage } from '../../errors.js';

export interface OutgoingMail {
  /** Deterministic per reminder, so a retry is recognisable and replies thread back. */
  readonly messageId: string;
  readonly to: readonly string[];
  readonly cc: readonly string[];
  readonly subject: string;
  readonly text: string;
}

export type SendOutcome =
  | {
      readonly kind: 'sent';
      readonly accepted: readonly string[];
      readonly response: string;
      /** The message exactly as the server accepted it, for filing a sent copy. */
      readonly raw: Buffer;
    }
  | { readonly kind: 'failed'; readonly retryable: boolean; readonly error: string }
  /**
   * The connection was lost or timed out mid-conversation: the server may have accepted the message before we
   * heard its 250. Only its Sent folder can tell.
   */
  | { readonly kind: 'uncertain'; readonly error: string };

export interface MailSender {
  send(mail: OutgoingMail): Promise<SendOutcome>;
  close(): void;
}

export interface SmtpSenderOptions {
  readonly smtpUrl: string;
  readonly from: string;
  readonly replyTo: string | null;
  readonly timeoutMs?: number;
}

export function createSmtpSender(options: SmtpSenderOptions): MailSender {
  const timeout = options.timeoutMs ?? 20_000;
  const transport = nodemailer.createTransport({
    url: options.smtpUrl,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
  return {
    async send(mail) {
      const message = {
        from: options.from,
        to: [...mail.to],
        cc: mail.cc.length ? [...mail.cc] : undefined,
        ...(options.replyTo ? { replyTo: options.replyTo } : {}),
        subject: mail.subject,
        text: mail.text,
        messageId: mail.messageId,
        headers: {
          // Flags the reminder as machine-sent so well-behaved vacation responders stay quiet (RFC 3834).
          'Auto-Submitted': 'auto-generated',
          'X-Auto-Response-Suppress': 'OOF, AutoReply',
        },
      };
      // Composed once and sent as is, so a copy we file in the Sent folder is byte for byte what went out.
      const raw = await new MailComposer(message).compile().build();
      try {
        const info = await transport.sendMail({ ...message, raw });
        return {
          kind: 'sent',
          accepted: info.accepted.map(String),
          response: String(info.response ?? ''),
          raw,
        };
      } catch (err) {
        return failureOf(err);
      }
    },
    close: () => transport.close(),
  };
}

/** Failures that prove the message was never accepted: nothing reached the server, or it answered no. */
const NEVER_ACCEPTED = new Set(['EDNS', 'EAUTH', 'EENVELOPE', 'EMESSAGE', 'ETLS', 'ECONFIG']);

function failureOf(err: unknown): SendOutcome {
  const e = err as { responseCode?: number; code?: string; syscall?: string };
  const code = e.responseCode;
  if (code !== undefined) {
    // SMTP 4xx is worth retrying; 5xx means the server refused the message.
    return {
      kind: 'failed',
      retryable: code >= 400 && code < 500,
      error: `SMTP ${code}: ${errorMessage(err)}`,
    };
  }
  if (NEVER_ACCEPTED.has(e.code ?? '') || e.syscall === 'connect' || e.syscall === 'getaddrinfo')
    return { kind: 'failed', retryable: true, error: errorMessage(err) };
  return { kind: 'uncertain', error: errorMessage(err) };
}
