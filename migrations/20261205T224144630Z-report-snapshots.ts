import { type Kysely, sql } from 'kysely';

// Frozen: never import src/ here; later changes get a new migration.
// The collections report as it was posted (#19 part 1, "defined and stored"): one row per organisation and period
// posted (the weekly report's ISO week), holding the measures exactly as the managers read them. The figures can
// be recomputed as of any date from the facts they come from; the stored copy shows what was said, and when.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('report_snapshots')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('period_kind', 'text', (c) => c.notNull().check(sql`period_kind in ('week', 'month')`))
    .addColumn('period_key', 'text', (c) => c.notNull())
    .addColumn('as_of', 'date', (c) => c.notNull())
    .addColumn('report', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('report_snapshots_period', ['org_id', 'period_kind', 'period_key'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('report_snapshots').execute();
}
