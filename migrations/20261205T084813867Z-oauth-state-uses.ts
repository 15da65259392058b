import { type Kysely, sql } from 'kysely';

// Frozen: never import src/ here; later changes get a new migration.
// An OAuth `state` completes one connection: its nonce is recorded on first use, in one statement, so a replayed
// or doubled callback finds it taken. Rows are needed only until the state expires (10 minutes).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('oauth_state_uses')
    .addColumn('nonce', 'text', (c) => c.primaryKey())
    .addColumn('used_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await sql`create index oauth_state_uses_expires_idx on oauth_state_uses (expires_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('oauth_state_uses').execute();
}
