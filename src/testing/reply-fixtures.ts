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
