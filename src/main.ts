import { ConfigError, demoMode, loadConfig } from './config.js';
import { createContext } from './context.js';
import { errorMessage } from './errors.js';
import { createLogger } from './logger.js';
import { startService } from './service.js';
import { wiring } from './wiring.js';

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

  let stop: () => Promise<void>;
  let log: ReturnType<typeof createLogger>;
  const demo = demoMode(config);
  if (demo.kind === 'refused') {
    console.error(`AR Copilot will not start the demo: ${demo.reason}.`);
    process.exit(2);
  }
  if (demo.kind === 'on') {
    // No Slack and no Xero configured: run the whole product against simulated Xero and Slack. Loaded only
    // here: the demo and the sandboxes need development dependencies that a production install leaves out.
    const demoModule = await import('./sandbox/demo/demo-mode.js').catch((err: { code?: string }) => {
      if (err?.code !== 'ERR_MODULE_NOT_FOUND') throw err;
      console.error(
        'AR Copilot will not start the demo: it needs the development dependencies (run npm install); a production install runs only the service, so configure SLACK_* or XERO_* (see .env.example).',
      );
      process.exit(2);
    });
    const { startDemo } = demoModule;
    log = createLogger({
      level: config.logLevel === 'info' ? 'warn' : config.logLevel,
      pretty: process.stdout.isTTY,
    });
    const running = await startDemo(config, log, wiring);
    stop = () => running.stop();
    console.log(`AR Copilot demo is running: open ${running.url}`);
  } else {
    const ctx = await createContext(config);
    log = ctx.log;
    const service = await startService(ctx, {
      outboxHandlers: wiring.outboxHandlers(ctx),
      registerSlackListeners: (app) => wiring.registerSlackListeners(app, ctx),
      registerJobs: wiring.registerJobs,
    });
    stop = () => service.stop();
    ctx.log.info({ port: service.port, database: ctx.database.location }, 'ar-copilot is running');
    console.log(
      `AR Copilot is running at ${config.publicUrl === `http://localhost:${config.port}` ? service.url : config.publicUrl}`,
    );
  }

  // A fault in one request or one organisation's work must not stop every organisation: log it (with its code, for
  // alerts) and carry on. Requests are guarded where they enter; this is the net under everything else.
  process.on('unhandledRejection', (reason) => {
    log.error(
      { err: reason, code: 'UNHANDLED_REJECTION' },
      'a failure escaped its handler; the service carries on',
    );
  });
  process.on('uncaughtException', (err) => {
    log.error(
      { err, code: 'UNCAUGHT_EXCEPTION' },
      'an exception escaped its handler; the service carries on',
    );
  });

  const shutdown = (signal: NodeJS.Signals) => {
    log.info({ signal }, 'signal received');
    const force = setTimeout(() => {
      log.error({ code: 'SHUTDOWN_TIMEOUT' }, 'graceful shutdown took too long; exiting');
      process.exit(1);
    }, 30_000);
    force.unref();
    stop().then(
      () => process.exit(0),
      (err) => {
        log.error({ err }, 'shutdown failed');
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
