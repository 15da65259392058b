import type { Queryable } from './schema.js';

/**
 * The journal of reminder emails handed to SMTP, one entry per Message-ID. An entry started and never finished
 * means an attempt died after the hand-over: the email may have gone, so the next attempt looks before it sends.
 */
export interface EmailSendAttempt {
  readonly messageId: string;
  readonly reminderId: string;
  readonly startedAt: Date;
  readonly finishedAt: Date | null;
  /** null: handed over, outcome not recorded; 'sent'; 'failed: …'; 'resend requested by …'. */
  readonly outcome: string | null;
}

export async function getSendAttempt(db: Queryable, messageId: string): Promise<EmailSendAttempt | null> {
  const r = await db
    .selectFrom('email_send_attempts')
    .selectAll()
    .where('message_id', '=', messageId)
    .executeTakeFirst();
  if (!r) return null;
  return {
    messageId: r.message_id,
    reminderId: r.reminder_id,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    outcome: r.outcome,
  };
}

/** Opens (or reopens, for a resend) the entry for a Message-ID just before the email is handed over. */
export async function startSendAttempt(
  db: Queryable,
  attempt: { readonly messageId: string; readonly reminderId: string; readonly startedAt: Date },
): Promise<void> {
  await db
    .insertInto('email_send_attempts')
    .values({
      message_id: attempt.messageId,
      reminder_id: attempt.reminderId,
      started_at: attempt.startedAt,
      finished_at: null,
      outcome: null,
    })
    .onConflict((oc) =>
      oc
        .column('message_id')
        .doUpdateSet({ started_at: attempt.startedAt, finished_at: null, outcome: null }),
    )
    .execute();
}

/** Closes the entry for a Message-ID: what became of the attempt is known, so nobody has to look again. */
export async function finishSendAttempt(
  db: Queryable,
  messageId: string,
  outcome: string,
  finishedAt: Date,
): Promise<void> {
  await db
    .updateTable('email_send_attempts')
    .set({ finished_at: finishedAt, outcome })
    .where('message_id', '=', messageId)
    .execute();
}
