import nodemailer from 'nodemailer';
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
  | { readonly kind: 'sent'; readonly accepted: readonly string[]; readonly response: string }
  | { readonly kind: 'failed'; readonly retryable: boolean; readonly error: string };

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
      try {
        const info = await transport.sendMail({
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
        });
        return { kind: 'sent', accepted: info.accepted.map(String), response: String(info.response ?? '') };
      } catch (err) {
        const code = (err as { responseCode?: number }).responseCode;
        // SMTP 4xx and connection problems are worth retrying; 5xx means the server refused the message.
        const retryable = code === undefined || (code >= 400 && code < 500);
        return {
          kind: 'failed',
          retryable,
          error: code ? `SMTP ${code}: ${errorMessage(err)}` : errorMessage(err),
        };
      }
    },
    close: () => transport.close(),
  };
}
