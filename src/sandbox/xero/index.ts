import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateDemoOrg } from './demo-org.js';
import { FaultInjector } from './faults.js';
import { loadIbmOrg } from './ibm-org.js';
import {
  ACCESS_TOKEN_TTL_DEFAULT_SEC,
  type ConnectionJson,
  IdentityService,
  type TokenSetJson,
} from './identity.js';
import { RateLimiter, XERO_RATE_LIMITS } from './rate-limits.js';
import { createHandler, type RecordedCall } from './server.js';
import { SandboxStore } from './store.js';
import { buildWebhookPayload, postWebhook, type WebhookEventInput } from './webhooks.js';

/**
 * The Xero sandbox: a real HTTP server on 127.0.0.1 speaking the subset of Xero's Accounting and identity APIs
 * the product uses, so the real xero-node client runs end to end in tests, the demo and benchmarks.
 */

export type { Fault, FaultRule } from './faults.js';
export { FaultInjector } from './faults.js';
export type { ConnectionJson, TokenSetJson } from './identity.js';
export type * from './model.js';
export type { RecordedCall } from './server.js';
export type {
  ContactBalance,
  Money,
  NewContact,
  NewCredit,
  NewInvoice,
  NewPayment,
  ResourceName,
} from './store.js';
export { dueDateFor, SandboxStore } from './store.js';
export type { WebhookEventInput, WebhookPayload } from './webhooks.js';
export { signWebhookBody } from './webhooks.js';

export interface XeroSandboxOptions {
  port?: number;
  organisations?: SandboxOrgSpec[];
  clientId?: string;
  clientSecret?: string;
  webhookKey?: string;
  /** The sandbox clock: UpdatedDateUTC stamps, token expiry, "today" for generated data. */
  now?: () => Date;
  accessTokenTtlSec?: number;
  /** Per tenant, Xero's 60/min, 5 concurrent, 5000/day by default; false turns limits off. */
  rateLimits?: false | { perMinute?: number; concurrent?: number; perDay?: number };
  consent?: 'approve' | 'deny';
}

export type SandboxOrgSpec =
  | {
      kind: 'demo';
      name?: string;
      seed?: number;
      contacts?: number;
      invoices?: number;
      /** YYYY-MM-DD, default today (from `now`). */
      asOf?: string;
      months?: number;
      baseCurrency?: string;
      /** Windows zone name, e.g. 'New Zealand Standard Time'. */
      timezone?: string;
      isDemoCompany?: boolean;
    }
  | { kind: 'ibm'; csvPath: string; name?: string }
  | { kind: 'empty'; name?: string; baseCurrency?: string; timezone?: string };

export interface IssuedTokens {
  tokenSet: TokenSetJson & { expires_at: number };
  authEventId: string;
  connections: ConnectionJson[];
}

export interface XeroSandbox {
  readonly url: string;
  readonly apiBasePath: string;
  readonly authorizeUrl: string;
  readonly tokenUrl: string;
  readonly connectionsUrl: string;
  readonly revocationUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly webhookKey: string;
  readonly tenants: readonly { tenantId: string; name: string }[];
  readonly store: SandboxStore;
  readonly faults: FaultInjector;
  readonly calls: readonly RecordedCall[];
  /**
   * The recorded calls counted per endpoint, ids replaced by `{id}`: e.g. `PUT /ContactGroups/{id}/Contacts`
   * or `DELETE /ContactGroups/{id}/Contacts/{id}` (paths relative to the Accounting API).
   */
  callsByEndpoint(filter?: (c: RecordedCall) => boolean): Record<string, number>;
  clearCalls(): void;
  /** Consent answer of the authorize endpoint from now on. */
  setConsent(consent: 'approve' | 'deny'): void;
  sendWebhooks(
    targetUrl: string,
    events: WebhookEventInput[],
    opts?: { signature?: 'valid' | 'forged' },
  ): Promise<Response>;
  /**
   * The INVOICE, CONTACT and CREDITNOTE events Xero would have raised for changes after `since` (CREATE when the
   * record was created after it, else UPDATE), ready for sendWebhooks. PAYMENT events only with `payments`: Xero
   * added them in 2026 and not every app is subscribed.
   */
  webhookEventsSince(since: Date, tenantIds?: string[], opts?: { payments?: boolean }): WebhookEventInput[];
  /** Xero's Intent to Receive: a series of empty, signed POSTs, some correctly and some wrongly. */
  intentToReceive(targetUrl: string): Promise<{ signature: 'valid' | 'forged'; status: number }[]>;
  /** Consent without a browser: a token set and the connections it made (default: every tenant). */
  issueTokens(opts?: { tenantIds?: string[]; scope?: string }): IssuedTokens;
  close(): Promise<void>;
}

export const SANDBOX_DEFAULTS = {
  clientId: 'SANDBOXCLIENTID0000000000000000A',
  clientSecret: 'sandbox-client-secret-not-for-production-use-0000',
  webhookKey: 'sandbox-webhook-key-not-for-production-use-000000000000000000000000',
} as const;

/** The series Xero sends to confirm a webhook URL (reference/xero-api.md §10). */
const INTENT_SERIES: ('valid' | 'forged')[] = ['valid', 'forged', 'forged', 'valid', 'forged'];

