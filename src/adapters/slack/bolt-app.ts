import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  App,
  type CustomRoute,
  HTTPReceiver,
  HTTPReceiverDeferredRequestError,
  type ReceiverDispatchErrorHandlerArgs,
  SocketModeReceiver,
} from '@slack/bolt';
import { WebAPIPlatformError, WebClient, type WebClientOptions } from '@slack/web-api';
import { DEFAULT_SLACK_API_URL } from '../../config.js';
import { AppError, errorMessage } from '../../errors.js';
import type { HttpRoute } from '../../http/routes.js';
import { sendJson } from '../../http/routes.js';
import type { Logger } from '../../logger.js';
import { boltLevelFor, createBoltLogger } from './bolt-logger.js';
import { gateSlackRequests } from './slack-request-gate.js';

/**
 * web-api's default retries a failed call ten times over about 30 minutes, which would stall a listener (and
 * an outbox claim) long after Slack's 3-second ack window. Two quick retries cover a blip; longer outages are
 * the outbox's job, which retries with backoff and honours Retry-After.
 */
export const SLACK_RETRY_CONFIG = {
  retries: 2,
  factor: 2,
  minTimeout: 500,
  maxTimeout: 4000,
  randomize: true,
};
/** web-api has no per-request timeout by default; a hung socket must not hold a worker forever. */
export const SLACK_REQUEST_TIMEOUT_MS = 10_000;

export interface BoltAppOptions {
  readonly botToken: string;
  readonly signingSecret: string;
  /** Default https://slack.com/api/; the sandbox's `apiUrl` in demo mode and tests. */
  readonly slackApiUrl?: string;
  /** An `xapp-` token switches to Socket Mode (development only: see reference/slack-platform.md §7). */
  readonly appToken?: string | null;
  /** Our other HTTP routes (health, Xero OAuth and webhooks), served by the same server. */
  readonly customRoutes?: readonly HttpRoute[];
  readonly logger: Logger;
  /** true only for FaaS and tests: the HTTP reply waits for every listener to finish. */
  readonly processBeforeResponse?: boolean;
  /** Both given → no auth.test at start-up. */
  readonly botId?: string;
  readonly botUserId?: string;
  /** Socket Mode only: the port of the separate HTTP server for customRoutes. */
  readonly httpPort?: number;
  /** How long the start-up auth.test may take before we give up with a clear error. */
  readonly authTestTimeoutMs?: number;
  /** Called with the HTTP server once it listens (the request gauge counts its requests). */
  readonly onListening?: (server: Server) => void;
  /** Overrides for the Web API client (tests use `{ retryConfig: { retries: 0 } }`). */
  readonly clientOptions?: Pick<WebClientOptions, 'retryConfig' | 'rejectRateLimitedCalls' | 'timeout'>;
}

export interface SlackIdentity {
  readonly botId: string;
  readonly botUserId: string;
  readonly teamId: string | null;
}

export interface BoltService {
  readonly app: App;
  readonly receiver: HTTPReceiver | SocketModeReceiver;
  readonly mode: 'http' | 'socket';
  readonly identity: SlackIdentity;
  /**
   * HTTP mode: listens on `port` (0 → ephemeral) and resolves with the bound port. Socket Mode: opens the
   * WebSocket and serves customRoutes on `httpPort`, resolving with that port.
   */
  start(port: number, host?: string | null): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Bolt's constructor would call auth.test itself under the client's retry policy, which hangs for up to
 * half an hour when Slack is unreachable (pitfall 1). We call it once, with no retries and a timeout, and
 * hand Bolt the ids so it never calls it again.
 */
export async function verifyBotToken(options: {
  botToken: string;
  slackApiUrl?: string;
  timeoutMs?: number;
  logger: Logger;
}): Promise<SlackIdentity> {
  const slackApiUrl = options.slackApiUrl ?? DEFAULT_SLACK_API_URL;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const client = new WebClient(options.botToken, {
    slackApiUrl,
    retryConfig: { retries: 0 },
    timeout: timeoutMs,
    logger: createBoltLogger(options.logger),
  });
  try {
    const result = await client.auth.test();
    if (!result.user_id || !result.bot_id) {
      throw new AppError(
        'SLACK_AUTH_FAILED',
        'SLACK_BOT_TOKEN is not a bot token (auth.test returned no bot_id): use the xoxb- token',
      );
    }
    return { botId: result.bot_id, botUserId: result.user_id, teamId: result.team_id ?? null };
  } catch (err) {
    if (err instanceof AppError) throw err;
    if (err instanceof WebAPIPlatformError) {
      throw new AppError(
        'SLACK_AUTH_FAILED',
        `Slack rejected SLACK_BOT_TOKEN (auth.test: ${err.data.error})`,
        {
          cause: err,
        },
      );
    }
    throw new AppError(
      'SLACK_UNREACHABLE',
      `could not reach Slack at ${slackApiUrl} within ${timeoutMs} ms (auth.test: ${errorMessage(err)})`,
      { cause: err },
    );
  }
}

/**
 * Our routes expect string params; path-to-regexp gives arrays for wildcard segments, which we join back
 * into the path they matched.
 */
export function toCustomRoutes(routes: readonly HttpRoute[]): CustomRoute[] {
  return routes.map((route) => ({
    path: route.path,
    method: route.method,
    handler: (req, res) => {
      const params = Object.fromEntries(
        Object.entries(req.params ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v.join('/') : v]),
      );
      route.handler(Object.assign(req, { params }), res);
    },
  }));
}

