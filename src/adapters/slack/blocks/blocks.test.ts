import { describe, expect, it } from 'vitest';
import { AGEING_BUCKETS, type BucketAmounts } from '../../../domain/ageing.js';
import { ledgerAge } from '../../../domain/ledger-freshness.js';
import type { CustomerPriority } from '../../../domain/priority.js';
import { validateMessageBlocks, validateView } from '../../../sandbox/slack/block-kit-limits.js';
import { customerMessage, xeroContactUrl } from './customer.js';
import {
  buildDigestMessages,
  DIGEST_HEADER_CUSTOMERS,
  DIGEST_LISTED_CUSTOMERS,
  type DigestData,
} from './digest.js';
import { escalationMessage, resolvedEscalationBlocks } from './escalation.js';
import { homeView } from './home.js';
import { ACTION, packValue, unpackValue } from './ids.js';
import { escapeMrkdwn, MESSAGE_TEXT_BUDGET, textLength } from './kit.js';
import { blocksAsText } from './plain-text.js';
import { HELP_LINES, helpMessage, pickCustomerMessage } from './reports.js';
import { setupModal } from './setup.js';

const ORG = '7d3c2b1a-0000-4000-8000-00000000a001';
const nasty = 'Smith & <Jones> "Ltd" *bold* '.repeat(6);

function customer(rank: number, name = `Customer ${rank}`): CustomerPriority {
  return {
    rank,
    contactId: `c${rank}`,
    contactName: name,
    score: '1000.00',
    tier: rank <= 3 ? 'high' : 'medium',
    balanceBase: '2500.00',
    overdueBase: '2000.00',
    cashAtRiskBase: '900.00',
    invoiceCount: 5,
    overdueCount: 5,
    oldestDaysOverdue: 45,
    needsHuman: false,
    brokenPromises: 0,
    openDisputes: 0,
    pausedUntil: null,
    reasons: [
      `${name} has 5 invoices overdue, the oldest 45 days; they usually pay 20 days late, and that is slipping.`,
      'Large balance compared with their usual invoice: 4 times the median of their last twelve invoices.',
      'A third reason that the digest leaves out to keep messages short.',
    ],
    invoices: [],
  };
}

const buckets: BucketAmounts = Object.fromEntries(
  [...AGEING_BUCKETS, 'total'].map((k) => [k, '100.00']),
) as BucketAmounts;

function digest(customers: number, overrides: Partial<DigestData> = {}): DigestData {
  return {
    orgId: ORG,
    orgName: 'Demo & Co <NZ>',
    asOf: '2026-11-23',
    baseCurrency: 'NZD',
    totalOverdue: '20000000.00',
    overdueCount: 10_000,
    previous: { asOf: '2026-11-20', totalOverdue: '19500000.00' },
    ageing: buckets,
    customers: Array.from({ length: customers }, (_, i) =>
      customer(i + 1, i === 0 ? nasty : `Customer ${i + 1}`),
    ),
    promisesDueToday: [],
    brokenPromises: [],
    openDisputes: [],
    ...overrides,
  };
}

function expectWithinLimits(message: { text: string; blocks: unknown[] }) {
  expect(validateMessageBlocks(message.blocks)).toEqual([]);
  expect(message.blocks.length).toBeLessThanOrEqual(50);
  expect(textLength(message.blocks as never)).toBeLessThanOrEqual(MESSAGE_TEXT_BUDGET);
  expect(message.text.length).toBeGreaterThan(0);
}

const NOW_MS = Date.parse('2026-12-07T09:00:00Z');

describe('escapeMrkdwn', () => {
  it('escapes exactly &, < and > (ampersand first, so nothing is double-escaped)', () => {
    expect(escapeMrkdwn('A&B <x> &amp;')).toBe('A&amp;B &lt;x&gt; &amp;amp;');
    expect(escapeMrkdwn('plain "quotes" *stars*')).toBe('plain "quotes" *stars*');
  });
});

