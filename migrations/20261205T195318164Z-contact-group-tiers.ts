import { type Kysely, sql } from 'kysely';

// Frozen: never import src/ here; later changes get a new migration.
// Priority tiers in Xero (#19 part 5): the tier last written to Xero as contact-group membership, per contact, so a
// morning writes only the customers whose tier changed; and each organisation's calls spent on it per local day,
// so a run that stopped at the day's budget resumes the next day without spending that day's share twice.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('contact_group_tiers')
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('contact_id', 'text', (c) => c.notNull())
    // high | medium | low | do_not_chase: the group (`Collections: …`) the contact was last added to.
    .addColumn('tier', 'text', (c) =>
      c.notNull().check(sql`tier in ('high', 'medium', 'low', 'do_not_chase')`),
    )
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('written_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('contact_group_tiers_pk', ['org_id', 'contact_id'])
    .execute();
  await db.schema
    .createTable('contact_group_syncs')
    .addColumn('org_id', 'uuid', (c) => c.primaryKey().references('organisations.id').onDelete('cascade'))
    // The organisation's local date the calls below were spent on.
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('calls', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('contact_group_syncs').execute();
  await db.schema.dropTable('contact_group_tiers').execute();
}
