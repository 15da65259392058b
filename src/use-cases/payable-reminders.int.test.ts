import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FixedClock } from '../adapters/clock.js';
import { listAuditEvents } from '../adapters/db/audit-events.js';
import {
  addCustomerHold,
  currentDraft,
  getReminder,
  saveDunningPolicy,
} from '../adapters/db/dunning-queries.js';
import { getOrganisation, type Organisation } from '../adapters/db/organisations.js';
import { getReminderFacts } from '../adapters/db/reminder-cards.js';
import { hashDraftInputs } from '../adapters/llm/reminder-drafter.js';
import { enqueueOutbox, listOutbox } from '../adapters/outbox/outbox-store.js';
import { OutboxWorker } from '../adapters/outbox/outbox-worker.js';
import { createGatewayOnlineInvoiceFetcher } from '../adapters/xero/online-invoices.js';
import type { XeroServiceOptions } from '../adapters/xero/xero-services.js';
import type { AppContext } from '../context.js';
import { checkDraftAgainstLedger } from '../domain/draft-vouching.js';
import { DEFAULT_POLICY_INPUT, parsePolicy } from '../domain/dunning-policy.js';
import { OUTBOX_SEND_REMINDER } from '../domain/outbox-kinds.js';
import { createOutboxHandlers } from '../outbox-handlers.js';
import { startXeroSandbox, type XeroSandbox } from '../sandbox/xero/index.js';
import { useTestDatabase } from '../testing/test-database.js';
import { connectSandbox, FAST_XERO, syncDeps, xeroTestContext } from '../testing/xero-harness.js';
import { type Actor, decideReminder } from './decide-reminder.js';
import { onlineInvoiceLinks, onlineLinkBudget } from './online-invoice-links.js';
import { type RunDunningResult, runDunning } from './run-dunning.js';
import { syncXeroOrganisation } from './sync-xero-organisation.js';

/**
 * Issue #17.7, payable reminders, through real parts: the real xero-node client against the Xero sandbox (every
 * call admitted by the shared call gate and logged in `xero_calls`), a real Postgres, the outbox worker.
 * - each reminder carries Xero's online-invoice link for its invoices, fetched once and cached;
 * - a customer's unapplied credit is stated with its figure;
 * - a xero_email step is sent by Xero's own invoice email, once per invoice whatever happens.
 */

/** Monday 23 November 2026, 09:30 in Auckland (NZDT, UTC+13). */
const MONDAY = new Date('2026-11-22T20:30:00.000Z');
const AS_OF = '2026-11-23';
const collector: Actor = { id: 'U_COLL', name: 'Mere Collector', isCollector: true, isManager: false };

const database = useTestDatabase();
let sandbox: XeroSandbox;
let clock: FixedClock;
let ctx: AppContext;
let org: Organisation;
let tenantId: string;
const ids = {} as Record<'a1' | 'a2' | 'b1' | 'draft' | 'creditNote' | 'acme' | 'beta', string>;

beforeEach(async () => {
  clock = new FixedClock(MONDAY);
  sandbox = await startXeroSandbox({
    now: () => clock.now(),
    rateLimits: false,
    organisations: [{ kind: 'empty', name: 'Harbour Foods', baseCurrency: 'NZD' }],
  });
  tenantId = sandbox.tenants[0]!.tenantId;
  const s = sandbox.store;
  const acme = s.addContact({ tenantId, name: 'Acme Ltd', firstName: 'Jo', email: 'ap@acme.example' });
  const beta = s.addContact({ tenantId, name: 'Beta Bakery', firstName: 'Ana', email: 'ap@beta.example' });
  const invoice = (contactId: string, number: string, date: string, dueDate: string, amount: string) =>
    s.addInvoice({ contactId, number, date, dueDate, amount, at: new Date('2026-10-01T00:00:00Z') });
  ids.a1 = invoice(acme.id, 'INV-A1', '2026-10-01', '2026-11-01', '500.00').id;
  ids.a2 = invoice(acme.id, 'INV-A2', '2026-10-10', '2026-11-09', '250.00').id;
  ids.b1 = invoice(beta.id, 'INV-B1', '2026-10-05', '2026-11-05', '300.00').id;
  // A draft is not a receivable: never chased, and Xero would refuse its link.
  ids.draft = s.addInvoice({
    contactId: acme.id,
    number: 'INV-A9',
    date: '2026-10-02',
    dueDate: '2026-11-02',
    amount: '90.00',
    status: 'DRAFT',
  }).id;
  // Acme has NZ$200.00 on account: a credit note and an overpayment nobody has applied.
  ids.creditNote = s.addCreditNote({ contactId: acme.id, date: '2026-11-02', amount: '120.00' }).id;
  s.addOverpayment({ contactId: acme.id, date: '2026-11-03', amount: '80.00' });
  ids.acme = acme.id;
  ids.beta = beta.id;
  ctx = await xeroTestContext(database, sandbox, { clock });
  [org] = (await connectSandbox(ctx, sandbox)) as [Organisation];
  await sync();
});
afterEach(async () => {
  await ctx?.destroy();
  await sandbox?.close();
});

