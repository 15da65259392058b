import type { ReplyReading } from '../../domain/reply-reading/reply-reading.js';
import type { Queryable } from './schema.js';

/** What a reply says, as read once (#18 part 3): the reading with who read it and the hash of what was read. */
export interface StoredReplyReading {
  readonly replyId: string;
  readonly source: 'rules' | 'claude';
  readonly model: string;
  readonly promptVersion: string;
  readonly inputHash: string;
  readonly reading: ReplyReading;
  readonly fallbackReason: string | null;
  readonly createdAt: Date;
}

/** Stores a reading once per reply; false when the reply was read already (a retried outbox item). */
export async function insertReplyReading(db: Queryable, r: StoredReplyReading): Promise<boolean> {
  const row = await db
    .insertInto('reply_readings')
    .values({
      reply_id: r.replyId,
      source: r.source,
      model: r.model,
      prompt_version: r.promptVersion,
      input_hash: r.inputHash,
      reading: JSON.stringify(r.reading),
      fallback_reason: r.fallbackReason,
      created_at: r.createdAt,
    })
    .onConflict((oc) => oc.column('reply_id').doNothing())
    .returning('reply_id')
    .executeTakeFirst();
  return row !== undefined;
}

export async function getReplyReading(db: Queryable, replyId: string): Promise<StoredReplyReading | null> {
  const row = await db
    .selectFrom('reply_readings')
    .selectAll()
    .where('reply_id', '=', replyId)
    .executeTakeFirst();
  return row
    ? {
        replyId: row.reply_id,
        source: row.source,
        model: row.model,
        promptVersion: row.prompt_version,
        inputHash: row.input_hash,
        reading: row.reading as unknown as ReplyReading,
        fallbackReason: row.fallback_reason,
        createdAt: row.created_at,
      }
    : null;
}

/** The open invoices a reply is about, as the reader is told them (number, amount due, due date). */
export async function replyInvoiceRefs(
  db: Queryable,
  orgId: string,
  invoiceIds: readonly string[],
): Promise<{ invoiceId: string; number: string; amountDue: string; due: string | null; currency: string }[]> {
  if (invoiceIds.length === 0) return [];
  const rows = await db
    .selectFrom('xero_invoices')
    .select(['invoice_id', 'number', 'amount_due', 'due_date', 'currency'])
    .where('org_id', '=', orgId)
    .where('invoice_id', 'in', [...invoiceIds])
    .execute();
  return rows.map((r) => ({
    invoiceId: r.invoice_id,
    number: r.number ?? r.invoice_id,
    amountDue: String(r.amount_due),
    due: r.due_date ? String(r.due_date) : null,
    currency: r.currency,
  }));
}
