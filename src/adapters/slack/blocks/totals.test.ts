import { describe, expect, it } from 'vitest';
import { AGEING_BUCKET_LABELS, AGEING_BUCKETS } from '../../../domain/ageing.js';
import { scoreLedger } from '../../../domain/collections-scoring.js';
import { NO_SIGNALS } from '../../../domain/collections-signals.js';
import type { Ledger } from '../../../domain/ledger.js';
import { type Decimal, sum } from '../../../domain/money.js';
import type { ReminderCardFacts } from '../../../domain/reminder-card-facts.js';
import { FX_AS_OF, fxLedger } from '../../../testing/fx-ledger-fixture.js';
import { TEST_ORG_ID } from '../../../testing/ledger-builders.js';
import { SURFACES_NOW, surfacesLedger } from '../../../testing/slack-surfaces-fixture.js';
import {
  buildAgingReport,
  buildKpiReport,
  forecastOf,
  prioritiesOf,
} from '../../../use-cases/collections-reports.js';
import { assembleDigest } from '../../../use-cases/daily-digest.js';
import type { Organisation } from '../../db/organisations.js';
import { type CustomerDetail, customerMessage } from './customer.js';
import { customerLine } from './customer-line.js';
import type { Block } from './kit.js';
import { blocksAsText } from './plain-text.js';
import { buildReminderCard, type CardReminder } from './reminder-card.js';
import {
  customerAgingMessage,
  forecastMessage,
  kpisMessage,
  orgAgingMessage,
  topMessage,
} from './reports.js';

/** Every amount a text shows, as [notation, plain decimal]: 'US$1,234.50' → ['US$', '1234.50']. */
const AMOUNT = /(NZ\$|US\$|A\$|£|€|\$)([\d,]+\.\d{2})/g;
function amounts(text: string): { symbol: string; value: Decimal }[] {
  return [...text.matchAll(AMOUNT)].map((m) => ({ symbol: m[1]!, value: m[2]!.replace(/,/g, '') }));
}
/** The one amount in a piece of text, in NZD (the base currency of the fixture). */
function nzd(text: string): Decimal {
  const found = amounts(text);
  expect(found, text).toHaveLength(1);
  expect(found[0]!.symbol, text).toBe('NZ$');
  return found[0]!.value;
}
const total = (values: readonly Decimal[]) => sum(values).toFixed(2);
const textOf = (blocks: readonly Block[]) => blocksAsText(blocks);
/** A fields block's "*Label*\nvalue" entries, by label. */
function fieldsOf(blocks: readonly Block[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const b of blocks) {
    for (const f of (b.fields as { text: string }[] | undefined) ?? []) {
      const m = /^\*(.+?)\*\n([\s\S]*)$/.exec(f.text);
      if (m) out.set(m[1]!, m[2]!);
    }
  }
  return out;
}

function organisationOf(ledger: Ledger): Organisation {
  return {
    id: TEST_ORG_ID,
    xeroTenantId: 'tenant',
    xeroConnectionId: null,
    tokenSetId: null,
    name: ledger.organisation.name,
    baseCurrency: ledger.organisation.baseCurrency,
    timezone: ledger.organisation.timezone,
    shortCode: ledger.organisation.shortCode,
    status: 'active',
    statusReason: null,
    createdAt: SURFACES_NOW,
    updatedAt: SURFACES_NOW,
  };
}

const digestOf = (ledger: Ledger) =>
  assembleDigest(
    { organisation: organisationOf(ledger), ledger, asOf: FX_AS_OF, holds: [], signals: NO_SIGNALS },
    null,
  );