async function sync() {
  const current = (await getOrganisation(database.db, org.id)) as Organisation;
  await syncXeroOrganisation(syncDeps(ctx, current), current, {});
}

const fetcher = (context = ctx) =>
  createGatewayOnlineInvoiceFetcher({
    db: database.db,
    tenantApi: (o) => context.xero.tenantApi(o, 'background'),
  });

const plan = (context = ctx, withLinks = true) =>
  runDunning(
    {
      db: database.db,
      drafter: null,
      hashInputs: hashDraftInputs,
      onlineInvoices: withLinks ? fetcher(context) : null,
    },
    { orgId: org.id, now: clock.now(), messageDomain: 'harbour.example', senderName: 'Mere Collector' },
  );

const reminderOf = (r: RunDunningResult, contactId: string) =>
  r.reminders.find((x) => x.contactId === contactId)!.reminderId;

/** Calls the sandbox received on a path, and what our shared call log holds for the tenant. */
const sandboxCalls = (path: RegExp) => sandbox.calls.filter((c) => path.test(c.path));
async function loggedCalls(purpose?: 'background' | 'interactive'): Promise<number> {
  let q = database.db
    .selectFrom('xero_calls')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('tenant_id', '=', tenantId);
  if (purpose) q = q.where('purpose', '=', purpose);
  return (await q.executeTakeFirstOrThrow()).n;
}

async function useXeroEmail() {
  const parsed = parsePolicy({
    ...DEFAULT_POLICY_INPUT,
    segments: DEFAULT_POLICY_INPUT.segments!.map((seg) => ({
      ...seg,
      steps: seg.steps.map((st) => ({ ...st, channel: 'xero_email' as const })),
    })),
  });
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  await saveDunningPolicy(database.db, org.id, parsed.policy, {}, 'test', clock.now());
}

/**
 * The send and History handlers as production builds them, through the context's Xero gateway (no Slack: card
 * posts wait in the outbox; no SMTP).
 */
function worker(context = ctx, id = 'w1') {
  return new OutboxWorker({
    db: database.db,
    clock,
    log: context.log,
    handlers: createOutboxHandlers(
      { ...context, mail: null },
      { only: ['reminder.send', 'xero.history_note', 'promise.thank_you', 'xero.refresh'] },
    ),
    workerId: id,
    random: () => 0,
  });
}

async function drain(w: OutboxWorker, rounds = 10) {
  for (let i = 0; i < rounds; i++) {
    const s = await w.runOnce();
    if (s.claimed === 0) return;
    clock.advance(60_000);
  }
}

const approve = (reminderId: string) =>
  decideReminder(database.db, {
    reminderId,
    actor: collector,
    decision: { kind: 'approve' },
    now: clock.now(),
    asOf: AS_OF,
    hashInputs: hashDraftInputs,
  });

const emails = () => sandbox.store.org(tenantId).emailsSent;
const notesOn = (kind: 'Invoices' | 'Contacts', id: string) =>
  sandbox.store
    .getHistory(kind, id)
    .filter((h) => h.changes === 'Note')
    .map((h) => h.details);