export async function startXeroSandbox(options: XeroSandboxOptions = {}): Promise<XeroSandbox> {
  const clock = options.now ?? (() => new Date());
  const store = new SandboxStore(clock);
  const tenants: { tenantId: string; name: string }[] = [];
  for (const spec of options.organisations ?? [{ kind: 'demo' as const }]) {
    let tenantId: string;
    if (spec.kind === 'demo') {
      const { kind: _kind, ...demo } = spec;
      tenantId = generateDemoOrg(store, demo);
    } else if (spec.kind === 'ibm') {
      tenantId = loadIbmOrg(store, { csvPath: spec.csvPath, name: spec.name });
    } else {
      tenantId = store.addOrganisation({
        name: spec.name ?? 'Empty Organisation',
        baseCurrency: spec.baseCurrency,
        timezone: spec.timezone,
      }).tenantId;
    }
    tenants.push({ tenantId, name: store.org(tenantId).name });
  }

  const clientId = options.clientId ?? SANDBOX_DEFAULTS.clientId;
  const clientSecret = options.clientSecret ?? SANDBOX_DEFAULTS.clientSecret;
  const webhookKey = options.webhookKey ?? SANDBOX_DEFAULTS.webhookKey;
  let consent = options.consent ?? 'approve';
  let baseUrl = '';
  const identity = new IdentityService({
    clientId,
    clientSecret,
    accessTokenTtlSec: options.accessTokenTtlSec ?? ACCESS_TOKEN_TTL_DEFAULT_SEC,
    now: () => store.now(),
    issuer: () => baseUrl,
    tenantName: (id) => (store.hasTenant(id) ? store.org(id).name : ''),
    tenantIds: () => store.tenantIds(),
  });
  const limits = options.rateLimits === false ? null : { ...XERO_RATE_LIMITS, ...(options.rateLimits ?? {}) };
  const limiter = new RateLimiter(limits);
  const faults = new FaultInjector();
  const calls: RecordedCall[] = [];
  const handler = createHandler({
    store,
    identity,
    limiter,
    faults,
    consent: () => consent,
    baseUrl: () => baseUrl,
    calls,
  });
  const server = createServer((req, res) => {
    void handler(req, res);
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://127.0.0.1:${port}`;
  const apiBasePath = `${baseUrl}/api.xro/2.0`;
  let sequence = 1;

  return {
    url: baseUrl,
    apiBasePath,
    authorizeUrl: `${baseUrl}/identity/connect/authorize`,
    tokenUrl: `${baseUrl}/connect/token`,
    connectionsUrl: `${baseUrl}/connections`,
    revocationUrl: `${baseUrl}/connect/revocation`,
    clientId,
    clientSecret,
    webhookKey,
    tenants,
    store,
    faults,
    calls,
    callsByEndpoint: (filter = () => true) => {
      const out: Record<string, number> = {};
      for (const c of calls) {
        if (!filter(c)) continue;
        const path = c.path
          .replace(/^\/api\.xro\/2\.0/, '')
          .replace(/\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?=\/|$)/gi, '/{id}');
        const key = `${c.method} ${path}`;
        out[key] = (out[key] ?? 0) + 1;
      }
      return out;
    },
    clearCalls: () => {
      calls.length = 0;
    },
    setConsent: (c) => {
      consent = c;
    },
    async sendWebhooks(targetUrl, events, opts = {}) {
      const payload = buildWebhookPayload(apiBasePath, events, sequence, store.now(), (id) => {
        try {
          const credit = store.credit(id);
          return { Type: credit.type, Status: credit.status };
        } catch {
          return null;
        }
      });
      sequence += events.length;
      return postWebhook(targetUrl, payload, webhookKey, opts.signature ?? 'valid');
    },
    webhookEventsSince(since, tenantIds = store.tenantIds(), opts = {}) {
      const events: WebhookEventInput[] = [];
      const sinceMs = since.getTime();
      for (const tenantId of tenantIds) {
        const collect = (
          category: WebhookEventInput['category'],
          records: readonly { id: string; updatedMs: number; createdMs: number }[],
        ) => {
          for (const r of records) {
            if (r.updatedMs <= sinceMs) continue;
            const type = r.createdMs > sinceMs ? 'CREATE' : 'UPDATE';
            events.push({ category, type, resourceId: r.id, tenantId, eventDate: new Date(r.updatedMs) });
          }
        };
        collect('CONTACT', store.sorted(tenantId, 'Contacts'));
        collect('INVOICE', store.sorted(tenantId, 'Invoices'));
        collect('CREDITNOTE', store.sorted(tenantId, 'CreditNotes'));
        if (opts.payments) collect('PAYMENT', store.sorted(tenantId, 'Payments'));
      }
      return events.sort((a, b) => (a.eventDate as Date).getTime() - (b.eventDate as Date).getTime());
    },
    async intentToReceive(targetUrl) {
      const results: { signature: 'valid' | 'forged'; status: number }[] = [];
      for (const signature of INTENT_SERIES) {
        const res = await postWebhook(
          targetUrl,
          buildWebhookPayload(apiBasePath, [], 0, store.now()),
          webhookKey,
          signature,
        );
        await res.arrayBuffer();
        results.push({ signature, status: res.status });
      }
      return results;
    },
    issueTokens: (opts = {}) => identity.issueTokens(opts.tenantIds, opts.scope),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
