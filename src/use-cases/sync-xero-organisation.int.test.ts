import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FixedClock } from '../adapters/clock.js';
import { loadLedger } from '../adapters/db/ledger-queries.js';
import { getOrganisation, type Organisation } from '../adapters/db/organisations.js';
import { getSyncCursor } from '../adapters/db/xero-ledger-store.js';
import { XeroCallError } from '../adapters/xero/xero-errors.js';
import type { AppContext } from '../context.js';
import { Big, toBase } from '../domain/money.js';
import { type SandboxStore, startXeroSandbox, type XeroSandbox } from '../sandbox/xero/index.js';
import { useTestDatabase } from '../testing/test-database.js';
import { connectSandbox, syncDeps, xeroTestContext } from '../testing/xero-harness.js';
import { reconcileXeroOrganisation } from './reconcile-xero-organisation.js';
import { syncXeroOrganisation } from './sync-xero-organisation.js';

/** The real xero-node client against the Xero sandbox, into a real Postgres (PGlite or DATABASE_URL). */

const T0 = new Date('2026-11-20T21:00:00.000Z');
const AS_OF = '2026-11-21'; // the demo organisation's local today (New Zealand, UTC+13)
const database = useTestDatabase();
let sandbox: XeroSandbox;
let clock: FixedClock;
let ctx: AppContext;
let org: Organisation;
let tenantId: string;

beforeEach(async () => {
  clock = new FixedClock(T0);
  sandbox = await startXeroSandbox({
    now: () => clock.now(),
    rateLimits: false,
    // 1,400 invoices and their payments: more than one page of 1,000 each.
    organisations: [{ kind: 'demo', seed: 7, contacts: 60, invoices: 1400, asOf: AS_OF }],
  });
  tenantId = sandbox.tenants[0]!.tenantId;
  ctx = await xeroTestContext(database, sandbox, { clock });
  [org] = (await connectSandbox(ctx, sandbox)) as [Organisation];
});
afterEach(async () => {
  await ctx.destroy();
  await sandbox.close();
});

const tick = (ms = 5_000) => clock.advance(ms);

async function sync(options: Parameters<typeof syncXeroOrganisation>[2] = {}) {
  const current = (await getOrganisation(database.db, org.id)) as Organisation;
  return syncXeroOrganisation(syncDeps(ctx, current), current, options);
}

interface Totals {
  outstanding: string;
  overdue: string;
  baseOutstanding: string;
  baseOverdue: string;
}

/** What the sandbox holds: AR amounts due per contact, in invoice currency and in base (÷ rate), to the cent. */
function sandboxTotals(store: SandboxStore): Map<string, Totals> {
  const acc = new Map<string, { out: Big; over: Big; bout: Big; bover: Big }>();
  for (const inv of store.org(tenantId).invoices.values()) {
    if (inv.type !== 'ACCREC' || inv.status !== 'AUTHORISED') continue;
    const due = new Big(inv.amountDueCents).div(100);
    const base = due.div(new Big(String(inv.rate)));
    const a = acc.get(inv.contact.id) ?? {
      out: new Big(0),
      over: new Big(0),
      bout: new Big(0),
      bover: new Big(0),
    };
    a.out = a.out.plus(due);
    a.bout = a.bout.plus(base);
    if (inv.dueDate < AS_OF) {
      a.over = a.over.plus(due);
      a.bover = a.bover.plus(base);
    }
    acc.set(inv.contact.id, a);
  }
  return fix(acc);
}

async function ledgerTotals(): Promise<Map<string, Totals>> {
  const ledger = await loadLedger(database.db, org.id);
  const acc = new Map<string, { out: Big; over: Big; bout: Big; bover: Big }>();
  for (const inv of ledger.invoices) {
    if (inv.status !== 'AUTHORISED') continue;
    const due = new Big(inv.amountDue);
    const base = toBase(due, inv.currencyRate);
    const a = acc.get(inv.contactId) ?? {
      out: new Big(0),
      over: new Big(0),
      bout: new Big(0),
      bover: new Big(0),
    };
    a.out = a.out.plus(due);
    a.bout = a.bout.plus(base);
    if (inv.dueDate < AS_OF) {
      a.over = a.over.plus(due);
      a.bover = a.bover.plus(base);
    }
    acc.set(inv.contactId, a);
  }
  return fix(acc);
}

function fix(acc: Map<string, { out: Big; over: Big; bout: Big; bover: Big }>): Map<string, Totals> {
  return new Map(
    [...acc].map(([k, a]) => [
      k,
      {
        outstanding: a.out.toFixed(2),
        overdue: a.over.toFixed(2),
        baseOutstanding: a.bout.toFixed(2),
        baseOverdue: a.bover.toFixed(2),
      },
    ]),
  );
}