describe('online-invoice links', () => {
  it('are fetched once per invoice a reminder is about, cached across runs, and counted against the budget', async () => {
    const before = await loggedCalls();
    const first = await plan();
    const linkCalls = sandboxCalls(/\/OnlineInvoice$/);
    // Acme's two overdue invoices and Beta's one: never the draft, never the ledger.
    expect(linkCalls.map((c) => c.path.split('/').at(-2)).sort()).toEqual([ids.a1, ids.a2, ids.b1].sort());
    expect(linkCalls.every((c) => c.status === 200)).toBe(true);
    expect(first.onlineLinks).toEqual({ fetched: 3, stopped: null });
    // Each went through the call gate, as background work.
    expect((await loggedCalls()) - before).toBe(3);

    const acme = reminderOf(first, ids.acme);
    const draft = (await currentDraft(database.db, acme))!;
    const facts = (await getReminderFacts(database.db, acme))!.draftFacts!;
    const a1Link = facts.invoices.find((i) => i.number === 'INV-A1')!.onlineUrl!;
    expect(a1Link).toMatch(new RegExp(`^${sandbox.url}/in/[A-Za-z0-9_-]+$`));
    expect(draft.body).toContain(
      `• INV-A1: $500.00 (22 days overdue, due 1 November 2026)\n  View and pay: ${a1Link}`,
    );
    // The page behind it is the invoice.
    expect(await (await fetch(a1Link)).text()).toContain('INV-A1');
    // The template with its links passes the allow-list; another link in its place does not.
    expect(checkDraftAgainstLedger(draft, facts)).toEqual({ ok: true });
    const forged = { ...draft, body: draft.body.replace(a1Link, `${a1Link.slice(0, -3)}abc`) };
    const refused = checkDraftAgainstLedger(forged, facts);
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.problems.join('\n')).toMatch(/is not an online invoice link from Xero/);

    // A later run (here: the same plan again after the cards were cleared) reads the cache: no call to Xero.
    await database.db.deleteFrom('reminders').execute();
    sandbox.clearCalls();
    const again = await plan();
    expect(sandboxCalls(/\/OnlineInvoice$/)).toEqual([]);
    expect(again.onlineLinks).toEqual({ fetched: 0, stopped: null });
    const redrafted = (await currentDraft(database.db, reminderOf(again, ids.acme)))!;
    expect(redrafted.body).toContain(`View and pay: ${a1Link}`);
  });

  it('a failure or a spent budget means no link this time, never a failed plan; the next run fetches them', async () => {
    sandbox.faults.inject({
      match: { path: /\/OnlineInvoice$/ },
      times: 50,
      fault: { kind: 'status', status: 503 },
    });
    const down = await plan();
    expect(down.reminders).toHaveLength(2);
    expect(down.onlineLinks?.stopped).toMatch(/HTTP 503/);
    // Two tries for a link, and the run stops asking: Acme's second invoice is never asked about (Beta's may be
    // asked at the same time as Acme's first, the run drafting a few customers at once).
    const asked = sandboxCalls(/\/OnlineInvoice$/).map((c) => c.path.split('/').at(-2));
    expect(asked).not.toContain(ids.a2);
    expect(asked.filter((id) => id === ids.a1).length).toBeLessThanOrEqual(2);
    expect(asked.length).toBeLessThanOrEqual(4);
    const body = (await currentDraft(database.db, reminderOf(down, ids.acme)))!.body;
    expect(body).not.toContain('View and pay');
    expect(await database.db.selectFrom('xero_online_invoices').selectAll().execute()).toEqual([]);

    // Xero says 300 calls are left today: background work stops at the reserve (300) kept for interactive work,
    // and a refused link is the same "no link this time".
    sandbox.faults.clear();
    await database.db.deleteFrom('reminders').execute();
    sandbox.clearCalls();
    const saysLeft = (n: number) =>
      database.db
        .updateTable('xero_tenant_budgets')
        .set({ day_remaining: n, day_remaining_at: new Date() })
        .where('tenant_id', '=', tenantId)
        .execute();
    await saysLeft(300);
    const refused = await plan();
    expect(refused.reminders).toHaveLength(2);
    expect(refused.onlineLinks?.stopped).toMatch(/XERO_DAILY_BUDGET/);
    expect(sandboxCalls(/\/OnlineInvoice$/)).toEqual([]);
    await saysLeft(5000);

    await database.db.deleteFrom('reminders').execute();
    const back = await plan();
    expect(back.onlineLinks).toEqual({ fetched: 3, stopped: null });
  });

  it('a refusal (a DRAFT invoice) is kept, not asked again for a week', async () => {
    const deps = { db: database.db, fetcher: fetcher(), now: clock.now(), budget: onlineLinkBudget() };
    expect(await onlineInvoiceLinks(deps, org.id, [ids.draft])).toEqual(new Map());
    const row = await database.db.selectFrom('xero_online_invoices').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ invoice_id: ids.draft, url: null });
    expect(row.error).toMatch(/HTTP 400/);
    sandbox.clearCalls();
    await onlineInvoiceLinks({ ...deps, budget: onlineLinkBudget() }, org.id, [ids.draft]);
    expect(sandboxCalls(/\/OnlineInvoice$/)).toEqual([]);
    await onlineInvoiceLinks(
      { ...deps, now: new Date(MONDAY.getTime() + 8 * 86_400_000), budget: onlineLinkBudget() },
      org.id,
      [ids.draft],
    );
    expect(sandboxCalls(/\/OnlineInvoice$/)).toHaveLength(1);
  });

  it('a run spends at most its share of calls on links; the next run fetches the rest', async () => {
    const budget = onlineLinkBudget(1);
    const deps = { db: database.db, fetcher: fetcher(), now: clock.now(), budget };
    const first = await onlineInvoiceLinks(deps, org.id, [ids.a1, ids.a2]);
    expect([...first.keys()]).toEqual([ids.a1]);
    expect(budget).toEqual({ remaining: 0, fetched: 1, stopped: 'this run has spent its calls on links' });
    const next = await onlineInvoiceLinks({ ...deps, budget: onlineLinkBudget(1) }, org.id, [ids.a1, ids.a2]);
    expect([...next.keys()]).toEqual([ids.a1, ids.a2]);
    expect(sandboxCalls(/\/OnlineInvoice$/)).toHaveLength(2);
  });

  it('Approve and Edit read the cached links: a link fetched after the draft may be added, another may not', async () => {
    // Planned while Xero was unreachable: no links in the draft or its facts.
    sandbox.faults.inject({
      match: { path: /\/OnlineInvoice$/ },
      times: 50,
      fault: { kind: 'status', status: 503 },
    });
    const r = await plan();
    sandbox.faults.clear();
    const acme = reminderOf(r, ids.acme);
    const links = await onlineInvoiceLinks(
      { db: database.db, fetcher: fetcher(), now: clock.now(), budget: onlineLinkBudget() },
      org.id,
      [ids.a1],
    );
    const a1Link = links.get(ids.a1)!;
    const draft = (await currentDraft(database.db, acme))!;
    const edit = (body: string) =>
      decideReminder(database.db, {
        reminderId: acme,
        actor: collector,
        decision: { kind: 'edit', subject: draft.subject, body },
        now: clock.now(),
        asOf: AS_OF,
        hashInputs: hashDraftInputs,
      });
    const withLink = draft.body.replace(
      '(22 days overdue, due 1 November 2026)',
      `(22 days overdue, due 1 November 2026)\n  View and pay: ${a1Link}`,
    );
    expect(await edit(withLink)).toMatchObject({ kind: 'done', draftVersion: 2 });
    const other = await edit(withLink.replace(a1Link, 'https://in.xero.com/SomeoneElsesInvoice'));
    expect(other).toMatchObject({ kind: 'invalid' });
    expect(other.kind === 'invalid' && other.reason).toMatch(/is not an online invoice link from Xero/);
    // Approve holds the edited text (with its link) to today's facts: it is sent as shown, not redrafted.
    expect(await approve(acme)).toMatchObject({ kind: 'done' });
  });
});

