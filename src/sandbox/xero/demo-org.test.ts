import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../../testing/fixtures.js';
import { generateDemoOrg } from './demo-org.js';
import { loadIbmOrg } from './ibm-org.js';
import { contactJson, creditJson, invoiceJson, paymentJson } from './serialize.js';
import { SandboxStore } from './store.js';
import { centsToDecimal, daysBetween } from './wire-format.js';

const NOW = new Date('2026-03-16T02:00:00.000Z');
const IBM_CSV = fixturePath('ar-history-ibm.csv');

function build(seed: number, extra: { contacts?: number; invoices?: number } = {}) {
  const store = new SandboxStore(() => NOW);
  const tenantId = generateDemoOrg(store, {
    seed,
    asOf: '2026-03-15',
    contacts: 120,
    invoices: 1500,
    ...extra,
  });
  return { store, tenantId, org: store.org(tenantId) };
}

/** Everything the API would serve, as one string: two organisations are equal when this is. */
function wireDump(store: SandboxStore, tenantId: string): string {
  return createHash('sha256').update(wireJson(store, tenantId)).digest('hex');
}

function wireJson(store: SandboxStore, tenantId: string): string {
  const sorted = (r: 'Invoices' | 'Payments' | 'CreditNotes' | 'Overpayments' | 'Prepayments') =>
    store.sorted(tenantId, r);
  return JSON.stringify({
    contacts: store.sorted(tenantId, 'Contacts').map((c) => contactJson(store, c)),
    invoices: sorted('Invoices').map((i) => invoiceJson(i as never)),
    payments: sorted('Payments').map((p) => paymentJson(p as never)),
    credits: [...sorted('CreditNotes'), ...sorted('Overpayments'), ...sorted('Prepayments')].map((c) =>
      creditJson(c as never),
    ),
  });
}

