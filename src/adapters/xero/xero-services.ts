import type { Kysely } from 'kysely';
import type { XeroConfig } from '../../config.js';
import type { BackoffPolicy } from '../../domain/retry-backoff.js';
import type { Logger } from '../../logger.js';
import type { Clock } from '../clock.js';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Organisation } from '../db/organisations.js';
import type { DB } from '../db/schema.js';
import { createXeroLedgerStore, type XeroLedgerStore } from '../db/xero-ledger-store.js';
import { createXeroOAuthClient, type XeroOAuthClient } from './oauth-client.js';
import { type RateLimits, XeroRateLimiter } from './rate-limiter.js';
import { XeroTokenProvider } from './token-store.js';
import { installFastXeroDeserializer } from './xero-deserializer.js';
import { createXeroGateway, type XeroGateway, type XeroTenantApi } from './xero-gateway.js';

/** Tuning for tests and the bench; production uses the defaults (Xero's published limits). */
export interface XeroServiceOptions {
  readonly timeoutMs?: number;
  readonly maxAttempts?: number;
  readonly backoff?: BackoffPolicy;
  readonly rateLimits?: Partial<RateLimits>;
  readonly maxRetryAfterMs?: number;
}

/** Everything Xero-shaped the app needs, built once per context. */
export interface XeroServices {
  readonly config: XeroConfig;
  readonly oauth: XeroOAuthClient;
  readonly tokens: XeroTokenProvider;
  readonly gateway: XeroGateway;
  readonly ledger: XeroLedgerStore;
  readonly limiter: XeroRateLimiter;
  /** HMAC key for OAuth state, derived from the encryption key. */
  readonly stateKey: Buffer;
  /** A fresh tenant API for one organisation (one per run: it holds that tenant's token and call count). */
  tenantApi(org: Organisation): XeroTenantApi;
}

export function createXeroServices(input: {
  config: XeroConfig;
  db: Kysely<DB>;
  secrets: SecretBox;
  clock: Clock;
  log: Logger;
  options?: XeroServiceOptions;
}): XeroServices {
  const { config, db, secrets, clock, log, options = {} } = input;
  installFastXeroDeserializer();
  const oauth = createXeroOAuthClient(config, options.timeoutMs ? { timeoutMs: options.timeoutMs } : {});
  const tokens = new XeroTokenProvider({
    db,
    secrets,
    oauth,
    clock,
    log: log.child({ component: 'xero-tokens' }),
  });
  const limiter = new XeroRateLimiter(options.rateLimits);
  const gateway = createXeroGateway({
    apiUrl: config.apiUrl,
    tokens,
    limiter,
    log: log.child({ component: 'xero-api' }),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
    ...(options.backoff ? { backoff: options.backoff } : {}),
    ...(options.maxRetryAfterMs ? { maxRetryAfterMs: options.maxRetryAfterMs } : {}),
  });
  return {
    config,
    oauth,
    tokens,
    gateway,
    ledger: createXeroLedgerStore(db),
    limiter,
    stateKey: secrets.deriveKey('xero-oauth-state'),
    tenantApi: (org) => gateway.forOrganisation(org),
  };
}
