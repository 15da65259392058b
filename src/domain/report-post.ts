/**
 * A chart image posted into a report's thread (#19): an outbox item of this kind names the chart and carries the report's
 * figures it needs; the handler (adapters/slack/chart-poster.ts) draws it (SVG → PNG) and uploads it with
 * files.uploadV2 under the report's first message, or says in the thread that it could not be drawn.
 */
import type { CollectionsReport } from './collections-report.js';
import type { OutboxPayload } from './outbox-kinds.js';

/** What a chart reads of the report. */
export type ChartedReport = Pick<
  CollectionsReport,
  'asOf' | 'periodKind' | 'baseCurrency' | 'ageing' | 'forecast'
>;
export const REPORT_CHARTS = ['ageing', 'forecast'] as const;
export type ReportChart = (typeof REPORT_CHARTS)[number];

export type SlackChartPayload = OutboxPayload<'slack.chart'>;
