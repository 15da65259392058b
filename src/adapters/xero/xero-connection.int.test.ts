import { createServer, type RequestListener, type Server } from 'node:http';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../context.js';
import { AppError } from '../../errors.js';
import { createRouteServer, listen } from '../../http/server.js';
import { createLogger } from '../../logger.js';
import { createOutboxHandlers } from '../../outbox-handlers.js';
import { startXeroSandbox, type XeroSandbox } from '../../sandbox/xero/index.js';
import { useTestDatabase } from '../../testing/test-database.js';
import { connectSandbox, syncDeps, xeroTestContext } from '../../testing/xero-harness.js';
import { syncXeroOrganisation } from '../../use-cases/sync-xero-organisation.js';
import { FixedClock } from '../clock.js';
import { type Database, openDatabase } from '../db/database.js';
import { getOrganisation, listOrganisations, type Organisation } from '../db/organisations.js';
import { OutboxWorker } from '../outbox/outbox-worker.js';
import { disconnectXeroOrganisation } from './xero-connect.js';
import { xeroRoutes } from './xero-routes.js';

/** OAuth, token rotation, webhooks and concurrency through the real routes, xero-node and the sandbox. */

const T0 = new Date('2026-11-20T21:00:00.000Z');
const database = useTestDatabase();
let sandbox: XeroSandbox;
let clock: FixedClock;
let ctx: AppContext;
let server: Server;
let baseUrl: string;
let logLines: string[];

/** Our route server on port 0; PUBLIC_URL (and so the redirect URI) is only known once it listens. */
async function startApp(xeroOptions?: NonNullable<Parameters<typeof xeroTestContext>[2]>['xeroOptions']) {
  let handler: RequestListener = (_req, res) => res.end();
  server = createServer((req, res) => handler(req, res));
  const port = await listen(server, 0);
  baseUrl = `http://127.0.0.1:${port}`;
  logLines = [];
  const log = createLogger({
    level: 'info',
    destination: new Writable({
      write(chunk, _enc, cb) {
        logLines.push(String(chunk));
        cb();
      },
    }),
  });
  ctx = await xeroTestContext(database, sandbox, {
    clock,
    log,
    env: { PUBLIC_URL: baseUrl },
    ...(xeroOptions ? { xeroOptions } : {}),
  });
  const routes = createRouteServer(xeroRoutes(ctx));
  handler = (req, res) => routes.emit('request', req, res);
}

beforeEach(async () => {
  clock = new FixedClock(T0);
  sandbox = await startXeroSandbox({
    now: () => clock.now(),
    rateLimits: false,
    organisations: [
      { kind: 'demo', name: 'Harbour Supplies', seed: 3, contacts: 8, invoices: 40, asOf: '2026-11-21' },
      { kind: 'demo', name: 'Kauri & Sons', seed: 4, contacts: 5, invoices: 20, asOf: '2026-11-21' },
    ],
  });
  await startApp();
});
afterEach(async () => {
  await ctx.destroy();
  await new Promise<void>((r) => {
    server.close(() => r());
    server.closeAllConnections();
  });
  await sandbox.close();
});

async function get(url: string, cookie?: string) {
  return fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
}

async function currentOrg(id: string): Promise<Organisation> {
  return (await getOrganisation(database.db, id)) as Organisation;
}