describe('generated demo organisation', () => {
  it('is deterministic for a seed and different for another seed', () => {
    const a = build(42);
    const b = build(42);
    const c = build(43);
    expect(a.tenantId).toBe(b.tenantId);
    expect(wireDump(a.store, a.tenantId)).toBe(wireDump(b.store, b.tenantId));
    expect(wireDump(a.store, a.tenantId)).not.toBe(wireDump(c.store, c.tenantId));
    expect(a.tenantId).not.toBe(c.tenantId);
  });

  it('keeps every derived figure consistent', () => {
    const { org } = build(7);
    let checked = 0;
    for (const inv of org.invoices.values()) {
      const paid = inv.payments
        .filter((p) => p.status === 'AUTHORISED')
        .reduce((s, p) => s + p.amountCents, 0);
      const credited = inv.allocations.reduce((s, a) => s + a.amountCents, 0);
      const lines = inv.lines.reduce((s, l) => s + l.lineCents, 0);
      expect(inv.subTotalCents).toBe(inv.lineAmountTypes === 'Inclusive' ? lines - inv.taxCents : lines);
      expect(inv.totalCents).toBe(inv.subTotalCents + inv.taxCents);
      expect(inv.amountPaidCents).toBe(paid);
      expect(inv.amountCreditedCents).toBe(credited);
      if (inv.status === 'VOIDED' || inv.status === 'DELETED') {
        expect(inv.amountDueCents).toBe(0);
        continue;
      }
      expect(inv.amountDueCents).toBe(inv.totalCents - paid - credited);
      expect(inv.amountDueCents).toBeGreaterThanOrEqual(0);
      expect(inv.status === 'PAID').toBe(inv.amountDueCents === 0 && inv.status !== 'DRAFT');
      expect(inv.fullyPaidOn !== null).toBe(inv.status === 'PAID');
      if (inv.fullyPaidOn) expect(inv.fullyPaidOn >= inv.date).toBe(true);
      expect(inv.updatedMs).toBeLessThanOrEqual(NOW.getTime());
      checked++;
    }
    expect(checked).toBeGreaterThan(1000);
    for (const cr of org.credits.values()) {
      const used = cr.allocations.reduce((s, a) => s + a.amountCents, 0);
      expect(cr.remainingCents).toBe(cr.totalCents - used);
      expect(cr.status === 'PAID').toBe(cr.remainingCents === 0);
      for (const a of cr.allocations) expect(a.invoice.contact).toBe(cr.contact);
    }
  });

  it('looks like a real ledger: habits, currencies, bills, drafts, voids, credits, and every ageing bucket', () => {
    const { org, store, tenantId } = build(5);
    const invoices = [...org.invoices.values()];
    const kinds = (k: string) => [...org.credits.values()].filter((c) => c.kind === k);
    expect(invoices.some((i) => i.type === 'ACCPAY')).toBe(true);
    expect(invoices.some((i) => i.status === 'DRAFT')).toBe(true);
    expect(invoices.some((i) => i.status === 'VOIDED')).toBe(true);
    expect(kinds('creditnote').some((c) => c.allocations.length > 0)).toBe(true);
    expect(kinds('overpayment').length).toBeGreaterThan(0);
    expect(kinds('prepayment').length).toBeGreaterThan(0);
    expect(invoices.filter((i) => i.payments.length > 1).length).toBeGreaterThan(0);
    const foreign = invoices.filter((i) => i.currency !== 'NZD');
    expect(new Set(foreign.map((i) => i.currency))).toEqual(new Set(['AUD', 'USD', 'GBP']));
    for (const i of foreign) {
      const expected = { AUD: 0.91, USD: 0.6, GBP: 0.47 }[i.currency as 'AUD']!;
      expect(Math.abs(i.rate - expected) / expected).toBeLessThan(0.04);
    }
    const contacts = [...org.contacts.values()];
    expect(contacts.some((c) => c.email === null)).toBe(true);
    expect(contacts.some((c) => c.persons.some((p) => p.includeInEmails))).toBe(true);
    expect(contacts.some((c) => c.salesTerms?.type === 'DAYSAFTERBILLDATE')).toBe(true);
    expect(new Set(contacts.map((c) => c.name)).size).toBe(contacts.length);
    expect(invoices.filter((i) => i.type === 'ACCREC').map((i) => i.number)[0]).toBe('INV-00001');

    const today = store.today(tenantId);
    expect(today).toBe('2026-03-16');
    const buckets = [0, 0, 0, 0, 0];
    for (const i of invoices) {
      if (i.type !== 'ACCREC' || i.status !== 'AUTHORISED') continue;
      const late = daysBetween(i.dueDate, '2026-03-15');
      buckets[late <= 0 ? 0 : late <= 30 ? 1 : late <= 60 ? 2 : late <= 90 ? 3 : 4]! += 1;
    }
    for (const b of buckets) expect(b).toBeGreaterThan(0);
  });

  it('gives habits that show in the payments: prompt payers pay near the due date, late ones weeks after', () => {
    const { org } = build(8, { contacts: 200, invoices: 4000 });
    const lateness = new Map<string, number[]>();
    for (const inv of org.invoices.values()) {
      if (inv.type !== 'ACCREC' || !inv.fullyPaidOn || inv.payments.length !== 1) continue;
      const habit = org.habits.get(inv.contact.id)!;
      const list = lateness.get(habit) ?? [];
      list.push(daysBetween(inv.dueDate, inv.fullyPaidOn));
      lateness.set(habit, list);
    }
    const mean = (h: string) => {
      const xs = lateness.get(h) ?? [];
      expect(xs.length, h).toBeGreaterThan(20);
      return xs.reduce((a, b) => a + b, 0) / xs.length;
    };
    expect(Math.abs(mean('prompt'))).toBeLessThan(3);
    expect(mean('early')).toBeLessThan(-3);
    expect(mean('slow-but-sure')).toBeGreaterThan(10);
    expect(mean('habitually-late')).toBeGreaterThan(30);
    // Deteriorating payers get later over time.
    const det = [...org.invoices.values()]
      .filter(
        (i) => org.habits.get(i.contact.id) === 'deteriorating' && i.fullyPaidOn && i.payments.length === 1,
      )
      .sort((a, b) => (a.date < b.date ? -1 : 1))
      .map((i) => daysBetween(i.dueDate, i.fullyPaidOn!));
    const half = Math.floor(det.length / 2);
    const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(avg(det.slice(half))).toBeGreaterThan(avg(det.slice(0, half)) + 10);
    expect([...org.habits.values()].filter((h) => h === 'large-debtor')).toHaveLength(2);
  });

  it('reports per-contact receivables equal to the open invoices', () => {
    const { org, store, tenantId } = build(4);
    const expected = new Map<string, { out: number; over: number }>();
    for (const inv of org.invoices.values()) {
      if (inv.type !== 'ACCREC' || inv.status !== 'AUTHORISED') continue;
      const e = expected.get(inv.contact.id) ?? { out: 0, over: 0 };
      e.out += inv.amountDueCents;
      if (inv.dueDate < '2026-03-15') e.over += inv.amountDueCents;
      expected.set(inv.contact.id, e);
    }
    const got = store.receivablesByContact(tenantId, '2026-03-15');
    expect(got.size).toBe([...expected.values()].filter((e) => e.out > 0).length);
    for (const [id, e] of expected) {
      if (e.out === 0) continue;
      expect(got.get(id)).toMatchObject({
        outstanding: centsToDecimal(e.out),
        overdue: centsToDecimal(e.over),
      });
    }
  });

  it('fills every ageing bucket even for a tiny organisation', () => {
    const { org } = build(9, { contacts: 3, invoices: 8 });
    const late = [...org.invoices.values()]
      .filter((i) => i.type === 'ACCREC' && i.status === 'AUTHORISED')
      .map((i) => daysBetween(i.dueDate, '2026-03-15'));
    expect(late.some((d) => d <= 0)).toBe(true);
    expect(late.some((d) => d > 0 && d <= 30)).toBe(true);
    expect(late.some((d) => d > 30 && d <= 60)).toBe(true);
    expect(late.some((d) => d > 60 && d <= 90)).toBe(true);
    expect(late.some((d) => d > 90)).toBe(true);
  });
});