describe('unapplied credit on the account', () => {
  it("is stated with its figure in the customer's reminder and its facts, and only there", async () => {
    const r = await plan(ctx, false);
    const acme = reminderOf(r, ids.acme);
    const acmeDraft = (await currentDraft(database.db, acme))!;
    expect(acmeDraft.body).toContain(
      'Total outstanding: $750.00\n\nOur records also show $200.00 in unapplied credit on your account. If you would like it applied to these invoices, just reply and let us know.',
    );
    const facts = (await getReminderFacts(database.db, acme))!.draftFacts!;
    expect(facts.credits).toEqual([{ currency: 'NZD', amount: '200.0000' }]);
    expect(checkDraftAgainstLedger(acmeDraft, facts)).toEqual({ ok: true });
    const wrong = {
      ...acmeDraft,
      body: acmeDraft.body.replace('$200.00 in unapplied', '$250.00 in unapplied'),
    };
    expect(!checkDraftAgainstLedger(wrong, facts).ok).toBe(true);

    const beta = (await currentDraft(database.db, reminderOf(r, ids.beta)))!;
    expect(beta.body).not.toMatch(/credit/i);
  });

  it('is held to today at Approve: a credit applied since redrafts the card with what is left', async () => {
    const r = await plan(ctx, false);
    const acme = reminderOf(r, ids.acme);
    // The credit note is applied to INV-A2 in Xero, and the next sync brings it in.
    sandbox.store.allocateCreditNote(ids.creditNote, ids.a2, '120.00', AS_OF);
    clock.advance(60_000);
    await sync();
    const out = await approve(acme);
    expect(out.kind).toBe('refreshed');
    expect(out.kind === 'refreshed' && out.changes).toEqual([
      'INV-A2 now has NZ$130.00 due (was NZ$250.00)',
      'the unapplied credit on the account is now NZ$80.00 (was NZ$200.00)',
    ]);
    const redrafted = (await currentDraft(database.db, acme))!;
    expect(redrafted.body).toContain('Our records also show $80.00 in unapplied credit on your account.');
    expect(await approve(acme)).toMatchObject({ kind: 'done' });
  });
});

