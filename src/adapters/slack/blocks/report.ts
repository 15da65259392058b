import { AGEING_BUCKET_LABELS, AGEING_BUCKETS } from '../../../domain/ageing.js';
import type { CollectionsReport } from '../../../domain/collections-report.js';
import type { IsoDate } from '../../../domain/ledger.js';
import { type Decimal, dec } from '../../../domain/money.js';
import { ACTION } from './ids.js';
import {
  actions,
  type Block,
  clip,
  context,
  escapeMrkdwn,
  fields,
  header,
  MESSAGE_MAX_BLOCKS,
  money,
  moneyChange,
  percent,
  plural,
  type SlackMessage,
  section,
} from './kit.js';

/**
 * The collections report in Slack (#19): `/ar report` ephemerally, Share and the weekly post in a channel (`/ar kpis`,
 * its KPI figures as one table, is report-kpis.ts, with these cells and tables). Slack
 * allows one `table` block a message, so the report is three messages: the headline figures with the ageing table
 * (and the Share button when ephemeral), then top debtors, then promises due; in a channel the last two go in the
 * first one's thread with the chart images. Each table is capped (an "and N more" row) to stay within 100 rows
 * and the message text budget for any ledger.
 */

export interface TopDebtor {
  readonly name: string;
  /** Base currency. */
  readonly overdue: Decimal;
  readonly balance: Decimal;
  readonly oldestDaysOverdue: number | null;
}

export interface PromiseDue {
  readonly customerName: string;
  readonly latest: IsoDate;
  /** Base currency. */
  readonly expected: Decimal;
  readonly status: 'active' | 'kept' | 'part_kept' | 'broken';
}

export interface ReportMessageInput {
  readonly orgName: string;
  readonly report: CollectionsReport;
  /** Largest overdue first (the caller sorts). */
  readonly topDebtors: readonly TopDebtor[];
  /** Soonest first (the caller sorts). */
  readonly promisesDue: readonly PromiseDue[];
  /** The Share button's value; absent in a channel post. */
  readonly shareValue?: string;
  /** A line about the charts (where they are, or that they could not be drawn). */
  readonly chartsNote?: string;
}

export interface ReportMessages {
  readonly main: SlackMessage;
  readonly debtors: SlackMessage;
  readonly promises: SlackMessage;
}

/** Rows a capped table shows before its "and N more" row. */
export const REPORT_TABLE_ROWS = 25;
const NAME_MAX = 60;

/** A table cell (report-kpis.ts builds its table with these too). */
export type Cell = { type: 'raw_text'; text: string } | { type: 'raw_number'; value: number; text: string };
export const t = (text: string): Cell => ({ type: 'raw_text', text: clip(text || '–', 200) });
export const n = (value: number, text: string): Cell =>
  Number.isFinite(value) ? { type: 'raw_number', value, text: text || '–' } : t(text);
export const amount = (d: Decimal, currency: string): Cell => n(Number(d), money(d, currency));

export function table(rows: Cell[][], align: readonly ('left' | 'right')[]): Block {
  return { type: 'table', rows: rows.slice(0, 100), column_settings: align.map((a) => ({ align: a })) };
}

const sign = (x: number | null, unit: string, digits = 1) =>
  x === null
    ? ''
    : ` (${x > 0 ? '▲' : x < 0 ? '▼' : '='} ${Math.abs(Math.round(x * 10 ** digits) / 10 ** digits)}${unit})`;

export function reportMessages(input: ReportMessageInput): ReportMessages {
  const { report, orgName } = input;
  const cur = report.baseCurrency;
  const h = report.headline;
  const period = report.periods[report.periods.length - 1];
  const kind = report.periodKind;
  const title = `Collections report · ${orgName} · ${kind} ${h.period}`;
  const sentNow = report.reminders.sent.at(-1)?.value ?? 0;
  const overdueChange = h.overdueChange === null ? '' : ` (${moneyChange(h.overdueChange, cur)})`;
  const hit =
    h.hitRate7 === null
      ? 'not measured yet'
      : `${percent(h.hitRate7)} paid within 7 days${h.comparison7 === null ? '' : ` vs ${percent(h.comparison7)} for comparable invoices not reminded`}`;
  const headline = [
    `*Overdue*\n${money(h.overdue, cur)}${overdueChange}`,
    `*DSO (countback)*\n${Math.round(h.dso * 10) / 10} days${sign(h.dsoChange, ' days')}`,
    `*CEI*\n${h.cei === null ? 'n/a' : `${Math.round(h.cei * 10) / 10}%`}${sign(h.ceiChange, ' pts')}`,
    `*Reminders sent this ${kind}*\n${sentNow.toLocaleString('en')}`,
    `*Hit rate (${report.periods.length} ${kind}s)*\n${hit}`,
    `*Promises kept*\n${percent(h.promisesKeptShare)} of those judged`,
  ];

  // Ageing: one row a period, newest last, each overdue bucket and the total.
  const ageingRows: Cell[][] = [
    [
      t(kind === 'week' ? 'Week' : 'Month'),
      ...AGEING_BUCKETS.map((b) => t(AGEING_BUCKET_LABELS[b])),
      t('Overdue'),
    ],
    ...report.ageing
      .slice(-(100 - 1))
      .map((r) => [t(r.period), ...AGEING_BUCKETS.map((b) => amount(r[b], cur)), amount(r.overdue, cur)]),
  ];
  const mainBlocks: Block[] = [
    header(title),
    fields(headline),
    section(`*Overdue by age at each ${kind}'s end* (${cur})`),
    table(ageingRows, ['left', 'right', 'right', 'right', 'right', 'right', 'right']),
    context(
      `As of ${report.asOf}${period && !period.complete ? ` (${h.period} to date)` : ''}, ${escapeMrkdwn(report.timezone)} time, base currency ${cur}. Hit rate: share of the reminded overdue amount paid within 7 days, against comparable overdue invoices not reminded. ${input.chartsNote ? escapeMrkdwn(input.chartsNote) : ''}`.trim(),
    ),
  ];
  if (input.shareValue)
    mainBlocks.push(
      actions('ar_report', [
        { text: 'Share in channel', actionId: ACTION.reportShare, value: input.shareValue, style: 'primary' },
      ]),
    );
  const textHeadline = `${title}: overdue ${money(h.overdue, cur)}${overdueChange}, DSO ${Math.round(h.dso * 10) / 10} days, CEI ${h.cei === null ? 'n/a' : `${Math.round(h.cei * 10) / 10}%`}, 7-day hit rate ${h.hitRate7 === null ? 'n/a' : percent(h.hitRate7)}.`;

  return {
    main: { text: escapeMrkdwn(textHeadline), blocks: mainBlocks.slice(0, MESSAGE_MAX_BLOCKS) },
    debtors: debtorsMessage(input),
    promises: promisesMessage(input),
  };
}

