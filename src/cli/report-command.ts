import type { Command } from 'commander';
import { AGEING_BUCKET_LABELS, AGEING_BUCKETS } from '../domain/ageing.js';
import {
  buildReportHere,
  type CollectionsReport,
  type HitRateRow,
  type PeriodKind,
} from '../domain/collections-report.js';
import { loadCollectionsReport } from '../use-cases/collections-report.js';
import {
  type CommandDeps,
  type CommandOutput,
  emit,
  parsePositiveInt,
  resolveLedgerScope,
  type ScopeOptions,
  withLedgerAge,
} from './ledger-scope.js';
import { CliFailure, renderTable } from './output.js';
import { withContext } from './runtime.js';

export interface ReportCommandOptions extends ScopeOptions {
  readonly period?: string;
  readonly periods?: string;
}

const MAX_PERIODS = 104;

const pct = (v: number | null) => (v === null ? '–' : `${(v * 100).toFixed(1)}%`);
const num = (v: number | null) => (v === null ? '–' : String(v));
const signed = (v: number | null) => (v === null ? '' : v > 0 ? ` (+${v})` : ` (${v})`);

function parsePeriodKind(value: string | undefined): PeriodKind {
  if (value === undefined) return 'week';
  if (value === 'week' || value === 'month') return value;
  throw new CliFailure(`--period must be week or month (got '${value}')`, 2);
}

export async function runReportCommand(
  deps: CommandDeps,
  options: ReportCommandOptions,
): Promise<CommandOutput> {
  const periodKind = parsePeriodKind(options.period);
  const periods = parsePositiveInt(options.periods, '--periods', MAX_PERIODS);
  const scope = await resolveLedgerScope(deps, options);
  const report = await loadCollectionsReport(
    deps.db,
    {
      orgId: scope.organisation.id,
      ledger: scope.ledger,
      asOf: scope.asOf,
      periodKind,
      ...(periods === undefined ? {} : { periods }),
    },
    buildReportHere,
  );
  return withLedgerAge(scope, {
    exitCode: 0,
    json: { organisation: scope.organisation.name, ...report },
    text: renderReport(scope.organisation.name, report),
  });
}

function hitRateCells(r: HitRateRow): string[] {
  return [
    r.measured === 0 ? '–' : `${pct(r.share)} of ${r.remindedAmount}`,
    pct(r.comparison.comparableShare),
  ];
}

