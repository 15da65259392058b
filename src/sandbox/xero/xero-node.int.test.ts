import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ContactGroup, type Invoice, XeroClient } from 'xero-node';
import { startXeroSandbox, type XeroSandbox } from './index.js';

/** The real xero-node client against the sandbox: what our sync client will see. */

const START = Date.parse('2026-03-16T02:00:00.000Z');
let nowMs = START;
const clock = () => new Date(nowMs);

interface ParsedApiError {
  response: { statusCode: number; body: unknown; headers: Record<string, string> };
  body: unknown;
}

/** xero-node API methods reject with a JSON string (reference/xero-api.md §11). */
async function rejection(p: Promise<unknown>): Promise<ParsedApiError> {
  try {
    await p;
  } catch (err) {
    expect(typeof err).toBe('string');
    return JSON.parse(err as string) as ParsedApiError;
  }
  throw new Error('expected the call to fail');
}

function clientFor(sb: XeroSandbox, accessToken: string): XeroClient {
  const xero = new XeroClient();
  xero.setTokenSet({ access_token: accessToken });
  xero.accountingApi.basePath = sb.apiBasePath;
  return xero;
}

const asDate = (v: unknown): Date => {
  // xero-node turns string-typed "/Date(...)/" fields into Date objects at run time (reference §1).
  expect(v).toBeInstanceOf(Date);
  return v as Date;
};