async function tableCounts() {
  const count = async (
    t: 'xero_contacts' | 'xero_invoices' | 'xero_payments' | 'xero_credits' | 'xero_credit_allocations',
  ) =>
    Number(
      (
        await sql<{
          n: number;
        }>`select count(*)::int as n from ${sql.table(t)} where org_id = ${org.id}`.execute(database.db)
      ).rows[0]?.n,
    );
  return {
    contacts: await count('xero_contacts'),
    invoices: await count('xero_invoices'),
    payments: await count('xero_payments'),
    credits: await count('xero_credits'),
    allocations: await count('xero_credit_allocations'),
  };
}

function sandboxCounts() {
  const o = sandbox.store.org(tenantId);
  const credits = [...o.credits.values()];
  return {
    contacts: o.contacts.size,
    invoices: [...o.invoices.values()].filter((i) => i.type === 'ACCREC').length,
    payments: [...o.payments.values()].filter((p) => p.type === 'ACCRECPAYMENT').length,
    credits: credits.length,
    allocations: credits.reduce((n, c) => n + c.allocations.length, 0),
  };
}

async function snapshot() {
  const rows = await sql<{ t: string; h: string }>`
    select 'i' as t, md5(string_agg(invoice_id || status || amount_due::text || due_date::text || coalesce(xero_updated_at::text,''), ',' order by invoice_id)) as h from xero_invoices
    union all select 'p', md5(string_agg(payment_id || status || amount::text, ',' order by payment_id)) from xero_payments
    union all select 'c', md5(string_agg(contact_id || status || name, ',' order by contact_id)) from xero_contacts
    union all select 'a', md5(string_agg(allocation_id || amount::text, ',' order by allocation_id)) from xero_credit_allocations`.execute(
    database.db,
  );
  return Object.fromEntries(rows.rows.map((r) => [r.t, r.h]));
}

describe('full and incremental sync', () => {
  it('stores the whole demo organisation, matches the sandbox to the cent, and re-syncs with one call per resource', async () => {
    sandbox.clearCalls();
    const full = await sync({ full: true });
    expect(full.mode).toBe('full');
    expect(full.organisationRefreshed).toBe(true);
    // Every payment is read from /Payments in this run: the invoices come as summary pages.
    const invoiceCalls = sandbox.calls.filter((c) => c.path.endsWith('/Invoices'));
    expect(invoiceCalls.length).toBeGreaterThan(1);
    expect(invoiceCalls.every((c) => c.query.summaryOnly === 'true')).toBe(true);
    const expected = sandboxCounts();
    expect(expected.invoices).toBeGreaterThan(1000);
    expect(expected.payments).toBeGreaterThan(1000);
    expect(await tableCounts()).toEqual(expected);
    expect(full.resources.invoices.pages).toBe(Math.ceil(expected.invoices / 1000));
    expect(full.resources.payments.pages).toBe(Math.ceil(expected.payments / 1000));
    // organisation + reminders + Σ⌈N/1000⌉ (at least one call per resource, even when empty)
    const minimum = Object.values(full.resources).reduce((n, r) => n + Math.max(1, r.pages), 0);
    expect(full.apiCalls).toBe(2 + minimum);

    const profile = await getOrganisation(database.db, org.id);
    const sbOrg = sandbox.store.org(tenantId);
    expect(profile).toMatchObject({
      baseCurrency: sbOrg.baseCurrency,
      timezone: 'Pacific/Auckland',
      shortCode: sbOrg.shortCode,
    });
    const extra = await database.db
      .selectFrom('organisations')
      .select(['xero_reminders_enabled', 'is_demo_company', 'default_sales_terms'])
      .where('id', '=', org.id)
      .executeTakeFirstOrThrow();
    expect(extra).toEqual({
      xero_reminders_enabled: sbOrg.invoiceRemindersEnabled,
      is_demo_company: sbOrg.isDemoCompany,
      default_sales_terms: sbOrg.salesTerms,
    });

    const want = sandboxTotals(sandbox.store);
    const got = await ledgerTotals();
    expect(got.size).toBeGreaterThan(10);
    expect(got).toEqual(want);
    // Xero's own per-contact figures agree too (document currency).
    for (const [contactId, t] of got) {
      const b = sandbox.store.contactBalances(contactId, AS_OF).receivable;
      expect({ outstanding: t.outstanding, overdue: t.overdue }).toEqual({
        outstanding: new Big(b.outstanding).toFixed(2),
        overdue: new Big(b.overdue).toFixed(2),
      });
    }

    // Nothing changed in Xero: one call per resource type, and nothing moves.
    const before = await snapshot();
    tick();
    const again = await sync();
    expect(again.mode).toBe('incremental');
    expect(again.apiCalls).toBe(6);
    expect(await snapshot()).toEqual(before);

    // A second full run is idempotent as well.
    await sync({ full: true });
    expect(await tableCounts()).toEqual(expected);
  });
});