/** The report as text tables for people: one table per measure, periods down the side. */
export function renderReport(organisation: string, r: CollectionsReport): string {
  const label = (p: { period: string }) => {
    const period = r.periods.find((x) => x.period === p.period);
    return period && !period.complete ? `${p.period} (to ${period.to})` : p.period;
  };
  const h = r.headline;
  const lines = [
    `Collections report — ${organisation}, as of ${r.asOf}, by ${r.periodKind} (${r.baseCurrency}, ${r.timezone})`,
    `${h.period}: DSO ${h.dso}${signed(h.dsoChange)} days · CEI ${num(h.cei)}%${signed(h.ceiChange)} · overdue ${h.overdue} (${h.overdueChange !== null && !h.overdueChange.startsWith('-') ? '+' : ''}${h.overdueChange ?? '–'}) · 7-day hit rate ${pct(h.hitRate7)} vs ${pct(h.comparison7)} comparable · promises kept ${pct(h.promisesKeptShare)}`,
    '',
    'Receivables KPIs (days; CEI %; change on the previous period)',
    renderTable(
      ['period', 'DSO', 'BPDSO', 'ADD', 'CEI'],
      r.kpis.map((k) => [
        label(k),
        `${k.dso}${signed(k.dsoChange)}`,
        `${k.bestPossibleDso}${signed(k.bestPossibleDsoChange)}`,
        `${k.add}${signed(k.addChange)}`,
        `${num(k.cei)}${signed(k.ceiChange)}`,
      ]),
      { alignRight: [1, 2, 3, 4] },
    ),
    'Outstanding by ageing bucket at period end',
    renderTable(
      ['period', ...AGEING_BUCKETS.map((b) => AGEING_BUCKET_LABELS[b]), 'overdue', 'total'],
      r.ageing.map((a) => [label(a), ...AGEING_BUCKETS.map((b) => a[b]), a.overdue, a.total]),
      { alignRight: [1, 2, 3, 4, 5, 6, 7] },
    ),
    'Reminders sent',
    renderTable(
      ['purpose', 'step', 'tone', ...r.periods.map((p) => p.period), 'total'],
      r.reminders.byStepAndTone.map((x) => [
        x.purpose,
        x.step,
        x.tone,
        ...x.counts.map((c) => c.value),
        x.total,
      ]),
      { alignRight: [1, ...r.periods.map((_, i) => i + 3), r.periods.length + 3] },
    ),
    'Hit rate: share of the reminded overdue amount paid within 7 / 14 days, against comparable invoices not reminded',
    renderTable(
      ['period', 'reminders', '7 days', 'comparable', '14 days', 'comparable'],
      [
        ...r.hitRate.within7Days.map((w7, i) => [
          label(w7),
          `${w7.reminders} (${w7.measured} measured)`,
          ...hitRateCells(w7),
          ...hitRateCells(r.hitRate.within14Days[i]!),
        ]),
        [
          'all',
          r.hitRate.total[0]!.reminders,
          ...hitRateCells(r.hitRate.total[0]!),
          ...hitRateCells(r.hitRate.total[1]!),
        ],
      ],
      { alignRight: [1, 2, 3, 4, 5] },
    ),
    'Promises (made by the day made; verdicts by the period of the promised date)',
    renderTable(
      [
        'period',
        'made',
        'due',
        'kept',
        'of which late',
        'part-kept',
        'broken',
        'pending',
        'withdrawn',
        'kept %',
      ],
      r.promises.map((p) => [
        label(p),
        p.made,
        p.due,
        p.kept,
        p.keptLate,
        p.partKept,
        p.broken,
        p.pending,
        p.withdrawn,
        pct(p.keptShare),
      ]),
      { alignRight: [1, 2, 3, 4, 5, 6, 7, 8, 9] },
    ),
    'Disputes (age in days)',
    renderTable(
      [
        'period',
        'opened',
        'after a reminder',
        'resolved',
        'median to resolve',
        'open at end',
        'median open age',
      ],
      r.disputes.map((d) => [
        label(d),
        d.opened,
        d.afterReminder,
        d.resolved,
        num(d.medianDaysToResolve),
        d.openAtEnd,
        num(d.medianOpenDaysAtEnd),
      ]),
      { alignRight: [1, 2, 3, 4, 5, 6] },
    ),
    '30-day forecast made before each period, against what came in',
    renderTable(
      ['period', 'made on', 'expected', 'band', 'actual', 'through'],
      r.forecast.map((f) => [
        label(f),
        f.madeOn,
        f.expected,
        `${f.low}–${f.high}`,
        f.actual,
        f.complete ? f.actualThrough : `${f.actualThrough} (so far)`,
      ]),
      { alignRight: [2, 4] },
    ),
    'Definitions',
    ...Object.values(r.definitions).map((d) => `· ${d}`),
  ];
  return lines.join('\n');
}

export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description(
      'collections report by week or month: reminders, hit rate, promises, disputes, KPIs, ageing, forecast',
    )
    .option('--org <org>', 'organisation: name, short code or id (optional with one organisation)')
    .option('--as-of <date>', "YYYY-MM-DD (default: today in the organisation's time zone)")
    .option('--period <kind>', 'week or month', 'week')
    .option('--periods <n>', 'how many periods, the as-of one last', '12')
    .option('--json', 'print JSON')
    .action(async (opts: ReportCommandOptions & { json?: boolean }) => {
      await withContext(async (ctx) => {
        emit(await runReportCommand({ db: ctx.database.db, clock: ctx.clock }, opts), opts.json);
      });
    });
}
