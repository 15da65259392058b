import { createHmac, randomBytes, randomUUID } from 'node:crypto';

/**
 * Xero's identity service as our product meets it: authorization-code consent, a token endpoint with
 * rotating refresh tokens (a 30-minute grace for the previous one, to cover a lost response), connections
 * per tenant, revocation. One sandbox "user" owns every connection, as one Xero user would.
 */

export const ACCESS_TOKEN_TTL_DEFAULT_SEC = 1800;
const REFRESH_GRACE_MS = 30 * 60_000;
const REFRESH_IDLE_MS = 60 * 86_400_000;
const CODE_TTL_MS = 5 * 60_000;

export interface TokenSetJson {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  token_type: 'Bearer';
  scope: string;
}

export interface ConnectionJson {
  id: string;
  authEventId: string;
  tenantId: string;
  tenantType: 'ORGANISATION';
  tenantName: string;
  createdDateUtc: string;
  updatedDateUtc: string;
}

interface Grant {
  id: string;
  scope: string;
  revoked: boolean;
}

interface CodeRec {
  grantId: string;
  redirectUri: string;
  expiresMs: number;
  used: boolean;
}

interface AccessRec {
  grantId: string;
  expiresMs: number;
}

interface RefreshRec {
  grantId: string;
  lastUsedMs: number;
  rotatedAtMs: number | null;
  successor: string | null;
}

interface ConnectionRec {
  id: string;
  tenantId: string;
  authEventId: string;
  createdMs: number;
  updatedMs: number;
}

export type AccessCheck =
  | { kind: 'ok' }
  | { kind: 'unauthorized'; detail: string }
  | { kind: 'forbidden'; detail: string };

export type TokenResult =
  | { status: 200; body: TokenSetJson }
  | { status: 400 | 401; body: { error: string } };

export interface IdentityOptions {
  clientId: string;
  clientSecret: string;
  accessTokenTtlSec: number;
  now: () => Date;
  issuer: () => string;
  tenantName: (tenantId: string) => string;
  tenantIds: () => string[];
}

function isoUtc(ms: number): string {
  // Xero's connections use ISO without the trailing Z, e.g. 2019-07-09T23:40:30.1833130
  return new Date(ms).toISOString().replace('Z', '0000');
}

export class IdentityService {
  private readonly codes = new Map<string, CodeRec>();
  private readonly grants = new Map<string, Grant>();
  private readonly access = new Map<string, AccessRec>();
  private readonly refresh = new Map<string, RefreshRec>();
  private readonly connections = new Map<string, ConnectionRec>();

  constructor(private readonly opts: IdentityOptions) {}

  get clientId(): string {
    return this.opts.clientId;
  }

  /** What the consent screen does when the user approves: connect every sandbox tenant, return a code. */
  approveConsent(redirectUri: string, scope: string): string {
    const grant = this.newGrant(scope);
    const code = randomBytes(24).toString('base64url');
    this.codes.set(code, {
      grantId: grant.id,
      redirectUri,
      expiresMs: this.nowMs() + CODE_TTL_MS,
      used: false,
    });
    this.connectAll(this.opts.tenantIds());
    return code;
  }

  /** Consent without a browser: tokens plus the connections made for these tenants. */
  issueTokens(
    tenantIds: string[] = this.opts.tenantIds(),
    scope = 'offline_access accounting.invoices accounting.payments.read accounting.contacts accounting.settings.read',
  ): { tokenSet: TokenSetJson & { expires_at: number }; authEventId: string; connections: ConnectionJson[] } {
    const grant = this.newGrant(scope);
    const authEventId = this.connectAll(tenantIds);
    const tokenSet = this.mintPair(grant);
    return {
      tokenSet: { ...tokenSet, expires_at: Math.floor(this.nowMs() / 1000) + tokenSet.expires_in },
      authEventId,
      connections: this.listConnections(authEventId),
    };
  }

  token(authorization: string | undefined, form: URLSearchParams): TokenResult {
    if (!this.clientAuthOk(authorization, form)) return { status: 400, body: { error: 'invalid_client' } };
    const grantType = form.get('grant_type');
    if (grantType === 'authorization_code') {
      const rec = this.codes.get(form.get('code') ?? '');
      if (!rec || rec.used || rec.expiresMs < this.nowMs() || rec.redirectUri !== form.get('redirect_uri')) {
        return { status: 400, body: { error: 'invalid_grant' } };
      }
      rec.used = true;
      const grant = this.grants.get(rec.grantId) as Grant;
      return { status: 200, body: this.mintPair(grant) };
    }
    if (grantType === 'refresh_token') {
      const token = form.get('refresh_token') ?? '';
      const rec = this.refresh.get(token);
      const grant = rec ? this.grants.get(rec.grantId) : undefined;
      const now = this.nowMs();
      if (!rec || !grant || grant.revoked || now - rec.lastUsedMs > REFRESH_IDLE_MS) {
        return { status: 400, body: { error: 'invalid_grant' } };
      }
      if (rec.successor !== null && rec.rotatedAtMs !== null) {
        // Grace period: the previous refresh token still works for 30 minutes and yields the same successor.
        if (now - rec.rotatedAtMs > REFRESH_GRACE_MS)
          return { status: 400, body: { error: 'invalid_grant' } };
        const successor = this.refresh.get(rec.successor);
        if (successor) successor.lastUsedMs = now;
        return { status: 200, body: { ...this.mintAccess(grant), refresh_token: rec.successor } };
      }
      const pair = this.mintPair(grant);
      rec.successor = pair.refresh_token;
      rec.rotatedAtMs = now;
      return { status: 200, body: pair };
    }
    return { status: 400, body: { error: 'unsupported_grant_type' } };
  }

