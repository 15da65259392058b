import { type Kysely, sql } from 'kysely';

// Frozen: never import src/ here; later changes get a new migration.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('oauth_token_sets')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('provider', 'text', (c) => c.notNull())
    // Who granted it (Xero's authEventId / user): one consent may cover several organisations.
    .addColumn('subject', 'text', (c) => c.notNull())
    // AES-256-GCM: base64(iv | tag | ciphertext); the plaintext never touches the database.
    .addColumn('ciphertext', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('access_expires_at', 'timestamptz')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('refreshed_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('oauth_token_sets_status_check', sql`status in ('active', 'invalid', 'revoked')`)
    .execute();
  await db.schema
    .createIndex('oauth_token_sets_provider_subject_key')
    .on('oauth_token_sets')
    .columns(['provider', 'subject'])
    .unique()
    .execute();

  await db.schema
    .createTable('organisations')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('xero_tenant_id', 'text', (c) => c.notNull().unique())
    .addColumn('xero_connection_id', 'text')
    .addColumn('token_set_id', 'uuid', (c) => c.references('oauth_token_sets.id').onDelete('set null'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('base_currency', 'char(3)')
    .addColumn('timezone', 'text', (c) => c.notNull().defaultTo('UTC'))
    .addColumn('short_code', 'text')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('status_reason', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint(
      'organisations_status_check',
      sql`status in ('active', 'needs_reconnect', 'disconnected')`,
    )
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('organisations').execute();
  await db.schema.dropTable('oauth_token_sets').execute();
}
