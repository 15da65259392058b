import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import type { XeroConfig } from '../../config.js';
import type { BackoffPolicy } from '../../domain/retry-backoff.js';
import type { XeroCallLimits, XeroCallPurpose } from '../../domain/xero-call-budget.js';
import type { Logger } from '../../logger.js';
import type { Clock } from '../clock.js';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Organisation } from '../db/organisations.js';
import type { DB } from '../db/schema.js';
import { createXeroLedgerStore, type XeroLedgerStore } from '../db/xero-ledger-store.js';
import { createXeroOAuthClient, type XeroOAuthClient } from './oauth-client.js';
import { type RateLimits, XERO_LIMITS, XeroRateLimiter } from './rate-limiter.js';
import { XeroTokenProvider } from './token-store.js';
import { createSharedXeroGate, type XeroCallGate } from './xero-call-gate.js';
import { installFastXeroDeserializer } from './xero-deserializer.js';
import { createXeroGateway, type XeroGateway, type XeroTenantApi } from './xero-gateway.js';

/** Tuning for tests and the bench; production uses the defaults (Xero's published limits). */
export interface XeroServiceOptions {
  readonly timeoutMs?: number;
  readonly maxAttempts?: number;
  readonly backoff?: BackoffPolicy;
  readonly rateLimits?: Partial<RateLimits>;
  readonly maxRetryAfterMs?: number;
  /** Names this process in the shared call log (default: host and pid). */
  readonly holder?: string;
  /** Wall clock of the shared limits (tests of the limits themselves). */
  readonly nowMs?: () => number;
}

/** Everything Xero-shaped the app needs, built once per context. */
export interface XeroServices {
  readonly config: XeroConfig;
  readonly oauth: XeroOAuthClient;
  readonly tokens: XeroTokenProvider;
  readonly gateway: XeroGateway;
  readonly ledger: XeroLedgerStore;
  /** Xero's limits and daily budget, shared with every other process on the database. */
  readonly gate: XeroCallGate;
  readonly limits: XeroCallLimits;
  /** HMAC key for OAuth state, derived from the encryption key. */
  readonly stateKey: Buffer;
  /**
   * A fresh tenant API for one organisation (one per run: it holds that tenant's token and call count).
   * Background work (polls, reconcile) stops at the daily reserve; interactive work may spend it.
   */
  tenantApi(org: Organisation, purpose: XeroCallPurpose, signal?: AbortSignal): XeroTenantApi;
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
  const local = new XeroRateLimiter(options.rateLimits, options.nowMs);
  const limits: XeroCallLimits = {
    ...XERO_LIMITS,
    ...options.rateLimits,
    dailyLimit: config.dailyLimit,
    dailyReserve: config.dailyReserve,
  };
  const gate = createSharedXeroGate({
    db,
    local,
    limits,
    holder: options.holder ?? `${hostname()}:${process.pid}`,
    log: log.child({ component: 'xero-limits' }),
    ...(options.nowMs ? { nowMs: options.nowMs } : {}),
    // A slot counts as in flight at most one call timeout (and a margin) after its process went quiet.
    lapseMs: (options.timeoutMs ?? 30_000) + 5_000,
  });
  const gateway = createXeroGateway({
    apiUrl: config.apiUrl,
    tokens,
    gate,
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
    gate,
    limits,
    stateKey: secrets.deriveKey('xero-oauth-state'),
    tenantApi: (org, purpose, signal) => gateway.forOrganisation(org, purpose, signal),
  };
}
