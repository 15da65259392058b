import { type Kysely, sql } from 'kysely';

// Frozen: never import src/ here; later changes get a new migration.
// Customer replies, captured from the collections mailbox (IMAP), a signed inbound-email webhook or Slack, each
// stored once per organisation and Message-ID. A reply pauses its customer's chasing at once: a 'reply' hold per
// reply, released when a collector handles it. The IMAP cursor remembers the last UID read per mailbox, so a
// restart neither loses nor repeats a message.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table customer_holds drop constraint customer_holds_kind_check`.execute(db);
  await sql`alter table customer_holds add constraint customer_holds_kind_check check (kind in ('pause', 'dispute', 'promise', 'do_not_contact', 'reply'))`.execute(
    db,
  );

  await db.schema
    .createTable('customer_replies')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    // Null while nobody matched: a triage card asks a person whose reply it is.
    .addColumn('org_id', 'uuid', (c) => c.references('organisations.id').onDelete('cascade'))
    .addColumn('contact_id', 'text')
    .addColumn('reminder_id', 'uuid', (c) => c.references('reminders.id').onDelete('set null'))
    .addColumn('invoice_ids', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('imap', 'webhook', 'slack')`))
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('in_reply_to', 'text')
    .addColumn('from_address', 'text')
    .addColumn('from_name', 'text')
    .addColumn('subject', 'text')
    .addColumn('received_at', 'timestamptz', (c) => c.notNull())
    // The plain-text body: never logged, never in an audit payload.
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('auto_reply', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('match_method', 'text', (c) =>
      c
        .notNull()
        .check(sql`match_method in ('thread', 'invoice_number', 'sender_address', 'sender_domain', 'none')`),
    )
    .addColumn('match_note', 'text')
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'triage', 'handled')`))
    .addColumn('hold_id', 'bigint', (c) => c.references('customer_holds.id').onDelete('set null'))
    .addColumn('handled_by', 'text')
    .addColumn('handled_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();
  // One row per message, whichever way it came: an unmatched reply has no organisation yet, so the key is the
  // organisation when there is one and the empty one otherwise (a redelivery matches the same way).
  await sql`create unique index customer_replies_message on customer_replies ((coalesce(org_id::text, '')), message_id)`.execute(
    db,
  );
  await sql`create index customer_replies_customer on customer_replies (org_id, contact_id, status)`.execute(
    db,
  );

  await db.schema
    .createTable('imap_cursors')
    // host, user and folder: the same mailbox read by every instance.
    .addColumn('mailbox', 'text', (c) => c.primaryKey())
    .addColumn('uidvalidity', 'text', (c) => c.notNull())
    .addColumn('last_uid', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('leased_by', 'text')
    .addColumn('leased_until', 'timestamptz')
    .addColumn('last_polled_at', 'timestamptz')
    .addColumn('last_error', 'text')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('imap_cursors').execute();
  await db.schema.dropTable('customer_replies').execute();
  await sql`delete from customer_holds where kind = 'reply'`.execute(db);
  await sql`alter table customer_holds drop constraint customer_holds_kind_check`.execute(db);
  await sql`alter table customer_holds add constraint customer_holds_kind_check check (kind in ('pause', 'dispute', 'promise', 'do_not_contact'))`.execute(
    db,
  );
}
