import { type Kysely, sql } from 'kysely';

// Frozen: never import src/ here; later changes get a new migration.
// What a customer's reply says (#18 part 3): one reading per reply, by the offline rules or by Claude after the
// cross-check, kept with its source, model, prompt (or rules) version and the hash of exactly what was read, so
// the suggestion a collector accepted can always be traced back to its evidence.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('reply_readings')
    .addColumn('reply_id', 'uuid', (c) =>
      c.primaryKey().references('customer_replies.id').onDelete('cascade'),
    )
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('rules', 'claude')`))
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('prompt_version', 'text', (c) => c.notNull())
    .addColumn('input_hash', 'text', (c) => c.notNull())
    .addColumn('reading', 'jsonb', (c) => c.notNull())
    .addColumn('fallback_reason', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('reply_readings').execute();
}
