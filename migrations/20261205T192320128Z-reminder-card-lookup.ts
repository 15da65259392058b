import { type Kysely, sql } from 'kysely';

// Frozen: never import src/ here; later changes get a new migration.
// Every message in a channel the app is in is checked against the reminder cards' (channel, ts): a message in a
// card's thread is a customer's reply pasted by a collector. Without an index that is a scan of every reminder.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index reminders_card_message on reminders (slack_channel, slack_ts) where slack_ts is not null`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index reminders_card_message`.execute(db);
}
