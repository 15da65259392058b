import { z } from 'zod';
import type { XeroConfig } from '../../config.js';
import { AppError } from '../../errors.js';
import { normaliseXeroError, type XeroFailure } from './xero-errors.js';

/**
 * Xero's identity endpoints, called with fetch: xero-node hard-codes identity.xero.com and api.xero.com for
 * these, and its XeroClient keeps one static `state` and one token per instance (reference/xero-api.md §9).
 */
export interface XeroTokenSet {
  readonly accessToken: string;
  readonly refreshToken: string;
  /** Absolute expiry of the access token. */
  readonly expiresAt: Date;
  readonly scope: string | null;
  readonly idToken: string | null;
}

export interface XeroConnection {
  readonly id: string;
  readonly tenantId: string;
  readonly tenantName: string;
  readonly tenantType: string;
  readonly authEventId: string | null;
}

export type TokenResult =
  | { readonly kind: 'ok'; readonly tokens: XeroTokenSet }
  /** invalid_grant: the refresh token (or code) is dead; only a new consent helps. */
  | { readonly kind: 'invalid-grant'; readonly description: string }
  | { readonly kind: 'failed'; readonly failure: XeroFailure };

const TokenResponse = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  expires_in: z.coerce.number().positive(),
  scope: z.string().nullish(),
  id_token: z.string().nullish(),
});

const Connections = z.array(
  z.object({
    id: z.string(),
    tenantId: z.string(),
    tenantName: z.string().nullish(),
    tenantType: z.string().nullish(),
    authEventId: z.string().nullish(),
  }),
);

export interface XeroOAuthClient {
  authorizeUrl(state: string): string;
  exchangeCode(code: string, now: Date): Promise<TokenResult>;
  refresh(refreshToken: string, now: Date): Promise<TokenResult>;
  listConnections(accessToken: string): Promise<XeroConnection[]>;
  deleteConnection(accessToken: string, connectionId: string): Promise<void>;
}

export function createXeroOAuthClient(
  config: XeroConfig,
  options: { timeoutMs?: number } = {},
): XeroOAuthClient {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const creds = () => {
    if (!config.credentials) {
      throw new AppError('XERO_NOT_CONFIGURED', 'XERO_CLIENT_ID and XERO_CLIENT_SECRET are not set');
    }
    return config.credentials;
  };

  async function tokenRequest(form: Record<string, string>, now: Date): Promise<TokenResult> {
    const { clientId, clientSecret } = creds();
    let res: Response;
    try {
      res = await fetch(config.tokenUrl, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: new URLSearchParams(form).toString(),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      return { kind: 'failed', failure: normaliseXeroError(err) };
    }
    const text = await res.text().catch(() => '');
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      /* keep text */
    }
    if (res.status === 400 && (body as { error?: string } | null)?.error === 'invalid_grant') {
      const d = (body as { error_description?: string }).error_description;
      return { kind: 'invalid-grant', description: d ?? 'invalid_grant' };
    }
    if (!res.ok) {
      return {
        kind: 'failed',
        failure: normaliseXeroError({
          response: { status: res.status, headers: headersOf(res), data: body },
        }),
      };
    }
    const parsed = TokenResponse.safeParse(body);
    if (!parsed.success) {
      return {
        kind: 'failed',
        failure: normaliseXeroError({
          response: { status: 502, headers: {}, data: 'malformed token response' },
        }),
      };
    }
    const t = parsed.data;
    return {
      kind: 'ok',
      tokens: {
        accessToken: t.access_token,
        refreshToken: t.refresh_token,
        expiresAt: new Date(now.getTime() + t.expires_in * 1000),
        scope: t.scope ?? null,
        idToken: t.id_token ?? null,
      },
    };
  }

  return {
    authorizeUrl(state) {
      const url = new URL(config.authorizeUrl);
      url.searchParams.set('response_type', 'code');
      url.searchParams.set('client_id', creds().clientId);
      url.searchParams.set('redirect_uri', config.redirectUri);
      url.searchParams.set('scope', config.scopes.join(' '));
      url.searchParams.set('state', state);
      return url.toString();
    },
    exchangeCode(code, now) {
      return tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: config.redirectUri }, now);
    },
    refresh(refreshToken, now) {
      return tokenRequest({ grant_type: 'refresh_token', refresh_token: refreshToken }, now);
    },
    async listConnections(accessToken) {
      const res = await fetchOrThrow('list Xero connections', config.connectionsUrl, {
        headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
        signal: AbortSignal.timeout(timeoutMs),
      });
      const parsed = Connections.safeParse(await res.json());
      if (!parsed.success)
        throw new AppError('XERO_CONNECTIONS_MALFORMED', 'Xero returned an unreadable connections list');
      return parsed.data.map((c) => ({
        id: c.id,
        tenantId: c.tenantId,
        tenantName: c.tenantName ?? c.tenantId,
        tenantType: c.tenantType ?? 'ORGANISATION',
        authEventId: c.authEventId ?? null,
      }));
    },
    async deleteConnection(accessToken, connectionId) {
      await fetchOrThrow(
        'disconnect Xero organisation',
        `${config.connectionsUrl}/${encodeURIComponent(connectionId)}`,
        {
          method: 'DELETE',
          headers: { authorization: `Bearer ${accessToken}` },
          signal: AbortSignal.timeout(timeoutMs),
        },
        [404],
      );
    },
  };
}

function headersOf(res: Response): Record<string, string> {
  const h: Record<string, string> = {};
  res.headers.forEach((v, k) => {
    h[k.toLowerCase()] = v;
  });
  return h;
}

async function fetchOrThrow(
  what: string,
  url: string,
  init: RequestInit,
  okStatuses: number[] = [],
): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, init);
  } catch (err) {
    const f = normaliseXeroError(err);
    throw new AppError('XERO_IDENTITY_FAILED', `${what}: ${f.message}`, { cause: err });
  }
  if (!res.ok && !okStatuses.includes(res.status)) {
    const f = normaliseXeroError({
      response: { status: res.status, headers: headersOf(res), data: await res.text().catch(() => '') },
    });
    throw new AppError(
      f.kind === 'unauthorized' ? 'XERO_UNAUTHORIZED' : 'XERO_IDENTITY_FAILED',
      `${what}: ${f.message}`,
    );
  }
  return res;
}
