import { type Kysely, sql } from 'kysely';

// Frozen: never import src/ here; later changes get a new migration.
// A job at a local time (the morning digest, the nightly reconcile) records the zone its next run was computed in,
// so a row made before the organisation's zone was known (or after it changed in Xero) is found and corrected.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table scheduled_jobs add column scheduled_in_zone text`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table scheduled_jobs drop column scheduled_in_zone`.execute(db);
}
