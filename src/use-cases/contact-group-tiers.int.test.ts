import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FixedClock } from '../adapters/clock.js';
import { addCustomerHold, getDunningPolicy, saveDunningPolicy } from '../adapters/db/dunning-queries.js';
import { getOrganisation, type Organisation } from '../adapters/db/organisations.js';
import { enqueueOutbox } from '../adapters/outbox/outbox-store.js';
import type { KindItem } from '../adapters/outbox/outbox-worker.js';
import { createGatewayContactGroupWriter } from '../adapters/xero/contact-groups.js';
import type { AppContext } from '../context.js';
import { GROUP_NAMES, type GroupTier } from '../domain/contact-group-tiers.js';
import { OUTBOX_CONTACT_GROUP_TIERS } from '../domain/outbox-kinds.js';
import { contactGroupTiersHandler } from '../jobs/contact-group-tiers.js';
import { startXeroSandbox, type XeroSandbox } from '../sandbox/xero/index.js';
import { useTestDatabase } from '../testing/test-database.js';
import { connectSandbox, FAST_XERO, syncDeps, xeroTestContext } from '../testing/xero-harness.js';
import {
  type ContactGroupTierDeps,
  currentGroupTiers,
  queueContactGroupSync,
  syncContactGroupTiers,
} from './contact-group-tiers.js';
import { syncXeroOrganisation } from './sync-xero-organisation.js';

/**
 * #19 part 5 through xero-node against the Xero sandbox on loopback, every call counted by the sandbox: tiers are
 * written as `Collections: …` group membership only when they change, adds in one PUT per group batch.
 */
const NOW = new Date('2026-11-20T01:00:00.000Z'); // 14:00 in Auckland
const DAY = 86_400_000;

const database = useTestDatabase();
let sandbox: XeroSandbox;
let ctx: AppContext;
let clock: FixedClock;
let org: Organisation;
let tenant: string;

beforeEach(async () => {
  clock = new FixedClock(NOW);
  sandbox = await startXeroSandbox({
    now: () => clock.now(),
    rateLimits: false,
    organisations: [{ kind: 'demo', seed: 5, contacts: 60, invoices: 400, asOf: '2026-11-20' }],
  });
  tenant = sandbox.tenants[0]!.tenantId;
  ctx = await xeroTestContext(database, sandbox, {
    clock,
    xeroOptions: { ...FAST_XERO, nowMs: () => clock.now().getTime() },
  });
  [org] = (await connectSandbox(ctx, sandbox)) as [Organisation];
  const current = (await getOrganisation(database.db, org.id)) as Organisation;
  await syncXeroOrganisation(syncDeps(ctx, current), current, {});
  sandbox.clearCalls();
});
afterEach(async () => {
  await ctx?.destroy();
  await sandbox?.close();
});

const deps = (): ContactGroupTierDeps => ({
  db: database.db,
  writerFor: (o, signal) => createGatewayContactGroupWriter(ctx.xero.tenantApi(o, 'background', signal)),
  limits: ctx.xero.limits,
  wallMs: () => clock.now().getTime(),
});
const run = () => syncContactGroupTiers(deps(), { orgId: org.id, now: clock.now() });

async function turnOn(on = true) {
  const stored = await getDunningPolicy(database.db, org.id);
  await saveDunningPolicy(
    database.db,
    org.id,
    { ...stored.policy, contactGroupTiers: on },
    stored.templates,
    null,
    clock.now(),
  );
}

// Calls to the Accounting API (a token refresh a day later is identity, not Xero's call budget).
const api = (c: { path: string }) => c.path.startsWith('/api.xro/');
const writes = () => sandbox.callsByEndpoint((c) => api(c) && c.method !== 'GET');
const calls = () => sandbox.callsByEndpoint(api);
const ADD = 'PUT /ContactGroups/{id}/Contacts';
const REMOVE = 'DELETE /ContactGroups/{id}/Contacts/{id}';
const CREATE = 'PUT /ContactGroups';

/** Xero's membership of the four groups, by tier. */
function membership(): Map<string, GroupTier[]> {
  const o = sandbox.store.org(tenant);
  const byName = new Map([...o.groups.values()].map((g) => [g.id, g]));
  const out = new Map<string, GroupTier[]>();
  for (const c of o.contacts.values()) {
    for (const gid of c.groupIds) {
      const g = byName.get(gid);
      const tier = (Object.entries(GROUP_NAMES) as [GroupTier, string][]).find(([, n]) => n === g?.name)?.[0];
      if (!tier || g?.status !== 'ACTIVE') continue;
      out.set(c.id, [...(out.get(c.id) ?? []), tier]);
    }
  }
  return out;
}

