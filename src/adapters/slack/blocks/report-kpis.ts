import type { CollectionsReport } from '../../../domain/collections-report.js';
import { type Decimal, dec } from '../../../domain/money.js';
import { ACTION } from './ids.js';
import {
  actions,
  type Block,
  context,
  escapeMrkdwn,
  header,
  moneyChange,
  percent,
  type SlackMessage,
} from './kit.js';
import { amount, type Cell, n, t, table } from './report.js';

/**
 * `/ar kpis` (#19 part 3): the collections report's KPI figures as one table, the period holding the as-of day
 * against the one before, with the change; built from the report's own rows with the report's cells and table.
 */

export interface KpiTableInput {
  readonly orgName: string;
  /** At least the period holding asOf and the one before (the report's `periods`). */
  readonly report: CollectionsReport;
  /** The Share button's value (the same button as /ar report's: Share posts the report with its charts). */
  readonly shareValue?: string;
  readonly chartsNote?: string;
}

interface KpiLine {
  readonly label: string;
  readonly now: Cell;
  readonly before: Cell;
  readonly change: string;
}

const daysCell = (x: number) => n(x, `${Math.round(x * 10) / 10} days`);
const pctCell = (x: number | null) => (x === null ? t('n/a') : n(x, `${Math.round(x * 10) / 10}%`));
/** A share, or why there is none: a hit rate not measured yet, no promise judged in the period. */
const shareCell = (x: number | null, none = 'not measured') => (x === null ? t(none) : n(x, percent(x)));
const changeOf = (x: number | null, unit: string) =>
  x === null
    ? '–'
    : x === 0
      ? 'no change'
      : `${x > 0 ? '▲' : '▼'} ${Math.abs(Math.round(x * 10) / 10)}${unit}`;
const diff = (a: number | null | undefined, b: number | null | undefined) =>
  a === null || a === undefined || b === null || b === undefined ? null : a - b;

/** The KPI figures of the last period against the one before, in the order the table shows them. */
export function kpiLines(report: CollectionsReport): KpiLine[] {
  const cur = report.baseCurrency;
  const [kPrev, kNow] = report.kpis.slice(-2);
  const [aPrev, aNow] = report.ageing.slice(-2);
  if (!kNow || !aNow) return [];
  const sent = report.reminders.sent.slice(-2);
  const hits = report.hitRate.within7Days.slice(-2);
  const kept = report.promises.slice(-2);
  const last = <T>(xs: readonly T[]) => (xs.length === 2 ? [xs[0], xs[1]] : [undefined, xs[0]]);
  const [sentPrev, sentNow] = last(sent);
  const [hitPrev, hitNow] = last(hits);
  const [keptPrev, keptNow] = last(kept);
  const money2 = (d: Decimal | undefined) => (d === undefined ? t('–') : amount(d, cur));
  const moneyDiff = (a: Decimal | undefined, b: Decimal | undefined) =>
    a === undefined || b === undefined ? '–' : moneyChange(dec(a).minus(dec(b)).toFixed(2), cur);
  const over90 = (r: typeof aNow | undefined) => r?.over90;
  const lines: KpiLine[] = [
    {
      label: 'Overdue',
      now: amount(aNow.overdue, cur),
      before: money2(aPrev?.overdue),
      change: moneyDiff(aNow.overdue, aPrev?.overdue),
    },
    {
      label: 'Over 90 days',
      now: amount(aNow.over90, cur),
      before: money2(over90(aPrev)),
      change: moneyDiff(aNow.over90, over90(aPrev)),
    },
    {
      label: 'Receivables',
      now: amount(aNow.total, cur),
      before: money2(aPrev?.total),
      change: moneyDiff(aNow.total, aPrev?.total),
    },
    {
      label: 'DSO (countback)',
      now: daysCell(kNow.dso),
      before: kPrev ? daysCell(kPrev.dso) : t('–'),
      change: changeOf(kNow.dsoChange, ' days'),
    },
    {
      label: 'Best possible DSO',
      now: daysCell(kNow.bestPossibleDso),
      before: kPrev ? daysCell(kPrev.bestPossibleDso) : t('–'),
      change: changeOf(kNow.bestPossibleDsoChange, ' days'),
    },
    {
      label: 'Avg days delinquent',
      now: daysCell(kNow.add),
      before: kPrev ? daysCell(kPrev.add) : t('–'),
      change: changeOf(kNow.addChange, ' days'),
    },
    {
      label: 'CEI',
      now: pctCell(kNow.cei),
      before: kPrev ? pctCell(kPrev.cei) : t('–'),
      change: changeOf(kNow.ceiChange, ' pts'),
    },
    {
      label: 'Reminders sent',
      now: n(sentNow?.value ?? 0, (sentNow?.value ?? 0).toLocaleString('en')),
      before: sentPrev ? n(sentPrev.value, sentPrev.value.toLocaleString('en')) : t('–'),
      change: changeOf(diff(sentNow?.value, sentPrev?.value), ''),
    },
    {
      label: 'Hit rate (7 days)',
      now: shareCell(hitNow?.share ?? null),
      before: hitPrev ? shareCell(hitPrev.share) : t('–'),
      change: changeOf(
        diff(hitNow?.share, hitPrev?.share) === null ? null : diff(hitNow?.share, hitPrev?.share)! * 100,
        ' pts',
      ),
    },
    {
      label: 'Promises kept',
      now: shareCell(keptNow?.keptShare ?? null, 'none judged'),
      before: keptPrev ? shareCell(keptPrev.keptShare, 'none judged') : t('–'),
      change: changeOf(
        diff(keptNow?.keptShare, keptPrev?.keptShare) === null
          ? null
          : diff(keptNow?.keptShare, keptPrev?.keptShare)! * 100,
        ' pts',
      ),
    },
  ];
  return lines;
}