describe("Xero's own invoice email as a sending channel", () => {
  beforeEach(async () => {
    await useXeroEmail();
  });

  it('plans without a link or a model call, and the draft says it is not what is sent', async () => {
    const r = await plan();
    expect(sandboxCalls(/\/OnlineInvoice$/)).toEqual([]);
    const acme = reminderOf(r, ids.acme);
    expect(await getReminder(database.db, acme)).toMatchObject({ channel: 'xero_email' });
    expect((await getReminderFacts(database.db, acme))!.fallbackReason).toMatch(
      /sent by Xero with your Xero invoice email template: this text is not sent/,
    );
  });

  it('emails each invoice exactly once through a double click, a second send item and a restart, and writes the History note', async () => {
    const r = await plan();
    const acme = reminderOf(r, ids.acme);
    const before = await loggedCalls('interactive');
    const [first, second] = await Promise.all([approve(acme), approve(acme)]);
    expect([first.kind, second.kind].sort()).toEqual(['already-decided', 'done']);
    const w = worker();
    await drain(w);
    expect(
      emails()
        .map((e) => e.invoiceId)
        .sort(),
    ).toEqual([ids.a1, ids.a2].sort());
    expect(emails().map((e) => e.idempotencyKey)).toEqual([
      `ar-copilot-reminder-${acme}-invoice-${emails()[0]!.invoiceId}`,
      `ar-copilot-reminder-${acme}-invoice-${emails()[1]!.invoiceId}`,
    ]);
    const sent = await getReminder(database.db, acme);
    expect(sent).toMatchObject({ status: 'sent', lastError: null });
    // Every email call and every History note went through the call gate (interactive: a person approved it).
    const emailCalls = sandboxCalls(/\/Email$/);
    expect(emailCalls).toHaveLength(2);
    const noteCalls = sandboxCalls(/\/History$/);
    expect((await loggedCalls('interactive')) - before).toBe(emailCalls.length + noteCalls.length);

    const note =
      "First reminder (firm) sent as Xero's invoice email for invoices INV-A1, INV-A2, approved in Slack by Mere Collector (AR Copilot).";
    expect(notesOn('Invoices', ids.a1)).toEqual([note]);
    expect(notesOn('Invoices', ids.a2)).toEqual([note]);
    expect(notesOn('Contacts', ids.acme)).toEqual([note]);
    const audit = await listAuditEvents(database.db, { orgId: org.id });
    expect(audit.filter((e) => e.action === 'reminder.sent')).toHaveLength(1);

    // A second send item for the same reminder (a retry queued by hand, say), then a restart: nothing more.
    await enqueueOutbox(database.db, {
      orgId: org.id,
      kind: OUTBOX_SEND_REMINDER,
      idempotencyKey: `send:again:${acme}`,
      payload: { reminderId: acme },
      now: clock.now(),
    });
    await drain(w);
    const restarted = await xeroTestContext(database, sandbox, { clock });
    try {
      await enqueueOutbox(database.db, {
        orgId: org.id,
        kind: OUTBOX_SEND_REMINDER,
        idempotencyKey: `send:restart:${acme}`,
        payload: { reminderId: acme },
        now: clock.now(),
      });
      await drain(worker(restarted, 'w2'));
    } finally {
      await restarted.destroy();
    }
    expect(emails()).toHaveLength(2);
    expect(sandboxCalls(/\/Email$/)).toHaveLength(2);
    expect(notesOn('Invoices', ids.a1)).toEqual([note]);
  });

  it('an answer lost after Xero emailed: the next instance asks again with the same key, and Xero sends nothing twice', async () => {
    const r = await plan();
    const beta = reminderOf(r, ids.beta);
    await approve(beta);
    // Xero takes longer than our timeout to answer, and this instance does not retry within the call: the email
    // goes, the answer is lost, and the journal says "asked, no answer".
    const impatient: XeroServiceOptions = { ...FAST_XERO, timeoutMs: 200, maxAttempts: 1 };
    const first = await xeroTestContext(database, sandbox, { clock, xeroOptions: impatient });
    sandbox.faults.inject({ match: { path: /\/Email$/ }, times: 1, fault: { kind: 'delay', ms: 600 } });
    try {
      const w = worker(first);
      await w.runOnce();
      await new Promise((resolve) => setTimeout(resolve, 800));
    } finally {
      await first.destroy();
    }
    expect(emails().map((e) => e.invoiceId)).toEqual([ids.b1]);
    expect(await getReminder(database.db, beta)).toMatchObject({ status: 'sending' });
    const journal = await database.db.selectFrom('xero_invoice_emails').selectAll().execute();
    expect(journal).toMatchObject([{ invoice_id: ids.b1, outcome: null }]);
    const [item] = await listOutbox(database.db, { kind: OUTBOX_SEND_REMINDER });
    expect(item).toMatchObject({ status: 'pending' });

    // Another instance takes the item up later: same Idempotency-Key, Xero answers as it did, nothing is re-sent.
    clock.advance(10 * 60_000);
    await drain(worker(ctx, 'w2'));
    expect(await getReminder(database.db, beta)).toMatchObject({ status: 'sent' });
    expect(emails()).toHaveLength(1);
    const calls = sandboxCalls(/\/Email$/);
    expect(calls).toHaveLength(2);
    expect(new Set(calls.map((c) => c.idempotencyKey)).size).toBe(1);
    expect(calls.filter((c) => c.replayed)).toHaveLength(1);
    expect(notesOn('Invoices', ids.b1)).toHaveLength(1);
  });

  it('an attempt interrupted hours ago is not repeated blindly: a person checks Xero first', async () => {
    const r = await plan();
    const beta = reminderOf(r, ids.beta);
    await approve(beta);
    const impatient: XeroServiceOptions = { ...FAST_XERO, timeoutMs: 200, maxAttempts: 1 };
    const first = await xeroTestContext(database, sandbox, { clock, xeroOptions: impatient });
    sandbox.faults.inject({ match: { path: /\/Email$/ }, times: 1, fault: { kind: 'delay', ms: 600 } });
    try {
      await worker(first).runOnce();
      await new Promise((resolve) => setTimeout(resolve, 800));
    } finally {
      await first.destroy();
    }
    // Seven hours on (Xero down all morning, say), the key may be forgotten by Xero: no second call.
    clock.advance(7 * 60 * 60_000);
    await drain(worker(ctx, 'w2'));
    const failed = await getReminder(database.db, beta);
    expect(failed?.status).toBe('failed');
    expect(failed?.lastError).toMatch(
      /^Xero may or may not have emailed INV-B1: the request was interrupted more than 6 hours ago.*Check the invoice's History in Xero/,
    );
    expect(sandboxCalls(/\/Email$/)).toHaveLength(1);
    expect(emails()).toHaveLength(1);
  });

  it("Xero's 400 (daily email limit reached) ends as a failed card with the reason, not retries; what went is noted", async () => {
    sandbox.store.org(tenantId).emailDailyLimit = 1;
    const r = await plan();
    const acme = reminderOf(r, ids.acme);
    await approve(acme);
    await drain(worker());
    const failed = await getReminder(database.db, acme);
    expect(failed?.status).toBe('failed');
    expect(failed?.lastError).toBe(
      'Xero refused to email INV-A2: The organisation has reached its daily limit of 1 emails. (HTTP 400). Xero had already emailed INV-A1 for this reminder',
    );
    const [item] = await listOutbox(database.db, { kind: OUTBOX_SEND_REMINDER });
    // Not retried: one attempt, then the dead letter (no retry can raise Xero's daily email limit).
    expect(item).toMatchObject({ status: 'dead', attempts: 1 });
    expect(sandboxCalls(/\/Email$/)).toHaveLength(2);
    expect(emails().map((e) => e.invoiceId)).toEqual([ids.a1]);
    expect(notesOn('Invoices', ids.a1)).toEqual([
      "First reminder (firm) sent as Xero's invoice email for invoice INV-A1, approved in Slack by Mere Collector (AR Copilot).",
    ]);
    expect(notesOn('Invoices', ids.a2)).toEqual([]);
  });

  it('a reply that arrives after Approve stops the send: Xero is not asked to email anything', async () => {
    const r = await plan();
    const acme = reminderOf(r, ids.acme);
    await approve(acme);
    const reminder = (await getReminder(database.db, acme))!;
    await addCustomerHold(database.db, {
      orgId: org.id,
      contactId: reminder.contactId,
      kind: 'reply',
      until: null,
      reason: 'a reply waits for a collector',
      actor: { id: 'system', name: null },
      now: clock.now(),
    });
    await drain(worker());
    expect(sandboxCalls(/\/Email$/)).toEqual([]);
    expect(emails()).toEqual([]);
    expect(await getReminder(database.db, acme)).toMatchObject({
      status: 'failed',
      lastError: expect.stringContaining('the customer replied'),
    });
  });

  it('a Demo Company (limit 0) fails at once with the reason', async () => {
    sandbox.store.org(tenantId).emailDailyLimit = 0;
    const r = await plan();
    const beta = reminderOf(r, ids.beta);
    await approve(beta);
    await drain(worker());
    expect((await getReminder(database.db, beta))?.lastError).toBe(
      'Xero refused to email INV-B1: The organisation has reached its daily limit of 0 emails. (HTTP 400)',
    );
    expect(emails()).toEqual([]);
  });

  it('a 429 waits for Retry-After and a run of 5xx is retried by the outbox, each with the same key', async () => {
    const r = await plan();
    const beta = reminderOf(r, ids.beta);
    await approve(beta);
    const w = worker();
    sandbox.faults.inject({
      match: { path: /\/Email$/ },
      times: 1,
      fault: { kind: 'status', status: 429, retryAfterSec: 30 },
    });
    await w.runOnce();
    let [item] = await listOutbox(database.db, { kind: OUTBOX_SEND_REMINDER });
    expect(item).toMatchObject({ status: 'pending' });
    expect(item!.nextAttemptAt.getTime() - clock.now().getTime()).toBeGreaterThanOrEqual(30_000);

    // Xero down for longer than the gateway's own tries: the item stays pending.
    sandbox.faults.inject({ match: { path: /\/Email$/ }, times: 20, fault: { kind: 'status', status: 503 } });
    clock.advance(60_000);
    await w.runOnce();
    [item] = await listOutbox(database.db, { kind: OUTBOX_SEND_REMINDER });
    expect(item).toMatchObject({ status: 'pending' });
    expect(emails()).toEqual([]);

    sandbox.faults.clear();
    clock.advance(10 * 60_000);
    await drain(w);
    expect(await getReminder(database.db, beta)).toMatchObject({ status: 'sent' });
    expect(emails()).toHaveLength(1);
    expect(new Set(sandboxCalls(/\/Email$/).map((c) => c.idempotencyKey)).size).toBe(1);
  });
});