async function expectXeroMatches() {
  const { desired } = await currentGroupTiers(database.db, org.id, clock.now());
  const got = membership();
  expect(got.size).toBe(desired.size);
  for (const [id, tier] of desired) expect(got.get(id)).toEqual([tier]);
}

const otherGroups = () =>
  [...sandbox.store.org(tenant).groups.values()]
    .filter((g) => !g.name.startsWith('Collections:'))
    .map((g) => ({
      name: g.name,
      members: [...sandbox.store.org(tenant).contacts.values()].filter((c) => c.groupIds.includes(g.id))
        .length,
    }));

async function doNotChase(contactIds: readonly string[]) {
  for (const contactId of contactIds) {
    await addCustomerHold(database.db, {
      orgId: org.id,
      contactId,
      kind: 'do_not_contact',
      until: null,
      reason: 'test',
      actor: { id: 'U1', name: 'Jo' },
      now: clock.now(),
    });
  }
}

/** Customers in a tier other than do-not-chase, so a hold moves them. */
async function movable(n: number): Promise<string[]> {
  const { desired } = await currentGroupTiers(database.db, org.id, clock.now());
  return [...desired]
    .filter(([, t]) => t !== 'do_not_chase')
    .map(([id]) => id)
    .sort()
    .slice(0, n);
}

