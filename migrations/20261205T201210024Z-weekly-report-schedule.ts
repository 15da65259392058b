import { type Kysely, sql } from 'kysely';

// Frozen: never import src/ here; later changes get a new migration.
// The weekly report's day (ISO weekday, Monday = 1) and local time, beside the digest time (#19 part 2).
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table slack_settings
      add column weekly_report_day smallint not null default 1
        check (weekly_report_day between 1 and 7),
      add column weekly_report_time text not null default '09:00'
        check (weekly_report_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$')
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table slack_settings drop column weekly_report_day, drop column weekly_report_time`.execute(
    db,
  );
}
