import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startXeroSandbox, type XeroSandbox } from './index.js';

/**
 * Holds what the sandbox serves to Xero's own OpenAPI documents (docs/specs, XeroAPI/Xero-OpenAPI). The spec
 * declares almost nothing `required` and never forbids extra properties, so on its own it would accept
 * nearly anything. We therefore tighten it here:
 * - every object schema gets `additionalProperties: false`, so a misspelt field fails (a small, named list of
 *   fields real Xero sends but the spec omits is allowed, see SPEC_OMITS);
 * - fields marked `x-is-msdate`/`x-is-msdate-time` must be MS-JSON dates "/Date(ms+0000)/";
 * - the fields the product reads must be present on top-level records (REQUIRED below).
 * Leniency, only where the spec itself is ambiguous: `format: date-time` on connections accepts Xero's own
 * offset-less form "2019-07-09T23:40:30.1833130" (the spec's example for the same field has no offset).
 */

type Schema = Record<string, unknown>;
type Doc = { components: { schemas: Record<string, Schema> } };

const SPEC_DIR = join(import.meta.dirname, '../../../docs/specs');

/** Real Xero sends these beside the spec's properties (reference/xero-api.md §1, §4): allowed, not required. */
const SPEC_OMITS = [
  'Id',
  'Status',
  'ProviderName',
  'DateTimeUTC',
  'DateString',
  'DueDateString',
  'ExpectedPaymentDateString',
  'DateUTCString',
  'ID',
  'scope',
];

const MS_DATE = '^/Date\\(-?\\d+(\\+0000)?\\)/$';

function tighten(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(tighten);
  if (!node || typeof node !== 'object') return node;
  const out: Schema = {};
  for (const [k, v] of Object.entries(node as Schema)) out[k] = k === 'example' ? v : tighten(v);
  if (out['x-is-msdate'] || out['x-is-msdate-time']) out.pattern = MS_DATE;
  const props = out.properties as Record<string, Schema> | undefined;
  if (props && typeof props === 'object' && !('allOf' in out)) {
    for (const extra of SPEC_OMITS) if (!(extra in props)) props[extra] = {};
    out.additionalProperties = false;
  }
  return out;
}

function loadSpec(file: string): Doc {
  return tighten(load(readFileSync(join(SPEC_DIR, file), 'utf8'))) as Doc;
}

const ajv = new Ajv({
  strict: false,
  allErrors: true,
  formats: {
    uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
    double: true,
    int64: true,
    int32: true,
    uri: /^https?:\/\/\S+$/,
    'date-time': /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?(Z|[+-]\d{2}:\d{2})?$/,
    date: /^\d{4}-\d{2}-\d{2}$/,
  },
});
ajv.addSchema({ $id: 'accounting', ...loadSpec('xero_accounting.yaml') });
ajv.addSchema({ $id: 'identity', ...loadSpec('xero-identity.yaml') });
ajv.addSchema({
  $id: 'webhooks',
  ...(load(readFileSync(join(SPEC_DIR, 'xero-webhooks.yaml'), 'utf8')) as object),
});

const validators = new Map<string, ValidateFunction>();
function validatorFor(ref: string): ValidateFunction {
  let v = validators.get(ref);
  if (!v) {
    v = ajv.compile({ $ref: ref });
    validators.set(ref, v);
  }
  return v;
}