describe('buildDigestMessages', () => {
  it.each<[number | null, string | null]>([
    [null, null],
    [20, null],
    [
      200,
      'These figures are from Xero as it was 3 hours ago (the last complete sync); payments since then are missing.',
    ],
    [
      26 * 60,
      'as it was 26 hours ago (the last complete sync); payments since then are missing. No reminders are planned until a sync completes.',
    ],
  ])('a ledger %s minutes old: the header says so only when it is old', (minutes, note) => {
    const m = buildDigestMessages({
      ...digest(3),
      ledgerAge: minutes === null ? null : ledgerAge(new Date(NOW_MS - minutes * 60_000), new Date(NOW_MS)),
    });
    const text = JSON.stringify(m.header.blocks);
    if (note) expect(text).toContain(note);
    else expect(text).not.toContain('These figures are from Xero');
  });

  it("says planning has stopped only past the organisation's own limit (policy staleLedgerHours)", () => {
    const at26h = new Date(NOW_MS - 26 * 3_600_000);
    const lenient = buildDigestMessages({ ...digest(3), ledgerAge: ledgerAge(at26h, new Date(NOW_MS), 48) });
    expect(JSON.stringify(lenient.header.blocks)).toContain('as it was 26 hours ago');
    expect(JSON.stringify(lenient.header.blocks)).not.toContain('No reminders are planned');
  });

  it('summarises 2,000 customers in a header and a bounded thread, every message within Block Kit limits', () => {
    const m = buildDigestMessages(digest(2_000));
    expectWithinLimits(m.header);
    for (const part of m.thread) expectWithinLimits(part);
    const openButtons = (blocks: unknown[]) =>
      blocks.filter(
        (b) => (b as { accessory?: { action_id?: string } }).accessory?.action_id === ACTION.openCustomer,
      ).length;
    expect(openButtons(m.header.blocks)).toBe(DIGEST_HEADER_CUSTOMERS);
    const listedInThread = m.thread.reduce((n, p) => n + openButtons(p.blocks), 0);
    expect(listedInThread).toBe(DIGEST_LISTED_CUSTOMERS - DIGEST_HEADER_CUSTOMERS);
    const last = m.thread[m.thread.length - 1]!;
    expect(blocksAsText(last.blocks)).toContain('…and *1,900 more customers* with NZ$3,800,000.00 overdue');
  });

  it('puts the total, the change since the last snapshot and the ageing in the header', () => {
    const text = blocksAsText(digest(3) && buildDigestMessages(digest(3)).header.blocks);
    expect(text).toContain(
      'NZ$20,000,000.00 overdue across 10,000 invoices (▲ NZ$500,000.00 since 2026-11-20)',
    );
    expect(text).toContain('*Current*\nNZ$100.00');
    expect(buildDigestMessages(digest(3, { previous: null })).header.text).not.toContain('since');
    expect(buildDigestMessages(digest(3)).thread).toEqual([]);
  });

  it('escapes customer and organisation names and keeps the digest sections even when empty', () => {
    const m = buildDigestMessages(digest(1));
    const json = JSON.stringify(m.header.blocks);
    expect(json).toContain('Smith &amp; &lt;Jones&gt;');
    expect(json).not.toContain('<Jones>');
    expect(m.header.text).toContain('Demo &amp; Co &lt;NZ&gt;');
    const text = blocksAsText(m.header.blocks);
    expect(text).toContain('No promises fall due today.');
    expect(text).toContain('No broken promises.');
    expect(text).toContain('No open disputes.');
  });

  it('lists promises and disputes, capped at ten names each', () => {
    const promises = Array.from({ length: 12 }, (_, i) => ({
      contactName: `P${i}`,
      promisedDate: '2026-11-23',
      amount: '10.00',
      currency: 'NZD',
    }));
    const text = blocksAsText(
      buildDigestMessages(
        digest(0, {
          promisesDueToday: promises,
          openDisputes: [
            { contactName: 'D & D', reason: 'wrong_amount', openedOn: '2026-11-01', invoiceCount: 2 },
          ],
        }),
      ).header.blocks,
    );
    expect(text).toContain('• P0: NZ$10.00 promised for 2026-11-23');
    expect(text).toContain('…and 2 more');
    expect(text).toContain('• D & D: wrong amount since 2026-11-01 (2 invoices)');
    expect(text).toContain('Nothing overdue today.');
  });
});

