import { type Kysely, sql } from 'kysely';

// Frozen: never import src/ here; later changes get a new migration.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('dunning_policies')
    .addColumn('org_id', 'uuid', (c) => c.primaryKey().references('organisations.id').onDelete('cascade'))
    .addColumn('policy', 'jsonb', (c) => c.notNull())
    // Per tone/purpose template overrides: { "overdue.firm": { subject, body } }.
    .addColumn('templates', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('updated_by', 'text')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();

  // Why a customer is not chased: paused until a date, disputing, holding a promise to pay, never contact.
  await db.schema
    .createTable('customer_holds')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('contact_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('until', 'date')
    .addColumn('amount', 'numeric(19, 4)')
    .addColumn('reason', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_by_name', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('released_at', 'timestamptz')
    .addColumn('released_by', 'text')
    .addCheckConstraint(
      'customer_holds_kind_check',
      sql`kind in ('pause', 'dispute', 'promise', 'do_not_contact')`,
    )
    .execute();
  await sql`create index customer_holds_active_idx on customer_holds (org_id, contact_id) where released_at is null`.execute(
    db,
  );

  // One row per planned customer action. The unique key makes planning idempotent: the same step for the same
  // carrying invoice is proposed once, however often the planner runs.
  await db.schema
    .createTable('reminders')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('contact_id', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('segment', 'text', (c) => c.notNull())
    .addColumn('step_index', 'integer', (c) => c.notNull())
    .addColumn('step_count', 'integer', (c) => c.notNull())
    .addColumn('tone', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('auto_send', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('carrying_invoice_id', 'text', (c) => c.notNull())
    .addColumn('invoice_ids', 'jsonb', (c) => c.notNull())
    .addColumn('plan_date', 'date', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('recipients', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('cc', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('message_id', 'text', (c) => c.notNull().unique())
    .addColumn('draft_version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('decided_by', 'text')
    .addColumn('decided_by_name', 'text')
    .addColumn('decided_at', 'timestamptz')
    .addColumn('snoozed_until', 'date')
    .addColumn('sent_at', 'timestamptz')
    .addColumn('last_error', 'text')
    .addColumn('slack_channel', 'text')
    .addColumn('slack_ts', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addCheckConstraint(
      'reminders_status_check',
      sql`status in ('proposed', 'approved', 'sending', 'sent', 'skipped', 'snoozed', 'escalated', 'shadowed', 'failed', 'superseded')`,
    )
    .addUniqueConstraint('reminders_step_key', [
      'org_id',
      'contact_id',
      'purpose',
      'step_index',
      'carrying_invoice_id',
    ])
    .execute();
  await db.schema
    .createIndex('reminders_org_contact_idx')
    .on('reminders')
    .columns(['org_id', 'contact_id', 'plan_date'])
    .execute();
  await db.schema
    .createIndex('reminders_org_status_idx')
    .on('reminders')
    .columns(['org_id', 'status'])
    .execute();

  // Every version of every draft, with what wrote it (AI outputs keep model, prompt version and inputs hash).
  await db.schema
    .createTable('reminder_drafts')
    .addColumn('reminder_id', 'uuid', (c) => c.notNull().references('reminders.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('model', 'text')
    .addColumn('prompt_version', 'text', (c) => c.notNull())
    .addColumn('inputs_hash', 'text', (c) => c.notNull())
    .addColumn('fallback_reason', 'text')
    .addColumn('author_id', 'text')
    .addColumn('author_name', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('reminder_drafts_pkey', ['reminder_id', 'version'])
    .addCheckConstraint('reminder_drafts_source_check', sql`source in ('claude', 'template', 'human')`)
    .execute();

  // Written in its own transaction just before an email leaves: if the process dies between the SMTP handshake
  // and recording the result, the next attempt knows the outcome is unknown and does not send blindly.
  await db.schema
    .createTable('email_send_attempts')
    .addColumn('message_id', 'text', (c) => c.primaryKey())
    .addColumn('reminder_id', 'uuid', (c) => c.notNull().references('reminders.id').onDelete('cascade'))
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('finished_at', 'timestamptz')
    .addColumn('outcome', 'text')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'email_send_attempts',
    'reminder_drafts',
    'reminders',
    'customer_holds',
    'dunning_policies',
  ]) {
    await db.schema.dropTable(t).execute();
  }
}
