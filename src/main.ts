import { registerSlackOutboxHandlers } from './adapters/slack/slack-poster.js';
import { ConfigError, loadConfig } from './config.js';
import { createContext } from './context.js';
import { errorMessage } from './errors.js';
import { registerListeners } from './listeners/index.js';
import { startService } from './service.js';

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const ctx = await createContext(config);
  registerSlackOutboxHandlers(ctx);
  const service = await startService(ctx, { registerSlackListeners: (app) => registerListeners(app, ctx) });
  ctx.log.info({ port: service.port, database: ctx.database.location }, 'ar-copilot is running');
  console.log(
    `AR Copilot is running at ${config.publicUrl === `http://localhost:${config.port}` ? service.url : config.publicUrl}`,
  );

  const shutdown = (signal: NodeJS.Signals) => {
    ctx.log.info({ signal }, 'signal received');
    const force = setTimeout(() => {
      ctx.log.error({ code: 'SHUTDOWN_TIMEOUT' }, 'graceful shutdown took too long; exiting');
      process.exit(1);
    }, 30_000);
    force.unref();
    service.stop().then(
      () => process.exit(0),
      (err) => {
        ctx.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((err) => {
  console.error(`ar-copilot failed to start: ${errorMessage(err)}`);
  if (err instanceof Error && err.cause) console.error(`  cause: ${errorMessage(err.cause)}`);
  process.exit(1);
});
