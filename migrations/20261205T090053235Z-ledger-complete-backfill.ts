import { type Kysely, sql } from 'kysely';

// Frozen: never import src/ here; later changes get a new migration.
// From here on an organisation's ledger is used for decisions (scores, plans, digests, cards) only once a sync has
// completed every resource (`xero_sync_state.last_complete_at`). Organisations synced before this release are
// taken as complete as of now: they were being used already, and their next poll refreshes them.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    insert into xero_sync_state (org_id, last_complete_at)
    select id, now() from organisations where base_currency is not null
    on conflict (org_id) do update
      set last_complete_at = coalesce(xero_sync_state.last_complete_at, excluded.last_complete_at)`.execute(
    db,
  );
}

export async function down(_db: Kysely<any>): Promise<void> {
  // Nothing to undo: the column belongs to an earlier migration.
}
