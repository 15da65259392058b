import { type Kysely, sql } from 'kysely';

// Frozen: never import src/ here; later changes get a new migration.
// A hold may be about some invoices only (#18 part 3: a dispute accepted from a reply holds the invoices the reply
// is about). Empty means the whole customer, as every hold meant before.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table customer_holds add column invoice_ids text[] not null default '{}'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('customer_holds').dropColumn('invoice_ids').execute();
}
