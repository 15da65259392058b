import { type Kysely, type MigrationResult, Migrator, type NO_MIGRATIONS } from 'kysely';
import { migrations } from '../../../migrations/index.js';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against Kysely<any> by design.
type AnyDb = Kysely<any>;

export interface MigrationReport {
  readonly applied: string[];
  readonly error?: { readonly migration: string | undefined; readonly cause: unknown };
}

export interface MigrationStatus {
  readonly name: string;
  readonly executedAt: Date | null;
}

function migratorFor(db: AnyDb): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
  });
}

function toReport(results: MigrationResult[] | undefined, error: unknown): MigrationReport {
  const applied = (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  if (error === undefined) return { applied };
  const failed = (results ?? []).find((r) => r.status === 'Error');
  return { applied, error: { migration: failed?.migrationName, cause: error } };
}

export async function migrateToLatest(db: AnyDb): Promise<MigrationReport> {
  const { results, error } = await migratorFor(db).migrateToLatest();
  return toReport(results, error);
}

export async function migrateDown(db: AnyDb, to: string | typeof NO_MIGRATIONS): Promise<MigrationReport> {
  const { results, error } = await migratorFor(db).migrateTo(to);
  return toReport(results, error);
}

export async function migrationStatus(db: AnyDb): Promise<MigrationStatus[]> {
  const list = await migratorFor(db).getMigrations();
  return list.map((m) => ({ name: m.name, executedAt: m.executedAt ?? null }));
}

export const knownMigrations = (): string[] => Object.keys(migrations);
