import { describe, expect, it } from 'vitest';
import { buildCollectionsReport } from '../../../domain/collections-report.js';
import { validateMessageBlocks } from '../../../sandbox/slack/block-kit-limits.js';
import { REPORT_AS_OF, reportLedger, sampleReport } from '../../../testing/report-fixture.js';
import { kpiLines, kpiTableMessage } from './report-kpis.js';

type Cell = { type: string; text: string; value?: number };
type Table = { type: 'table'; rows: Cell[][] };
const tableOf = (blocks: readonly unknown[]) => blocks.find((b) => (b as Table).type === 'table') as Table;

describe('/ar kpis as a table (the report’s KPI figures, this period against the one before)', () => {
  it('one row a measure: this week, last week and the change, from the report’s own rows; Share as /ar report', () => {
    const report = sampleReport('week');
    const m = kpiTableMessage({
      orgName: 'Demo <Trading> & Co',
      report,
      shareValue: '{"o":"x","p":"week","a":"2026-11-23"}',
      chartsNote: 'Share posts it <with> charts.',
    });
    expect(validateMessageBlocks(m.blocks)).toEqual([]);
    const t = tableOf(m.blocks);
    expect(t.rows[0]!.map((c) => c.text)).toEqual(['Measure', '2026-W48 (to date)', '2026-W47', 'Change']);
    expect(t.rows.slice(1).map((r) => r[0]!.text)).toEqual([
      'Overdue',
      'Over 90 days',
      'Receivables',
      'DSO (countback)',
      'Best possible DSO',
      'Avg days delinquent',
      'CEI',
      'Reminders sent',
      'Hit rate (7 days)',
      'Promises kept',
    ]);
    const [prevAgeing, nowAgeing] = report.ageing.slice(-2);
    const overdue = t.rows[1]!;
    expect(overdue[1]).toMatchObject({ type: 'raw_number', value: Number(nowAgeing!.overdue) });
    expect(overdue[2]).toMatchObject({ type: 'raw_number', value: Number(prevAgeing!.overdue) });
    const delta = Number(nowAgeing!.overdue) - Number(prevAgeing!.overdue);
    expect(overdue[3]!.text).toMatch(delta > 0 ? /^▲ NZ\$/ : delta < 0 ? /^▼ NZ\$/ : /^no change$/);
    const k = report.kpis.at(-1)!;
    const dso = t.rows[4]!;
    expect(dso[1]).toMatchObject({ value: k.dso, text: `${Math.round(k.dso * 10) / 10} days` });
    expect(dso[2]).toMatchObject({ value: report.kpis.at(-2)!.dso });
    // No reminders in the fixture: nothing measured, said in words (never a zero that was not measured).
    expect(t.rows[9]!.slice(1, 3).map((c) => c.text)).toEqual(['not measured', 'not measured']);
    expect(t.rows[10]!.slice(1, 3).map((c) => c.text)).toEqual(['none judged', 'none judged']);
    expect(t.rows[8]!.slice(1).map((c) => c.text)).toEqual(['0', '0', 'no change']);
    const json = JSON.stringify(m.blocks);
    expect(json).toContain('"action_id":"ar_report_share"');
    expect(json).toContain('Share posts it &lt;with&gt; charts.');
    // The text fallback carries the figures.
    expect(m.text).toMatch(
      /^AR KPIs · Demo &lt;Trading&gt; &amp; Co · week 2026-W48: Overdue NZ\$[\d,.]+ \((no change|[▲▼] NZ\$[\d,.]+)\), DSO \(countback\) [\d.]+ days/,
    );
  });

  it('by month, and without a Share button when none is asked for', () => {
    const m = kpiTableMessage({ orgName: 'Demo', report: sampleReport('month') });
    expect(tableOf(m.blocks).rows[0]!.map((c) => c.text)).toEqual([
      'Measure',
      '2026-11 (to date)',
      '2026-10',
      'Change',
    ]);
    expect(JSON.stringify(m.blocks)).not.toContain('ar_report_share');
  });

  it('a report of two periods (what /ar kpis loads) gives the same lines as the twelve-period report', () => {
    const ledger = reportLedger();
    const grace = {
      graceBusinessDays: 2,
      calendar: { weekdays: [1, 2, 3, 4, 5], country: null, extraHolidays: [] },
    };
    const input = { ledger, reminders: [], promises: [], disputes: [], grace };
    const two = buildCollectionsReport(input, { asOf: REPORT_AS_OF, periodKind: 'week', periods: 2 });
    const twelve = buildCollectionsReport(input, { asOf: REPORT_AS_OF, periodKind: 'week' });
    expect(kpiLines(two)).toEqual(kpiLines(twelve));
  });
});