/** Unknown paths get the same JSON 404 as our plain route server; other failures a bare 500. */
function dispatchErrorHandler(log: Logger) {
  return ({ error, request, response }: ReceiverDispatchErrorHandlerArgs) => {
    if (error instanceof HTTPReceiverDeferredRequestError) {
      sendJson(response, 404, { error: 'not_found' });
      return;
    }
    log.error(
      { err: error, method: request.method, path: request.url?.split('?')[0] },
      'http dispatch failed',
    );
    if (!response.headersSent) {
      response.writeHead(500);
      response.end();
    }
  };
}

export async function createBoltApp(options: BoltAppOptions): Promise<BoltService> {
  const log = options.logger.child({ component: 'slack' });
  const boltLogger = createBoltLogger(options.logger);
  const slackApiUrl = options.slackApiUrl ?? DEFAULT_SLACK_API_URL;
  const identity: SlackIdentity =
    options.botId && options.botUserId
      ? { botId: options.botId, botUserId: options.botUserId, teamId: null }
      : await verifyBotToken({
          botToken: options.botToken,
          slackApiUrl,
          ...(options.authTestTimeoutMs !== undefined ? { timeoutMs: options.authTestTimeoutMs } : {}),
          logger: options.logger,
        });
  const customRoutes = toCustomRoutes(options.customRoutes ?? []);
  const clientOptions: WebClientOptions = {
    slackApiUrl,
    retryConfig: SLACK_RETRY_CONFIG,
    timeout: SLACK_REQUEST_TIMEOUT_MS,
    ...options.clientOptions,
  };

  const socketMode = Boolean(options.appToken);
  const httpPort = options.httpPort ?? 3000;
  const receiver = socketMode
    ? new SocketModeReceiver({
        appToken: options.appToken as string,
        logger: boltLogger,
        customRoutes,
        installerOptions: { port: httpPort, clientOptions },
      })
    : new HTTPReceiver({
        signingSecret: options.signingSecret,
        // Verified (both ways in time) by the gate below, which also validates and cleans every payload first.
        signatureVerification: false,
        customRoutes,
        logger: boltLogger,
        processBeforeResponse: options.processBeforeResponse ?? false,
        dispatchErrorHandler: dispatchErrorHandler(log),
      });
  if (receiver instanceof HTTPReceiver) {
    gateSlackRequests(receiver, { signingSecret: options.signingSecret, log: options.logger });
  }

  const app = new App({
    token: options.botToken,
    botId: identity.botId,
    botUserId: identity.botUserId,
    receiver,
    socketMode,
    logger: boltLogger,
    logLevel: boltLevelFor(options.logger.level),
    clientOptions,
    // Conversation state would live in one process's memory; we run several instances on one database.
    convoStore: false,
  });

  return {
    app,
    receiver,
    mode: socketMode ? 'socket' : 'http',
    identity,
    async start(port, host) {
      if (receiver instanceof HTTPReceiver) {
        const server = (await app.start((host ? { port, host } : port) as never)) as unknown as Server;
        options.onListening?.(server);
        return (server.address() as AddressInfo).port;
      }
      await app.start();
      // SocketModeReceiver starts its route server without waiting for it; wait here so callers can use it.
      const routeServer = (receiver as unknown as { httpServer?: Server }).httpServer;
      if (routeServer && !routeServer.listening) {
        await new Promise<void>((resolve, reject) => {
          routeServer.once('listening', resolve);
          routeServer.once('error', reject);
        });
      }
      if (routeServer) options.onListening?.(routeServer);
      return routeServer ? (routeServer.address() as AddressInfo).port : httpPort;
    },
    async stop() {
      await app.stop();
    },
  };
}