describe('Slack surfaces: every total equals the sum of the lines shown beside it', () => {
  const ledger = fxLedger();
  const scored = scoreLedger(ledger, FX_AS_OF);
  const priorities = prioritiesOf(scored);
  const ageing = buildAgingReport(ledger, FX_AS_OF);

  it('the digest header: total overdue = the overdue buckets = the customers listed, numbered 1..n', () => {
    const { data, messages } = digestOf(ledger);
    const blocks = messages.header.blocks;
    const text = textOf(blocks);
    const headline = /\*(NZ\$[\d,]+\.\d{2}) overdue across 11 invoices\*/.exec(text);
    expect(headline, text).not.toBeNull();
    const overdue = nzd(headline![1]!);
    const buckets = fieldsOf(blocks);
    const overdueBuckets = AGEING_BUCKETS.filter((b) => b !== 'current').map((b) =>
      nzd(buckets.get(AGEING_BUCKET_LABELS[b])!),
    );
    expect(total(overdueBuckets)).toBe(overdue);
    // Everyone with something overdue fits in the header here: their overdue amounts add up to the total.
    const lines = blocks.filter((b) => b.accessory).map((b) => (b.text as { text: string }).text);
    expect(lines).toHaveLength(4);
    expect(total(lines.map((l) => amounts(l)[0]!.value))).toBe(overdue);
    expect(lines.map((l) => /^\*(\d+)\. /.exec(l)?.[1])).toEqual(['1', '2', '3', '4']);
    expect(text).not.toContain('Early Bird');
    expect(text).toContain('*Chase first* (4 customers with overdue invoices)');
    expect(data.customers.map((c) => c.rank)).toEqual([1, 2, 3, 4]);
  });

  it('/ar top: only customers with something overdue, numbered 1..n, the card agreeing on the number', () => {
    const m = topMessage(TEST_ORG_ID, 'Harbour Fx Ltd', priorities, 10);
    const lines = m.blocks.filter((b) => b.accessory).map((b) => (b.text as { text: string }).text);
    expect(lines.map((l) => /^\*(\d+)\. /.exec(l)?.[1])).toEqual(['1', '2', '3', '4']);
    expect(textOf(m.blocks)).not.toContain('Early Bird');
    expect(textOf(m.blocks)).toContain('# Top 4 to chase · Harbour Fx Ltd');
    const first = /^\*1\. (.+?)\*/.exec(lines[0]!)![1]!;
    const card = customerMessage(detailOf(first));
    expect(fieldsOf(card.blocks).get('Priority')).toMatch(/^#1 · /);
    // Overdue of balance, as the ageing report has them.
    const c = ageing.customers.find((x) => x.contactName === first)!;
    const [od, balance] = amounts(lines[0]!);
    expect(balance!.value).toBe(c.base.total);
    expect(od!.value).toBe(total(AGEING_BUCKETS.filter((b) => b !== 'current').map((b) => c.base[b])));
  });

  it('/ar top shows the number of further customers with something overdue, not of everyone who owes', () => {
    const m = topMessage(TEST_ORG_ID, 'Harbour Fx Ltd', priorities, 2);
    expect(textOf(m.blocks)).toContain('2 more customers have something overdue');
  });

  it('/ar aging: the buckets add up to the total, and so do the balances listed', () => {
    const m = orgAgingMessage('Harbour Fx Ltd', ageing);
    const f = fieldsOf(m.blocks);
    expect(total(AGEING_BUCKETS.map((b) => nzd(f.get(AGEING_BUCKET_LABELS[b])!)))).toBe(nzd(f.get('Total')!));
    const largest = m.blocks
      .map((b) => (b.text as { text?: string } | undefined)?.text ?? '')
      .find((t) => t.startsWith('*Largest balances*'))!;
    const listed = largest.split('\n').slice(1);
    expect(listed).toHaveLength(5);
    expect(total(listed.map((l) => amounts(l)[0]!.value))).toBe(nzd(f.get('Total')!));
  });

  it('/ar aging CUSTOMER: the invoice lines (base, with the document amount beside) add up to the total', () => {
    const yankee = ageing.customers.find((c) => c.contactName === 'Yankee Traders')!;
    const m = customerAgingMessage('Harbour Fx Ltd', FX_AS_OF, 'NZD', yankee);
    const f = fieldsOf(m.blocks);
    const t = nzd(f.get('Total')!);
    expect(total(AGEING_BUCKETS.map((b) => nzd(f.get(AGEING_BUCKET_LABELS[b])!)))).toBe(t);
    const lines = textOf(m.blocks)
      .split('\n')
      .filter((l) => l.startsWith('• Y-'));
    expect(lines).toHaveLength(6);
    for (const l of lines) expect(amounts(l).map((a) => a.symbol)).toEqual(['NZ$', 'US$']);
    expect(total(lines.map((l) => amounts(l)[0]!.value))).toBe(t);
  });

  it('/ar forecast: the weeks add up to the 30 days, the first week is the next 7 days, the payers add up', () => {
    const f = forecastOf(scored, { horizonDays: 30 });
    const names = new Map(ledger.contacts.map((c) => [c.id, c.name]));
    const m = forecastMessage('Harbour Fx Ltd', f, names);
    const fields = fieldsOf(m.blocks);
    const next7 = amounts(fields.get('Next 7 days')!)[0]!.value;
    const next30 = amounts(fields.get('Next 30 days')!)[0]!.value;
    const sections = m.blocks.map((b) => (b.text as { text?: string } | undefined)?.text ?? '');
    const weeks = sections
      .find((t) => t.startsWith('*By week*'))!
      .split('\n')
      .slice(1);
    expect(weeks).toHaveLength(5);
    expect(total(weeks.map((w) => amounts(w)[0]!.value))).toBe(next30);
    expect(amounts(weeks[0]!)[0]!.value).toBe(next7);
    const payers = sections
      .find((t) => t.startsWith('*Largest expected payers*'))!
      .split('\n')
      .slice(1);
    expect(payers).toHaveLength(5);
    expect(total(payers.map((p) => amounts(p)[0]!.value))).toBe(next30);
  });

  it('/ar kpis: receivables and overdue are the ageing and the digest figures', () => {
    const k = buildKpiReport(ledger, FX_AS_OF);
    const f = fieldsOf(kpisMessage('Harbour Fx Ltd', k).blocks);
    expect(nzd(f.get('Receivables')!)).toBe(ageing.total.total);
    const { data } = digestOf(ledger);
    expect(nzd(f.get('Overdue')!)).toBe(data.totalOverdue);
    expect(amounts(f.get('Over 90 days')!)[0]!.value).toBe(ageing.total.over90);
  });

  function detailOf(name: string): CustomerDetail {
    const contact = ledger.contacts.find((c) => c.name === name)!;
    return {
      orgId: TEST_ORG_ID,
      orgName: 'Harbour Fx Ltd',
      asOf: FX_AS_OF,
      baseCurrency: 'NZD',
      contactId: contact.id,
      contactName: contact.name,
      accountNumber: null,
      email: contact.email,
      xeroUrl: null,
      priority: priorities.customers.find((c) => c.contactId === contact.id) ?? null,
      ageing: ageing.customers.find((c) => c.contactId === contact.id) ?? null,
      behaviour: null,
      lastContacts: [],
      holds: [],
    };
  }

  it('the customer card: the open invoices (base, with US$ beside) add up to the balance and the overdue', () => {
    const card = customerMessage(detailOf('Yankee Traders'));
    const f = fieldsOf(card.blocks);
    const lines = textOf(card.blocks)
      .split('\n')
      .filter((l) => l.startsWith('• Y-'));
    expect(lines).toHaveLength(6);
    expect(lines[0]).toMatch(/^• Y-\d · NZ\$[\d,]+\.\d{2} \(US\$[\d,]+\.\d{2}\) · /);
    expect(total(lines.map((l) => amounts(l)[0]!.value))).toBe(nzd(f.get('Balance')!));
    const overdue = lines.filter((l) => /\d+d overdue/.test(l));
    expect(total(overdue.map((l) => amounts(l)[0]!.value))).toBe(nzd(f.get('Overdue')!));
  });

  it('the customer card of someone with nothing overdue says so instead of a number /ar top never shows', () => {
    const f = fieldsOf(customerMessage(detailOf('Early Bird Ltd')).blocks);
    expect(f.get('Priority')).toMatch(/nothing overdue/);
    expect(f.get('Priority')).not.toMatch(/#\d/);
  });
});

describe('Slack surfaces: currencies are unambiguous', () => {
  it('a USD organisation’s digest and customer lines say US$, never a bare $', () => {
    const { messages, data } = digestOf(surfacesLedger());
    const text = textOf([...messages.header.blocks, ...messages.thread.flatMap((m) => m.blocks)]);
    expect(text).toContain('US$16,800.00 overdue across 4 invoices');
    expect(text).not.toMatch(/(^|[^A-Z])\$\d/m);
    const line = textOf([customerLine(TEST_ORG_ID, data.customers[0]!, 'USD')]);
    expect(line).toMatch(/US\$12,000\.00 overdue of US\$12,000\.00/);
  });

  it('an NZD organisation’s lines say NZ$, and a USD invoice beside them US$', () => {
    const ledger = fxLedger();
    const { data } = digestOf(ledger);
    const line = textOf([customerLine(TEST_ORG_ID, data.customers[0]!, 'NZD')]);
    expect(line).toMatch(/NZ\$[\d,]+\.\d{2} overdue of NZ\$/);
    expect(line).not.toMatch(/(^|[^A-Z])\$\d/);
  });
});

describe('the reminder card: the total is the sum of the invoice lines', () => {
  const reminder: CardReminder = {
    id: '3f1c0a52-8a5e-4d7e-9a51-5d1f3f0e9a01',
    status: 'proposed',
    mode: 'assisted',
    autoSend: false,
    purpose: 'overdue',
    segment: 'Standard',
    stepIndex: 1,
    stepCount: 4,
    tone: 'firm',
    reason: 'step 2 of Standard',
    recipients: ['ap@yankee.example'],
    cc: [],
    draftVersion: 1,
    decidedByName: null,
    snoozedUntil: null,
    sentAt: null,
    lastError: null,
  };
  const draft = { subject: 'Overdue', body: 'Hi,\n\nY-1 and Y-2 are overdue.\n\nMere' };
  const facts = (invoices: ReminderCardFacts['invoices'], totalBase: string): ReminderCardFacts => ({
    customerName: 'Yankee Traders',
    baseCurrency: 'NZD',
    totalBase,
    tier: 'medium',
    risk: 0.4,
    invoices,
    brainReasons: [],
    escalationReasons: [],
    draftSource: 'template',
    fallbackReason: null,
  });
  const invoice = (number: string, currency: string, amountDue: string) => ({
    invoiceId: `id-${number}`,
    number,
    currency,
    amountDue,
    dueDate: '2026-11-04',
    daysOverdue: 19,
  });

  it('in the invoices’ own currency, with the base-currency equivalent beside it', () => {
    // 412.73 ÷ 0.6543 = 630.80 and 450.30 ÷ 0.6543 = 688.22 (each rounded to the cent, as Xero stores it).
    const card = buildReminderCard(
      reminder,
      facts([invoice('Y-1', 'USD', '412.73'), invoice('Y-2', 'USD', '450.30')], '1319.0200'),
      draft,
    );
    const f = fieldsOf(card.blocks);
    expect(f.get('Total')).toBe('US$863.03 (NZ$1,319.02)');
    const lines = textOf(card.blocks)
      .split('\n')
      .filter((l) => l.startsWith('• *Y-'));
    expect(total(lines.map((l) => amounts(l)[0]!.value))).toBe('863.03');
    expect(card.text).toContain('US$863.03 (NZ$1,319.02)');
  });

  it('in base currency: the lines add up to the total even when the stored total kept a fourth decimal', () => {
    const card = buildReminderCard(
      reminder,
      facts([invoice('K-1', 'NZD', '1187.31'), invoice('K-3', 'NZD', '20.00')], '1207.3150'),
      draft,
    );
    expect(fieldsOf(card.blocks).get('Total')).toBe('NZ$1,207.31');
  });
});
