import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  addCustomerHold,
  getReminder,
  listDraftVersions,
  saveDunningPolicy,
} from '../adapters/db/dunning-queries.js';
import { getReminderFacts } from '../adapters/db/reminder-cards.js';
import { createAnthropicDrafter, hashDraftInputs } from '../adapters/llm/reminder-drafter.js';
import { listOutbox } from '../adapters/outbox/outbox-store.js';
import { DEFAULT_POLICY_INPUT, type DunningPolicyInput, parsePolicy } from '../domain/dunning-policy.js';
import { OUTBOX_REMINDER_CARD, OUTBOX_SEND_REMINDER } from '../domain/outbox-kinds.js';
import { AppError } from '../errors.js';
import { createLogger } from '../logger.js';
import { type FakeAnthropic, startFakeAnthropic } from '../sandbox/anthropic/fake-anthropic.js';
import { DUNNING_ORG_ID, dunningLedger, MONDAY_9AM_AUCKLAND } from '../testing/dunning-fixtures.js';
import { insertLedger } from '../testing/ledger-fixtures.js';
import { useTestDatabase } from '../testing/test-database.js';
import { type RunDunningDeps, type RunDunningInput, runDunning } from './run-dunning.js';

const database = useTestDatabase();
let fake: FakeAnthropic;
beforeAll(async () => {
  fake = await startFakeAnthropic({ apiKey: 'sk-test-key' });
});
afterAll(async () => {
  await fake?.close();
});
beforeEach(() => {
  fake.requests.length = 0;
});

const deps = (): RunDunningDeps => ({ db: database.db, drafter: null, hashInputs: hashDraftInputs });
const run = (extra: Partial<RunDunningInput> = {}, d = deps()) =>
  runDunning(d, {
    orgId: DUNNING_ORG_ID,
    now: MONDAY_9AM_AUCKLAND,
    messageDomain: 'harbour.example',
    senderName: 'Mere Collector',
    ...extra,
  });

async function withPolicy(change: Partial<DunningPolicyInput>) {
  const parsed = parsePolicy({ ...DEFAULT_POLICY_INPUT, ...change });
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  await saveDunningPolicy(database.db, DUNNING_ORG_ID, parsed.policy, {}, 'test', MONDAY_9AM_AUCKLAND);
}

const chases = (r: Awaited<ReturnType<typeof run>>) =>
  r.plan.actions
    .filter((a) => a.kind === 'chase')
    .map((a) => a.contactId)
    .sort();
const skips = (r: Awaited<ReturnType<typeof run>>) =>
  Object.fromEntries(r.plan.actions.filter((a) => a.kind === 'skip').map((a) => [a.contactId, a.code]));

