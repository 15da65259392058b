import { type Kysely, sql } from 'kysely';

// Frozen: never import src/ here; later changes get a new migration.
// A send whose outcome nobody can know (the process died after handing the email to the mail server, and the
// installation cannot look in the Sent folder) waits as `unconfirmed` for a person: Mark as sent, or Resend.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table reminders drop constraint reminders_status_check`.execute(db);
  await sql`alter table reminders add constraint reminders_status_check check (status in ('proposed', 'approved', 'sending', 'sent', 'skipped', 'snoozed', 'escalated', 'shadowed', 'failed', 'superseded', 'unconfirmed'))`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`update reminders set status = 'failed' where status = 'unconfirmed'`.execute(db);
  await sql`alter table reminders drop constraint reminders_status_check`.execute(db);
  await sql`alter table reminders add constraint reminders_status_check check (status in ('proposed', 'approved', 'sending', 'sent', 'skipped', 'snoozed', 'escalated', 'shadowed', 'failed', 'superseded'))`.execute(
    db,
  );
}
