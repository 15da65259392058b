import type { Queryable } from './schema.js';

/** One invoice Xero was asked to email for a reminder, as the journal holds it. */
export interface XeroInvoiceEmailAttempt {
  readonly idempotencyKey: string;
  readonly reminderId: string;
  readonly invoiceId: string;
  readonly startedAt: Date;
  readonly finishedAt: Date | null;
  /** null: asked, answer not recorded (in flight, or interrupted); 'sent'; 'refused: …'. */
  readonly outcome: string | null;
}

export async function listXeroInvoiceEmails(
  db: Queryable,
  reminderId: string,
): Promise<Map<string, XeroInvoiceEmailAttempt>> {
  const rows = await db
    .selectFrom('xero_invoice_emails')
    .selectAll()
    .where('reminder_id', '=', reminderId)
    .execute();
  return new Map(
    rows.map((r) => [
      r.invoice_id,
      {
        idempotencyKey: r.idempotency_key,
        reminderId: r.reminder_id,
        invoiceId: r.invoice_id,
        startedAt: new Date(r.started_at),
        finishedAt: r.finished_at ? new Date(r.finished_at) : null,
        outcome: r.outcome,
      },
    ]),
  );
}

/**
 * Written (and committed) before Xero is asked: an attempt that dies after the call is then known to have been
 * made. A row already started keeps its first start (how long the key has been in use).
 */
export async function journalXeroInvoiceEmail(
  db: Queryable,
  input: { idempotencyKey: string; reminderId: string; invoiceId: string; startedAt: Date },
): Promise<void> {
  await db
    .insertInto('xero_invoice_emails')
    .values({
      idempotency_key: input.idempotencyKey,
      reminder_id: input.reminderId,
      invoice_id: input.invoiceId,
      started_at: input.startedAt,
      finished_at: null,
      outcome: null,
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .execute();
}

/** Closes an attempt with Xero's answer ('sent' or 'refused: …'). A 'sent' row is never reopened. */
export async function finishXeroInvoiceEmail(
  db: Queryable,
  idempotencyKey: string,
  outcome: string,
  finishedAt: Date,
): Promise<void> {
  await db
    .updateTable('xero_invoice_emails')
    .set({ outcome, finished_at: finishedAt })
    .where('idempotency_key', '=', idempotencyKey)
    .where((eb) => eb.or([eb('outcome', 'is', null), eb('outcome', '!=', 'sent')]))
    .execute();
}
