// Over 300 lines: the sandbox's HTTP surface for the Xero API subset we use, with its OAuth and fault hooks.
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultInjector } from './faults.js';
import type { IdentityService } from './identity.js';
import type { ContactRec, CreditKind, HistoryKind, InvoiceRec } from './model.js';
import { filterKey, type ListQuery, pageOf, parseListQuery, QueryError, runQuery } from './query.js';
import type { RateLimiter } from './rate-limits.js';
import {
  contactGroupJson,
  contactJson,
  creditJson,
  historyJson,
  invoiceJson,
  organisationJson,
  paymentJson,
} from './serialize.js';
import type { ResourceName, SandboxStore } from './store.js';
import { centsToDecimal, msDateTime } from './wire-format.js';

export interface RecordedCall {
  method: string;
  path: string;
  query: Record<string, string>;
  tenantId: string | null;
  status: number;
  at: Date;
  /** The Idempotency-Key header the request carried, if any. */
  idempotencyKey: string | null;
  /** Answered from the idempotency store: a repeat of an earlier write with the same key, which changed nothing. */
  replayed: boolean;
}

export interface ServerDeps {
  store: SandboxStore;
  identity: IdentityService;
  limiter: RateLimiter;
  faults: FaultInjector;
  consent: () => 'approve' | 'deny';
  baseUrl: () => string;
  calls: RecordedCall[];
}

interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string as-is; undefined as an empty body. */
  body?: unknown;
  contentType?: string;
}

type Json = Record<string, unknown>;

const API_PREFIX = '/api.xro/2.0';
const HISTORY_DETAILS_MAX = 2500;
const PAGING_THRESHOLD = 100_000;
const RESOURCE_KEYS: Record<ResourceName, string> = {
  Invoices: 'Invoices',
  Contacts: 'Contacts',
  Payments: 'Payments',
  CreditNotes: 'CreditNotes',
  Overpayments: 'Overpayments',
  Prepayments: 'Prepayments',
};
const CREDIT_KIND: Partial<Record<ResourceName, CreditKind>> = {
  CreditNotes: 'creditnote',
  Overpayments: 'overpayment',
  Prepayments: 'prepayment',
};

function validationError(message: string, element: Json = {}): Reply {
  return {
    status: 400,
    body: {
      ErrorNumber: 10,
      Type: 'ValidationException',
      Message: 'A validation exception occurred',
      Elements: [{ ...element, ValidationErrors: [{ Message: message }] }],
    },
  };
}

function queryError(message: string): Reply {
  return { status: 400, body: { ErrorNumber: 16, Type: 'QueryParseException', Message: message } };
}

function notFound(): Reply {
  return { status: 404, body: "The resource you're looking for cannot be found", contentType: 'text/plain' };
}

