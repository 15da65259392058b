import { migrateToLatest } from '../adapters/db/migrate.js';
import { type Config, ConfigError, loadConfig } from '../config.js';
import { type AppContext, createContext } from '../context.js';
import { createLogger } from '../logger.js';
import { CliFailure } from './output.js';

export function configOrFail(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) throw new CliFailure(err.message, 2);
    throw err;
  }
}

/**
 * Builds a context for one command, migrates, runs `fn`, and always tears down. Logs go to stderr so
 * stdout stays clean for --json.
 */
export async function withContext<T>(
  fn: (ctx: AppContext) => Promise<T>,
  options: { migrate?: boolean } = {},
): Promise<T> {
  const config = configOrFail();
  const log = createLogger({
    level: config.logLevel === 'info' ? 'warn' : config.logLevel,
    destination: process.stderr,
  });
  const ctx = await createContext(config, { log });
  try {
    if (options.migrate !== false) {
      const report = await migrateToLatest(ctx.database.db);
      if (report.error) {
        throw new CliFailure(
          `migration ${report.error.migration ?? '(unknown)'} failed: ${String(report.error.cause)}`,
        );
      }
    }
    return await fn(ctx);
  } finally {
    await ctx.destroy();
  }
}