function expectValid(ref: string, body: unknown): void {
  const validate = validatorFor(ref);
  const ok = validate(body);
  expect(
    ok
      ? []
      : validate.errors?.slice(0, 5).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`),
  ).toEqual([]);
}

/** What the product reads: these must be present on every top-level record (the spec requires none). */
const REQUIRED: Record<string, string[]> = {
  Invoices: [
    'InvoiceID',
    'Type',
    'Status',
    'Contact',
    'Date',
    'DueDate',
    'Total',
    'AmountDue',
    'AmountPaid',
    'AmountCredited',
    'CurrencyCode',
    'CurrencyRate',
    'UpdatedDateUTC',
  ],
  Contacts: ['ContactID', 'Name', 'ContactStatus', 'UpdatedDateUTC', 'IsCustomer'],
  Payments: [
    'PaymentID',
    'Date',
    'Amount',
    'Status',
    'PaymentType',
    'Invoice',
    'CurrencyRate',
    'UpdatedDateUTC',
  ],
  CreditNotes: [
    'CreditNoteID',
    'Type',
    'Status',
    'Contact',
    'Date',
    'Total',
    'RemainingCredit',
    'Allocations',
    'UpdatedDateUTC',
  ],
  Overpayments: [
    'OverpaymentID',
    'Type',
    'Status',
    'Contact',
    'Date',
    'Total',
    'RemainingCredit',
    'Allocations',
    'UpdatedDateUTC',
  ],
  Prepayments: [
    'PrepaymentID',
    'Type',
    'Status',
    'Contact',
    'Date',
    'Total',
    'RemainingCredit',
    'Allocations',
    'UpdatedDateUTC',
  ],
};

describe('Xero sandbox contract (OpenAPI)', () => {
  let sb: XeroSandbox;
  let tenantId: string;
  let token: string;
  const get = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${sb.apiBasePath}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'xero-tenant-id': tenantId, ...(init.headers ?? {}) },
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    sb = await startXeroSandbox({
      rateLimits: false,
      now: () => new Date('2026-03-16T02:00:00Z'),
      organisations: [{ kind: 'demo', seed: 21, contacts: 80, invoices: 2500, asOf: '2026-03-15' }],
    });
    tenantId = sb.tenants[0]!.tenantId;
    token = sb.issueTokens().tokenSet.access_token;
    const org = sb.store.org(tenantId);
    // Make sure the awkward shapes are on the pages we check.
    const contact = [...org.contacts.values()][1]!;
    sb.store.mergeContacts(contact.id, [...org.contacts.values()][2]!.id);
  });
  afterAll(async () => {
    await sb.close();
  });

  it('has teeth: the tightened schema rejects a misspelt field, an ISO date and a wrong enum', async () => {
    const { body } = await get('/Invoices?page=1&pageSize=1');
    const inv = (body.Invoices as Record<string, unknown>[])[0]!;
    const validate = validatorFor('accounting#/components/schemas/Invoices');
    expect(validate(body)).toBe(true);
    expect(validate({ Invoices: [{ ...inv, AmountDeu: 1 }] })).toBe(false);
    expect(validate({ Invoices: [{ ...inv, DueDate: '2026-03-01' }] })).toBe(false);
    expect(validate({ Invoices: [{ ...inv, Status: 'OPEN' }] })).toBe(false);
  });

  it('serves Organisation as the Organisations schema', async () => {
    const { status, body } = await get('/Organisation');
    expect(status).toBe(200);
    expectValid('accounting#/components/schemas/Organisations', body);
    const org = (body.Organisations as Record<string, unknown>[])[0]!;
    expect(org).toMatchObject({
      BaseCurrency: 'NZD',
      Timezone: 'NEWZEALANDSTANDARDTIME',
      IsDemoCompany: true,
    });
  });

  it.each([
    ['Contacts', '/Contacts?page=1&pageSize=1000&includeArchived=true'],
    ['Invoices', '/Invoices?page=1&pageSize=1000'],
    ['Invoices', '/Invoices?page=2&pageSize=1000&summaryOnly=true'],
    ['Payments', '/Payments?page=1&pageSize=1000'],
    ['CreditNotes', '/CreditNotes?page=1'],
    ['Overpayments', '/Overpayments?page=1'],
    ['Prepayments', '/Prepayments?page=1'],
  ])('serves %s lists (%s) as the spec schema with pagination', async (resource, path) => {
    const { status, body } = await get(path);
    expect(status).toBe(200);
    expectValid(`accounting#/components/schemas/${resource}`, body);
    expect(body).toMatchObject({
      Status: 'OK',
      pagination: { page: expect.any(Number), itemCount: expect.any(Number) },
    });
    const rows = body[resource] as Record<string, unknown>[];
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows)
      for (const key of REQUIRED[resource]!) expect(row, `${resource}.${key}`).toHaveProperty(key);
  });

  it('serves single records, contact groups and invoice reminder settings per the spec', async () => {
    const inv = [...sb.store.org(tenantId).invoices.values()].find((i) => i.allocations.length > 0)!;
    const one = await get(`/Invoices/${inv.id}`);
    expectValid('accounting#/components/schemas/Invoices', one.body);
    const contact = await get(`/Contacts/${inv.contact.id}`);
    expectValid('accounting#/components/schemas/Contacts', contact.body);
    const groups = await get('/ContactGroups');
    expectValid('accounting#/components/schemas/ContactGroups', groups.body);
    const groupId = (groups.body.ContactGroups as { ContactGroupID: string }[])[0]!.ContactGroupID;
    expectValid(
      'accounting#/components/schemas/ContactGroups',
      (await get(`/ContactGroups/${groupId}`)).body,
    );
    expectValid(
      'accounting#/components/schemas/InvoiceReminders',
      (await get('/InvoiceReminders/Settings')).body,
    );
    const online = await get(`/Invoices/${inv.id}/OnlineInvoice`);
    expectValid('accounting#/components/schemas/OnlineInvoices', online.body);
  });

  it('serves history GET and PUT responses and a ValidationException error per the spec', async () => {
    const inv = [...sb.store.org(tenantId).invoices.values()][5]!;
    const put = await get(`/Invoices/${inv.id}/History`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        HistoryRecords: [{ Details: 'Reminder sent' }, { Details: 'Promise to pay 20 March' }],
      }),
    });
    expect(put.status).toBe(200);
    expectValid('accounting#/components/schemas/HistoryRecords', put.body);
    expect((put.body.HistoryRecords as { Details: string }[]).map((h) => h.Details)).toEqual([
      'Reminder sent',
      'Promise to pay 20 March',
    ]);
    const got = await get(`/Invoices/${inv.id}/History`);
    expectValid('accounting#/components/schemas/HistoryRecords', got.body);
    const contactHistory = await get(`/Contacts/${inv.contact.id}/History`);
    expectValid('accounting#/components/schemas/HistoryRecords', contactHistory.body);
    const bad = await get(`/Invoices/${inv.id}/History`, {
      method: 'PUT',
      body: JSON.stringify({ HistoryRecords: [{ Details: 'z'.repeat(2501) }] }),
    });
    expect(bad.status).toBe(400);
    expectValid('accounting#/components/schemas/Error', bad.body);
  });

  it('serves token and connection responses per the identity spec', async () => {
    const issued = sb.issueTokens();
    const res = await fetch(sb.tokenUrl, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${sb.clientId}:${sb.clientSecret}`).toString('base64')}`,
      },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: issued.tokenSet.refresh_token,
      }),
    });
    const tokens = await res.json();
    expectValid('identity#/components/schemas/AccessToken', tokens);
    const conns = await (
      await fetch(sb.connectionsUrl, { headers: { authorization: `Bearer ${issued.tokenSet.access_token}` } })
    ).json();
    expect(conns).toHaveLength(1);
    for (const c of conns as unknown[]) expectValid('identity#/components/schemas/Connection', c);
  });

  describe('webhook deliveries', () => {
    let receiver: Server;
    let target: string;
    const bodies: unknown[] = [];
    beforeAll(async () => {
      receiver = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          res.writeHead(200);
          res.end();
        });
      });
      await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
      target = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`;
    });
    afterAll(async () => {
      await new Promise<void>((r) => receiver.close(() => r()));
    });

    it('sends payloads valid against the webhooks spec, credit notes with their data', async () => {
      const credit = [...sb.store.org(tenantId).credits.values()].find((c) => c.kind === 'creditnote')!;
      await sb.sendWebhooks(target, [
        {
          category: 'INVOICE',
          type: 'CREATE',
          resourceId: credit.allocations[0]?.invoice.id ?? credit.id,
          tenantId,
        },
        { category: 'CREDITNOTE', type: 'UPDATE', resourceId: credit.id, tenantId },
      ]);
      const mixed = bodies.at(-1) as { events: Record<string, unknown>[] };
      expectValid('webhooks#/components/schemas/WebhookEvent', mixed);
      expect(mixed.events[0]).not.toHaveProperty('data');
      expect(mixed.events[1]!.data).toEqual({ Type: 'ACCRECCREDIT', Status: credit.status });
      await sb.sendWebhooks(target, [
        { category: 'CREDITNOTE', type: 'CREATE', resourceId: credit.id, tenantId },
      ]);
      expectValid('webhooks#/components/schemas/CreditNoteWebhookEvent', bodies.at(-1));
    });
  });
});