describe('IBM history organisation', () => {
  it('loads 2005 paid invoices for 81 customers in USD without the Disputed column', () => {
    const store = new SandboxStore(() => NOW);
    const tenantId = loadIbmOrg(store, { csvPath: IBM_CSV });
    const org = store.org(tenantId);
    expect(org.baseCurrency).toBe('USD');
    expect(org.contacts.size).toBe(81);
    expect(org.invoices.size).toBe(2005);
    expect(org.payments.size).toBe(2005);
    const invoices = [...org.invoices.values()];
    expect(invoices.every((i) => i.status === 'PAID' && i.type === 'ACCREC')).toBe(true);
    const first = invoices.find((i) => i.number === '0007900770')!;
    expect(first).toMatchObject({
      date: '2013-01-26',
      dueDate: '2013-02-25',
      totalCents: 6174,
      fullyPaidOn: '2013-03-03',
    });
    expect(first.contact.name).toBe('Customer 8976-AMJEO');
    const total = invoices.reduce((s, i) => s + i.totalCents, 0);
    const paid = [...org.payments.values()].reduce((s, p) => s + p.amountCents, 0);
    expect(paid).toBe(total);
    const served = JSON.stringify(invoices.map((i) => invoiceJson(i)));
    expect(served).not.toMatch(/disput/i);
  });
});

