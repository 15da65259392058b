import type { App } from '@slack/bolt';
import { type BoltService, createBoltApp } from '../adapters/slack/bolt-app.js';
import type { HttpRoute } from '../http/routes.js';
import { createLogger, type Logger } from '../logger.js';
import { type SlackSandbox, type SlackSandboxOptions, startSlackSandbox } from '../sandbox/slack/index.js';
import { createSlackRequestClient, type SlackRequestClient } from '../sandbox/slack/signed-client.js';

/**
 * The honest way to test Slack listeners (reference/slack-platform.md §6): the real Bolt App on its real
 * HTTPReceiver (port 0), the real WebClient against the Slack sandbox, and requests signed as Slack signs
 * them. `processBeforeResponse` is on, so a request's HTTP reply means its listeners have finished.
 */

export const HARNESS_SIGNING_SECRET = 'harness-signing-secret-0123456789';

export interface SlackHarness {
  readonly sandbox: SlackSandbox;
  readonly bolt: BoltService;
  readonly app: App;
  /** Signed requests to the app (commands, clicks, submissions, events), fed from the sandbox. */
  readonly slack: SlackRequestClient;
  /** The app's origin, http://127.0.0.1:PORT */
  readonly url: string;
  close(): Promise<void>;
}

export interface SlackHarnessOptions {
  /** Registers the listeners under test before the app starts. */
  register?: (app: App, sandbox: SlackSandbox) => void | Promise<void>;
  sandbox?: SlackSandboxOptions;
  customRoutes?: readonly HttpRoute[];
  logger?: Logger;
}

export async function startSlackHarness(options: SlackHarnessOptions = {}): Promise<SlackHarness> {
  const sandbox = await startSlackSandbox(options.sandbox);
  let bolt: BoltService | undefined;
  try {
    bolt = await createBoltApp({
      botToken: sandbox.botToken,
      signingSecret: HARNESS_SIGNING_SECRET,
      slackApiUrl: sandbox.apiUrl,
      customRoutes: options.customRoutes ?? [],
      logger: options.logger ?? createLogger({ level: 'silent' }),
      processBeforeResponse: true,
      // A failing call must fail the test now, not after web-api's retry schedule.
      clientOptions: { retryConfig: { retries: 0 } },
    });
    await options.register?.(bolt.app, sandbox);
    const port = await bolt.start(0);
    const url = `http://127.0.0.1:${port}`;
    const started = bolt;
    return {
      sandbox,
      bolt: started,
      app: started.app,
      slack: createSlackRequestClient({ baseUrl: url, signingSecret: HARNESS_SIGNING_SECRET, sandbox }),
      url,
      async close() {
        await started.stop();
        await sandbox.close();
      },
    };
  } catch (err) {
    await sandbox.close();
    throw err;
  }
}