describe('changes in Xero reach the ledger on the next incremental sync', () => {
  beforeEach(async () => {
    await sync({ full: true });
    tick();
  });

  it('undoes a payment deleted in Xero', async () => {
    const payment = [...sandbox.store.org(tenantId).payments.values()].find(
      (p) => p.type === 'ACCRECPAYMENT' && p.status === 'AUTHORISED' && p.invoice.status === 'PAID',
    )!;
    const invoiceId = payment.invoice.id;
    const before = await loadLedger(database.db, org.id);
    expect(before.settlements.some((s) => s.id === payment.id)).toBe(true);

    sandbox.store.deletePayment(payment.id);
    tick();
    sandbox.clearCalls();
    const r = await sync();
    // Incremental: full invoice pages, whose payment lists show what was deleted.
    const invoiceCalls = sandbox.calls.filter((c) => c.path.endsWith('/Invoices'));
    expect(invoiceCalls.map((c) => c.query.summaryOnly)).toEqual([undefined]);
    // The deleted payment, plus whatever shares the cursor's last second (re-read on purpose).
    expect(r.resources.payments.rows).toBeGreaterThanOrEqual(1);
    expect(r.resources.payments.rows).toBeLessThan(10);

    const row = await database.db
      .selectFrom('xero_payments')
      .selectAll()
      .where('payment_id', '=', payment.id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('DELETED');
    const after = await loadLedger(database.db, org.id);
    expect(after.settlements.some((s) => s.id === payment.id)).toBe(false);
    const inv = after.invoices.find((i) => i.id === invoiceId)!;
    expect(inv.status).toBe('AUTHORISED');
    expect(new Big(inv.amountDue).toFixed(2)).toBe(new Big(payment.amountCents).div(100).toFixed(2));
    expect(await ledgerTotals()).toEqual(sandboxTotals(sandbox.store));
  });

  it('undoes a payment deleted in Xero on a full re-sync too, where invoices come without their payments', async () => {
    const payment = [...sandbox.store.org(tenantId).payments.values()].find(
      (p) => p.type === 'ACCRECPAYMENT' && p.status === 'AUTHORISED' && p.invoice.status === 'PAID',
    )!;
    sandbox.store.deletePayment(payment.id);
    tick();
    await sync({ full: true });
    const row = await database.db
      .selectFrom('xero_payments')
      .select('status')
      .where('payment_id', '=', payment.id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('DELETED');
    expect(await ledgerTotals()).toEqual(sandboxTotals(sandbox.store));
  });

  it('keeps the payments it holds when a full re-sync stops after the invoice summaries', async () => {
    const before = await snapshot();
    // Every /Payments request fails past the retries: the run stores the invoices, then stops.
    sandbox.faults.inject({
      match: { path: /\/Payments$/ },
      times: 10,
      fault: { kind: 'status', status: 500 },
    });
    await expect(sync({ full: true })).rejects.toBeInstanceOf(XeroCallError);
    expect(sandbox.calls.some((c) => c.path.endsWith('/Invoices') && c.query.summaryOnly === 'true')).toBe(
      true,
    );
    // A summary page says nothing about payments: none of them may read as deleted.
    expect((await snapshot()).p).toBe(before.p);
    expect(await ledgerTotals()).toEqual(sandboxTotals(sandbox.store));
  });

  it('records a credit note allocated to an open invoice', async () => {
    const inv = [...sandbox.store.org(tenantId).invoices.values()].find(
      (i) => i.type === 'ACCREC' && i.status === 'AUTHORISED' && i.amountDueCents > 5000,
    )!;
    const credit = sandbox.store.addCreditNote({
      contactId: inv.contact.id,
      date: AS_OF,
      currency: inv.currency,
      rate: inv.rate,
      amount: '30.00',
      status: 'AUTHORISED',
    });
    sandbox.store.allocateCreditNote(credit.id, inv.id, '30.00', AS_OF);
    tick();
    await sync();

    const ledger = await loadLedger(database.db, org.id);
    const settlement = ledger.settlements.find((s) => s.sourceId === credit.id);
    expect(settlement).toMatchObject({ invoiceId: inv.id, kind: 'credit_note', date: AS_OF });
    expect(new Big(settlement!.amount).toFixed(2)).toBe('30.00');
    const synced = ledger.invoices.find((i) => i.id === inv.id)!;
    expect(new Big(synced.amountDue).toFixed(2)).toBe(new Big(inv.amountDueCents).div(100).toFixed(2));
    const c = ledger.credits.find((x) => x.id === credit.id)!;
    expect(new Big(c.remainingCredit).toFixed(2)).toBe(new Big(credit.remainingCents).div(100).toFixed(2));
    expect(await ledgerTotals()).toEqual(sandboxTotals(sandbox.store));
  });

  it('marks archived and merged contacts', async () => {
    const contacts = [...sandbox.store.org(tenantId).contacts.values()].filter((c) => c.status === 'ACTIVE');
    const [archived, from, into] = contacts as [
      (typeof contacts)[0],
      (typeof contacts)[0],
      (typeof contacts)[0],
    ];
    sandbox.store.archiveContact(archived.id);
    sandbox.store.mergeContacts(from.id, into.id);
    tick();
    await sync();
    const rows = await database.db
      .selectFrom('xero_contacts')
      .select(['contact_id', 'status', 'merged_to_contact_id'])
      .where('contact_id', 'in', [archived.id, from.id])
      .orderBy('contact_id')
      .execute();
    const byId = new Map(rows.map((r) => [r.contact_id, r]));
    expect(byId.get(archived.id)).toMatchObject({ status: 'ARCHIVED', merged_to_contact_id: null });
    expect(byId.get(from.id)).toMatchObject({ status: 'ARCHIVED', merged_to_contact_id: into.id });
    // The merged contact's invoices moved to the survivor.
    expect(await ledgerTotals()).toEqual(sandboxTotals(sandbox.store));
  });
});

describe('faults', () => {
  it('waits out a 429 mid-sync and finishes without losing a page', async () => {
    // The first invoice request (page 1) passes; the next one (page 2) is refused with Retry-After: 1.
    sandbox.faults.inject({ match: { path: /\/Invoices$/ }, fault: { kind: 'delay', ms: 1 } });
    sandbox.faults.inject({
      match: { path: /\/Invoices$/ },
      fault: { kind: 'status', status: 429, retryAfterSec: 1 },
    });
    const r = await sync({ full: true });
    const refused = sandbox.calls.filter((c) => c.status === 429);
    expect(refused.map((c) => c.query.page)).toEqual(['2']);
    // The same page was asked again after the wait, and answered.
    expect(
      sandbox.calls.filter((c) => c.path.endsWith('/Invoices') && c.query.page === '2').map((c) => c.status),
    ).toEqual([429, 200]);
    expect(r.resources.invoices.pages).toBe(2);
    expect(await tableCounts()).toEqual(sandboxCounts());
  });

  it('resumes a sync interrupted on page 3 by 500s that outlast the retries, without duplicates or gaps', async () => {
    const [sbOrg] = [sandbox.store.org(tenantId)];
    // Make invoices span three pages.
    const contact = [...sbOrg.contacts.values()][0]!;
    for (let i = 0; i < 700; i++) {
      sandbox.store.addInvoice({
        contactId: contact.id,
        date: '2026-10-01',
        dueDate: '2026-10-31',
        amount: '10.00',
        status: 'AUTHORISED',
      });
    }
    tick();
    const expected = sandboxCounts();
    expect(expected.invoices).toBeGreaterThan(2000);
    // Rules are taken in order: the first two invoice requests (pages 1 and 2) pass, every later one fails.
    sandbox.faults.inject({ match: { path: /\/Invoices$/ }, times: 2, fault: { kind: 'delay', ms: 1 } });
    sandbox.faults.inject({
      match: { path: /\/Invoices$/ },
      times: 10,
      fault: { kind: 'status', status: 500 },
    });
    await expect(sync()).rejects.toBeInstanceOf(XeroCallError);
    const afterTwoPages = await tableCounts();
    expect(afterTwoPages.invoices).toBe(2000);
    const cursor = await getSyncCursor(database.db, org.id, 'invoices');
    expect(cursor).not.toBeNull();

    sandbox.faults.clear();
    tick();
    const resumed = await sync();
    expect(resumed.resources.invoices.rows).toBeLessThan(expected.invoices); // resumed, not restarted
    expect(await tableCounts()).toEqual(expected);
    expect(await ledgerTotals()).toEqual(sandboxTotals(sandbox.store));
  });

  it('times out a stalled request and retries it', async () => {
    await ctx.destroy();
    ctx = await xeroTestContext(database, sandbox, {
      clock,
      xeroOptions: { timeoutMs: 300, maxAttempts: 3, backoff: { baseMs: 5, capMs: 20 } },
    });
    sandbox.faults.inject({ match: { path: /\/Contacts$/ }, fault: { kind: 'delay', ms: 1_500 } });
    sandbox.clearCalls();
    const r = await sync({ full: true });
    expect(sandbox.calls.filter((c) => c.path.endsWith('/Contacts'))).toHaveLength(2);
    expect(r.resources.contacts.rows).toBe(sandboxCounts().contacts);
  });

  it('retries a malformed body instead of reading it as an empty page', async () => {
    sandbox.faults.inject({ match: { path: /\/Payments$/ }, fault: { kind: 'malformed' } });
    const r = await sync({ full: true });
    expect(r.resources.payments.rows).toBe(sandboxCounts().payments);
  });
});

describe('nightly reconcile', () => {
  it('catches a DueDate change that did not bump UpdatedDateUTC', async () => {
    await sync({ full: true });
    const inv = [...sandbox.store.org(tenantId).invoices.values()].find(
      (i) => i.type === 'ACCREC' && i.status === 'AUTHORISED' && i.amountPaidCents > 0,
    )!;
    tick();
    sandbox.store.changeDueDate(inv.id, '2027-01-15', { bumpUpdated: false });
    tick();
    await sync();
    const stale = await database.db
      .selectFrom('xero_invoices')
      .select('due_date')
      .where('invoice_id', '=', inv.id)
      .executeTakeFirstOrThrow();
    expect(stale.due_date).not.toBe('2027-01-15'); // If-Modified-Since cannot see it

    const current = (await getOrganisation(database.db, org.id)) as Organisation;
    const report = await reconcileXeroOrganisation(syncDeps(ctx, current), current);
    expect(report.openInvoices).toBe(
      [...sandbox.store.org(tenantId).invoices.values()].filter(
        (i) => i.type === 'ACCREC' && i.status === 'AUTHORISED',
      ).length,
    );
    const fixed = await database.db
      .selectFrom('xero_invoices')
      .select('due_date')
      .where('invoice_id', '=', inv.id)
      .executeTakeFirstOrThrow();
    expect(fixed.due_date).toBe('2027-01-15');
    expect(await ledgerTotals()).toEqual(sandboxTotals(sandbox.store));
  });

  it('re-checks invoices and credits we hold as open that Xero no longer lists as open', async () => {
    await sync({ full: true });
    const sb = sandbox.store.org(tenantId);
    const paid = [...sb.invoices.values()]
      .filter((i) => i.type === 'ACCREC' && i.status === 'PAID')
      .slice(0, 3);
    const spent = [...sb.credits.values()].find((c) => c.status === 'PAID')!;
    // Our copy drifted (a lost update, an old bug): it says open where Xero says settled.
    await database.db
      .updateTable('xero_invoices')
      .set({ status: 'AUTHORISED', amount_due: '1.00' })
      .where(
        'invoice_id',
        'in',
        paid.map((i) => i.id),
      )
      .execute();
    await database.db
      .updateTable('xero_credits')
      .set({ status: 'AUTHORISED' })
      .where('credit_id', '=', spent.id)
      .execute();
    sandbox.clearCalls();
    const current = (await getOrganisation(database.db, org.id)) as Organisation;
    const report = await reconcileXeroOrganisation(syncDeps(ctx, current), current);
    expect(report).toMatchObject({ recheckedInvoices: 3, missingInvoices: 0, recheckedCredits: 1 });
    const byIds = sandbox.calls.filter((c) => c.path.endsWith('/Invoices') && c.query.IDs);
    expect(byIds).toHaveLength(1);
    expect(byIds[0]!.query.IDs!.split(',').sort()).toEqual(paid.map((i) => i.id).sort());
    const rows = await database.db
      .selectFrom('xero_invoices')
      .select(['status', 'amount_due'])
      .where(
        'invoice_id',
        'in',
        paid.map((i) => i.id),
      )
      .execute();
    expect(rows.map((r) => [r.status, Number(r.amount_due)])).toEqual([
      ['PAID', 0],
      ['PAID', 0],
      ['PAID', 0],
    ]);
    const credit = await database.db
      .selectFrom('xero_credits')
      .select('status')
      .where('credit_id', '=', spent.id)
      .executeTakeFirstOrThrow();
    expect(credit.status).toBe('PAID');
    expect(await ledgerTotals()).toEqual(sandboxTotals(sandbox.store));
  });
});