describe('connect → consent → callback through the real routes', () => {
  async function startConsent() {
    const connect = await get(`${baseUrl}/xero/connect`);
    expect(connect.status).toBe(302);
    const location = new URL(connect.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(sandbox.authorizeUrl);
    expect(location.searchParams.get('redirect_uri')).toBe(`${baseUrl}/xero/callback`);
    expect(location.searchParams.get('scope')).toBe(
      'offline_access accounting.invoices accounting.payments.read accounting.contacts accounting.settings.read accounting.reports.aged.read',
    );
    const cookie = connect.headers.get('set-cookie')!.split(';')[0]!;
    const consent = await get(location.toString());
    expect(consent.status).toBe(302);
    return { callback: new URL(consent.headers.get('location')!), cookie };
  }

  it('connects every organisation of the consent, stores the tokens encrypted and schedules the first sync', async () => {
    const { callback, cookie } = await startConsent();
    expect(callback.pathname).toBe('/xero/callback');
    const res = await get(callback.toString(), cookie);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Connected 2 organisations');
    expect(html).toContain('Harbour Supplies');
    expect(html).toContain('Kauri &amp; Sons');

    const orgs = await listOrganisations(database.db);
    expect(orgs.map((o) => [o.name, o.status]).sort()).toEqual([
      ['Harbour Supplies', 'active'],
      ['Kauri & Sons', 'active'],
    ]);
    expect(new Set(orgs.map((o) => o.tokenSetId)).size).toBe(1);
    const tokenRow = await database.db.selectFrom('oauth_token_sets').selectAll().executeTakeFirstOrThrow();
    const stored = await ctx.xero.tokens.read(database.db, tokenRow.id);
    expect(stored?.accessToken.length).toBeGreaterThan(10);
    expect(tokenRow.ciphertext).not.toContain(stored!.accessToken);
    expect(tokenRow.ciphertext).not.toContain(stored!.refreshToken);
    // Bound to its row: the same ciphertext under another id does not open.
    expect(() =>
      ctx.secrets.open(tokenRow.ciphertext, 'oauth_token_sets:00000000-0000-0000-0000-000000000000'),
    ).toThrow(AppError);
    const jobs = await database.db.selectFrom('scheduled_jobs').selectAll().execute();
    expect(jobs.map((j) => [j.job, j.next_run_at.toISOString()])).toEqual([
      ['xero.sync', T0.toISOString()],
      ['xero.sync', T0.toISOString()],
    ]);
    // The connected organisation syncs with the stored token.
    const org = orgs.find((o) => o.name === 'Harbour Supplies')!;
    const report = await syncXeroOrganisation(syncDeps(ctx, org), org);
    expect(report.resources.invoices.rows).toBeGreaterThan(0);
  });

  it('rejects a tampered state, an expired one, and one from another browser', async () => {
    const { callback, cookie } = await startConsent();
    const tampered = new URL(callback);
    const state = tampered.searchParams.get('state')!;
    tampered.searchParams.set('state', `${state.slice(0, -2)}${state.endsWith('AA') ? 'BB' : 'AA'}`);
    const bad = await get(tampered.toString(), cookie);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('not issued by this app');

    const other = await get(callback.toString());
    expect(other.status).toBe(400);
    expect(await other.text()).toContain('started in another browser');

    clock.advance(11 * 60_000);
    const late = await get(callback.toString(), cookie);
    expect(late.status).toBe(400);
    expect(await late.text()).toContain('expired');
    expect(await listOrganisations(database.db)).toEqual([]);
  });

  it('completes one connection per state: a replayed callback and a doubled one are refused', async () => {
    const { callback, cookie } = await startConsent();
    // Two callbacks with the same state at once (a double click, or a replay racing the original).
    const [a, b] = await Promise.all([get(callback.toString(), cookie), get(callback.toString(), cookie)]);
    expect([a.status, b.status].sort()).toEqual([200, 400]);
    const refused = a.status === 400 ? a : b;
    expect(await refused.text()).toContain('already used');
    const replay = await get(callback.toString(), cookie);
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain('already used');
    expect((await listOrganisations(database.db)).length).toBe(2);
    expect(await database.db.selectFrom('oauth_token_sets').select('id').execute()).toHaveLength(1);
  });

  it('answers a denied consent and a failed code exchange with a clear page', async () => {
    sandbox.setConsent('deny');
    const denied = await startConsent();
    const res = await get(denied.callback.toString(), denied.cookie);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('Consent was not given');

    sandbox.setConsent('approve');
    const ok = await startConsent();
    await get(ok.callback.toString(), ok.cookie); // uses the code
    const reused = await startConsent();
    const replay = new URL(reused.callback);
    replay.searchParams.set('code', ok.callback.searchParams.get('code')!);
    const failed = await get(replay.toString(), reused.cookie);
    expect(failed.status).toBe(502);
    expect(await failed.text()).toContain('invalid_grant');
  });

  it('disconnects one organisation by its connection id', async () => {
    const [a, b] = (await connectSandbox(ctx, sandbox)) as [Organisation, Organisation];
    await disconnectXeroOrganisation({ db: database.db, xero: ctx.xero, log: ctx.log }, a, clock.now());
    expect((await currentOrg(a.id)).status).toBe('disconnected');
    const del = sandbox.calls.find((c) => c.method === 'DELETE');
    expect(del?.path).toBe(`/connections/${a.xeroConnectionId}`);
    expect((await currentOrg(b.id)).status).toBe('active');
  });
});

describe('token refresh', () => {
  const tokenCalls = () => sandbox.calls.filter((c) => c.method === 'POST' && c.path === '/connect/token');

  it('refreshes an expiring access token once, rotating and persisting the refresh token', async () => {
    const [org] = (await connectSandbox(ctx, sandbox)) as [Organisation];
    const before = await ctx.xero.tokens.read(database.db, org.tokenSetId!);
    await syncXeroOrganisation(syncDeps(ctx, org), org);
    expect(tokenCalls()).toHaveLength(0);

    clock.advance(29 * 60_000); // inside the refresh-ahead window of a 30-minute token
    await syncXeroOrganisation(syncDeps(ctx, await currentOrg(org.id)), org);
    expect(tokenCalls()).toHaveLength(1);
    const after = await ctx.xero.tokens.read(database.db, org.tokenSetId!);
    expect(after!.refreshToken).not.toBe(before!.refreshToken);
    expect(after!.accessToken).not.toBe(before!.accessToken);

    // The rotated token works for the next refresh; the old one is spent (outside the grace period).
    clock.advance(40 * 60_000);
    await syncXeroOrganisation(syncDeps(ctx, await currentOrg(org.id)), org);
    expect(tokenCalls()).toHaveLength(2);
    expect((await currentOrg(org.id)).status).toBe('active');
  });

  it('survives a lost refresh response by re-using the old refresh token within the grace period', async () => {
    await ctx.destroy();
    await startApp({ timeoutMs: 300, maxAttempts: 3, backoff: { baseMs: 5, capMs: 20 } });
    const [org] = (await connectSandbox(ctx, sandbox)) as [Organisation];
    clock.advance(31 * 60_000);
    // Xero rotates the token, but the answer never reaches us (the request outlives our timeout).
    sandbox.faults.inject({
      match: { method: 'POST', path: /^\/connect\/token$/ },
      fault: { kind: 'delay', ms: 450 },
    });
    const report = await syncXeroOrganisation(syncDeps(ctx, org), org);
    expect(report.resources.contacts.rows).toBeGreaterThan(0);
    expect(tokenCalls()).toHaveLength(2);
    expect((await currentOrg(org.id)).status).toBe('active');
    // What we stored is the successor Xero issued: it refreshes again later.
    clock.advance(31 * 60_000);
    await syncXeroOrganisation(syncDeps(ctx, await currentOrg(org.id)), org);
    expect(tokenCalls()).toHaveLength(3);
    expect((await currentOrg(org.id)).status).toBe('active');
  });

  it('marks every organisation of the token set needs_reconnect on invalid_grant, without logging secrets', async () => {
    const orgs = await connectSandbox(ctx, sandbox);
    const secret = (await ctx.xero.tokens.read(database.db, orgs[0]!.tokenSetId!))!;
    clock.advance(61 * 24 * 3_600_000); // refresh tokens die after 60 days unused
    const org = orgs[0]!;
    const failure = await syncXeroOrganisation(syncDeps(ctx, org), org).catch((e) => e);
    expect(failure).toBeInstanceOf(AppError);
    expect((failure as AppError).code).toBe('XERO_RECONNECT_REQUIRED');
    for (const o of orgs) {
      const now = await currentOrg(o.id);
      expect(now.status).toBe('needs_reconnect');
      expect(now.statusReason).toMatch(/reconnect/);
    }
    const row = await database.db.selectFrom('oauth_token_sets').select('status').executeTakeFirstOrThrow();
    expect(row.status).toBe('invalid');
    const logs = logLines.join('');
    expect(logs).toContain('XERO_RECONNECT_REQUIRED');
    expect(logs).not.toContain(secret.refreshToken);
    expect(logs).not.toContain(secret.accessToken);
  });
});

describe('webhooks', () => {
  it('answers Intent to Receive: 200 to correctly signed posts, 401 to forged ones', async () => {
    const results = await sandbox.intentToReceive(`${baseUrl}/xero/webhooks`);
    expect(results.length).toBeGreaterThan(1);
    for (const r of results) expect(r.status).toBe(r.signature === 'valid' ? 200 : 401);
  });

  it('stores signed events once, refreshes just those records through the outbox, and ignores forged ones', async () => {
    const [org] = (await connectSandbox(ctx, sandbox, [sandbox.tenants[0]!.tenantId])) as [Organisation];
    await syncXeroOrganisation(syncDeps(ctx, org), org);
    const inv = [...sandbox.store.org(org.xeroTenantId).invoices.values()].find(
      (i) => i.type === 'ACCREC' && i.status === 'AUTHORISED',
    )!;
    clock.advance(60_000);
    sandbox.store.changeDueDate(inv.id, '2027-02-01', { bumpUpdated: true });
    const event = {
      category: 'INVOICE' as const,
      type: 'UPDATE' as const,
      resourceId: inv.id,
      tenantId: org.xeroTenantId,
    };

    const forged = await sandbox.sendWebhooks(`${baseUrl}/xero/webhooks`, [event], { signature: 'forged' });
    expect(forged.status).toBe(401);
    expect(await database.db.selectFrom('xero_webhook_events').selectAll().execute()).toEqual([]);

    const ok = await sandbox.sendWebhooks(`${baseUrl}/xero/webhooks`, [event]);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('');
    // At-least-once delivery: the same event again changes nothing.
    const dup = await sandbox.sendWebhooks(`${baseUrl}/xero/webhooks`, [
      { ...event, eventDate: clock.now() },
    ]);
    expect(dup.status).toBe(200);
    expect(await database.db.selectFrom('xero_webhook_events').selectAll().execute()).toHaveLength(1);
    const queued = await database.db
      .selectFrom('outbox')
      .selectAll()
      .where('kind', '=', 'xero.refresh')
      .execute();
    expect(queued).toHaveLength(1);

    sandbox.clearCalls();
    const worker = new OutboxWorker({
      db: database.db,
      clock,
      log: ctx.log,
      handlers: createOutboxHandlers(ctx, { only: ['xero.refresh'] }),
    });
    expect(await worker.drain()).toMatchObject({ done: 1 });
    const apiCalls = sandbox.calls.filter((c) => c.path.startsWith('/api.xro'));
    expect(apiCalls.map((c) => [c.path, c.query.IDs])).toEqual([['/api.xro/2.0/Invoices', inv.id]]);
    const row = await database.db
      .selectFrom('xero_invoices')
      .select('due_date')
      .where('invoice_id', '=', inv.id)
      .executeTakeFirstOrThrow();
    expect(row.due_date).toBe('2027-02-01');
  });
  it('refreshes a payment announced by a PAYMENT event (Xero added them in 2026) by its id', async () => {
    const [org] = (await connectSandbox(ctx, sandbox, [sandbox.tenants[0]!.tenantId])) as [Organisation];
    await syncXeroOrganisation(syncDeps(ctx, org), org);
    const since = clock.now();
    const inv = [...sandbox.store.org(org.xeroTenantId).invoices.values()].find(
      (i) => i.type === 'ACCREC' && i.status === 'AUTHORISED' && i.amountDueCents > 1000,
    )!;
    clock.advance(60_000);
    const payment = sandbox.store.addPayment(inv.id, { date: '2026-11-20', amount: '10.00' });
    const events = sandbox
      .webhookEventsSince(since, [org.xeroTenantId], { payments: true })
      .filter((e) => e.category === 'PAYMENT');
    expect(events.map((e) => e.resourceId)).toEqual([payment.id]);
    expect((await sandbox.sendWebhooks(`${baseUrl}/xero/webhooks`, events)).status).toBe(200);
    sandbox.clearCalls();
    const worker = new OutboxWorker({
      db: database.db,
      clock,
      log: ctx.log,
      handlers: createOutboxHandlers(ctx, { only: ['xero.refresh'] }),
    });
    expect(await worker.drain()).toMatchObject({ done: 1 });
    const apiCalls = sandbox.calls.filter((c) => c.path.startsWith('/api.xro'));
    expect(apiCalls.map((c) => c.path)).toEqual([`/api.xro/2.0/Payments/${payment.id}`]);
    const row = await database.db
      .selectFrom('xero_payments')
      .select(['payment_id', 'invoice_id'])
      .where('payment_id', '=', payment.id)
      .executeTakeFirst();
    expect(row).toEqual({ payment_id: payment.id, invoice_id: inv.id });
  });
});

describe('two instances', () => {
  it('sync the same organisation at once without duplicates or lost updates', async () => {
    const [org] = (await connectSandbox(ctx, sandbox, [sandbox.tenants[0]!.tenantId])) as [Organisation];
    // On the real server the second instance has its own pool; on PGlite both share the one connection.
    const second: Database = database.url
      ? await openDatabase({ databaseUrl: database.url, dataDir: '', poolSize: 4 })
      : database;
    const ctx2 = await xeroTestContext(second, sandbox, { clock, env: { PUBLIC_URL: baseUrl } });
    try {
      await Promise.all([
        syncXeroOrganisation(syncDeps(ctx, org), org, { full: true }),
        syncXeroOrganisation(syncDeps(ctx2, org), org, { full: true }),
      ]);
      // A change lands between two overlapping runs: whichever finishes last must not undo it.
      const inv = [...sandbox.store.org(org.xeroTenantId).invoices.values()].find(
        (i) => i.type === 'ACCREC' && i.status === 'AUTHORISED' && i.amountDueCents > 100,
      )!;
      const stale = syncXeroOrganisation(syncDeps(ctx2, org), org, { full: true });
      clock.advance(10_000);
      sandbox.store.addPayment(inv.id, { date: '2026-11-21', amount: '1.00' });
      await stale;
      await syncXeroOrganisation(syncDeps(ctx, org), org);
      await syncXeroOrganisation(syncDeps(ctx2, org), org, { full: true });

      const sbOrg = sandbox.store.org(org.xeroTenantId);
      const invoices = await database.db
        .selectFrom('xero_invoices')
        .select(['invoice_id', 'amount_due'])
        .execute();
      const accrec = [...sbOrg.invoices.values()].filter((i) => i.type === 'ACCREC');
      expect(invoices).toHaveLength(accrec.length);
      const due = new Map(invoices.map((i) => [i.invoice_id, Number(i.amount_due).toFixed(2)]));
      for (const i of accrec) expect(due.get(i.id)).toBe((i.amountDueCents / 100).toFixed(2));
      const payments = await database.db.selectFrom('xero_payments').select('payment_id').execute();
      expect(payments).toHaveLength(
        [...sbOrg.payments.values()].filter((p) => p.type === 'ACCRECPAYMENT').length,
      );
    } finally {
      await ctx2.destroy();
      if (second !== database) await second.destroy();
    }
  });
});
