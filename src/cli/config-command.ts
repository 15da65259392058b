import type { Command } from 'commander';
import { sql } from 'kysely';
import { openDatabase } from '../adapters/db/database.js';
import { parseConfig } from '../config.js';
import { errorMessage } from '../errors.js';
import { CliFailure, printJson, printLine } from './output.js';

export function registerConfigCommand(program: Command): void {
  const config = program.command('config').description('inspect configuration');
  config
    .command('check')
    .description('validate the environment and reach the database; exit 2 if configuration is invalid')
    .option('--json', 'print JSON')
    .option('--no-database', 'skip the database connection check')
    .action(async (opts: { json?: boolean; database: boolean }) => {
      const result = parseConfig(process.env);
      if (!result.ok) {
        if (opts.json) printJson({ ok: false, issues: result.issues });
        throw new CliFailure(
          `Invalid configuration:\n${result.issues.map((i) => `  - ${i.variable}: ${i.message}`).join('\n')}`,
          2,
        );
      }
      const c = result.config;
      let database: { engine: string; location: string; reachable: boolean | null; error?: string } = {
        engine: c.databaseUrl ? 'postgres' : 'pglite',
        location: c.databaseUrl ? new URL(c.databaseUrl).host : c.dataDir,
        reachable: null,
      };
      if (opts.database) {
        const db = await openDatabase({ databaseUrl: c.databaseUrl, dataDir: c.dataDir, poolSize: 1 }).catch(
          (err) => err as Error,
        );
        if (db instanceof Error) {
          database = { ...database, reachable: false, error: errorMessage(db) };
        } else {
          try {
            await sql`select 1`.execute(db.db);
            database = { ...database, location: db.location, reachable: true };
          } catch (err) {
            database = { ...database, location: db.location, reachable: false, error: errorMessage(err) };
          } finally {
            await db.destroy();
          }
        }
      }
      const summary = {
        ok: database.reachable !== false,
        nodeEnv: c.nodeEnv,
        port: c.port,
        publicUrl: c.publicUrl,
        dataDir: c.dataDir,
        database,
        clock: c.now ? { fixed: c.now.toISOString() } : { fixed: null },
        logLevel: c.logLevel,
        encryptionKey: c.encryptionKey ? 'from ENCRYPTION_KEY' : `generated once under ${c.dataDir}`,
        // Never the tokens themselves: only how Slack is reached.
        slack: c.slack ? { mode: c.slack.appToken ? 'socket' : 'http', apiUrl: c.slack.apiUrl } : null,
      };
      if (opts.json) printJson(summary);
      else {
        printLine('Configuration is valid.');
        printLine(`  environment   ${summary.nodeEnv}`);
        printLine(`  http          port ${summary.port}, public URL ${summary.publicUrl}`);
        printLine(
          `  database      ${database.engine} ${database.location}${database.reachable === null ? '' : database.reachable ? ' (reachable)' : ` (UNREACHABLE: ${database.error})`}`,
        );
        printLine(`  clock         ${c.now ? `fixed at ${c.now.toISOString()}` : 'system'}`);
        printLine(`  encryption    ${summary.encryptionKey}`);
        printLine(
          `  slack         ${summary.slack ? `${summary.slack.mode} mode, Web API ${summary.slack.apiUrl}` : 'not configured'}`,
        );
      }
      if (database.reachable === false) throw new CliFailure('database is not reachable');
    });
}
