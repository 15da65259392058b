import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../context.js';
import { startXeroSandbox, type XeroSandbox } from '../../sandbox/xero/index.js';
import { useTestDatabase } from '../../testing/test-database.js';
import { connectSandbox, xeroTestContext } from '../../testing/xero-harness.js';
import type { Organisation } from '../db/organisations.js';
import { createGatewayNoteWriter } from './history-notes.js';
import { XeroCallError } from './xero-errors.js';

const database = useTestDatabase({ emptyBeforeEach: false });
let sandbox: XeroSandbox;
let ctx: AppContext;
let org: Organisation;
beforeAll(async () => {
  sandbox = await startXeroSandbox({
    organisations: [{ kind: 'demo', seed: 3, contacts: 5, invoices: 20, asOf: '2026-11-20' }],
    rateLimits: false,
  });
  ctx = await xeroTestContext(database, sandbox);
  [org] = (await connectSandbox(ctx, sandbox)) as [Organisation];
});
afterAll(async () => {
  await ctx?.destroy();
  await sandbox?.close();
});
beforeEach(() => sandbox.faults.clear());

const firstInvoice = () => {
  const tenant = sandbox.tenants[0]!.tenantId;
  return [...sandbox.store.org(tenant).invoices.values()].find((i) => i.type === 'ACCREC')!;
};
const notesOf = (kind: 'Invoices' | 'Contacts', id: string) =>
  sandbox.store
    .getHistory(kind, id)
    .filter((h) => h.changes === 'Note')
    .map((h) => h.details);

describe('History notes through the Xero gateway (real xero-node → sandbox)', () => {
  it('writes several notes on an invoice in one call, and a replay with the same key writes nothing more', async () => {
    const inv = firstInvoice();
    const api = ctx.xero.tenantApi(org, 'interactive');
    await api.addHistoryNotes(
      'invoice',
      inv.id,
      ['Reminder 1 (friendly) emailed', 'Snoozed by Jo'],
      'note:key-1',
    );
    await api.addHistoryNotes(
      'invoice',
      inv.id,
      ['Reminder 1 (friendly) emailed', 'Snoozed by Jo'],
      'note:key-1',
    );
    expect(notesOf('Invoices', inv.id)).toEqual(['Reminder 1 (friendly) emailed', 'Snoozed by Jo']);
  });

  it('writes a note on a contact', async () => {
    const contact = firstInvoice().contact;
    await ctx.xero
      .tenantApi(org, 'interactive')
      .addHistoryNotes('contact', contact.id, ['Paused in Slack by Jo'], 'note:key-2');
    expect(notesOf('Contacts', contact.id)).toContain('Paused in Slack by Jo');
  });

  it('hands a 429 back at once (the outbox waits), retries a 503, refuses an over-long note', async () => {
    const inv = firstInvoice();
    sandbox.faults.inject({
      match: { method: 'PUT' },
      times: 1,
      fault: { kind: 'status', status: 429, retryAfterSec: 1 },
    });
    const limited = await ctx.xero
      .tenantApi(org, 'interactive')
      .addHistoryNotes('invoice', inv.id, ['after a 429'], 'note:key-3')
      .catch((e: unknown) => e);
    expect((limited as XeroCallError).failure).toMatchObject({ kind: 'rate-limited', retryAfterMs: 1_000 });
    sandbox.faults.inject({ match: { method: 'PUT' }, times: 1, fault: { kind: 'status', status: 503 } });
    await ctx.xero
      .tenantApi(org, 'interactive')
      .addHistoryNotes('invoice', inv.id, ['after a 503'], 'note:key-3b');
    expect(notesOf('Invoices', inv.id)).toContain('after a 503');
    expect(notesOf('Invoices', inv.id)).not.toContain('after a 429');
    const err = await ctx.xero
      .tenantApi(org, 'interactive')
      .addHistoryNotes('invoice', inv.id, ['x'.repeat(2600)], 'note:key-4')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(XeroCallError);
    expect((err as XeroCallError).failure.kind).toBe('client');
  });

  it('the note writer the outbox uses: written, rate-limited with the wait, rejected for a document Xero does not have', async () => {
    const writer = createGatewayNoteWriter({
      db: database.db,
      tenantApi: (o) => ctx.xero.tenantApi(o, 'interactive'),
    });
    const inv = firstInvoice();
    expect(await writer.addNotes(org.id, 'invoice', inv.id, ['via the writer'], 'note:w-1')).toEqual({
      kind: 'written',
    });
    expect(notesOf('Invoices', inv.id)).toContain('via the writer');
    sandbox.faults.inject({
      match: { method: 'PUT' },
      times: 1,
      fault: { kind: 'status', status: 429, retryAfterSec: 7 },
    });
    expect(await writer.addNotes(org.id, 'invoice', inv.id, ['later'], 'note:w-2')).toMatchObject({
      kind: 'rate-limited',
      retryAfterMs: 7_000,
    });
    expect(
      await writer.addNotes(org.id, 'invoice', '00000000-0000-0000-0000-000000000000', ['x'], 'note:w-3'),
    ).toMatchObject({ kind: 'rejected' });
    expect(
      await writer.addNotes('00000000-0000-0000-0000-000000000001', 'invoice', inv.id, ['x'], 'note:w-4'),
    ).toMatchObject({ kind: 'rejected' });
  });
});