describe('surface builders', () => {
  it('help lists every subcommand and states the problem when there is one', () => {
    const m = helpMessage('Unknown command "x<y>".');
    expectWithinLimits(m);
    const text = JSON.stringify(m.blocks);
    for (const [cmd] of HELP_LINES) expect(text).toContain(cmd.split(' ')[1]);
    expect(text).toContain('Unknown command \\"x&lt;y&gt;\\".');
  });

  it('the customer picker gives one button per match with unique action ids', () => {
    const contacts = Array.from({ length: 12 }, (_, i) => ({
      id: `id${i}`,
      name: `Acme ${i}`,
      accountNumber: null,
    }));
    const m = pickCustomerMessage('acme', contacts as never, (c) => c.id);
    expectWithinLimits(m);
    const buttons = (m.blocks[1] as unknown as { elements: { action_id: string; value: string }[] }).elements;
    expect(buttons).toHaveLength(10);
    expect(new Set(buttons.map((b) => b.action_id)).size).toBe(10);
    expect(buttons[3]!.value).toBe('id3');
  });

  it('the customer card links to Xero through the organisation login with the short code', () => {
    expect(xeroContactUrl('!aB3x', 'c-1')).toBe(
      'https://go.xero.com/organisationlogin/default.aspx?shortcode=!aB3x&redirecturl=/Contacts/View/c-1',
    );
    expect(xeroContactUrl(null, 'c-1')).toBeNull();
    const m = customerMessage({
      orgId: ORG,
      orgName: 'Demo',
      asOf: '2026-11-23',
      baseCurrency: 'NZD',
      contactId: 'c1',
      contactName: nasty,
      accountNumber: 'A<1>',
      email: null,
      xeroUrl: xeroContactUrl('!aB3x', 'c1'),
      priority: customer(1, nasty),
      ageing: null,
      behaviour: { paidCount: 12, lateShare: 0.25, meanDaysLate: 7.26, trend: 'slower', trendChangeDays: 6 },
      lastContacts: [{ when: '2026-11-20', what: 'firm reminder sent (step 2 of 4, 3 invoices)' }],
      holds: [{ kind: 'pause', until: '2026-12-01', reason: 'on <holiday>', by: 'maria' }],
    });
    expectWithinLimits(m);
    expect(
      validateView({ type: 'modal', title: { type: 'plain_text', text: 'Customer' }, blocks: m.blocks }),
    ).toEqual([]);
    const text = blocksAsText(m.blocks);
    expect(text).toContain(
      '12 invoices paid · 25% late · 7.3 days late on average · paying slower lately (+6d)',
    );
    expect(text).toContain('• pause until 2026-12-01 by maria: on <holiday>');
    expect(JSON.stringify(m.blocks)).toContain('on &lt;holiday&gt;');
    expect(text).toContain('[Open in Xero]');
  });

  it('escalation posts carry three manager buttons; a decision replaces them with who did what', () => {
    const m = escalationMessage({
      orgId: ORG,
      orgName: 'Demo',
      contactId: 'c9',
      customerName: 'Big & <Bad>',
      crossedOn: '2026-11-23',
      baseCurrency: 'NZD',
      overdueBase: '12000.00',
      balanceBase: '15000.00',
      oldestDaysOverdue: 70,
      maxRisk: 0.83,
      brokenPromises: 2,
      reasons: ['NZ$12,000.00 overdue', 'oldest invoice 70 days overdue'],
    });
    expectWithinLimits(m);
    const actionsBlock = m.blocks.find((b) => b.type === 'actions') as unknown as {
      elements: { action_id: string; value: string }[];
    };
    expect(actionsBlock.elements.map((e) => e.action_id)).toEqual([
      ACTION.escalationAcknowledge,
      ACTION.escalationPause,
      ACTION.escalationPlanCall,
    ]);
    expect(unpackValue(actionsBlock.elements[0]!.value, 3)).toEqual([ORG, 'c9', '2026-11-23']);
    const resolved = resolvedEscalationBlocks(m.blocks, { by: 'maria <m>', what: 'Acknowledged' });
    expect(resolved.some((b) => b.type === 'actions')).toBe(false);
    expect(blocksAsText(resolved)).toContain(':white_check_mark: Acknowledged by maria <m>');
    expect(m.text).toBe('Escalation: Big &amp; &lt;Bad&gt; owes NZ$12,000.00 overdue');
  });

  it('App Home stays within 100 blocks with three organisations and long queues', () => {
    const org = (i: number) => ({
      orgId: `${ORG.slice(0, -1)}${i}`,
      orgName: `Org ${i}`,
      asOf: '2026-11-23',
      baseCurrency: 'NZD',
      role: 'collector' as const,
      approvalsWaiting: 42,
      repliesWaiting: { pending: 2, triage: 1 },
      approvals: Array.from({ length: 10 }, () => ({
        contactName: 'A & B',
        status: 'proposed',
        planDate: '2026-11-23',
        tone: 'firm',
        invoiceCount: 2,
        permalink: null,
      })),
      queue: Array.from({ length: 60 }, (_, k) => customer(k + 1)),
      fallThrough: Array.from({ length: 12 }, (_, k) => ({
        contactId: `f${k}`,
        customerName: `Left & ${k}`,
        code: k % 2 ? ('no-email' as const) : ('paused' as const),
        reason: k % 2 ? 'no email address on the contact or its people' : 'paused until 2026-12-01',
        overdueBase: `${1000 - k}.00`,
        overdueCount: 2,
        ways: k % 2 ? (['add-address', 'call-task'] as const) : (['call-task'] as const),
        callTask:
          k === 1
            ? {
                id: 7,
                assigneeId: 'U_COLIN',
                assigneeName: 'colin',
                createdAt: new Date('2026-11-22T20:00:00Z'),
              }
            : null,
      })),
      calls: [
        { id: 7, customerName: 'Left & 1', reason: 'no email', createdAt: new Date('2026-11-22T20:00:00Z') },
      ],
      promisesDueToday: 1,
      escalationsOpen: 2,
      kpis: {
        overdue: '100.00',
        total: '200.00',
        dsoDays: 41.26,
        ceiPercent: 77.77,
        averageDaysDelinquent: 3,
      },
    });
    const view = homeView('colin', [org(1), org(2), org(3)]);
    expect(validateView(view)).toEqual([]);
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    const text = blocksAsText(view.blocks);
    // Every waiting card is counted, not only the ten listed.
    expect(text).toContain('*Waiting for your approval* (42)');
    expect(text).toContain('…and 32 more, newer');
    expect(text).toContain(
      '• 42 cards to decide\n• 1 call to make\n• 2 customer replies to handle (their chasing is paused), 1 reply to triage in the queue channel',
    );
    expect(text).toContain('*Org 3*');
    // Nobody falls through: each organisation lists who cannot be emailed, with the way forward.
    expect(text.match(/\*Not chased by email\* \(12 customers/g)).toHaveLength(3);
    expect(text).toContain('*Left & 1* · NZ$999.00 overdue · 2 invoices\nNo email address');
    expect(text).toContain('Call task with <@U_COLIN>');
    const first = view.blocks.findIndex((b) => JSON.stringify(b).includes('Left &amp; 0'));
    expect(JSON.stringify(view.blocks[first + 1])).toContain(ACTION.makeCallTask);
    expect(JSON.stringify(view.blocks)).toContain(ACTION.addReminderAddress);
    expect(text).toContain('*DSO*\n41.3 days');
    expect(homeView('nobody', []).blocks).toHaveLength(2);
    // Figures hours old say so first, and that planning has stopped past the organisation's limit.
    expect(text).not.toContain('from Xero as it was');
    const stale = blocksAsText(
      homeView('colin', [{ ...org(1), ledgerAge: { minutes: 1800, stale: true } }]).blocks,
    );
    expect(stale).toContain(
      ':warning: These figures are from Xero as it was 30 hours ago (the last complete sync); payments since then are missing. No reminders are planned until a sync completes.',
    );
    expect(stale.indexOf('from Xero as it was')).toBeLessThan(stale.indexOf('*Waiting for your approval*'));
  });

  it('the setup modal keeps configured user groups and pre-fills people, channels and time', () => {
    const modal = setupModal({
      orgId: ORG,
      orgName: 'Demo',
      digestChannel: 'C_DIGEST',
      queueChannel: null,
      escalationChannel: 'C_ESC',
      managers: ['U_MANAGER', 'S_MANAGERS'],
      collectors: ['S_COLLECTORS'],
      digestTime: '08:30',
    });
    expect(validateView(modal)).toEqual([]);
    const json = JSON.stringify(modal);
    expect(json).toContain('"initial_users":["U_MANAGER"]');
    expect(json).toContain('<!subteam^S_MANAGERS>');
    expect(json).toContain('"initial_time":"08:30"');
    expect(JSON.parse(modal.private_metadata as string)).toEqual({ orgId: ORG });
  });

  it('packs button values without separators from the data', () => {
    expect(packValue(['a|b', 'c'])).toBe('ab|c');
    expect(unpackValue('a|b', 3)).toBeNull();
    expect(unpackValue(undefined, 1)).toBeNull();
  });
});