  /** Revoking a refresh token ends the grant and removes the user's connections (Xero). */
  revoke(
    authorization: string | undefined,
    form: URLSearchParams,
  ): { status: number; body?: { error: string } } {
    if (!this.clientAuthOk(authorization, form)) return { status: 400, body: { error: 'invalid_client' } };
    const rec = this.refresh.get(form.get('token') ?? '');
    if (rec) {
      const grant = this.grants.get(rec.grantId);
      if (grant) grant.revoked = true;
      this.connections.clear();
    }
    // RFC 7009: an unknown token is not an error.
    return { status: 200 };
  }

  checkAccess(authorization: string | undefined, tenantId: string | undefined): AccessCheck {
    const bearer = this.bearerGrant(authorization);
    if (bearer.kind !== 'ok') return bearer;
    if (!tenantId) return { kind: 'forbidden', detail: 'AuthenticationUnsuccessful' };
    for (const c of this.connections.values()) if (c.tenantId === tenantId) return { kind: 'ok' };
    return { kind: 'forbidden', detail: 'AuthenticationUnsuccessful' };
  }

  bearerGrant(authorization: string | undefined): AccessCheck {
    const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    const rec = m ? this.access.get(m[1] as string) : undefined;
    const grant = rec ? this.grants.get(rec.grantId) : undefined;
    if (!rec || !grant || grant.revoked)
      return { kind: 'unauthorized', detail: 'AuthenticationUnsuccessful' };
    if (rec.expiresMs <= this.nowMs()) {
      return {
        kind: 'unauthorized',
        detail: `TokenExpired: token expired at ${new Date(rec.expiresMs).toISOString()}`,
      };
    }
    return { kind: 'ok' };
  }

  listConnections(authEventId?: string | null): ConnectionJson[] {
    return [...this.connections.values()]
      .filter((c) => !authEventId || c.authEventId === authEventId)
      .map((c) => ({
        id: c.id,
        authEventId: c.authEventId,
        tenantId: c.tenantId,
        tenantType: 'ORGANISATION',
        tenantName: this.opts.tenantName(c.tenantId),
        createdDateUtc: isoUtc(c.createdMs),
        updatedDateUtc: isoUtc(c.updatedMs),
      }));
  }

  /** DELETE /connections/{id}: by connection id, not tenant id. */
  deleteConnection(id: string): boolean {
    return this.connections.delete(id);
  }

  private connectAll(tenantIds: string[]): string {
    const authEventId = randomUUID();
    const now = this.nowMs();
    for (const tenantId of tenantIds) {
      const existing = [...this.connections.values()].find((c) => c.tenantId === tenantId);
      if (existing) {
        existing.authEventId = authEventId;
        existing.updatedMs = now;
      } else {
        const id = randomUUID();
        this.connections.set(id, { id, tenantId, authEventId, createdMs: now, updatedMs: now });
      }
    }
    return authEventId;
  }

  private newGrant(scope: string): Grant {
    const grant: Grant = { id: randomUUID(), scope, revoked: false };
    this.grants.set(grant.id, grant);
    return grant;
  }

  private mintPair(grant: Grant): TokenSetJson {
    const refreshToken = randomBytes(32).toString('hex');
    this.refresh.set(refreshToken, {
      grantId: grant.id,
      lastUsedMs: this.nowMs(),
      rotatedAtMs: null,
      successor: null,
    });
    return { ...this.mintAccess(grant), refresh_token: refreshToken };
  }

  /** Access tokens are JWT-shaped like Xero's (signed here with the client secret; only the sandbox reads them). */
  private mintAccess(grant: Grant): Omit<TokenSetJson, 'refresh_token'> {
    const nowSec = Math.floor(this.nowMs() / 1000);
    const ttl = this.opts.accessTokenTtlSec;
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const head = b64({ alg: 'HS256', typ: 'JWT' });
    const body = b64({
      nbf: nowSec,
      exp: nowSec + ttl,
      iss: this.opts.issuer(),
      aud: `${this.opts.issuer()}/resources`,
      client_id: this.opts.clientId,
      sub: grant.id,
      auth_time: nowSec,
      jti: randomUUID(),
      scope: grant.scope.split(' '),
    });
    const sig = createHmac('sha256', this.opts.clientSecret).update(`${head}.${body}`).digest('base64url');
    const token = `${head}.${body}.${sig}`;
    this.access.set(token, { grantId: grant.id, expiresMs: (nowSec + ttl) * 1000 });
    return { access_token: token, expires_in: ttl, token_type: 'Bearer', scope: grant.scope };
  }

  private clientAuthOk(authorization: string | undefined, form: URLSearchParams): boolean {
    const m = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
    let id = form.get('client_id');
    let secret = form.get('client_secret');
    if (m) {
      const decoded = Buffer.from(m[1] as string, 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      id = decodeURIComponent(decoded.slice(0, i));
      secret = decodeURIComponent(decoded.slice(i + 1));
    }
    return id === this.opts.clientId && secret === this.opts.clientSecret;
  }

  private nowMs(): number {
    return this.opts.now().getTime();
  }
}