/** `/ar kpis`: the KPI figures of this week (or month) against the last, with the same Share button as the report. */
export function kpiTableMessage(input: KpiTableInput): SlackMessage {
  const { report, orgName } = input;
  const kind = report.periodKind;
  const periods = report.periods.slice(-2);
  const nowP = periods.at(-1);
  const prevP = periods.length === 2 ? periods[0] : undefined;
  const title = `AR KPIs · ${orgName} · ${kind} ${nowP?.period ?? report.asOf}`;
  const lines = kpiLines(report);
  const rows: Cell[][] = [
    [
      t('Measure'),
      t(nowP ? `${nowP.period}${nowP.complete ? '' : ' (to date)'}` : 'Now'),
      t(prevP?.period ?? 'Before'),
      t('Change'),
    ],
    ...lines.map((l) => [t(l.label), l.now, l.before, t(l.change)]),
  ];
  const blocks: Block[] = [
    header(title),
    table(rows, ['left', 'right', 'right', 'right']),
    context(
      `As of ${report.asOf}, ${escapeMrkdwn(report.timezone)} time, base currency ${report.baseCurrency}. Amounts and DSO at each ${kind}'s end; CEI over the ${kind}; hit rate: share of the reminded overdue amount paid within 7 days (measured once the 7 days have passed); promises kept of those judged. ${input.chartsNote ? escapeMrkdwn(input.chartsNote) : ''}`.trim(),
    ),
  ];
  if (input.shareValue)
    blocks.push(
      actions('ar_kpis', [
        { text: 'Share in channel', actionId: ACTION.reportShare, value: input.shareValue, style: 'primary' },
      ]),
    );
  const plainText = (c: Cell) => c.text;
  const summary = lines
    .filter((l) =>
      ['Overdue', 'DSO (countback)', 'Best possible DSO', 'Avg days delinquent', 'CEI'].includes(l.label),
    )
    .map((l) => `${l.label} ${plainText(l.now)}${l.change === '–' ? '' : ` (${l.change})`}`)
    .join(', ');
  return { text: escapeMrkdwn(`${title}: ${summary}.`).slice(0, 3000), blocks };
}
