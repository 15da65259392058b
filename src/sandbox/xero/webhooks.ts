import { createHmac, randomBytes } from 'node:crypto';

/** Xero webhook deliveries: the payload shape and the x-xero-signature header (reference/xero-api.md §10). */

export interface WebhookEventInput {
  /** PAYMENT: Xero-OpenAPI 20.0.0 added payment events (reference/xero-api.md, December 2026). */
  category: 'INVOICE' | 'CONTACT' | 'CREDITNOTE' | 'PAYMENT';
  type: 'CREATE' | 'UPDATE';
  resourceId: string;
  tenantId: string;
  /** Defaults to the sandbox clock. */
  eventDate?: Date;
}

export interface WebhookPayload {
  events: {
    resourceUrl: string;
    resourceId: string;
    eventDateUtc: string;
    eventType: string;
    eventCategory: string;
    tenantId: string;
    tenantType: 'ORGANISATION';
    /** CREDITNOTE events only: the one payload that carries entity data. */
    data?: { Type: string; Status: string };
  }[];
  firstEventSequence: number;
  lastEventSequence: number;
  entropy: string;
}

const RESOURCE_PATH: Record<WebhookEventInput['category'], string> = {
  INVOICE: 'Invoices',
  CONTACT: 'Contacts',
  CREDITNOTE: 'CreditNotes',
  PAYMENT: 'Payments',
};

/** base64(HMAC-SHA256(raw body, webhook key)). */
export function signWebhookBody(rawBody: string, webhookKey: string): string {
  return createHmac('sha256', webhookKey).update(rawBody).digest('base64');
}

export function buildWebhookPayload(
  apiBasePath: string,
  events: WebhookEventInput[],
  firstSequence: number,
  now: Date,
  creditNoteData: (id: string) => { Type: string; Status: string } | null = () => null,
): WebhookPayload {
  return {
    events: events.map((e) => {
      const data = e.category === 'CREDITNOTE' ? creditNoteData(e.resourceId) : null;
      return {
        resourceUrl: `${apiBasePath}/${RESOURCE_PATH[e.category]}/${e.resourceId}`,
        resourceId: e.resourceId,
        // Xero sends e.g. "2017-06-21T01:15:39.902" (UTC, no zone designator).
        eventDateUtc: (e.eventDate ?? now).toISOString().replace('Z', ''),
        eventType: e.type,
        eventCategory: e.category,
        tenantId: e.tenantId,
        tenantType: 'ORGANISATION' as const,
        ...(data ? { data } : {}),
      };
    }),
    firstEventSequence: events.length === 0 ? 0 : firstSequence,
    lastEventSequence: events.length === 0 ? 0 : firstSequence + events.length - 1,
    entropy: randomBytes(10).toString('hex').toUpperCase(),
  };
}

export async function postWebhook(
  targetUrl: string,
  payload: WebhookPayload,
  webhookKey: string,
  signature: 'valid' | 'forged',
): Promise<Response> {
  const raw = JSON.stringify(payload);
  const key = signature === 'valid' ? webhookKey : `${webhookKey}-forged-${randomBytes(4).toString('hex')}`;
  return fetch(targetUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-xero-signature': signWebhookBody(raw, key) },
    body: raw,
  });
}
