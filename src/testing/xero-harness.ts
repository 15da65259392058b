import type { Clock } from '../adapters/clock.js';
import type { Database } from '../adapters/db/database.js';
import type { Organisation } from '../adapters/db/organisations.js';
import { storeXeroConnections } from '../adapters/xero/xero-connect.js';
import type { XeroServiceOptions } from '../adapters/xero/xero-services.js';
import { type Config, parseConfig } from '../config.js';
import { type AppContext, createContext } from '../context.js';
import type { XeroCallPurpose } from '../domain/xero-call-budget.js';
import { createLogger, type Logger } from '../logger.js';
import type { XeroSandbox } from '../sandbox/xero/index.js';
import type { XeroSyncDeps } from '../use-cases/sync-xero-organisation.js';

/** Test wiring between the Xero sandbox and a real context: config from literals, tokens without a browser. */
export const TEST_ENCRYPTION_KEY = Buffer.alloc(32, 11).toString('base64');

export function sandboxConfig(sandbox: XeroSandbox, env: Record<string, string> = {}): Config {
  const result = parseConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    XERO_CLIENT_ID: sandbox.clientId,
    XERO_CLIENT_SECRET: sandbox.clientSecret,
    XERO_WEBHOOK_KEY: sandbox.webhookKey,
    XERO_API_URL: sandbox.apiBasePath,
    XERO_AUTHORIZE_URL: sandbox.authorizeUrl,
    XERO_TOKEN_URL: sandbox.tokenUrl,
    XERO_CONNECTIONS_URL: sandbox.connectionsUrl,
    ...env,
  });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.config;
}

/** Fast retries for tests: the behaviour is the same, the waits are milliseconds. */
export const FAST_XERO: XeroServiceOptions = {
  timeoutMs: 2_000,
  maxAttempts: 4,
  backoff: { baseMs: 5, capMs: 50 },
};

export async function xeroTestContext(
  database: Database,
  sandbox: XeroSandbox,
  options: {
    clock?: Clock;
    xeroOptions?: XeroServiceOptions;
    env?: Record<string, string>;
    log?: Logger;
  } = {},
): Promise<AppContext> {
  return createContext(sandboxConfig(sandbox, options.env), {
    database,
    log: options.log ?? createLogger({ level: 'silent' }),
    xeroOptions: options.xeroOptions ?? FAST_XERO,
    ...(options.clock ? { clock: options.clock } : {}),
  });
}

/** Consent without a browser (the sandbox issues the tokens), stored exactly as the callback stores them. */
export async function connectSandbox(
  ctx: AppContext,
  sandbox: XeroSandbox,
  tenantIds?: string[],
): Promise<Organisation[]> {
  const issued = sandbox.issueTokens(tenantIds ? { tenantIds } : {});
  const now = ctx.clock.now();
  const outcome = await storeXeroConnections(
    { db: ctx.database.db, xero: ctx.xero, secrets: ctx.secrets, jobs: ctx.jobStore, log: ctx.log },
    {
      accessToken: issued.tokenSet.access_token,
      refreshToken: issued.tokenSet.refresh_token,
      expiresAt: new Date(issued.tokenSet.expires_at * 1000),
      scope: issued.tokenSet.scope,
      idToken: null,
    },
    issued.connections.map((c) => ({
      id: c.id,
      tenantId: c.tenantId,
      tenantName: c.tenantName,
      tenantType: c.tenantType,
      authEventId: c.authEventId,
    })),
    now,
  );
  if (outcome.kind !== 'connected') throw new Error(outcome.detail);
  return outcome.organisations;
}

export function syncDeps(
  ctx: AppContext,
  org: Organisation,
  purpose: XeroCallPurpose = 'background',
): XeroSyncDeps {
  return {
    api: ctx.xero.tenantApi(org, purpose),
    store: ctx.xero.ledger,
    log: ctx.log,
    now: ctx.clock.now(),
  };
}