describe('priority tiers as Xero contact groups (xero-node → sandbox)', () => {
  it('policy off (the default): no call at all', async () => {
    expect((await getDunningPolicy(database.db, org.id)).policy.contactGroupTiers).toBe(false);
    expect((await run()).kind).toBe('off');
    // The morning queues nothing when off, and one item per organisation and day when on.
    expect(await queueContactGroupSync(database.db, org.id, '2026-11-20', clock.now())).toBeNull();
    await turnOn();
    const a = await queueContactGroupSync(database.db, org.id, '2026-11-20', clock.now());
    const b = await queueContactGroupSync(database.db, org.id, '2026-11-20', clock.now());
    expect(a?.kind).toBe(OUTBOX_CONTACT_GROUP_TIERS);
    expect(b?.id).toBe(a?.id);
    expect(sandbox.calls.filter(api)).toHaveLength(0);
  });

  it('first run: groups created once, every tier in one PUT per group batch; a second run writes nothing', async () => {
    await turnOn();
    const before = otherGroups();
    const { desired } = await currentGroupTiers(database.db, org.id, clock.now());
    const perTier = new Map<GroupTier, number>();
    for (const t of desired.values()) perTier.set(t, (perTier.get(t) ?? 0) + 1);
    const batches = [...perTier.values()].reduce((n, k) => n + Math.ceil(k / 50), 0);

    const first = await run();
    expect(first).toMatchObject({ kind: 'done', added: desired.size, removed: 0, pending: 0 });
    expect(calls()).toEqual({
      'GET /ContactGroups': 1,
      [CREATE]: perTier.size,
      [ADD]: batches,
    });
    await expectXeroMatches();
    expect(otherGroups()).toEqual(before);
    const audit = await database.db
      .selectFrom('audit_events')
      .select('payload')
      .where('action', '=', 'xero.contact_groups_synced')
      .execute();
    expect(audit).toHaveLength(1);
    // Counts only: no customer names or ids.
    expect(audit[0]!.payload).toEqual({
      asOf: '2026-11-20',
      calls: 1 + perTier.size + batches,
      groupsCreated: perTier.size,
      added: desired.size,
      removed: 0,
      pending: 0,
      stopped: null,
    });

    sandbox.clearCalls();
    expect(await run()).toMatchObject({ kind: 'done', calls: 0, added: 0, removed: 0 });
    expect(sandbox.calls.filter(api)).toHaveLength(0);
  });

  it('uses groups that already exist by name, and leaves every other group alone', async () => {
    await turnOn();
    sandbox.store.addContactGroup(tenant, GROUP_NAMES.high);
    sandbox.store.addContactGroup(tenant, GROUP_NAMES.medium);
    sandbox.store.addContactGroup(tenant, GROUP_NAMES.low);
    const before = otherGroups();
    await run();
    const names = [...sandbox.store.org(tenant).groups.values()].map((g) => g.name);
    for (const n of Object.values(GROUP_NAMES))
      expect(names.filter((x) => x === n).length).toBeLessThanOrEqual(1);
    expect(writes()[CREATE] ?? 0).toBe(0);
    expect(otherGroups()).toEqual(before);
    await expectXeroMatches();
  });

  it('one customer changing tier costs exactly one remove and one add', async () => {
    await turnOn();
    await doNotChase(await movable(1)); // the Do not chase group exists from the first run
    await run();
    const [one] = await movable(1);
    await doNotChase([one!]);
    sandbox.clearCalls();
    const r = await run();
    expect(r).toMatchObject({ kind: 'done', added: 1, removed: 1 });
    expect(writes()).toEqual({ [ADD]: 1, [REMOVE]: 1 });
    expect(calls()).toEqual({ 'GET /ContactGroups': 1, [ADD]: 1, [REMOVE]: 1 });
    await expectXeroMatches();
  });

  it('stops at the day’s budget, says so in the job’s result, and resumes the next day', async () => {
    await turnOn();
    await doNotChase(await movable(1));
    await run();
    const three = await movable(3);
    await doNotChase(three);
    // Xero says only 3 calls are left above the reserve kept for people: list + one move (remove + add).
    const reserve = ctx.xero.limits.dailyReserve;
    await database.db
      .insertInto('xero_tenant_budgets')
      .values({
        tenant_id: tenant,
        day_remaining: reserve + 3,
        day_remaining_at: clock.now(),
        updated_at: clock.now(),
      })
      .onConflict((oc) =>
        oc.column('tenant_id').doUpdateSet({ day_remaining: reserve + 3, day_remaining_at: clock.now() }),
      )
      .execute();
    sandbox.clearCalls();
    const handler = contactGroupTiersHandler(deps(), () => clock.now());
    const { item } = await enqueueOutbox(database.db, {
      orgId: org.id,
      kind: OUTBOX_CONTACT_GROUP_TIERS,
      idempotencyKey: 'cg-test-1',
      payload: { orgId: org.id, asOf: '2026-11-20' },
      now: clock.now(),
    });
    const today = await handler(item as KindItem<'xero.contact_groups.sync'>, new AbortController().signal);
    expect(today.status).toBe('done');
    const result = (today as { result: Record<string, unknown> }).result;
    expect(result).toMatchObject({ kind: 'budget', added: 1, removed: 1, pending: 2, calls: 3 });
    expect(String(result.resumes)).toMatch(/next business morning/);
    expect(calls()).toEqual({ 'GET /ContactGroups': 1, [ADD]: 1, [REMOVE]: 1 });

    // The next day Xero's old word has lapsed: the two left are written, nothing twice.
    clock.advance(DAY + 60_000);
    sandbox.clearCalls();
    const next = await run();
    expect(next).toMatchObject({ kind: 'done', added: 2, removed: 2, pending: 0 });
    expect(calls()).toEqual({ 'GET /ContactGroups': 1, [ADD]: 1, [REMOVE]: 2 });
    await expectXeroMatches();
  });

  it('a failure mid-way resumes without duplicates; only contact-group endpoints are ever written', async () => {
    await turnOn();
    await doNotChase(await movable(1));
    await run();
    const three = await movable(3);
    await doNotChase(three);
    sandbox.clearCalls();
    // The three removals succeed, then the add fails every attempt the gateway makes.
    sandbox.faults.inject({
      match: { method: 'PUT', path: /\/ContactGroups\/[^/]+\/Contacts$/ },
      times: FAST_XERO.maxAttempts!,
      fault: { kind: 'status', status: 503 },
    });
    const failed = await run();
    expect(failed).toMatchObject({ kind: 'retry', removed: 3, added: 0, pending: 3 });
    const again = await run();
    expect(again).toMatchObject({ kind: 'done', removed: 0, added: 3 });
    const all = writes();
    expect(all[REMOVE]).toBe(3); // each contact left its old group once
    expect(all[ADD]).toBe(FAST_XERO.maxAttempts! + 1);
    await expectXeroMatches();
    // Every write the sandbox saw, in this test and the first run, went to a contact-group endpoint.
    for (const c of sandbox.calls.filter((x) => api(x) && x.method !== 'GET')) {
      expect(c.path).toMatch(/^\/api\.xro\/2\.0\/ContactGroups(\/|$)/);
    }
  });

  it('a customer who no longer has a tier leaves its group (one DELETE)', async () => {
    await turnOn();
    await run();
    const [one] = await movable(1);
    // Archived in Xero: it can no longer hold a tier.
    sandbox.store.org(tenant).contacts.get(one!)!.status = 'ARCHIVED';
    await database.db
      .updateTable('xero_contacts')
      .set({ status: 'ARCHIVED' })
      .where('org_id', '=', org.id)
      .where('contact_id', '=', one!)
      .execute();
    sandbox.clearCalls();
    expect(await run()).toMatchObject({ kind: 'done', removed: 1, added: 0 });
    expect(calls()).toEqual({ [REMOVE]: 1 });
  });
});
