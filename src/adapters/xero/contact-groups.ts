import { errorMessage, isAppError } from '../../errors.js';
import { XeroCallError } from './xero-errors.js';
import type { ContactGroupRecord, XeroTenantApi } from './xero-gateway.js';

/**
 * Contact-group writes for the priority tiers in Xero (#19 part 5, reference/xero-api.md §5): list, create, add
 * contacts in one PUT, remove one contact per DELETE. Each call's failure comes back as an outcome the use-case
 * can act on (stop for the day, wait out a 429, retry later, skip), never as an SDK error.
 */
export type GroupCallOutcome<T> =
  | { readonly kind: 'ok'; readonly value: T }
  /** The day's budget for background work is spent: stop, the next day resumes. */
  | { readonly kind: 'budget'; readonly error: string }
  /** 429: come back after Retry-After. */
  | { readonly kind: 'rate-limited'; readonly retryAfterMs: number; readonly error: string }
  /** 5xx, timeouts, network, a reconnect: try again later. */
  | { readonly kind: 'retryable'; readonly error: string }
  /** 400/403/404: this request will not succeed as it is. */
  | { readonly kind: 'rejected'; readonly notFound: boolean; readonly error: string };

export interface ContactGroupWriter {
  /** HTTP requests made so far (retries included): what the budget is charged. */
  readonly calls: number;
  listGroups(): Promise<GroupCallOutcome<ContactGroupRecord[]>>;
  createGroup(name: string, idempotencyKey: string): Promise<GroupCallOutcome<ContactGroupRecord>>;
  addContacts(
    groupId: string,
    contactIds: readonly string[],
    idempotencyKey: string,
  ): Promise<GroupCallOutcome<void>>;
  removeContact(groupId: string, contactId: string): Promise<GroupCallOutcome<void>>;
}

type GroupApi = Pick<
  XeroTenantApi,
  'calls' | 'contactGroups' | 'createContactGroup' | 'addContactsToGroup' | 'removeContactFromGroup'
>;

async function outcome<T>(run: () => Promise<T>): Promise<GroupCallOutcome<T>> {
  try {
    return { kind: 'ok', value: await run() };
  } catch (err) {
    if (isAppError(err, 'XERO_DAILY_BUDGET')) return { kind: 'budget', error: err.message };
    if (err instanceof XeroCallError) {
      const f = err.failure;
      if (f.kind === 'rate-limited') {
        // Xero's own daily limit answers 429 too; the outbox waits it out (a day at most).
        return { kind: 'rate-limited', retryAfterMs: f.retryAfterMs ?? 60_000, error: err.message };
      }
      if (f.kind === 'client' || f.kind === 'not-found') {
        return { kind: 'rejected', notFound: f.kind === 'not-found', error: err.message };
      }
      return { kind: 'retryable', error: err.message };
    }
    return { kind: 'retryable', error: errorMessage(err) };
  }
}

/** The production writer: xero-node through the gateway (shared limits and daily budget, token refresh). */
export function createGatewayContactGroupWriter(api: GroupApi): ContactGroupWriter {
  return {
    get calls() {
      return api.calls;
    },
    listGroups: () => outcome(() => api.contactGroups()),
    createGroup: (name, key) => outcome(() => api.createContactGroup(name, key)),
    addContacts: (groupId, ids, key) => outcome(() => api.addContactsToGroup(groupId, ids, key)),
    removeContact: (groupId, contactId) => outcome(() => api.removeContactFromGroup(groupId, contactId)),
  };
}