function problem(status: 401 | 403, detail: string, instance: string): Reply {
  return {
    status,
    body: {
      Type: null,
      Title: status === 401 ? 'Unauthorized' : 'Forbidden',
      Status: status,
      Detail: detail,
      Instance: instance,
      Extensions: {},
    },
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The request handler: identity routes, then the Accounting API behind auth, rate limits and idempotency. */
export function createHandler(deps: ServerDeps) {
  const { store, identity, limiter, faults } = deps;
  const idempotent = new Map<string, Reply>();
  const listCache = new Map<string, { version: number; items: unknown[] }>();

  function envelope(extra: Json): Json {
    return {
      Id: randomUUID(),
      Status: 'OK',
      ProviderName: 'AR Copilot Xero sandbox',
      DateTimeUTC: msDateTime(store.now().getTime()),
      ...extra,
    };
  }

  function onlineInvoiceToken(invoiceId: string): string {
    return createHash('sha256').update(`online:${invoiceId}`).digest('base64url').slice(0, 32);
  }

  function list(
    tenantId: string,
    resource: ResourceName,
    params: URLSearchParams,
    ims: string | undefined,
  ): Reply {
    let q: ListQuery;
    try {
      q = parseListQuery(resource, params, ims);
    } catch (err) {
      if (err instanceof QueryError) return queryError(err.message);
      throw err;
    }
    const key = `${tenantId}|${filterKey(resource, params, ims)}`;
    const version = store.version(tenantId);
    let items = listCache.get(key);
    if (!items || items.version !== version) {
      items = { version, items: runQuery(resource, store.sorted(tenantId, resource), q) };
      // Keep only results of the current data: a paging client asks for the same filter page after page.
      for (const [k, v] of listCache)
        if (v.version !== version && k.startsWith(`${tenantId}|`)) listCache.delete(k);
      listCache.set(key, items);
      if (listCache.size > 16) listCache.delete(listCache.keys().next().value as string);
    }
    const summaryOnly = params.get('summaryOnly') === 'true';
    // Statuses and summaryOnly force paging (reference/xero-api.md §1); otherwise no `page` means everything.
    const paged = params.has('page') || params.has('Statuses') || summaryOnly || params.has('pageSize');
    if (!paged && resource === 'Invoices' && items.items.length > PAGING_THRESHOLD) {
      return validationError('Your request is not filtering Invoices efficiently. Please use paging.');
    }
    const { page, pageSize } = pageOf(params);
    const slice = paged ? items.items.slice((page - 1) * pageSize, page * pageSize) : items.items;
    const rows = slice.map((r) => {
      switch (resource) {
        case 'Contacts':
          return contactJson(store, r as ContactRec, { summaryOnly });
        case 'Invoices': {
          const json = invoiceJson(r as InvoiceRec, { summaryOnly });
          // Unpaged lists carry no line items (reference/xero-api.md §1).
          if (!paged) delete json.LineItems;
          return json;
        }
        case 'Payments':
          return paymentJson(r as Parameters<typeof paymentJson>[0]);
        default:
          return creditJson(r as Parameters<typeof creditJson>[0]);
      }
    });
    const body: Json = envelope({});
    if (paged) {
      const itemCount = items.items.length;
      body.pagination = { page, pageSize, pageCount: Math.ceil(itemCount / pageSize), itemCount };
    }
    body[RESOURCE_KEYS[resource]] = rows;
    return { status: 200, body };
  }

  function getOne(tenantId: string, resource: ResourceName, id: string): Reply {
    const org = store.org(tenantId);
    const lower = id.toLowerCase();
    let json: Json | null = null;
    if (resource === 'Invoices') {
      const inv = org.invoices.get(lower) ?? [...org.invoices.values()].find((i) => i.number === id);
      if (inv) json = invoiceJson(inv);
    } else if (resource === 'Contacts') {
      const c = org.contacts.get(lower);
      if (c) json = contactJson(store, c);
    } else if (resource === 'Payments') {
      const p = org.payments.get(lower);
      if (p) json = paymentJson(p);
    } else {
      const cr = org.credits.get(lower);
      if (cr && cr.kind === CREDIT_KIND[resource]) json = creditJson(cr);
    }
    if (!json) return notFound();
    return { status: 200, body: envelope({ [RESOURCE_KEYS[resource]]: [json] }) };
  }

  function historyTarget(tenantId: string, kind: HistoryKind, id: string): boolean {
    const org = store.org(tenantId);
    if (kind === 'Invoices') return org.invoices.has(id);
    if (kind === 'Contacts') return org.contacts.has(id);
    return org.credits.get(id)?.kind === 'creditnote';
  }

  function putHistory(tenantId: string, kind: HistoryKind, id: string, raw: string): Reply {
    if (!historyTarget(tenantId, kind, id)) return notFound();
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return validationError('The request body could not be parsed as JSON.');
    }
    const records = (parsed as { HistoryRecords?: unknown })?.HistoryRecords;
    if (!Array.isArray(records) || records.length === 0)
      return validationError('HistoryRecords are required.');
    for (const r of records) {
      const details = (r as { Details?: unknown })?.Details;
      if (typeof details !== 'string' || details.trim() === '') {
        return validationError('The Details field is required.');
      }
      if (details.length > HISTORY_DETAILS_MAX) {
        return validationError(`The Details must not be more than ${HISTORY_DETAILS_MAX} characters long.`);
      }
    }
    const created = records.map((r) => store.addHistoryNote(kind, id, (r as { Details: string }).Details));
    return { status: 200, body: envelope({ HistoryRecords: created.map(historyJson) }) };
  }

  function emailInvoice(tenantId: string, id: string, idempotencyKey: string | null): Reply {
    const org = store.org(tenantId);
    const inv = org.invoices.get(id);
    if (!inv) return notFound();
    const element = { InvoiceID: inv.id };
    if (inv.type !== 'ACCREC') return validationError('Only sales invoices can be emailed.', element);
    if (!['SUBMITTED', 'AUTHORISED', 'PAID'].includes(inv.status)) {
      return validationError('Invoice must be SUBMITTED, AUTHORISED or PAID to be emailed.', element);
    }
    const c = inv.contact;
    if (!c.email && !c.persons.some((p) => p.includeInEmails && p.email)) {
      return validationError('The contact does not have an email address.', element);
    }
    if (store.emailsSentToday(tenantId) >= org.emailDailyLimit) {
      // Xero answers a breached email limit with 400, not 429.
      return validationError(
        `The organisation has reached its daily limit of ${org.emailDailyLimit} emails.`,
        element,
      );
    }
    store.recordInvoiceEmail(inv.id, idempotencyKey);
    return { status: 204 };
  }

  function onlineInvoice(tenantId: string, id: string): Reply {
    const inv = store.org(tenantId).invoices.get(id);
    if (!inv) return notFound();
    if (inv.type !== 'ACCREC' || inv.status === 'DRAFT' || inv.status === 'DELETED') {
      return validationError('An online invoice is not available for this invoice.', { InvoiceID: inv.id });
    }
    return {
      status: 200,
      body: envelope({
        OnlineInvoices: [{ OnlineInvoiceUrl: `${deps.baseUrl()}/in/${onlineInvoiceToken(inv.id)}` }],
      }),
    };
  }

  /** PUT /ContactGroups, POST /ContactGroups/{id}, PUT|DELETE /ContactGroups/{id}/Contacts[/{ContactID}]. */
  function writeContactGroups(tenantId: string, method: string, parts: string[], raw: string): Reply {
    const org = store.org(tenantId);
    const [, rawId, sub, contactId] = parts;
    let body: Record<string, unknown> = {};
    if (raw.trim() !== '') {
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        return validationError('The request body could not be parsed as JSON.');
      }
    }
    const items = (key: string) => (Array.isArray(body[key]) ? (body[key] as Record<string, unknown>[]) : []);
    const activeNames = () =>
      new Set([...org.groups.values()].filter((g) => g.status === 'ACTIVE').map((g) => g.name));
    if (!rawId && method === 'PUT') {
      const wanted = items('ContactGroups');
      if (wanted.length === 0) return validationError('ContactGroups are required.');
      const created = [];
      for (const g of wanted) {
        const name = typeof g.Name === 'string' ? g.Name.trim() : '';
        if (!name) return validationError('A Contact Group must have a Name.');
        if (activeNames().has(name))
          return validationError(`A Contact Group with the name "${name}" already exists.`);
        created.push(store.addContactGroup(tenantId, name));
      }
      return {
        status: 200,
        body: envelope({ ContactGroups: created.map((g) => contactGroupJson(store, tenantId, g, false)) }),
      };
    }
    const group = rawId ? org.groups.get(rawId.toLowerCase()) : undefined;
    if (!group) return notFound();
    if (!sub && method === 'POST') {
      const patch = items('ContactGroups')[0] ?? {};
      const name = typeof patch.Name === 'string' ? patch.Name.trim() : undefined;
      if (name && name !== group.name && activeNames().has(name)) {
        return validationError(`A Contact Group with the name "${name}" already exists.`);
      }
      store.updateContactGroup(tenantId, group.id, {
        name,
        status: patch.Status === 'DELETED' ? 'DELETED' : undefined,
      });
      return {
        status: 200,
        body: envelope({ ContactGroups: [contactGroupJson(store, tenantId, group, false)] }),
      };
    }
    if (sub !== 'Contacts' || group.status !== 'ACTIVE') return notFound();
    if (method === 'PUT' && !contactId) {
      const ids = items('Contacts').map((c) => String(c.ContactID ?? '').toLowerCase());
      if (ids.some((id) => !org.contacts.has(id)))
        return validationError('One or more contacts could not be found.');
      for (const id of ids) store.addToGroup(id, group.id);
      return { status: 200, body: envelope({ Contacts: ids.map((id) => ({ ContactID: id })) }) };
    }
    if (method === 'DELETE') {
      const targets = contactId ? [contactId.toLowerCase()] : [...org.contacts.keys()];
      if (contactId && !org.contacts.has(targets[0] as string)) return notFound();
      for (const id of targets) store.removeFromGroup(id, group.id);
      return { status: 204 };
    }
    return notFound();
  }

  function routeApi(
    tenantId: string,
    method: string,
    parts: string[],
    url: URL,
    req: IncomingMessage,
    raw: string,
    idempotencyKey: string | null,
  ): Reply {
    const ims = req.headers['if-modified-since'] as string | undefined;
    const [head, id, sub, sub2] = parts;
    const resource = head as ResourceName;
    const isResource = head !== undefined && head in RESOURCE_KEYS;
    if (method === 'GET' && head === 'Organisation' && parts.length === 1) {
      return { status: 200, body: envelope({ Organisations: [organisationJson(store.org(tenantId))] }) };
    }
    if (method === 'GET' && head === 'InvoiceReminders' && id === 'Settings' && parts.length === 2) {
      return {
        status: 200,
        body: envelope({ InvoiceReminders: [{ Enabled: store.org(tenantId).invoiceRemindersEnabled }] }),
      };
    }
    if (head === 'ContactGroups' && method !== 'GET') return writeContactGroups(tenantId, method, parts, raw);
    if (method === 'GET' && head === 'ContactGroups' && parts.length <= 2) {
      const org = store.org(tenantId);
      if (id) {
        const g = org.groups.get(id.toLowerCase());
        if (!g) return notFound();
        return {
          status: 200,
          body: envelope({ ContactGroups: [contactGroupJson(store, tenantId, g, true)] }),
        };
      }
      const groups = [...org.groups.values()].filter((g) => g.status === 'ACTIVE');
      return {
        status: 200,
        body: envelope({ ContactGroups: groups.map((g) => contactGroupJson(store, tenantId, g, false)) }),
      };
    }
    if (!isResource) return notFound();
    if (method === 'GET' && parts.length === 1) return list(tenantId, resource, url.searchParams, ims);
    if (!id) return notFound();
    const lowerId = id.toLowerCase();
    if (method === 'GET' && parts.length === 2) return getOne(tenantId, resource, id);
    const historyKinds: ResourceName[] = ['Invoices', 'Contacts', 'CreditNotes'];
    if (sub === 'History' && parts.length === 3 && historyKinds.includes(resource)) {
      const kind = resource as HistoryKind;
      if (method === 'GET') {
        if (!historyTarget(tenantId, kind, lowerId)) return notFound();
        return {
          status: 200,
          body: envelope({ HistoryRecords: store.getHistory(kind, lowerId).map(historyJson) }),
        };
      }
      if (method === 'PUT' || method === 'POST') return putHistory(tenantId, kind, lowerId, raw);
    }
    if (resource === 'Invoices' && sub === 'Email' && !sub2 && method === 'POST')
      return emailInvoice(tenantId, lowerId, idempotencyKey);
    if (resource === 'Invoices' && sub === 'OnlineInvoice' && !sub2 && method === 'GET') {
      return onlineInvoice(tenantId, lowerId);
    }
    return notFound();
  }

  async function handleApi(
    req: IncomingMessage,
    url: URL,
    method: string,
    fault: { delayMs: number },
    call: RecordedCall,
  ): Promise<Reply> {
    const tenantId = (req.headers['xero-tenant-id'] as string | undefined)?.toLowerCase();
    const access = identity.checkAccess(req.headers.authorization, tenantId);
    if (access.kind === 'unauthorized') return problem(401, access.detail, randomUUID());
    if (access.kind === 'forbidden' || !tenantId || !store.hasTenant(tenantId)) {
      return problem(403, 'AuthenticationUnsuccessful', randomUUID());
    }
    const admission = limiter.admit(tenantId);
    if (!admission.ok) {
      // Xero's 429: Retry-After and X-Rate-Limit-Problem, and an empty body.
      return {
        status: 429,
        headers: {
          ...admission.headers,
          'Retry-After': String(admission.retryAfterSec),
          'X-Rate-Limit-Problem': admission.problem,
        },
      };
    }
    try {
      // The whole request is in before a slow answer: a client that gives up waiting has still been heard (Xero
      // acts on a request whose answer never reaches the caller), which is what retries with a key are for.
      const raw = method === 'GET' ? '' : await readBody(req);
      if (fault.delayMs > 0) await sleep(fault.delayMs);
      const parts = url.pathname.slice(API_PREFIX.length).split('/').filter(Boolean).map(decodeURIComponent);
      const key = req.headers['idempotency-key'] as string | undefined;
      const write = method !== 'GET' && method !== 'HEAD';
      const idemKey = key && write ? `${tenantId}|${key}` : null;
      const prior = idemKey ? idempotent.get(idemKey) : undefined;
      // A repeated Idempotency-Key on a write returns the first response and changes nothing.
      const reply = prior ?? routeApi(tenantId, method, parts, url, req, raw, key && write ? key : null);
      if (idemKey && !prior && reply.status < 500) idempotent.set(idemKey, reply);
      call.replayed = prior !== undefined;
      return { ...reply, headers: { ...(reply.headers ?? {}), ...admission.headers } };
    } finally {
      admission.release();
    }
  }

  async function handleIdentity(req: IncomingMessage, url: URL, method: string): Promise<Reply | null> {
    const path = url.pathname;
    if (method === 'GET' && path === '/identity/connect/authorize') {
      const p = url.searchParams;
      const redirectUri = p.get('redirect_uri');
      if (p.get('client_id') !== identity.clientId || !redirectUri) {
        return { status: 400, body: { error: 'unauthorized_client' } };
      }
      const target = new URL(redirectUri);
      const state = p.get('state');
      if (p.get('response_type') !== 'code') target.searchParams.set('error', 'unsupported_response_type');
      else if (!p.get('scope')) target.searchParams.set('error', 'invalid_scope');
      else if (deps.consent() === 'deny') target.searchParams.set('error', 'access_denied');
      else {
        target.searchParams.set('code', identity.approveConsent(redirectUri, p.get('scope') as string));
        target.searchParams.set('scope', p.get('scope') as string);
      }
      if (state !== null) target.searchParams.set('state', state);
      return { status: 302, headers: { Location: target.toString() } };
    }
    if (method === 'POST' && path === '/connect/token') {
      const form = new URLSearchParams(await readBody(req));
      const result = identity.token(req.headers.authorization, form);
      return { status: result.status, body: result.body, headers: { 'Cache-Control': 'no-store' } };
    }
    if (method === 'POST' && path === '/connect/revocation') {
      const form = new URLSearchParams(await readBody(req));
      const result = identity.revoke(req.headers.authorization, form);
      return { status: result.status, body: result.body };
    }
    if (path === '/connections' && method === 'GET') {
      const check = identity.bearerGrant(req.headers.authorization);
      if (check.kind !== 'ok') return problem(401, check.detail, randomUUID());
      return { status: 200, body: identity.listConnections(url.searchParams.get('authEventId')) };
    }
    const del = /^\/connections\/([^/]+)$/.exec(path);
    if (del && method === 'DELETE') {
      const check = identity.bearerGrant(req.headers.authorization);
      if (check.kind !== 'ok') return problem(401, check.detail, randomUUID());
      return identity.deleteConnection(decodeURIComponent(del[1] as string)) ? { status: 204 } : notFound();
    }
    const online = /^\/in\/([A-Za-z0-9_-]+)$/.exec(path);
    if (online && method === 'GET') {
      for (const tenantId of store.tenantIds()) {
        for (const inv of store.org(tenantId).invoices.values()) {
          if (onlineInvoiceToken(inv.id) !== online[1]) continue;
          const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
          return {
            status: 200,
            contentType: 'text/html; charset=utf-8',
            body: `<!doctype html><title>${esc(inv.number)}</title><h1>${esc(store.org(tenantId).name)}</h1><p>Invoice ${esc(inv.number)} to ${esc(inv.contact.name)}</p><p>Due ${inv.dueDate}: ${inv.currency} ${centsToDecimal(inv.amountDueCents)}</p>`,
          };
        }
      }
      return notFound();
    }
    return null;
  }

  function send(res: ServerResponse, reply: Reply): void {
    const headers: Record<string, string> = { ...(reply.headers ?? {}) };
    let payload: string | undefined;
    if (reply.body !== undefined) {
      if (typeof reply.body === 'string') {
        payload = reply.body;
        headers['Content-Type'] = reply.contentType ?? 'text/plain; charset=utf-8';
      } else {
        payload = JSON.stringify(reply.body);
        headers['Content-Type'] = 'application/json; charset=utf-8';
      }
      headers['Content-Length'] = String(Buffer.byteLength(payload));
    } else {
      headers['Content-Length'] = '0';
    }
    res.writeHead(reply.status, headers);
    res.end(payload);
  }

  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://sandbox.local');
    const call: RecordedCall = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      tenantId: (req.headers['xero-tenant-id'] as string | undefined) ?? null,
      status: 0,
      at: store.now(),
      idempotencyKey: (req.headers['idempotency-key'] as string | undefined) ?? null,
      replayed: false,
    };
    deps.calls.push(call);
    try {
      const fault = faults.take(method, url.pathname);
      if (fault?.kind === 'reset') {
        call.status = 0;
        req.socket.destroy();
        return;
      }
      if (fault?.kind === 'malformed') {
        call.status = 200;
        res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' });
        res.end('{"Id":"4f6c2b5e","Status":"OK","Invoices":[{"InvoiceID":"');
        return;
      }
      if (fault?.kind === 'status') {
        const headers: Record<string, string> = {};
        let body: unknown;
        if (fault.status === 429) {
          headers['Retry-After'] = String(fault.retryAfterSec ?? 1);
          headers['X-Rate-Limit-Problem'] = 'minute';
          headers['X-MinLimit-Remaining'] = '0';
        } else if (fault.retryAfterSec !== undefined) {
          headers['Retry-After'] = String(fault.retryAfterSec);
        }
        if (fault.status >= 500)
          body = { Title: 'An error occurred', Detail: 'Injected fault', Status: fault.status };
        call.status = fault.status;
        send(res, { status: fault.status, headers, body });
        return;
      }
      const delayMs = fault?.kind === 'delay' ? fault.ms : 0;
      let reply: Reply | null;
      if (url.pathname === API_PREFIX || url.pathname.startsWith(`${API_PREFIX}/`)) {
        reply = await handleApi(req, url, method, { delayMs }, call);
      } else {
        if (delayMs > 0) await sleep(delayMs);
        reply = (await handleIdentity(req, url, method)) ?? notFound();
      }
      call.status = reply.status;
      send(res, reply);
    } catch (err) {
      call.status = 500;
      console.error('xero sandbox: unexpected error', err);
      if (!res.headersSent) send(res, { status: 500, body: { Title: 'An error occurred', Status: 500 } });
      else res.end();
    }
  };
}
