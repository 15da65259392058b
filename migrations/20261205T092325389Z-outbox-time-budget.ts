import { type Kysely, sql } from 'kysely';

// Frozen: never import src/ here; later changes get a new migration.
// Outbox items are retried for a time (24 hours by default, decided by the worker) rather than a count: the
// attempt column becomes only a hard cap, raised from 8 for the items waiting now and for new ones.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table outbox alter column max_attempts set default 200`.execute(db);
  await sql`update outbox set max_attempts = 200 where status in ('pending', 'running') and max_attempts < 200`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table outbox alter column max_attempts set default 8`.execute(db);
}