describe('xero-node against the sandbox', () => {
  let sb: XeroSandbox;
  let xero: XeroClient;
  let tenantId: string;
  let liveTenantId: string;

  beforeAll(async () => {
    sb = await startXeroSandbox({
      now: clock,
      rateLimits: false,
      organisations: [
        { kind: 'demo', seed: 11, contacts: 60, invoices: 1400, asOf: '2026-03-15' },
        {
          kind: 'demo',
          seed: 12,
          contacts: 5,
          invoices: 10,
          asOf: '2026-03-15',
          isDemoCompany: false,
          name: 'Live Co',
        },
      ],
    });
    tenantId = sb.tenants[0]!.tenantId;
    liveTenantId = sb.tenants[1]!.tenantId;
    xero = clientFor(sb, sb.issueTokens().tokenSet.access_token);
  });

  afterAll(async () => {
    await sb.close();
  });

  beforeEach(() => {
    sb.faults.clear();
    sb.clearCalls();
  });

  it('pages invoices 1000 at a time in (UpdatedDateUTC, InvoiceID) order with a pagination object', async () => {
    const all = sb.store.org(tenantId).invoices.size;
    const seen: Invoice[] = [];
    for (let page = 1; ; page++) {
      const res = await xero.accountingApi.getInvoices(
        tenantId,
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        page,
        undefined,
        undefined,
        undefined,
        undefined,
        1000,
      );
      expect(res.body.pagination).toEqual({
        page,
        pageSize: 1000,
        pageCount: Math.ceil(all / 1000),
        itemCount: all,
      });
      seen.push(...(res.body.invoices ?? []));
      if (page >= (res.body.pagination?.pageCount ?? 0)) break;
    }
    expect(seen).toHaveLength(all);
    expect(new Set(seen.map((i) => i.invoiceID)).size).toBe(all);
    for (let i = 1; i < seen.length; i++) {
      const a = seen[i - 1]!;
      const b = seen[i]!;
      const cmp =
        a.updatedDateUTC!.getTime() - b.updatedDateUTC!.getTime() || (a.invoiceID! < b.invoiceID! ? -1 : 1);
      expect(cmp).toBeLessThan(0);
    }
    expect(sb.calls.map((c) => c.query.pageSize)).toEqual(['1000', '1000']);
    // Bills are in the data: the client must filter by Type.
    expect(seen.some((i) => String(i.type) === 'ACCPAY')).toBe(true);
  });

  it('deserialises date-only fields to UTC midnight of the organisation-local day', async () => {
    const inv = [...sb.store.org(tenantId).invoices.values()].find(
      (i) => i.fullyPaidOn && i.type === 'ACCREC',
    )!;
    const res = await xero.accountingApi.getInvoice(tenantId, inv.id);
    const got = res.body.invoices![0]!;
    const date = asDate(got.date);
    expect(date.toISOString()).toBe(`${inv.date}T00:00:00.000Z`);
    expect(asDate(got.dueDate).toISOString()).toBe(`${inv.dueDate}T00:00:00.000Z`);
    expect(asDate(got.fullyPaidOnDate).toISOString()).toBe(`${inv.fullyPaidOn}T00:00:00.000Z`);
    expect(got.updatedDateUTC!.getTime()).toBe(inv.updatedMs);
    expect(got.amountDue).toBe(0);
    expect(got.status).toBe('PAID');
    // The raw wire value is the MS-JSON form.
    expect((res.response.data as { Invoices: { Date: string }[] }).Invoices[0]!.Date).toBe(
      `/Date(${Date.parse(`${inv.date}T00:00:00Z`)}+0000)/`,
    );
  });

  it('returns only records modified after If-Modified-Since, at second precision', async () => {
    nowMs = START + 60_000;
    const target = [...sb.store.org(tenantId).invoices.values()].find(
      (i) => i.type === 'ACCREC' && i.status === 'AUTHORISED' && i.amountDueCents > 100,
    )!;
    const payment = sb.store.addPayment(target.id, { date: '2026-03-16', amount: '1.00' });
    const since = new Date(START + 30_000);
    const res = await xero.accountingApi.getInvoices(tenantId, since);
    expect(res.body.invoices!.map((i) => i.invoiceID)).toEqual([target.id]);
    expect(res.body.invoices![0]!.amountPaid).toBe(target.amountPaidCents / 100);
    const pays = await xero.accountingApi.getPayments(tenantId, since);
    expect(pays.body.payments!.map((p) => p.paymentID)).toEqual([payment.id]);
    expect(sb.calls[0]!.query).toEqual({});
    // Same second as the change: not "modified since" at Xero's one-second precision.
    const sameSecond = await xero.accountingApi.getInvoices(tenantId, new Date(START + 60_000 + 400));
    expect(sameSecond.body.invoices).toEqual([]);
    const secondBefore = await xero.accountingApi.getInvoices(tenantId, new Date(START + 59_999));
    expect(secondBefore.body.invoices!.map((i) => i.invoiceID)).toEqual([target.id]);
  });

  it('filters with where, Statuses, ContactIDs and refuses what it cannot parse', async () => {
    const org = sb.store.org(tenantId);
    const invoices = [...org.invoices.values()];
    const openAr = invoices.filter((i) => i.type === 'ACCREC' && i.status === 'AUTHORISED');
    const res = await xero.accountingApi.getInvoices(
      tenantId,
      undefined,
      'Type=="ACCREC" AND Status=="AUTHORISED"',
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      1,
      undefined,
      undefined,
      undefined,
      undefined,
      1000,
    );
    expect(res.body.pagination!.itemCount).toBe(openAr.length);
    expect(openAr.length).toBeGreaterThan(10);

    const contact = openAr[0]!.contact;
    const since = '2025-09-01';
    const expected = invoices
      .filter((i) => i.contact === contact && i.date >= since)
      .map((i) => i.id)
      .sort();
    const byContact = await xero.accountingApi.getInvoices(
      tenantId,
      undefined,
      `Contact.ContactID==guid("${contact.id.toUpperCase()}") AND Date>=DateTime(2025,09,01)`,
    );
    expect(byContact.body.invoices!.map((i) => i.invoiceID!).sort()).toEqual(expected);

    const statuses = await xero.accountingApi.getInvoices(
      tenantId,
      undefined,
      'Type=="ACCREC"',
      undefined,
      undefined,
      undefined,
      [contact.id],
      ['PAID', 'VOIDED'],
      1,
    );
    expect(statuses.body.invoices!.map((i) => i.invoiceID!).sort()).toEqual(
      invoices
        .filter(
          (i) =>
            i.contact === contact && i.type === 'ACCREC' && (i.status === 'PAID' || i.status === 'VOIDED'),
        )
        .map((i) => i.id)
        .sort(),
    );

    const err = await rejection(xero.accountingApi.getInvoices(tenantId, undefined, 'Total.Foo > 3 OR x'));
    expect(err.response.statusCode).toBe(400);
    expect((err.response.body as { Type: string }).Type).toBe('QueryParseException');
    const unknownField = await rejection(
      xero.accountingApi.getInvoices(tenantId, undefined, 'Colour=="red"'),
    );
    expect(unknownField.response.statusCode).toBe(400);
  });

  it('honours IDs, InvoiceNumbers, order, clamps pageSize and leaves line items off unpaged lists', async () => {
    const invoices = [...sb.store.org(tenantId).invoices.values()].filter((i) => i.type === 'ACCREC');
    const [a, b, c] = [invoices[3]!, invoices[10]!, invoices[20]!];
    const byIds = await xero.accountingApi.getInvoices(tenantId, undefined, undefined, undefined, [
      a.id.toUpperCase(),
      b.id,
    ]);
    expect(byIds.body.invoices!.map((i) => i.invoiceID).sort()).toEqual([a.id, b.id].sort());
    const byNumbers = await xero.accountingApi.getInvoices(
      tenantId,
      undefined,
      undefined,
      undefined,
      undefined,
      [c.number],
    );
    expect(byNumbers.body.invoices!.map((i) => i.invoiceNumber)).toEqual([c.number]);
    // Without paging Xero returns every match but no line items.
    expect((byNumbers.response.data as { Invoices: object[] }).Invoices[0]).not.toHaveProperty('LineItems');
    expect(byNumbers.body.pagination).toBeUndefined();

    const desc = await xero.accountingApi.getInvoices(
      tenantId,
      undefined,
      'Type=="ACCREC"',
      'Date DESC',
      undefined,
      undefined,
      undefined,
      undefined,
      1,
    );
    const dates = desc.body.invoices!.map((i) => asDate(i.date).getTime());
    expect(dates).toEqual([...dates].sort((x, y) => y - x));
    expect(desc.body.invoices![0]!.lineItems!.length).toBeGreaterThan(0);

    const clamped = await fetch(`${sb.apiBasePath}/Contacts?page=1&pageSize=5000`, {
      headers: {
        authorization: `Bearer ${sb.issueTokens().tokenSet.access_token}`,
        'xero-tenant-id': tenantId,
      },
    });
    expect(((await clamped.json()) as { pagination: { pageSize: number } }).pagination.pageSize).toBe(1000);
    const term = c.contact.name.slice(2, 9);
    const found = await xero.accountingApi.getContacts(
      tenantId,
      undefined,
      undefined,
      undefined,
      undefined,
      1,
      true,
      undefined,
      term.toUpperCase(),
    );
    const expectedIds = [...sb.store.org(tenantId).contacts.values()]
      .filter((x) =>
        [x.name, x.firstName, x.lastName, x.contactNumber, x.email].some((v) =>
          (v ?? '').toLowerCase().includes(term.toLowerCase()),
        ),
      )
      .map((x) => x.id)
      .sort();
    expect(expectedIds).toContain(c.contact.id);
    expect(found.body.contacts!.map((x) => x.contactID!).sort()).toEqual(expectedIds);
    const badOrder = await rejection(
      xero.accountingApi.getInvoices(tenantId, undefined, undefined, 'Colour ASC'),
    );
    expect(badOrder.response.statusCode).toBe(400);
  });

  it('serves summaryOnly without Payments or LineItems', async () => {
    const res = await xero.accountingApi.getInvoices(
      tenantId,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      1,
      undefined,
      undefined,
      undefined,
      true,
      5,
    );
    const raw = (res.response.data as { Invoices: Record<string, unknown>[] }).Invoices;
    expect(raw).toHaveLength(5);
    for (const inv of raw) {
      expect(inv).not.toHaveProperty('Payments');
      expect(inv).not.toHaveProperty('LineItems');
      expect(inv).toHaveProperty('AmountDue');
    }
  });

  it('excludes archived contacts unless includeArchived=true', async () => {
    const victim = [...sb.store.org(tenantId).contacts.values()][3]!;
    sb.store.archiveContact(victim.id);
    const total = sb.store.org(tenantId).contacts.size;
    const active = await xero.accountingApi.getContacts(
      tenantId,
      undefined,
      undefined,
      undefined,
      undefined,
      1,
    );
    expect(active.body.pagination!.itemCount).toBe(total - 1);
    expect(active.body.contacts!.some((c) => c.contactID === victim.id)).toBe(false);
    const all = await xero.accountingApi.getContacts(
      tenantId,
      undefined,
      undefined,
      undefined,
      undefined,
      1,
      true,
    );
    expect(all.body.pagination!.itemCount).toBe(total);
  });

  it('adds history notes with PUT and reads them back; rejects Details over 2500 characters', async () => {
    const inv = [...sb.store.org(tenantId).invoices.values()].find((i) => i.type === 'ACCREC')!;
    const put = await xero.accountingApi.createInvoiceHistory(tenantId, inv.id, {
      historyRecords: [{ details: 'Reminder 1 sent by AR Copilot (approved by Aroha)' }],
    });
    expect(put.body.historyRecords).toHaveLength(1);
    expect(put.body.historyRecords![0]!.dateUTC!.getTime()).toBe(nowMs);
    const got = await xero.accountingApi.getInvoiceHistory(tenantId, inv.id);
    const notes = got.body.historyRecords!.filter((h) => h.changes === 'Note');
    expect(notes.map((h) => [h.details, h.user])).toEqual([
      ['Reminder 1 sent by AR Copilot (approved by Aroha)', 'System Generated'],
    ]);
    expect(got.body.historyRecords![0]!.changes).toBe('Created');

    const tooLong = await rejection(
      xero.accountingApi.createInvoiceHistory(tenantId, inv.id, {
        historyRecords: [{ details: 'x'.repeat(2501) }],
      }),
    );
    expect(tooLong.response.statusCode).toBe(400);
    expect((tooLong.response.body as { Type: string }).Type).toBe('ValidationException');
    const exactly = await xero.accountingApi.createInvoiceHistory(tenantId, inv.id, {
      historyRecords: [{ details: 'y'.repeat(2500) }],
    });
    expect(exactly.response.status).toBe(200);
  });

  it('replays the first response for a repeated Idempotency-Key and creates nothing new', async () => {
    const contact = [...sb.store.org(tenantId).contacts.values()][0]!;
    const before = sb.store.getHistory('Contacts', contact.id).length;
    const first = await xero.accountingApi.createContactHistory(
      tenantId,
      contact.id,
      { historyRecords: [{ details: 'Escalated to finance manager' }] },
      'idem-key-1',
    );
    nowMs += 5_000;
    const second = await xero.accountingApi.createContactHistory(
      tenantId,
      contact.id,
      { historyRecords: [{ details: 'Escalated to finance manager' }] },
      'idem-key-1',
    );
    expect(second.body.historyRecords![0]!.dateUTC!.getTime()).toBe(
      first.body.historyRecords![0]!.dateUTC!.getTime(),
    );
    expect(sb.store.getHistory('Contacts', contact.id)).toHaveLength(before + 1);
    await xero.accountingApi.createContactHistory(
      tenantId,
      contact.id,
      { historyRecords: [{ details: 'Escalated to finance manager' }] },
      'idem-key-2',
    );
    expect(sb.store.getHistory('Contacts', contact.id)).toHaveLength(before + 2);
  });

  it('refuses invoice email on the demo company (limit 0) and sends on a live organisation', async () => {
    const demoInv = [...sb.store.org(tenantId).invoices.values()].find(
      (i) =>
        i.type === 'ACCREC' && i.status === 'AUTHORISED' && (i.contact.email || i.contact.persons.length),
    )!;
    const refused = await rejection(xero.accountingApi.emailInvoice(tenantId, demoInv.id, {}));
    expect(refused.response.statusCode).toBe(400);
    const liveInv = [...sb.store.org(liveTenantId).invoices.values()].find(
      (i) => i.type === 'ACCREC' && i.status === 'AUTHORISED',
    )!;
    sb.store.updateContact(liveInv.contact.id, { email: 'ap@example.com' });
    const sent = await xero.accountingApi.emailInvoice(liveTenantId, liveInv.id, {});
    expect(sent.response.status).toBe(204);
    expect(sb.store.org(liveTenantId).emailsSent.map((e) => e.invoiceId)).toEqual([liveInv.id]);
    const online = await xero.accountingApi.getOnlineInvoice(liveTenantId, liveInv.id);
    const url = online.body.onlineInvoices![0]!.onlineInvoiceUrl!;
    expect(url.startsWith(`${sb.url}/in/`)).toBe(true);
    const page = await fetch(url);
    expect(await page.text()).toContain(liveInv.number);
  });

  it('creates contact groups, adds and removes members, deletes groups', async () => {
    const contacts = [...sb.store.org(liveTenantId).contacts.values()];
    const created = await xero.accountingApi.createContactGroup(liveTenantId, {
      contactGroups: [{ name: 'Tier A' }],
    });
    const groupId = created.body.contactGroups![0]!.contactGroupID!;
    const dup = await rejection(
      xero.accountingApi.createContactGroup(liveTenantId, { contactGroups: [{ name: 'Tier A' }] }),
    );
    expect(dup.response.statusCode).toBe(400);
    nowMs += 2_000;
    await xero.accountingApi.createContactGroupContacts(liveTenantId, groupId, {
      contacts: [{ contactID: contacts[0]!.id }, { contactID: contacts[1]!.id }],
    });
    expect(contacts[0]!.updatedMs).toBe(nowMs);
    const one = await xero.accountingApi.getContactGroup(liveTenantId, groupId);
    expect(one.body.contactGroups![0]!.contacts!.map((c) => c.contactID).sort()).toEqual(
      [contacts[0]!.id, contacts[1]!.id].sort(),
    );
    await xero.accountingApi.deleteContactGroupContact(liveTenantId, groupId, contacts[0]!.id);
    const contact = await xero.accountingApi.getContact(liveTenantId, contacts[1]!.id);
    expect(contact.body.contacts![0]!.contactGroups!.map((g) => g.name)).toEqual(['Tier A']);
    await xero.accountingApi.updateContactGroup(liveTenantId, groupId, {
      contactGroups: [{ status: ContactGroup.StatusEnum.DELETED }],
    });
    const groups = await xero.accountingApi.getContactGroups(liveTenantId);
    expect(groups.body.contactGroups!.map((g) => g.name)).not.toContain('Tier A');
    expect(contacts[1]!.groupIds).toEqual([]);
  });

  it('passes injected faults through as xero-node errors', async () => {
    sb.faults.inject({
      match: { path: /\/Invoices$/ },
      fault: { kind: 'status', status: 429, retryAfterSec: 7 },
    });
    const limited = await rejection(xero.accountingApi.getInvoices(tenantId));
    expect(limited.response.statusCode).toBe(429);
    expect(limited.response.headers['retry-after']).toBe('7');
    expect(limited.response.body).toBe('');

    sb.faults.inject({ match: { method: 'GET' }, fault: { kind: 'status', status: 503 } });
    expect((await rejection(xero.accountingApi.getOrganisations(tenantId))).response.statusCode).toBe(503);

    sb.faults.inject({ fault: { kind: 'reset' } });
    expect((await rejection(xero.accountingApi.getOrganisations(tenantId))).response.statusCode).toBe(0);

    // A truncated JSON body does not reject in xero-node: axios keeps the raw string and the model is empty.
    // The sync client must treat a missing list as a failure.
    sb.faults.inject({ match: { path: /\/Invoices$/ }, fault: { kind: 'malformed' } });
    const malformed = await xero.accountingApi.getInvoices(tenantId);
    expect(typeof malformed.response.data).toBe('string');
    expect(malformed.body.invoices).toBeUndefined();

    // The fault was used up: the next call works.
    const org = await xero.accountingApi.getOrganisations(tenantId);
    expect(org.body.organisations![0]!.isDemoCompany).toBe(true);
    expect(org.body.organisations![0]!.baseCurrency).toBe('NZD');
    expect(String(org.body.organisations![0]!.timezone)).toBe('NEWZEALANDSTANDARDTIME');
  });
});