describe('store mutations', () => {
  function fresh() {
    let now = Date.parse('2026-03-16T02:00:00.000Z');
    const store = new SandboxStore(() => new Date(now));
    const tenantId = store.addOrganisation({ name: 'Test Org' }).tenantId;
    const alice = store.addContact({ tenantId, name: 'Alice Ltd', email: 'a@example.com' });
    const bob = store.addContact({ tenantId, name: 'Bob Ltd' });
    const tick = (ms = 1000) => {
      now += ms;
      return now;
    };
    return { store, tenantId, alice, bob, tick };
  }

  it('pays, deletes a payment and restores AmountDue, bumping both', () => {
    const { store, alice, tick } = fresh();
    const inv = store.addInvoice({ contactId: alice.id, date: '2026-02-01', amount: '100.00' });
    expect(inv.dueDate).toBe('2026-03-20');
    tick();
    const p1 = store.addPayment(inv.id, { date: '2026-03-01', amount: '40.00' });
    const p2 = store.addPayment(inv.id, { date: '2026-03-05', amount: 60 });
    expect(inv).toMatchObject({ status: 'PAID', amountDueCents: 0, fullyPaidOn: '2026-03-05' });
    expect(() => store.addPayment(inv.id, { date: '2026-03-05', amount: 1 })).toThrow();
    const t = tick();
    store.deletePayment(p2.id);
    expect(inv).toMatchObject({
      status: 'AUTHORISED',
      amountDueCents: 6000,
      amountPaidCents: 4000,
      fullyPaidOn: null,
    });
    expect(p2.status).toBe('DELETED');
    expect(p2.updatedMs).toBe(t);
    expect(inv.updatedMs).toBe(t);
    expect(p1.updatedMs).toBeLessThan(t);
  });

  it('allocates credit notes, overpayments and prepayments within their limits', () => {
    const { store, alice, bob, tick } = fresh();
    const inv = store.addInvoice({ contactId: alice.id, date: '2026-02-01', amount: '100.00' });
    const cn = store.addCreditNote({ contactId: alice.id, date: '2026-02-10', amount: '30.00' });
    const op = store.addOverpayment({ contactId: alice.id, date: '2026-02-11', amount: '50.00' });
    const pp = store.addPrepayment({ contactId: alice.id, date: '2026-01-11', amount: '20.00' });
    expect(cn.number).toBe('CN-00001');
    tick();
    store.allocateCreditNote(cn.id, inv.id, '30.00', '2026-02-10');
    store.allocateOverpayment(op.id, inv.id, '50.00', '2026-02-11');
    expect(() => store.allocatePrepayment(pp.id, inv.id, '20.01', '2026-02-12')).toThrow();
    store.allocatePrepayment(pp.id, inv.id, '20.00', '2026-02-12');
    expect(inv).toMatchObject({
      status: 'PAID',
      amountCreditedCents: 10000,
      amountDueCents: 0,
      fullyPaidOn: '2026-02-12',
    });
    expect([cn.status, op.status, pp.status]).toEqual(['PAID', 'PAID', 'PAID']);
    const bobInv = store.addInvoice({ contactId: bob.id, date: '2026-02-01', amount: '10.00' });
    const cn2 = store.addCreditNote({ contactId: alice.id, date: '2026-02-10', amount: '5.00' });
    expect(() => store.allocateCreditNote(cn2.id, bobInv.id, '5.00', '2026-02-10')).toThrow(
      /different contacts/,
    );
  });

  it('merges contacts like Xero: archived with MergedToContactID, invoices moved and bumped', () => {
    const { store, alice, bob, tick } = fresh();
    const inv = store.addInvoice({ contactId: bob.id, date: '2026-02-01', amount: '10.00' });
    const t = tick();
    store.mergeContacts(bob.id, alice.id);
    expect(bob).toMatchObject({ status: 'ARCHIVED', mergedToId: alice.id, updatedMs: t });
    expect(inv.contact).toBe(alice);
    expect(inv.updatedMs).toBe(t);
    expect(alice.invoices).toContain(inv);
    expect(store.contactBalances(alice.id, '2026-03-30').receivable).toEqual({
      outstanding: '10.00',
      overdue: '10.00',
    });
  });

  it('does not bump UpdatedDateUTC for a due-date change on a part-paid invoice (a real Xero hole)', () => {
    const { store, alice, tick } = fresh();
    const unpaid = store.addInvoice({ contactId: alice.id, date: '2026-02-01', amount: '100.00' });
    const partPaid = store.addInvoice({ contactId: alice.id, date: '2026-02-01', amount: '100.00' });
    store.addPayment(partPaid.id, { date: '2026-02-05', amount: '10.00' });
    const before = partPaid.updatedMs;
    const t = tick();
    store.changeDueDate(partPaid.id, '2026-04-30');
    store.changeDueDate(unpaid.id, '2026-04-30');
    expect(partPaid.dueDate).toBe('2026-04-30');
    expect(partPaid.updatedMs).toBe(before);
    expect(unpaid.updatedMs).toBe(t);
    store.changeDueDate(unpaid.id, '2026-05-01', { bumpUpdated: false });
    expect(unpaid.updatedMs).toBe(t);
  });

  it('keeps the (UpdatedDateUTC, ID) index in order after bumps', () => {
    const { store, tenantId, alice, tick } = fresh();
    const a = store.addInvoice({ contactId: alice.id, date: '2026-02-01', amount: '1.00' });
    tick();
    const b = store.addInvoice({ contactId: alice.id, date: '2026-02-01', amount: '1.00' });
    expect(store.sorted(tenantId, 'Invoices').map((i) => i.id)).toEqual([a.id, b.id]);
    tick();
    store.voidInvoice(a.id);
    expect(store.sorted(tenantId, 'Invoices').map((i) => i.id)).toEqual([b.id, a.id]);
  });

  it('computes contact balances from authorised receivables only', () => {
    const { store, alice } = fresh();
    store.addInvoice({ contactId: alice.id, date: '2026-01-01', dueDate: '2026-02-01', amount: '100.00' });
    store.addInvoice({ contactId: alice.id, date: '2026-03-01', dueDate: '2026-04-01', amount: '50.00' });
    store.addInvoice({ contactId: alice.id, date: '2026-03-01', amount: '70.00', status: 'DRAFT' });
    store.addInvoice({
      contactId: alice.id,
      date: '2026-01-01',
      dueDate: '2026-02-01',
      amount: '9.00',
      type: 'ACCPAY',
    });
    expect(store.contactBalances(alice.id, '2026-03-15')).toEqual({
      receivable: { outstanding: '150.00', overdue: '100.00' },
      payable: { outstanding: '9.00', overdue: '9.00' },
    });
  });
});