describe('runDunning over the Auckland fixture', () => {
  it('plans nothing on a ledger a day old, saying why (a dry run still shows the plan)', async () => {
    await insertLedger(database.db, DUNNING_ORG_ID, dunningLedger());
    await database.db
      .updateTable('xero_sync_state')
      .set({
        last_complete_at: new Date(MONDAY_9AM_AUCKLAND.getTime() - 25 * 3_600_000),
        last_started_at: MONDAY_9AM_AUCKLAND,
        last_finished_at: MONDAY_9AM_AUCKLAND,
        last_run_kind: 'incremental',
        last_ok: false,
        last_error: 'getPayments failed after 5 attempts: HTTP 500',
      })
      .where('org_id', '=', DUNNING_ORG_ID)
      .execute();
    const refused = await run().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe('LEDGER_STALE');
    expect((refused as AppError).message).toMatch(
      /is 25 hours old, past the 24-hour limit: no reminders are planned until a sync from Xero completes\. The last sync failed: getPayments failed after 5 attempts: HTTP 500\./,
    );
    expect(await database.db.selectFrom('reminders').select('id').execute()).toEqual([]);
    expect((await run({ dryRun: true })).plan.actions.length).toBeGreaterThan(0);

    // The limit is the organisation's policy: at 48 hours, a ledger 25 hours old still plans; at 12 it would not.
    await withPolicy({ staleLedgerHours: 48 });
    expect(chases(await run())).not.toEqual([]);
    await database.db.deleteFrom('reminders').execute();
    await withPolicy({ staleLedgerHours: 12 });
    expect(((await run().catch((e: unknown) => e)) as AppError).message).toMatch(/past the 12-hour limit/);
    expect(parsePolicy({ ...DEFAULT_POLICY_INPUT, staleLedgerHours: 0 }).ok).toBe(false);
  });

  it('takes the business day from the organisation zone: Monday 09:00 in Auckland is still Sunday in UTC', async () => {
    await insertLedger(database.db, DUNNING_ORG_ID, dunningLedger());
    const nz = await run({ dryRun: true });
    expect(nz.asOf).toBe('2026-11-23');
    expect(nz.plan.businessDay).toBe(true);
    expect(chases(nz)).toEqual(['c-acme', 'c-beta', 'c-disp', 'c-paused', 'c-soon']);
    expect(skips(nz)).toEqual({ 'c-silent': 'no-email' });

    await database.truncateAll();
    await insertLedger(database.db, DUNNING_ORG_ID, dunningLedger({ timezone: 'UTC' }));
    const utc = await run({ dryRun: true });
    expect(utc.asOf).toBe('2026-11-22');
    expect(utc.plan.businessDay).toBe(false);
    expect(chases(utc)).toEqual([]);
    expect(new Set(Object.values(skips(utc)))).toEqual(new Set(['closed-day']));
  });

  it('proposes one reminder per customer with a template draft, card facts and a card, and is idempotent', async () => {
    await insertLedger(database.db, DUNNING_ORG_ID, dunningLedger());
    const first = await run();
    expect(first.reminders.map((r) => [r.customerName, r.status, r.created, r.draftSource]).sort()).toEqual([
      ['Acme Ltd', 'proposed', true, 'template'],
      ['Beta Bakery', 'proposed', true, 'template'],
      ['Dispute Ltd', 'proposed', true, 'template'],
      ['Paused Co', 'proposed', true, 'template'],
      ['Soon Pty', 'proposed', true, 'template'],
    ]);
    const acme = first.reminders.find((r) => r.contactId === 'c-acme')!;
    const row = await getReminder(database.db, acme.reminderId);
    expect(row).toMatchObject({
      status: 'proposed',
      purpose: 'overdue',
      stepIndex: 2,
      tone: 'firm',
      invoiceIds: ['i-a1', 'i-a2'],
      recipients: ['ap@acme.example', 'sam@acme.example'],
      messageId: `<reminder.${DUNNING_ORG_ID}.c-acme.overdue-3.i-a1@harbour.example>`,
      planDate: '2026-11-23',
    });
    const facts = await getReminderFacts(database.db, acme.reminderId);
    expect(facts).toMatchObject({
      customerName: 'Acme Ltd',
      baseCurrency: 'NZD',
      totalBase: '750.0000',
      draftSource: 'template',
      fallbackReason: 'no language model configured',
    });
    expect(facts?.invoices.map((i) => [i.number, i.amountDue, i.dueDate, i.daysOverdue])).toEqual([
      ['INV-A1', '500.00', '2026-11-08', 15],
      ['INV-A2', '250.00', '2026-11-16', 7],
    ]);
    const [draft] = await listDraftVersions(database.db, acme.reminderId);
    expect(draft?.subject).toBe('Overdue: two invoices with Harbour Foods');
    expect(draft?.body).toContain('Total outstanding: $750.00');

    const second = await run();
    expect(second.reminders.every((r) => !r.created)).toBe(true);
    const cards = await listOutbox(database.db, { kind: OUTBOX_REMINDER_CARD });
    expect(cards).toHaveLength(5);
    expect(await listOutbox(database.db, { kind: OUTBOX_SEND_REMINDER })).toHaveLength(0);
  });

  it('leaves paused and disputed customers alone (customer_holds), and resumes them when released', async () => {
    await insertLedger(database.db, DUNNING_ORG_ID, dunningLedger());
    const actor = { id: 'U_COLLECTOR1', name: 'Colin' };
    await addCustomerHold(database.db, {
      orgId: DUNNING_ORG_ID,
      contactId: 'c-paused',
      kind: 'pause',
      until: '2026-11-30',
      reason: 'owner in hospital',
      actor,
      now: MONDAY_9AM_AUCKLAND,
    });
    await addCustomerHold(database.db, {
      orgId: DUNNING_ORG_ID,
      contactId: 'c-disp',
      kind: 'dispute',
      until: null,
      reason: 'short delivery',
      actor,
      now: MONDAY_9AM_AUCKLAND,
    });
    await addCustomerHold(database.db, {
      orgId: DUNNING_ORG_ID,
      contactId: 'c-beta',
      kind: 'promise',
      until: '2026-11-27',
      amount: '120.00',
      reason: 'pays Friday',
      actor,
      now: MONDAY_9AM_AUCKLAND,
    });
    const r = await run();
    expect(chases(r)).toEqual(['c-acme', 'c-soon']);
    expect(skips(r)).toMatchObject({
      'c-paused': 'paused',
      'c-disp': 'disputed',
      'c-beta': 'promise-pending',
    });
    expect(r.plan.actions.find((a) => a.contactId === 'c-paused')).toMatchObject({
      reason: 'paused until 2026-11-30',
    });
    expect(r.reminders).toHaveLength(2);
  });

  it('skips public holidays of the organisation country and its own closed days', async () => {
    await insertLedger(database.db, DUNNING_ORG_ID, dunningLedger());
    await withPolicy({ holidays: { country: 'NZ', region: null, dates: ['2026-11-23'] } });
    const own = await run();
    expect(own.plan.businessDay).toBe(false);
    expect(own.reminders).toHaveLength(0);
    // Christmas Day 2026 is a Friday: a weekday, but a New Zealand public holiday.
    const christmas = await run({ now: new Date('2026-12-24T20:00:00Z') });
    expect(christmas.asOf).toBe('2026-12-25');
    expect(christmas.plan.businessDay).toBe(false);
    expect(christmas.plan.closedReason).toMatch(/Christmas/);
    expect(await listOutbox(database.db, {})).toHaveLength(0);
  });

  it('auto mode queues the send only for eligible friendly steps; the rest wait for a person', async () => {
    await insertLedger(database.db, DUNNING_ORG_ID, dunningLedger());
    await withPolicy({ mode: 'auto' });
    const r = await run();
    const byName = Object.fromEntries(r.reminders.map((x) => [x.customerName, [x.status, x.autoSend]]));
    expect(byName).toEqual({
      'Acme Ltd': ['proposed', false],
      'Beta Bakery': ['approved', true],
      'Dispute Ltd': ['proposed', false],
      'Paused Co': ['proposed', false],
      'Soon Pty': ['approved', true],
    });
    const sends = await listOutbox(database.db, { kind: OUTBOX_SEND_REMINDER });
    expect(sends.map((s) => s.payload.reminderId).sort()).toEqual(
      r.reminders
        .filter((x) => x.autoSend)
        .map((x) => x.reminderId)
        .sort(),
    );
    // 09:00 Auckland is the window's opening: not before.
    expect(sends.every((s) => s.nextAttemptAt.getTime() === MONDAY_9AM_AUCKLAND.getTime())).toBe(true);
    const early = new Date('2026-11-22T18:30:00Z'); // 07:30 local
    await database.truncateAll();
    await insertLedger(database.db, DUNNING_ORG_ID, dunningLedger());
    await withPolicy({ mode: 'auto' });
    await run({ now: early });
    const later = await listOutbox(database.db, { kind: OUTBOX_SEND_REMINDER });
    expect(later.map((s) => s.nextAttemptAt.toISOString())).toEqual([
      '2026-11-22T20:00:00.000Z',
      '2026-11-22T20:00:00.000Z',
    ]);
  });

  it('shadow mode records what it would do and queues only cards: no sends, no Xero notes', async () => {
    await insertLedger(database.db, DUNNING_ORG_ID, dunningLedger());
    await withPolicy({ mode: 'shadow' });
    const r = await run();
    expect(r.reminders.every((x) => x.status === 'shadowed' && !x.autoSend)).toBe(true);
    const kinds = (await listOutbox(database.db, {})).map((i) => i.kind);
    expect(new Set(kinds)).toEqual(new Set([OUTBOX_REMINDER_CARD]));
    // What shadow mode "sent" counts as sent for pacing, as a real send would: nothing new the next day.
    const next = await run({ now: new Date('2026-11-23T20:00:00Z') });
    expect(skips(next)).toMatchObject({ 'c-acme': 'step-already-sent', 'c-beta': 'step-already-sent' });
    expect(next.reminders.filter((x) => x.created)).toEqual([]);
  });

  it('reports escalations in the plan (the daily digest posts them) and queues nothing for them itself', async () => {
    await insertLedger(database.db, DUNNING_ORG_ID, dunningLedger());
    await withPolicy({
      escalation: {
        overdueAmountAtLeast: '700',
        daysOverdueAtLeast: 60,
        riskAtLeast: 1,
        brokenPromisesAtLeast: 2,
      },
    });
    const r = await run();
    expect(r.plan.escalations.map((e) => e.contactId).sort()).toEqual(['c-acme', 'c-disp', 'c-paused']);
    expect(r.plan.escalations.find((e) => e.contactId === 'c-acme')).toMatchObject({
      customerName: 'Acme Ltd',
      reasons: ['NZ$750.00 overdue'],
      overdueBase: '750.0000',
      oldestDaysOverdue: 15,
    });
    expect((await listOutbox(database.db)).filter((i) => i.kind.includes('escalation'))).toEqual([]);
  });

  it("uses Claude's draft when it passes the ledger check and falls back with the reason when it is malformed or lies", async () => {
    await insertLedger(database.db, DUNNING_ORG_ID, dunningLedger());
    fake.setFallback((req) => {
      const prompt = JSON.stringify(req.body.messages);
      if (prompt.includes('Beta Bakery'))
        return {
          kind: 'tool',
          input: {
            subject: 'Invoice INV-B1 is overdue',
            body: 'Hi Ana,\n\nInvoice INV-B1 for $120.00 was due on 20 November 2026. Could you let us know when it will be paid?\n\nKind regards,\nMere Collector',
          },
        };
      if (prompt.includes('Acme Ltd'))
        return {
          kind: 'tool',
          input: {
            subject: 'Overdue invoices INV-A1 and INV-A2',
            body: 'Hi Jo,\n\nINV-A1 ($5,000.00) and INV-A2 ($250.00) are overdue. Please pay now.\n\nMere Collector',
          },
        };
      return { kind: 'tool', input: { subject: 42 } };
    });
    const drafter = createAnthropicDrafter({
      apiKey: 'sk-test-key',
      model: 'claude-test',
      baseURL: fake.url,
      log: createLogger({ level: 'silent' }),
      timeoutMs: 5_000,
    });
    const r = await run({}, { ...deps(), drafter });
    const by = Object.fromEntries(r.reminders.map((x) => [x.customerName, x]));
    expect(by['Beta Bakery']).toMatchObject({ draftSource: 'claude', fallbackReason: null });
    expect(by['Acme Ltd']).toMatchObject({
      draftSource: 'template',
      fallbackReason: 'draft rejected by the ledger check: "$5,000.00" is not a figure from the ledger',
    });
    expect(by['Soon Pty']?.draftSource).toBe('template');
    expect(by['Soon Pty']?.fallbackReason).toMatch(/^draft malformed: /);
    const [beta] = await listDraftVersions(database.db, by['Beta Bakery']!.reminderId);
    expect(beta).toMatchObject({
      source: 'claude',
      model: 'claude-test',
      subject: 'Invoice INV-B1 is overdue',
    });
    expect(fake.requests).toHaveLength(5);
    // The second run asks the model nothing.
    await run({}, { ...deps(), drafter });
    expect(fake.requests).toHaveLength(5);
  });

  it('replaces an undecided proposal with the next step, and a snooze that ran out comes back', async () => {
    await insertLedger(database.db, DUNNING_ORG_ID, dunningLedger());
    const first = await run();
    const acme = first.reminders.find((r) => r.contactId === 'c-acme')!;
    const beta = first.reminders.find((r) => r.contactId === 'c-beta')!;
    await database.db
      .updateTable('reminders')
      .set({ status: 'snoozed', snoozed_until: '2026-11-26' })
      .where('id', '=', beta.reminderId)
      .execute();
    // Thursday 26 November (Auckland): INV-B1 is 6 days overdue, still step 2; the snooze has ended.
    const thursday = await run({ now: new Date('2026-11-25T20:00:00Z') });
    expect(thursday.resurfaced).toBe(1);
    expect((await getReminder(database.db, beta.reminderId))?.status).toBe('proposed');
    // Tuesday 8 December: INV-B1 is 18 days overdue, the firm step; Beta's friendly one nobody decided is replaced.
    // INV-A1 is 30 days overdue, but Acme was never actually contacted: no final reminder out of the blue, the
    // firm proposal stays.
    const later = await run({ now: new Date('2026-12-07T20:00:00Z') });
    const firm = later.reminders.find((r) => r.contactId === 'c-beta')!;
    expect(firm.created).toBe(true);
    expect(await getReminder(database.db, firm.reminderId)).toMatchObject({ stepIndex: 2, tone: 'firm' });
    expect((await getReminder(database.db, beta.reminderId))?.status).toBe('superseded');
    expect(later.reminders.find((r) => r.contactId === 'c-acme')).toMatchObject({
      reminderId: acme.reminderId,
      created: false,
    });
    expect((await getReminder(database.db, acme.reminderId))?.status).toBe('proposed');
    expect(later.superseded).toBeGreaterThanOrEqual(1);
    const keys = (await listOutbox(database.db, { kind: OUTBOX_REMINDER_CARD })).map((i) => i.idempotencyKey);
    expect(keys).toContain(`card:${beta.reminderId}:superseded`);
    expect(keys).toContain(`card:${beta.reminderId}:resurfaced:2026-11-26`);
  });
});
