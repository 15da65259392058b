import { AGEING_BUCKET_LABELS, type AgeingBucket } from '../../domain/ageing.js';
import type { ChartedReport, ReportChart } from '../../domain/report-post.js';
import { bandChartSvg, type ChartSvg, compactNumber, lineChartSvg } from './svg.js';

/**
 * The collections report's two charts (#19): overdue by ageing bucket over the report's periods, and the 30-day
 * forecast band against what came in. Pure: the report in, SVG and alt text out (png.ts draws them).
 */

const OVERDUE_BUCKETS: readonly AgeingBucket[] = ['days1to30', 'days31to60', 'days61to90', 'over90'];
const num = (v: unknown): number | null => {
  const n = Number(v);
  return v === null || v === undefined || !Number.isFinite(n) ? null : n;
};
const periodWord = (r: ChartedReport) => (r.periodKind === 'week' ? 'week' : 'month');
const money = (v: number | null, currency: string) =>
  v === null ? 'n/a' : `${currency} ${compactNumber(v)}`;

export function ageingChart(report: ChartedReport, orgName: string): ChartSvg {
  const rows = report.ageing;
  const categories = rows.map((r) => r.period);
  const series = [
    { name: 'All overdue', values: rows.map((r) => num(r.overdue)) },
    ...OVERDUE_BUCKETS.map((b) => ({
      name: `${AGEING_BUCKET_LABELS[b]} days`,
      values: rows.map((r) => num(r[b])),
    })),
  ];
  const title = `${orgName}: overdue by age, last ${rows.length} ${periodWord(report)}s`;
  const first = rows[0];
  const last = rows[rows.length - 1];
  const c = report.baseCurrency;
  const alt =
    first && last
      ? `Line chart of overdue receivables by days past due at the end of each ${periodWord(report)} from ${first.period} to ${last.period}, in ${c}. All overdue went from ${money(num(first.overdue), c)} to ${money(num(last.overdue), c)}; ${OVERDUE_BUCKETS.map((b) => `${AGEING_BUCKET_LABELS[b]} days ${money(num(last[b]), c)}`).join(', ')} at the end.`
      : 'Line chart of overdue receivables by age: no periods.';
  return lineChartSvg(
    {
      title,
      xLabel: report.periodKind === 'week' ? 'Week (ISO)' : 'Month',
      yLabel: `Overdue (${c})`,
      categories,
      series,
    },
    alt,
  );
}

export function forecastChart(report: ChartedReport, orgName: string): ChartSvg {
  const rows = report.forecast;
  const c = report.baseCurrency;
  const title = `${orgName}: 30-day forecast against receipts`;
  const last = [...rows].reverse().find((r) => r.complete) ?? rows[rows.length - 1];
  const alt = last
    ? `Band chart of the 30-day cash forecast made before each ${periodWord(report)} from ${rows[0]!.period} to ${rows[rows.length - 1]!.period}, in ${c}: the band runs from the low to the high estimate, a dashed line is the expected amount and a solid line what was received. For ${last.period}: expected ${money(num(last.expected), c)} (${money(num(last.low), c)} to ${money(num(last.high), c)}), received ${money(num(last.actual), c)}${last.complete ? '' : ' so far'}.`
    : 'Band chart of the cash forecast against receipts: no periods.';
  return bandChartSvg(
    {
      title,
      xLabel: `${report.periodKind === 'week' ? 'Week' : 'Month'} the forecast was made for`,
      yLabel: `Cash in 30 days (${c})`,
      categories: rows.map((r) => r.period),
      band: { name: 'Forecast range', low: rows.map((r) => num(r.low)), high: rows.map((r) => num(r.high)) },
      expected: { name: 'Expected', values: rows.map((r) => num(r.expected)) },
      actual: { name: 'Received', values: rows.map((r) => num(r.actual)) },
    },
    alt,
  );
}

export function reportChart(chart: ReportChart, report: ChartedReport, orgName: string): ChartSvg {
  return chart === 'ageing' ? ageingChart(report, orgName) : forecastChart(report, orgName);
}

export function chartFilename(chart: ReportChart, report: ChartedReport): string {
  return `${chart}-${report.periodKind}-${report.asOf}.png`;
}
