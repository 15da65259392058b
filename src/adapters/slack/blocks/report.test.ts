import { describe, expect, it } from 'vitest';
import { validateMessageBlocks } from '../../../sandbox/slack/block-kit-limits.js';
import { reportLedger, sampleReport } from '../../../testing/report-fixture.js';
import { REPORT_TABLE_ROWS, reportMessages } from './report.js';

const debtors = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    name: i === 0 ? 'Acme & <Sons> *bold*' : `Customer ${i} ${'x'.repeat(80)}`,
    overdue: `${10_000 - (i % 9_000)}.00`,
    balance: `${12_000 - (i % 9_000)}.00`,
    oldestDaysOverdue: i % 200,
  }));
const promises = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    customerName: `Customer <${i}>`,
    latest: '2026-11-30',
    expected: '250.00',
    status: (['active', 'kept', 'part_kept', 'broken'] as const)[i % 4]!,
  }));
type Table = { type: 'table'; rows: { type: string; text: string; value?: number }[][] };
const tableOf = (blocks: unknown[]) => blocks.find((b) => (b as Table).type === 'table') as Table;

describe('the collections report in Block Kit', () => {
  it('headline figures with their change, the ageing table over 12 weeks, and Share', () => {
    const report = sampleReport('week');
    const m = reportMessages({
      orgName: 'Demo <Trading> & Co',
      report,
      topDebtors: debtors(3),
      promisesDue: promises(2),
      shareValue: '{"o":"x"}',
      chartsNote: 'Charts <later>.',
    });
    expect(m.main.text).toMatch(
      /^Collections report · Demo &lt;Trading&gt; &amp; Co · week 2026-W48: overdue NZ\$/,
    );
    const json = JSON.stringify(m.main.blocks);
    expect(json).toContain('*Overdue*\\nNZ$');
    expect(json).toContain('*DSO (countback)*');
    expect(json).toContain('Charts &lt;later&gt;.');
    expect(json).toContain('"action_id":"ar_report_share"');
    const ageing = tableOf(m.main.blocks);
    expect(ageing.rows).toHaveLength(13);
    expect(ageing.rows[0]!.map((c) => c.text)).toEqual([
      'Week',
      'Current',
      '1–30',
      '31–60',
      '61–90',
      '90+',
      'Overdue',
    ]);
    expect(ageing.rows[12]![0]!.text).toBe('2026-W48');
    expect(ageing.rows[12]![6]).toMatchObject({ type: 'raw_number', value: Number(report.headline.overdue) });
    for (const msg of [m.main, m.debtors, m.promises]) expect(validateMessageBlocks(msg.blocks)).toEqual([]);
    // Names in table cells are plain text (not mrkdwn): shown as written.
    expect(tableOf(m.debtors.blocks).rows[1]![0]!.text).toBe('Acme & <Sons> *bold*');
    expect(m.debtors.text).toContain('Acme &amp; &lt;Sons&gt;');
    expect(
      tableOf(m.promises.blocks)
        .rows.slice(1)
        .map((r) => r[3]!.text),
    ).toEqual(['due', 'kept']);
  });

  it('empty lists say so; a channel post has no Share button', () => {
    const m = reportMessages({
      orgName: 'Demo',
      report: sampleReport('month'),
      topDebtors: [],
      promisesDue: [],
    });
    expect(JSON.stringify(m.main.blocks)).not.toContain('ar_report_share');
    expect(m.debtors.text).toBe('Top debtors · Demo · as of 2026-11-23: nothing overdue.');
    expect(m.promises.text).toBe('Promises due · Demo: no promises to pay are due.');
    expect(tableOf(m.main.blocks).rows[0]![0]!.text).toBe('Month');
  });

  it('stays within Block Kit limits for a 10,000-customer ledger: capped rows and an "and N more" row', () => {
    const report = sampleReport('week', reportLedger(10_000));
    const m = reportMessages({
      orgName: 'Big Ledger Ltd',
      report,
      topDebtors: debtors(10_000),
      promisesDue: promises(3_000),
      shareValue: '{}',
    });
    for (const msg of [m.main, m.debtors, m.promises]) {
      expect(validateMessageBlocks(msg.blocks)).toEqual([]);
      expect(msg.blocks.length).toBeLessThanOrEqual(50);
      expect(msg.text.length).toBeLessThanOrEqual(3000);
    }
    const d = tableOf(m.debtors.blocks);
    expect(d.rows).toHaveLength(REPORT_TABLE_ROWS + 2);
    expect(d.rows.at(-1)![0]!.text).toBe(
      `and ${(10_000 - REPORT_TABLE_ROWS).toLocaleString('en')} more customers`,
    );
    expect(d.rows[2]![0]!.text.length).toBeLessThanOrEqual(60);
    const p = tableOf(m.promises.blocks);
    expect(p.rows.at(-1)![0]!.text).toBe('and 2,975 more promises');
    expect(p.rows.at(-1)![2]).toMatchObject({ value: 2975 * 250 });
  }, 60_000);
});
