import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { AppError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { Clock } from '../clock.js';
import type { SecretBox } from '../crypto/secret-box.js';
import type { DB, Queryable } from '../db/schema.js';
import type { TokenResult, XeroOAuthClient, XeroTokenSet } from './oauth-client.js';

/**
 * Xero token sets, encrypted at rest (AES-256-GCM, the token-set id as associated data so a ciphertext copied
 * onto another row does not open). Refresh tokens rotate on every use: the new one is written in the same
 * transaction that holds the row lock, so two workers never spend the same refresh token (which Xero answers
 * with invalid_grant outside its 30-minute grace period).
 */
interface StoredTokens {
  accessToken: string;
  refreshToken: string;
  expiresAt: string;
  scope: string | null;
}

function seal(secrets: SecretBox, id: string, t: XeroTokenSet): string {
  const plain: StoredTokens = {
    accessToken: t.accessToken,
    refreshToken: t.refreshToken,
    expiresAt: t.expiresAt.toISOString(),
    scope: t.scope,
  };
  return secrets.seal(JSON.stringify(plain), `oauth_token_sets:${id}`);
}

function open(secrets: SecretBox, id: string, ciphertext: string): StoredTokens {
  return JSON.parse(secrets.open(ciphertext, `oauth_token_sets:${id}`)) as StoredTokens;
}

/** Who granted the consent: the Xero user id from the access token (a JWT), else the consent's auth event. */
export function tokenSubject(accessToken: string, authEventId: string | null): string {
  const part = accessToken.split('.')[1];
  if (part) {
    try {
      const claims = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
      const user = claims.xero_userid ?? claims.sub;
      if (typeof user === 'string' && user) return `user:${user}`;
    } catch {
      /* not a JWT */
    }
  }
  return authEventId ? `auth-event:${authEventId}` : `token:${randomUUID()}`;
}

/** Inserts or replaces the token set of this subject; returns its id. Call inside the connect transaction. */
export async function storeTokenSet(
  db: Transaction<DB>,
  secrets: SecretBox,
  input: { subject: string; tokens: XeroTokenSet; now: Date },
): Promise<string> {
  const existing = await db
    .selectFrom('oauth_token_sets')
    .select('id')
    .where('provider', '=', 'xero')
    .where('subject', '=', input.subject)
    .forUpdate()
    .executeTakeFirst();
  const id = existing?.id ?? randomUUID();
  const ciphertext = seal(secrets, id, input.tokens);
  if (existing) {
    await db
      .updateTable('oauth_token_sets')
      .set({
        ciphertext,
        key_id: secrets.keyId,
        access_expires_at: input.tokens.expiresAt,
        status: 'active',
        refreshed_at: input.now,
        updated_at: input.now,
      })
      .where('id', '=', id)
      .execute();
  } else {
    await db
      .insertInto('oauth_token_sets')
      .values({
        id,
        provider: 'xero',
        subject: input.subject,
        ciphertext,
        key_id: secrets.keyId,
        access_expires_at: input.tokens.expiresAt,
        refreshed_at: input.now,
        created_at: input.now,
        updated_at: input.now,
      })
      .execute();
  }
  return id;
}

export type AccessTokenResult =
  | { readonly kind: 'ok'; readonly accessToken: string }
  | { readonly kind: 'reconnect-required'; readonly reason: string };

export interface TokenProviderOptions {
  readonly db: Kysely<DB>;
  readonly secrets: SecretBox;
  readonly oauth: XeroOAuthClient;
  readonly clock: Clock;
  readonly log: Logger;
  /** Refresh this long before expiry so a token never dies mid-sync. */
  readonly refreshAheadMs?: number;
  /** Attempts at a refresh whose response was lost (network); Xero accepts the old token for 30 minutes. */
  readonly refreshAttempts?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export class XeroTokenProvider {
  readonly #o: Required<TokenProviderOptions>;

  constructor(options: TokenProviderOptions) {
    this.#o = {
      refreshAheadMs: 2 * 60_000,
      refreshAttempts: 3,
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      ...options,
    };
  }

  /** A usable access token, refreshed first when it is about to expire. */
  async accessToken(tokenSetId: string): Promise<AccessTokenResult> {
    const row = await this.#o.db
      .selectFrom('oauth_token_sets')
      .selectAll()
      .where('id', '=', tokenSetId)
      .executeTakeFirst();
    if (!row) return { kind: 'reconnect-required', reason: 'token set not found' };
    if (row.status !== 'active') return { kind: 'reconnect-required', reason: `token set is ${row.status}` };
    const t = open(this.#o.secrets, row.id, row.ciphertext);
    if (new Date(t.expiresAt).getTime() - this.#o.refreshAheadMs > this.#o.clock.now().getTime()) {
      return { kind: 'ok', accessToken: t.accessToken };
    }
    return this.refresh(tokenSetId, null);
  }

  /**
   * Refreshes under a row lock. `rejectedAccessToken` (after a 401) refreshes only if nobody has replaced that
   * token meanwhile; null refreshes if the stored token is near expiry.
   */
  async refresh(tokenSetId: string, rejectedAccessToken: string | null): Promise<AccessTokenResult> {
    const { db, secrets, oauth, clock, log } = this.#o;
    return db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('oauth_token_sets')
        .selectAll()
        .where('id', '=', tokenSetId)
        .forUpdate()
        .executeTakeFirst();
      if (!row) return { kind: 'reconnect-required', reason: 'token set not found' } as const;
      if (row.status !== 'active')
        return { kind: 'reconnect-required', reason: `token set is ${row.status}` } as const;
      const current = open(secrets, row.id, row.ciphertext);
      const now = clock.now();
      const stillFresh = new Date(current.expiresAt).getTime() - this.#o.refreshAheadMs > now.getTime();
      if (rejectedAccessToken === null ? stillFresh : current.accessToken !== rejectedAccessToken) {
        return { kind: 'ok', accessToken: current.accessToken } as const; // another worker refreshed first
      }
      let result: TokenResult | undefined;
      for (let attempt = 1; attempt <= this.#o.refreshAttempts; attempt++) {
        result = await oauth.refresh(current.refreshToken, clock.now());
        if (result.kind !== 'failed' || !['network', 'server'].includes(result.failure.kind)) break;
        log.warn(
          { tokenSetId, attempt, error: result.failure.message },
          'xero token refresh failed; retrying',
        );
        await this.#o.sleep(250 * attempt);
      }
      if (!result || result.kind === 'failed') {
        throw new AppError(
          'XERO_REFRESH_FAILED',
          `Xero token refresh failed: ${result?.kind === 'failed' ? result.failure.message : 'no attempt'}`,
        );
      }
      if (result.kind === 'invalid-grant') {
        const reason = `Xero refused the refresh token (${result.description}); reconnect with \`xero connect\``;
        await markReconnectRequired(trx, tokenSetId, reason, now);
        log.error({ code: 'XERO_RECONNECT_REQUIRED', tokenSetId }, 'xero connection needs to be reconnected');
        return { kind: 'reconnect-required', reason } as const;
      }
      await trx
        .updateTable('oauth_token_sets')
        .set({
          ciphertext: seal(secrets, row.id, result.tokens),
          key_id: secrets.keyId,
          access_expires_at: result.tokens.expiresAt,
          refreshed_at: now,
          updated_at: now,
        })
        .where('id', '=', row.id)
        .execute();
      log.info({ tokenSetId, expiresAt: result.tokens.expiresAt }, 'xero token refreshed');
      return { kind: 'ok', accessToken: result.tokens.accessToken } as const;
    });
  }

  /** The stored token set, decrypted (disconnect needs the access token; never log it). */
  async read(db: Queryable, tokenSetId: string): Promise<StoredTokens | null> {
    const row = await db
      .selectFrom('oauth_token_sets')
      .selectAll()
      .where('id', '=', tokenSetId)
      .executeTakeFirst();
    return row ? open(this.#o.secrets, row.id, row.ciphertext) : null;
  }
}

export async function markReconnectRequired(
  db: Queryable,
  tokenSetId: string,
  reason: string,
  now: Date,
): Promise<void> {
  await db
    .updateTable('oauth_token_sets')
    .set({ status: 'invalid', updated_at: now })
    .where('id', '=', tokenSetId)
    .execute();
  await db
    .updateTable('organisations')
    .set({ status: 'needs_reconnect', status_reason: reason, updated_at: now })
    .where('token_set_id', '=', tokenSetId)
    .where('status', '!=', 'disconnected')
    .execute();
}