function debtorsMessage(input: ReportMessageInput): SlackMessage {
  const cur = input.report.baseCurrency;
  const shown = input.topDebtors.slice(0, REPORT_TABLE_ROWS);
  const rest = input.topDebtors.slice(REPORT_TABLE_ROWS);
  const title = `Top debtors · ${input.orgName} · as of ${input.report.asOf}`;
  if (shown.length === 0)
    return {
      text: escapeMrkdwn(`${title}: nothing overdue.`),
      blocks: [section(`*${escapeMrkdwn(title)}*\nNothing overdue.`)],
    };
  const rows: Cell[][] = [
    [t('Customer'), t('Overdue'), t('Balance'), t('Oldest')],
    ...shown.map((d) => [
      t(clip(d.name, NAME_MAX)),
      amount(d.overdue, cur),
      amount(d.balance, cur),
      d.oldestDaysOverdue === null ? t('–') : n(d.oldestDaysOverdue, `${d.oldestDaysOverdue}d`),
    ]),
  ];
  if (rest.length) {
    const sum = rest.reduce((s, d) => s.plus(dec(d.overdue)), dec('0'));
    rows.push([t(`and ${plural(rest.length, 'more customer')}`), amount(sum.toFixed(2), cur), t(''), t('')]);
  }
  const lead = shown
    .slice(0, 5)
    .map((d) => `${d.name} ${money(d.overdue, cur)}`)
    .join('; ');
  return {
    text: escapeMrkdwn(
      `${title}: ${lead}${rest.length ? `; and ${plural(rest.length, 'more customer')}` : ''}.`,
    ).slice(0, 3000),
    blocks: [
      section(
        `*${escapeMrkdwn(title)}* (${plural(input.topDebtors.length, 'customer')} with something overdue)`,
      ),
      table(rows, ['left', 'right', 'right', 'right']),
    ],
  };
}

const STATUS: Record<PromiseDue['status'], string> = {
  active: 'due',
  kept: 'kept',
  part_kept: 'part-kept',
  broken: 'broken',
};

function promisesMessage(input: ReportMessageInput): SlackMessage {
  const cur = input.report.baseCurrency;
  const shown = input.promisesDue.slice(0, REPORT_TABLE_ROWS);
  const rest = input.promisesDue.slice(REPORT_TABLE_ROWS);
  const title = `Promises due · ${input.orgName}`;
  if (shown.length === 0)
    return {
      text: escapeMrkdwn(`${title}: no promises to pay are due.`),
      blocks: [section(`*${escapeMrkdwn(title)}*\nNo promises to pay are due.`)],
    };
  const rows: Cell[][] = [
    [t('Customer'), t('Due by'), t('Expected'), t('Status')],
    ...shown.map((p) => [
      t(clip(p.customerName, NAME_MAX)),
      t(p.latest),
      amount(p.expected, cur),
      t(STATUS[p.status]),
    ]),
  ];
  if (rest.length) {
    const sum = rest.reduce((s, p) => s.plus(dec(p.expected)), dec('0'));
    rows.push([t(`and ${plural(rest.length, 'more promise')}`), t(''), amount(sum.toFixed(2), cur), t('')]);
  }
  const lead = shown
    .slice(0, 5)
    .map((p) => `${p.customerName} ${money(p.expected, cur)} by ${p.latest}`)
    .join('; ');
  return {
    text: escapeMrkdwn(
      `${title}: ${lead}${rest.length ? `; and ${plural(rest.length, 'more promise')}` : ''}.`,
    ).slice(0, 3000),
    blocks: [
      section(`*${escapeMrkdwn(title)}* (${plural(input.promisesDue.length, 'promise')})`),
      table(rows, ['left', 'left', 'right', 'left']),
    ],
  };
}