describe('rate limits', () => {
  it('answers 429 with Retry-After, X-Rate-Limit-Problem and an empty body past the minute limit', async () => {
    const sb = await startXeroSandbox({
      organisations: [{ kind: 'empty', name: 'Tiny' }],
      rateLimits: { perMinute: 2 },
    });
    try {
      const tenantId = sb.tenants[0]!.tenantId;
      const xero = clientFor(sb, sb.issueTokens().tokenSet.access_token);
      const first = await xero.accountingApi.getContacts(tenantId);
      expect(first.response.headers['x-minlimit-remaining']).toBe('1');
      expect(first.response.headers['x-daylimit-remaining']).toBe('4999');
      expect(first.response.headers['x-appminlimit-remaining']).toBe('9999');
      await xero.accountingApi.getContacts(tenantId);
      const err = await rejection(xero.accountingApi.getContacts(tenantId));
      expect(err.response.statusCode).toBe(429);
      expect(err.response.headers['x-rate-limit-problem']).toBe('minute');
      const retryAfter = Number(err.response.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(err.response.body).toBe('');
    } finally {
      await sb.close();
    }
  });

  it('limits concurrent calls per tenant to the configured number', async () => {
    const sb = await startXeroSandbox({
      organisations: [{ kind: 'empty' }],
      rateLimits: { concurrent: 2, perMinute: 100 },
    });
    try {
      const tenantId = sb.tenants[0]!.tenantId;
      const token = sb.issueTokens().tokenSet.access_token;
      sb.faults.inject({ times: 3, fault: { kind: 'delay', ms: 1000 } });
      const results = await Promise.all(
        [0, 1, 2].map(() =>
          fetch(`${sb.apiBasePath}/Contacts`, {
            headers: { authorization: `Bearer ${token}`, 'xero-tenant-id': tenantId },
          }).then(async (r) => ({
            status: r.status,
            problem: r.headers.get('x-rate-limit-problem'),
            body: await r.text(),
          })),
        ),
      );
      const limited = results.filter((r) => r.status === 429);
      expect(limited).toEqual([{ status: 429, problem: 'concurrent', body: '' }]);
    } finally {
      await sb.close();
    }
  });
});

describe('identity: consent, tokens, connections', () => {
  let sb: XeroSandbox;
  const redirectUri = 'http://127.0.0.1:9/callback';
  const basic = () => `Basic ${Buffer.from(`${sb.clientId}:${sb.clientSecret}`).toString('base64')}`;
  const tokenCall = (form: Record<string, string>) =>
    fetch(sb.tokenUrl, {
      method: 'POST',
      headers: { authorization: basic(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form),
    });

  beforeAll(async () => {
    nowMs = START;
    sb = await startXeroSandbox({
      now: clock,
      rateLimits: false,
      organisations: [
        { kind: 'empty', name: 'Org A' },
        { kind: 'empty', name: 'Org B' },
      ],
    });
  });
  afterAll(async () => {
    await sb.close();
  });

  async function consent(): Promise<{ code: string; state: string | null }> {
    const url = new URL(sb.authorizeUrl);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: sb.clientId,
      redirect_uri: redirectUri,
      scope: 'offline_access accounting.invoices accounting.contacts',
      state: 'csrf-123',
    }).toString();
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(redirectUri);
    return { code: location.searchParams.get('code') ?? '', state: location.searchParams.get('state') };
  }

  it('exchanges a consent code for tokens and connects every tenant under one authEventId', async () => {
    const { code, state } = await consent();
    expect(state).toBe('csrf-123');
    const res = await tokenCall({ grant_type: 'authorization_code', code, redirect_uri: redirectUri });
    expect(res.status).toBe(200);
    const tokens = (await res.json()) as Record<string, unknown>;
    expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 1800 });
    expect(String(tokens.scope)).toContain('offline_access');
    // The code is single-use.
    const again = await tokenCall({ grant_type: 'authorization_code', code, redirect_uri: redirectUri });
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({ error: 'invalid_grant' });

    const conns = (await (
      await fetch(sb.connectionsUrl, { headers: { authorization: `Bearer ${tokens.access_token}` } })
    ).json()) as { tenantId: string; authEventId: string; tenantType: string; tenantName: string }[];
    expect(conns.map((c) => c.tenantName).sort()).toEqual(['Org A', 'Org B']);
    expect(new Set(conns.map((c) => c.authEventId)).size).toBe(1);
    expect(conns.every((c) => c.tenantType === 'ORGANISATION')).toBe(true);
  });

  it('redirects with error=access_denied when the user declines', async () => {
    sb.setConsent('deny');
    try {
      const url = new URL(sb.authorizeUrl);
      url.search = new URLSearchParams({
        response_type: 'code',
        client_id: sb.clientId,
        redirect_uri: redirectUri,
        scope: 'offline_access',
        state: 's',
      }).toString();
      const res = await fetch(url, { redirect: 'manual' });
      const location = new URL(res.headers.get('location')!);
      expect(location.searchParams.get('error')).toBe('access_denied');
      expect(location.searchParams.get('code')).toBeNull();
    } finally {
      sb.setConsent('approve');
    }
  });

  it('rotates refresh tokens, honours a 30-minute grace for the old one, then answers invalid_grant', async () => {
    nowMs = START;
    const { code } = await consent();
    const initial = (await (
      await tokenCall({ grant_type: 'authorization_code', code, redirect_uri: redirectUri })
    ).json()) as { refresh_token: string };
    const r1 = (await (
      await tokenCall({ grant_type: 'refresh_token', refresh_token: initial.refresh_token })
    ).json()) as {
      refresh_token: string;
      access_token: string;
    };
    expect(r1.refresh_token).not.toBe(initial.refresh_token);
    // The response was "lost": the old token still works within the grace period.
    nowMs = START + 29 * 60_000;
    const retry = await tokenCall({ grant_type: 'refresh_token', refresh_token: initial.refresh_token });
    expect(retry.status).toBe(200);
    const retried = (await retry.json()) as { refresh_token: string; access_token: string };
    expect(retried.refresh_token).toBe(r1.refresh_token);
    const xero = clientFor(sb, retried.access_token);
    expect((await xero.accountingApi.getOrganisations(sb.tenants[0]!.tenantId)).response.status).toBe(200);
    // After the grace period the old one is dead; the new one still rotates.
    nowMs = START + 31 * 60_000;
    const late = await tokenCall({ grant_type: 'refresh_token', refresh_token: initial.refresh_token });
    expect(late.status).toBe(400);
    expect(await late.json()).toEqual({ error: 'invalid_grant' });
    const next = await tokenCall({ grant_type: 'refresh_token', refresh_token: r1.refresh_token });
    expect(next.status).toBe(200);
    const unknown = await tokenCall({ grant_type: 'refresh_token', refresh_token: 'not-a-token' });
    expect(await unknown.json()).toEqual({ error: 'invalid_grant' });
    const badClient = await fetch(sb.tokenUrl, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${sb.clientId}:wrong`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: r1.refresh_token }),
    });
    expect(await badClient.json()).toEqual({ error: 'invalid_client' });
  });

  it('answers 401 for expired or unknown tokens and 403 for tenants the token does not cover', async () => {
    nowMs = START;
    const issued = sb.issueTokens();
    const [a, b] = [sb.tenants[0]!.tenantId, sb.tenants[1]!.tenantId];
    const xero = clientFor(sb, issued.tokenSet.access_token);
    expect((await xero.accountingApi.getOrganisations(a)).response.status).toBe(200);

    const unknownTenant = await rejection(
      xero.accountingApi.getOrganisations('00000000-0000-4000-8000-000000000000'),
    );
    expect(unknownTenant.response.statusCode).toBe(403);

    const connB = issued.connections.find((c) => c.tenantId === b)!;
    const del = await fetch(`${sb.connectionsUrl}/${connB.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${issued.tokenSet.access_token}` },
    });
    expect(del.status).toBe(204);
    const forbidden = await rejection(xero.accountingApi.getOrganisations(b));
    expect(forbidden.response.statusCode).toBe(403);
    expect(forbidden.response.body).toMatchObject({ Title: 'Forbidden', Status: 403 });

    nowMs = START + 1800_000;
    const expired = await rejection(xero.accountingApi.getOrganisations(a));
    expect(expired.response.statusCode).toBe(401);
    expect((expired.response.body as { Detail: string }).Detail).toMatch(/^TokenExpired/);
    const bogus = await rejection(clientFor(sb, 'bogus').accountingApi.getOrganisations(a));
    expect(bogus.response.statusCode).toBe(401);
  });

  it('revocation ends the grant: refresh fails and connections are gone', async () => {
    nowMs = START;
    const issued = sb.issueTokens();
    const res = await fetch(sb.revocationUrl, {
      method: 'POST',
      headers: { authorization: basic() },
      body: new URLSearchParams({ token: issued.tokenSet.refresh_token }),
    });
    expect(res.status).toBe(200);
    const refresh = await tokenCall({
      grant_type: 'refresh_token',
      refresh_token: issued.tokenSet.refresh_token,
    });
    expect(await refresh.json()).toEqual({ error: 'invalid_grant' });
    const other = sb.issueTokens({ tenantIds: [] });
    const conns = await (
      await fetch(sb.connectionsUrl, { headers: { authorization: `Bearer ${other.tokenSet.access_token}` } })
    ).json();
    expect(conns).toEqual([]);
  });
});

describe('webhooks', () => {
  let sb: XeroSandbox;
  let receiver: Server;
  let target: string;
  const received: { body: string; signature: string }[] = [];

  beforeAll(async () => {
    sb = await startXeroSandbox({ organisations: [{ kind: 'demo', seed: 3, contacts: 5, invoices: 12 }] });
    // A receiver that verifies the way our app must: HMAC-SHA256 over the raw body, base64, constant-time compare.
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const signature = String(req.headers['x-xero-signature'] ?? '');
        const expected = createHmac('sha256', sb.webhookKey).update(raw).digest();
        const given = Buffer.from(signature, 'base64');
        const ok = given.length === expected.length && timingSafeEqual(given, expected);
        received.push({ body: raw.toString('utf8'), signature });
        res.writeHead(ok ? 200 : 401);
        res.end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    target = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/xero/webhooks`;
  });
  afterAll(async () => {
    await sb.close();
    await new Promise<void>((r) => receiver.close(() => r()));
  });

  it('signs deliveries with the webhook key; forged ones fail verification', async () => {
    const tenantId = sb.tenants[0]!.tenantId;
    const inv = [...sb.store.org(tenantId).invoices.values()][0]!;
    const valid = await sb.sendWebhooks(target, [
      { category: 'INVOICE', type: 'UPDATE', resourceId: inv.id, tenantId },
      { category: 'CONTACT', type: 'CREATE', resourceId: inv.contact.id, tenantId },
    ]);
    expect(valid.status).toBe(200);
    const payload = JSON.parse(received.at(-1)!.body);
    expect(payload.events).toHaveLength(2);
    expect(payload.events[0]).toMatchObject({
      resourceUrl: `${sb.apiBasePath}/Invoices/${inv.id}`,
      resourceId: inv.id,
      eventType: 'UPDATE',
      eventCategory: 'INVOICE',
      tenantId,
      tenantType: 'ORGANISATION',
    });
    expect(payload.lastEventSequence - payload.firstEventSequence).toBe(1);
    expect(typeof payload.entropy).toBe('string');
    const forged = await sb.sendWebhooks(
      target,
      [{ category: 'INVOICE', type: 'UPDATE', resourceId: inv.id, tenantId }],
      {
        signature: 'forged',
      },
    );
    expect(forged.status).toBe(401);
  });

  it('derives the events Xero would raise for changes since a moment', async () => {
    const tenantId = sb.tenants[0]!.tenantId;
    const since = new Date(sb.store.now().getTime() + 1000);
    sb.store.setNow(new Date(since.getTime() + 5000));
    try {
      const inv = [...sb.store.org(tenantId).invoices.values()].find(
        (i) => i.status === 'AUTHORISED' && i.type === 'ACCREC',
      )!;
      sb.store.addPayment(inv.id, { date: '2026-03-16', amount: '0.50' });
      const created = sb.store.addContact({ tenantId, name: 'Brand New Customer Ltd' });
      const events = sb.webhookEventsSince(since);
      expect(events.map((e) => [e.category, e.type, e.resourceId]).sort()).toEqual(
        [
          ['CONTACT', 'CREATE', created.id],
          ['INVOICE', 'UPDATE', inv.id],
        ].sort(),
      );
      expect((await sb.sendWebhooks(target, events)).status).toBe(200);
    } finally {
      sb.store.setNow(null);
    }
  });

  it('runs Intent to Receive: empty events, sequence 0, valid and forged signatures', async () => {
    received.length = 0;
    const results = await sb.intentToReceive(target);
    expect(results.length).toBeGreaterThanOrEqual(4);
    expect(results.some((r) => r.signature === 'valid')).toBe(true);
    expect(results.some((r) => r.signature === 'forged')).toBe(true);
    for (const r of results) expect(r.status).toBe(r.signature === 'valid' ? 200 : 401);
    for (const r of received) {
      expect(JSON.parse(r.body)).toMatchObject({ events: [], firstEventSequence: 0, lastEventSequence: 0 });
    }
  });
});
