import type { Kysely } from 'kysely';

// Frozen: never import src/ here; later changes get a new migration.
// A sent reminder that bounced later (a delivery status notification in the collections mailbox, #18): when, which
// addresses the receiving server gave up on, and its code. Planning reads it as it reads an outright SMTP refusal:
// those addresses are not written to again until someone gives another.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('reminders')
    .addColumn('bounced_at', 'timestamptz')
    .addColumn('bounced_recipients', 'jsonb')
    .addColumn('bounce_error', 'text')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('reminders')
    .dropColumn('bounced_at')
    .dropColumn('bounced_recipients')
    .dropColumn('bounce_error')
    .execute();
}
