import type { Command } from 'commander';
import { NO_MIGRATIONS } from 'kysely';
import { knownMigrations, migrateDown, migrateToLatest, migrationStatus } from '../adapters/db/migrate.js';
import { errorMessage } from '../errors.js';
import { CliFailure, printJson, printLine, printTable } from './output.js';
import { withContext } from './runtime.js';

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('apply pending database migrations (or show status, or roll back)')
    .option('--status', 'list migrations and whether each is applied')
    .option('--down-to <name>', "roll back to just after <name> ('0' rolls back everything)")
    .option('--json', 'print JSON')
    .action(async (opts: { status?: boolean; downTo?: string; json?: boolean }) => {
      await withContext(
        async (ctx) => {
          const { db } = ctx.database;
          if (opts.status) {
            const status = await migrationStatus(db);
            if (opts.json) return printJson({ database: ctx.database.location, migrations: status });
            printTable(
              ['migration', 'applied at'],
              status.map((m) => [m.name, m.executedAt ? m.executedAt.toISOString() : 'pending']),
            );
            return;
          }
          let report: Awaited<ReturnType<typeof migrateToLatest>>;
          if (opts.downTo !== undefined) {
            if (opts.downTo !== '0' && !knownMigrations().includes(opts.downTo)) {
              throw new CliFailure(`unknown migration ${opts.downTo}; see \`migrate --status\``, 2);
            }
            report = await migrateDown(db, opts.downTo === '0' ? NO_MIGRATIONS : opts.downTo);
          } else {
            report = await migrateToLatest(db);
          }
          if (opts.json) {
            printJson({
              database: ctx.database.location,
              applied: report.applied,
              error: report.error
                ? { migration: report.error.migration, message: errorMessage(report.error.cause) }
                : null,
            });
          } else {
            for (const name of report.applied)
              printLine(`${opts.downTo ? 'rolled back' : 'applied'}  ${name}`);
            if (report.applied.length === 0 && !report.error) printLine('database is up to date');
          }
          if (report.error) {
            throw new CliFailure(
              `migration ${report.error.migration ?? '(unknown)'} failed: ${errorMessage(report.error.cause)}`,
            );
          }
        },
        { migrate: false },
      );
    });
}
