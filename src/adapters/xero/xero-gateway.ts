// Over 300 lines: every Xero call goes through this one gateway: budget, rate limits, retries, tokens and call logging.
import { AccountingApi } from 'xero-node';
import { type BackoffPolicy, backoffDelayMs } from '../../domain/retry-backoff.js';
import type { XeroCallPurpose } from '../../domain/xero-call-budget.js';
import { AppError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { sleepUnlessAborted } from './abortable-wait.js';
import type { AccessTokenResult } from './token-store.js';
import type { XeroCallGate } from './xero-call-gate.js';
import { isRetryable, normaliseXeroError, XeroCallError, type XeroFailure } from './xero-errors.js';
import {
  mapContact,
  mapCredit,
  mapInvoice,
  mapInvoiceRemindersEnabled,
  mapOrganisation,
  mapPayment,
  toTimestamp,
} from './xero-mappers.js';
import type {
  ContactRecord,
  CreditRecord,
  CreditRecordKind,
  InvoiceRecord,
  OrganisationRecord,
  PaymentRecord,
} from './xero-records.js';

/** Xero's largest page (reference/xero-api.md §1): fewer calls for the same data. */
export const XERO_PAGE_SIZE = 1000;
/** IDs per request: Xero advises about 40 (the URL length is the real limit). */
export const XERO_IDS_PER_REQUEST = 40;

export interface XeroPage<T> {
  readonly items: T[];
  readonly page: number;
  /** Rows Xero returned before we dropped the AP side: a full page means there may be another. */
  readonly returned: number;
  readonly pageCount: number | null;
  /** Highest UpdatedDateUTC on the page (all rows, AP included): the cursor may move up to it. */
  readonly maxUpdatedAt: Date | null;
}

export interface ListQuery {
  readonly page: number;
  readonly modifiedSince?: Date | null;
}

export interface InvoiceQuery extends ListQuery {
  readonly statuses?: readonly string[];
  readonly ids?: readonly string[];
  readonly summaryOnly?: boolean;
}

/** One organisation's view of the Accounting API. Not shared across tenants: it holds that tenant's token. */
export interface XeroTenantApi {
  readonly tenantId: string;
  /** HTTP requests made through this object (retries included). */
  readonly calls: number;
  organisation(): Promise<OrganisationRecord>;
  invoiceRemindersEnabled(): Promise<boolean | null>;
  contacts(q: ListQuery & { ids?: readonly string[] }): Promise<XeroPage<ContactRecord>>;
  /**
   * `summaryOnly`: Xero's lightweight pages, without Payments and LineItems (each invoice's `payments` is
   * null). Little over half the bytes, for a caller that reads the payments from /Payments in the same run.
   */
  invoices(q: InvoiceQuery): Promise<XeroPage<InvoiceRecord>>;
  credits(kind: CreditRecordKind, q: ListQuery & { status?: string }): Promise<XeroPage<CreditRecord>>;
  creditNote(id: string): Promise<CreditRecord | null>;
  /** One credit by id, of any kind; null when Xero no longer has it (or it is not a customer credit). */
  credit(kind: CreditRecordKind, id: string): Promise<CreditRecord | null>;
  payments(q: ListQuery): Promise<XeroPage<PaymentRecord>>;
  /** One payment by id (a PAYMENT webhook); null when Xero no longer has it. */
  payment(id: string): Promise<PaymentRecord | null>;
  /**
   * Adds History notes to one invoice or contact (one HistoryRecord per detail, one PUT). The idempotency key
   * goes to Xero as Idempotency-Key, so a replay after a lost response writes nothing twice.
   */
  addHistoryNotes(
    documentType: 'invoice' | 'contact',
    documentId: string,
    details: readonly string[],
    idempotencyKey: string,
  ): Promise<void>;
  /**
   * Xero's online-invoice link for one sales invoice (GET /Invoices/{id}/OnlineInvoice); null when Xero answers
   * without one. Xero refuses DRAFT invoices (400). Tried at most twice and never waits out a 429: a link is
   * a nicety of a reminder, and planning must not stall for it.
   */
  onlineInvoiceUrl(invoiceId: string): Promise<string | null>;
  /**
   * Xero emails the invoice to the contact with the organisation's own template (POST /Invoices/{id}/Email,
   * 204). The idempotency key goes to Xero as Idempotency-Key: a replay after a lost answer sends nothing twice.
   * A 400 (daily email limit, invalid status, a Demo Company) is final; a 429 comes back at once for the outbox.
   */
  emailInvoice(invoiceId: string, idempotencyKey: string): Promise<void>;
  /** The organisation's ACTIVE contact groups (GET /ContactGroups), without members. */
  contactGroups(): Promise<ContactGroupRecord[]>;
  /** Creates one contact group (PUT /ContactGroups); Xero refuses a name an active group already has (400). */
  createContactGroup(name: string, idempotencyKey: string): Promise<ContactGroupRecord>;
  /** Adds contacts to a group in one request (PUT /ContactGroups/{id}/Contacts). */
  addContactsToGroup(groupId: string, contactIds: readonly string[], idempotencyKey: string): Promise<void>;
  /** Removes one contact from a group (DELETE /ContactGroups/{id}/Contacts/{ContactID}, 204). */
  removeContactFromGroup(groupId: string, contactId: string): Promise<void>;
}

export interface ContactGroupRecord {
  readonly id: string;
  readonly name: string;
}

export interface GatewayOrganisation {
  readonly id: string;
  readonly xeroTenantId: string;
  readonly tokenSetId: string | null;
  readonly baseCurrency: string | null;
}

export interface XeroGateway {
  /**
   * `purpose`: background work (polls, the nightly reconcile) stops at the daily reserve; interactive work
   * (History notes, a requested sync, webhook refreshes, a collector's lookup) may spend it.
   */
  /** `signal`: shutdown; waits for Xero's window or a retry end with `SYNC_STOPPED`. */
  forOrganisation(org: GatewayOrganisation, purpose: XeroCallPurpose, signal?: AbortSignal): XeroTenantApi;
}

export interface TokenSource {
  accessToken(tokenSetId: string): Promise<AccessTokenResult>;
  refresh(tokenSetId: string, rejectedAccessToken: string | null): Promise<AccessTokenResult>;
}

export interface GatewayOptions {
  readonly apiUrl: string;
  readonly tokens: TokenSource;
  readonly gate: XeroCallGate;
  readonly log: Logger;
  /** Per-request timeout: xero-node passes none to axios, so a stalled connection would hang a sync forever. */
  readonly timeoutMs?: number;
  readonly maxAttempts?: number;
  readonly backoff?: BackoffPolicy;
  /** A Retry-After longer than this (e.g. the daily limit) ends the sync instead of sleeping. */
  readonly maxRetryAfterMs?: number;
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export function createXeroGateway(options: GatewayOptions): XeroGateway {
  return { forOrganisation: (org, purpose, signal) => new TenantApi(org, purpose, options, signal) };
}

type XeroResult = { response: { data?: unknown; headers?: unknown }; body: unknown };

/**
 * xero-node builds the axios request options and lets the "default authentication" edit them right before
 * the call (`applyToRequest`). That per-instance hook is where the timeout goes: it reaches axios on every
 * request of this AccountingApi without touching the process-wide axios defaults.
 */
function timeoutAuthentication(timeoutMs: number) {
  return {
    applyToRequest(requestOptions: { timeout?: number }) {
      requestOptions.timeout = timeoutMs;
    },
  };
}

/** The three credit lists share one signature: (tenant, If-Modified-Since, where, order, page, unitdp, pageSize). */
type CreditList = (
  tenantId: string,
  ifModifiedSince: Date | undefined,
  where: string,
  order: string,
  page: number,
  unitdp: undefined,
  pageSize: number,
) => Promise<unknown>;

const CREDIT_LISTS: Record<
  CreditRecordKind,
  { operation: string; type: string; field: string; call: (api: AccountingApi) => CreditList }
> = {
  credit_note: {
    operation: 'getCreditNotes',
    type: 'ACCRECCREDIT',
    field: 'creditNotes',
    call: (api) => api.getCreditNotes.bind(api),
  },
  overpayment: {
    operation: 'getOverpayments',
    type: 'RECEIVE-OVERPAYMENT',
    field: 'overpayments',
    call: (api) => api.getOverpayments.bind(api),
  },
  prepayment: {
    operation: 'getPrepayments',
    type: 'RECEIVE-PREPAYMENT',
    field: 'prepayments',
    call: (api) => api.getPrepayments.bind(api),
  },
};

function groupsOf(body: unknown): ContactGroupRecord[] {
  const rows =
    (body as { contactGroups?: { contactGroupID?: unknown; name?: unknown }[] }).contactGroups ?? [];
  return rows.flatMap((g) =>
    typeof g.contactGroupID === 'string' && typeof g.name === 'string'
      ? [{ id: g.contactGroupID, name: g.name }]
      : [],
  );
}

class TenantApi implements XeroTenantApi {
  readonly tenantId: string;
  #calls = 0;
  readonly #api: AccountingApi;
  readonly #o: Required<Omit<GatewayOptions, 'apiUrl'>>;
  readonly #org: GatewayOrganisation;
  readonly #purpose: XeroCallPurpose;
  readonly #signal: AbortSignal | undefined;
  #token: string | null = null;

  constructor(
    org: GatewayOrganisation,
    purpose: XeroCallPurpose,
    options: GatewayOptions,
    signal?: AbortSignal,
  ) {
    this.#org = org;
    this.#signal = signal;
    this.#purpose = purpose;
    this.tenantId = org.xeroTenantId;
    this.#o = {
      timeoutMs: 30_000,
      maxAttempts: 5,
      backoff: { baseMs: 500, capMs: 15_000 },
      maxRetryAfterMs: 5 * 60_000,
      random: Math.random,
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      ...options,
    };
    this.#api = new AccountingApi(options.apiUrl);
    this.#api.setDefaultAuthentication(timeoutAuthentication(this.#o.timeoutMs) as never);
  }

  get calls(): number {
    return this.#calls;
  }

  async #accessToken(forceRefreshOf: string | null): Promise<string> {
    const tokenSetId = this.#org.tokenSetId;
    if (!tokenSetId) {
      throw new AppError('XERO_RECONNECT_REQUIRED', `organisation ${this.#org.id} has no Xero token set`);
    }
    const r = forceRefreshOf
      ? await this.#o.tokens.refresh(tokenSetId, forceRefreshOf)
      : await this.#o.tokens.accessToken(tokenSetId);
    if (r.kind === 'reconnect-required') throw new AppError('XERO_RECONNECT_REQUIRED', r.reason);
    return r.accessToken;
  }

  /** One logical call: limiter, token, timeout, retries (429 → Retry-After; 5xx/network → backoff with jitter). */
  async #call<T>(
    operation: string,
    fn: (api: AccountingApi) => Promise<XeroResult>,
    read: (b: XeroResult) => T,
    limits: {
      maxRetryAfterMs?: number;
      maxAttempts?: number;
      /** The answer has no body by design (204 No Content), so an empty one is not a malformed one. */
      emptyBody?: boolean;
    } = {},
  ): Promise<T> {
    const maxRetryAfterMs = limits.maxRetryAfterMs ?? this.#o.maxRetryAfterMs;
    const maxAttempts = Math.min(limits.maxAttempts ?? this.#o.maxAttempts, this.#o.maxAttempts);
    let attempt = 0;
    let refreshedAfter401 = false;
    let last: XeroFailure | null = null;
    while (attempt < maxAttempts) {
      attempt++;
      this.#token ??= await this.#accessToken(null);
      const token = this.#token;
      this.#api.accessToken = token;
      const slot = await this.#o.gate.acquire(this.tenantId, this.#purpose, this.#signal);
      let failure: XeroFailure;
      let headers: Record<string, unknown> | null = null;
      try {
        this.#calls++;
        const result = await fn(this.#api);
        headers = result.response.headers as Record<string, unknown>;
        if (limits.emptyBody && (result.response as { status?: number }).status === 204) return read(result);
        // A body that is not JSON deserialises to an empty model: that must never read as "no more rows".
        if (!result.response.data || typeof result.response.data !== 'object') {
          failure = normaliseXeroError({ response: { status: 0, data: 'malformed response body' } });
        } else {
          return read(result);
        }
      } catch (err) {
        failure = normaliseXeroError(err);
        headers = { 'x-daylimit-remaining': failure.dayLimitRemaining };
      } finally {
        await slot.release(headers);
      }
      last = failure;
      if (failure.kind === 'unauthorized' && !refreshedAfter401) {
        // The access token may have been revoked or expired early: refresh once, then retry.
        refreshedAfter401 = true;
        this.#token = await this.#accessToken(token);
        attempt--;
        continue;
      }
      if (!isRetryable(failure) || attempt >= maxAttempts) break;
      let waitMs: number;
      if (failure.kind === 'rate-limited') {
        waitMs = failure.retryAfterMs ?? 60_000;
        if (waitMs > maxRetryAfterMs) break;
        await this.#o.gate.pause(this.tenantId, waitMs);
      } else {
        waitMs = backoffDelayMs(attempt, this.#o.backoff, this.#o.random(), null);
        // backoffDelayMs keeps a floor of min(base, 1 s); a smaller base in tests should stay small.
        waitMs = Math.min(
          waitMs,
          Math.max(this.#o.backoff.baseMs * 2 ** (attempt - 1), this.#o.backoff.baseMs),
        );
      }
      this.#o.log.warn(
        { tenantId: this.tenantId, operation, attempt, waitMs, error: failure.message },
        'xero call failed; retrying',
      );
      await sleepUnlessAborted(waitMs, this.#signal, this.#o.sleep);
    }
    throw new XeroCallError(operation, last as XeroFailure, attempt);
  }

  #page<T>(
    raw: unknown[] | undefined,
    page: number,
    pagination: { pageCount?: number } | undefined,
    map: (r: unknown) => T | null,
  ): XeroPage<T> {
    const rows = raw ?? [];
    let max: Date | null = null;
    const items: T[] = [];
    for (const r of rows) {
      const u = toTimestamp((r as { updatedDateUTC?: Date | string }).updatedDateUTC);
      if (u && (!max || u > max)) max = u;
      const m = map(r);
      if (m) items.push(m);
    }
    return {
      items,
      page,
      returned: rows.length,
      pageCount: pagination?.pageCount ?? null,
      maxUpdatedAt: max,
    };
  }

  addHistoryNotes(
    documentType: 'invoice' | 'contact',
    documentId: string,
    details: readonly string[],
    idempotencyKey: string,
  ): Promise<void> {
    const records = { historyRecords: details.map((d) => ({ details: d })) };
    return this.#call(
      documentType === 'invoice' ? 'createInvoiceHistory' : 'createContactHistory',
      (api) =>
        (documentType === 'invoice'
          ? api.createInvoiceHistory(this.tenantId, documentId, records, idempotencyKey)
          : api.createContactHistory(
              this.tenantId,
              documentId,
              records,
              idempotencyKey,
            )) as Promise<XeroResult>,
      () => undefined,
      // Notes are written from the outbox, which waits out a 429 itself (Retry-After) without holding a worker.
      { maxRetryAfterMs: 0 },
    );
  }

  onlineInvoiceUrl(invoiceId: string): Promise<string | null> {
    return this.#call(
      'getOnlineInvoice',
      (api) => api.getOnlineInvoice(this.tenantId, invoiceId) as Promise<XeroResult>,
      (r) => {
        const url = (r.body as { onlineInvoices?: { onlineInvoiceUrl?: unknown }[] }).onlineInvoices?.[0]
          ?.onlineInvoiceUrl;
        return typeof url === 'string' && /^https?:\/\/\S+$/.test(url) ? url : null;
      },
      { maxRetryAfterMs: 0, maxAttempts: 2 },
    );
  }

  emailInvoice(invoiceId: string, idempotencyKey: string): Promise<void> {
    return this.#call(
      'emailInvoice',
      (api) => api.emailInvoice(this.tenantId, invoiceId, {}, idempotencyKey) as Promise<XeroResult>,
      () => undefined,
      // The outbox waits out a 429 (Retry-After) without holding a worker, as it does for History notes.
      { maxRetryAfterMs: 0, emptyBody: true },
    );
  }

  contactGroups(): Promise<ContactGroupRecord[]> {
    return this.#call(
      'getContactGroups',
      (api) => api.getContactGroups(this.tenantId) as Promise<XeroResult>,
      (r) => groupsOf(r.body),
    );
  }

  createContactGroup(name: string, idempotencyKey: string): Promise<ContactGroupRecord> {
    return this.#call(
      'createContactGroup',
      (api) =>
        api.createContactGroup(
          this.tenantId,
          { contactGroups: [{ name }] },
          idempotencyKey,
        ) as Promise<XeroResult>,
      (r) => {
        const g = groupsOf(r.body)[0];
        if (!g)
          throw new AppError('XERO_CONTACT_GROUP_UNREADABLE', 'Xero created a contact group without an id');
        return g;
      },
      // Written from the outbox, which waits out a 429 itself.
      { maxRetryAfterMs: 0 },
    );
  }

  addContactsToGroup(groupId: string, contactIds: readonly string[], idempotencyKey: string): Promise<void> {
    return this.#call(
      'createContactGroupContacts',
      (api) =>
        api.createContactGroupContacts(
          this.tenantId,
          groupId,
          { contacts: contactIds.map((contactID) => ({ contactID })) },
          idempotencyKey,
        ) as Promise<XeroResult>,
      () => undefined,
      { maxRetryAfterMs: 0 },
    );
  }

  removeContactFromGroup(groupId: string, contactId: string): Promise<void> {
    return this.#call(
      'deleteContactGroupContact',
      (api) => api.deleteContactGroupContact(this.tenantId, groupId, contactId) as Promise<XeroResult>,
      () => undefined,
      { maxRetryAfterMs: 0, emptyBody: true },
    );
  }

  organisation(): Promise<OrganisationRecord> {
    return this.#call(
      'getOrganisations',
      (api) => api.getOrganisations(this.tenantId) as Promise<XeroResult>,
      (r) => {
        const org = mapOrganisation((r.body as { organisations?: unknown[] }).organisations?.[0]);
        if (!org)
          throw new AppError('XERO_ORGANISATION_UNREADABLE', 'Xero returned no readable organisation');
        return org;
      },
    );
  }

  invoiceRemindersEnabled(): Promise<boolean | null> {
    return this.#call(
      'getInvoiceReminders',
      (api) => api.getInvoiceReminders(this.tenantId) as Promise<XeroResult>,
      (r) => mapInvoiceRemindersEnabled(r.body),
    );
  }

  contacts(q: ListQuery & { ids?: readonly string[] }): Promise<XeroPage<ContactRecord>> {
    return this.#call(
      'getContacts',
      (api) =>
        api.getContacts(
          this.tenantId,
          q.modifiedSince ?? undefined,
          undefined,
          'UpdatedDateUTC ASC',
          q.ids ? [...q.ids] : undefined,
          q.page,
          true, // includeArchived: an archived or merged contact must reach us to be marked so
          undefined,
          undefined,
          XERO_PAGE_SIZE,
        ) as Promise<XeroResult>,
      (r) => {
        const b = r.body as { contacts?: unknown[]; pagination?: { pageCount?: number } };
        return this.#page(b.contacts, q.page, b.pagination, mapContact);
      },
    );
  }

  invoices(q: InvoiceQuery): Promise<XeroPage<InvoiceRecord>> {
    const summary = q.summaryOnly === true;
    return this.#call(
      'getInvoices',
      (api) =>
        api.getInvoices(
          this.tenantId,
          q.modifiedSince ?? undefined,
          'Type=="ACCREC"',
          'UpdatedDateUTC ASC',
          q.ids ? [...q.ids] : undefined,
          undefined,
          undefined,
          q.statuses ? [...q.statuses] : undefined,
          q.page,
          undefined,
          undefined,
          undefined,
          summary || undefined,
          XERO_PAGE_SIZE,
        ) as Promise<XeroResult>,
      (r) => {
        const b = r.body as { invoices?: unknown[]; pagination?: { pageCount?: number } };
        return this.#page(b.invoices, q.page, b.pagination, (x) =>
          mapInvoice(x, this.#org.baseCurrency, summary),
        );
      },
    );
  }

  credits(kind: CreditRecordKind, q: ListQuery & { status?: string }): Promise<XeroPage<CreditRecord>> {
    const list = CREDIT_LISTS[kind];
    const status = q.status ? ` AND Status=="${q.status}"` : '';
    return this.#call(
      list.operation,
      (api) =>
        list.call(api)(
          this.tenantId,
          q.modifiedSince ?? undefined,
          `Type=="${list.type}"${status}`,
          'UpdatedDateUTC ASC',
          q.page,
          undefined,
          XERO_PAGE_SIZE,
        ) as Promise<XeroResult>,
      (r) => {
        const b = r.body as Record<string, unknown[] | undefined> & { pagination?: { pageCount?: number } };
        return this.#page(b[list.field], q.page, b.pagination, (x) =>
          mapCredit(kind, x, this.#org.baseCurrency),
        );
      },
    );
  }

  creditNote(id: string): Promise<CreditRecord | null> {
    return this.credit('credit_note', id);
  }

  async credit(kind: CreditRecordKind, id: string): Promise<CreditRecord | null> {
    const get: Record<CreditRecordKind, [string, (api: AccountingApi) => Promise<XeroResult>, string]> = {
      credit_note: [
        'getCreditNote',
        (api) => api.getCreditNote(this.tenantId, id) as Promise<XeroResult>,
        'creditNotes',
      ],
      overpayment: [
        'getOverpayment',
        (api) => api.getOverpayment(this.tenantId, id) as Promise<XeroResult>,
        'overpayments',
      ],
      prepayment: [
        'getPrepayment',
        (api) => api.getPrepayment(this.tenantId, id) as Promise<XeroResult>,
        'prepayments',
      ],
    };
    const [operation, call, field] = get[kind];
    try {
      return await this.#call(operation, call, (r) =>
        mapCredit(
          kind,
          (r.body as Record<string, unknown[] | undefined>)[field]?.[0],
          this.#org.baseCurrency,
        ),
      );
    } catch (err) {
      if (err instanceof XeroCallError && err.failure.kind === 'not-found') return null;
      throw err;
    }
  }

  async payment(id: string): Promise<PaymentRecord | null> {
    try {
      return await this.#call(
        'getPayment',
        (api) => api.getPayment(this.tenantId, id) as Promise<XeroResult>,
        (r) => mapPayment((r.body as { payments?: unknown[] }).payments?.[0]),
      );
    } catch (err) {
      if (err instanceof XeroCallError && err.failure.kind === 'not-found') return null;
      throw err;
    }
  }

  payments(q: ListQuery): Promise<XeroPage<PaymentRecord>> {
    return this.#call(
      'getPayments',
      (api) =>
        api.getPayments(
          this.tenantId,
          q.modifiedSince ?? undefined,
          undefined,
          'UpdatedDateUTC ASC',
          q.page,
          XERO_PAGE_SIZE,
        ) as Promise<XeroResult>,
      (r) => {
        const b = r.body as { payments?: unknown[]; pagination?: { pageCount?: number } };
        return this.#page(b.payments, q.page, b.pagination, mapPayment);
      },
    );
  }
}
