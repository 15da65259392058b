import type { Kysely } from 'kysely';
import type { DB } from '../adapters/db/schema.js';

/** A customer's email as a mail server would hold it (CRLF line ends, RFC 5322 headers). */
export function replyMime(input: {
  from: string;
  to?: string;
  subject: string;
  text: string;
  messageId: string;
  inReplyTo?: string;
  references?: string;
  date?: Date;
  headers?: Record<string, string>;
}): Buffer {
  const lines = [
    `From: ${input.from}`,
    `To: ${input.to ?? 'Harbour Foods <ar@harbour.example>'}`,
    `Subject: ${input.subject}`,
    `Date: ${(input.date ?? new Date('2026-11-23T01:00:00Z')).toUTCString()}`,
    `Message-ID: ${input.messageId}`,
    ...(input.inReplyTo ? [`In-Reply-To: ${input.inReplyTo}`] : []),
    ...(input.references ? [`References: ${input.references}`] : []),
    ...Object.entries(input.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    ...input.text.split('\n'),
    '',
  ];
  return Buffer.from(lines.join('\r\n'), 'utf8');
}

/**
 * A delivery status notification as a receiving mail server sends one back (RFC 3464, Postfix's layout): a note for
 * people, the machine-readable status per recipient, and the returned message's headers.
 */
export function bounceMime(input: {
  /** The reminder's Message-ID the bounce returns. */
  returnedMessageId: string;
  recipients: readonly { address: string; action?: string; status?: string; diagnostic?: string }[];
  messageId?: string;
  returnedText?: string;
}): Buffer {
  const b = 'dsn-boundary-7';
  const lines = [
    'From: Mail Delivery System <MAILER-DAEMON@mx.acme.example>',
    'To: Harbour Foods <ar@harbour.example>',
    'Subject: Undelivered Mail Returned to Sender',
    'Date: Mon, 23 Nov 2026 02:00:00 GMT',
    `Message-ID: ${input.messageId ?? '<dsn-1@mx.acme.example>'}`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${b}"`,
    '',
    `--${b}`,
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'This is the mail system at host mx.acme.example.',
    "I'm sorry to have to inform you that your message could not be delivered to one or more recipients.",
    '',
    `--${b}`,
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.acme.example',
    'Arrival-Date: Mon, 23 Nov 2026 01:59:58 +0000',
    ...input.recipients.flatMap((r) => [
      '',
      `Final-Recipient: rfc822; ${r.address}`,
      `Action: ${r.action ?? 'failed'}`,
      `Status: ${r.status ?? '5.1.1'}`,
      `Diagnostic-Code: smtp; ${r.diagnostic ?? `550 5.1.1 <${r.address}>: Recipient address rejected: User unknown`}`,
    ]),
    '',
    `--${b}`,
    'Content-Type: text/rfc822-headers',
    '',
    'From: Harbour Foods <ar@harbour.example>',
    'Subject: Overdue invoices',
    `Message-ID: ${input.returnedMessageId}`,
    ...(input.returnedText ? ['', input.returnedText] : []),
    '',
    `--${b}--`,
    '',
  ];
  return Buffer.from(lines.join('\r\n'), 'utf8');
}

/** A reminder of this customer with its card posted: its id, Message-ID and where the card is. */
export async function postedReminderOf(
  db: Kysely<DB>,
  contactId: string,
): Promise<{ id: string; messageId: string; channel: string; ts: string }> {
  const row = await db
    .selectFrom('reminders')
    .select(['id', 'message_id', 'slack_channel', 'slack_ts'])
    .where('contact_id', '=', contactId)
    .where('slack_ts', 'is not', null)
    .orderBy('created_at', 'desc')
    .executeTakeFirstOrThrow();
  return { id: row.id, messageId: row.message_id, channel: row.slack_channel!, ts: row.slack_ts! };
}
