import type { Command } from 'commander';
import { buildKpiReport } from '../use-cases/collections-reports.js';
import {
  type CommandDeps,
  type CommandOutput,
  emit,
  parseIsoDateOption,
  resolveLedgerScope,
  type ScopeOptions,
  withLedgerAge,
} from './ledger-scope.js';
import { CliFailure, renderTable } from './output.js';
import { withContext } from './runtime.js';

export interface KpisOptions extends ScopeOptions {
  readonly ceiFrom?: string;
  readonly ceiTo?: string;
}

const pct = (v: number | null) => (v === null ? 'n/a' : `${(v * 100).toFixed(1)}%`);

export async function runKpisCommand(deps: CommandDeps, options: KpisOptions): Promise<CommandOutput> {
  const from = parseIsoDateOption(options.ceiFrom, '--cei-from');
  const to = parseIsoDateOption(options.ceiTo, '--cei-to');
  if ((from === undefined) !== (to === undefined))
    throw new CliFailure('--cei-from and --cei-to go together', 2);
  const scope = await resolveLedgerScope(deps, options);
  if (from !== undefined && to !== undefined && (from > to || to > scope.asOf)) {
    throw new CliFailure('the CEI period must satisfy --cei-from ≤ --cei-to ≤ the as-of date', 2);
  }
  const k = buildKpiReport(scope.ledger, scope.asOf, from && to ? { ceiPeriod: { from, to } } : {});
  const text = [
    `Receivables KPIs — ${scope.organisation.name}, as of ${k.asOf} (${k.baseCurrency})`,
    renderTable(
      ['KPI', 'value'],
      [
        ['AR total / current / overdue', `${k.ar.total} / ${k.ar.current} / ${k.ar.overdue}`],
        [
          'DSO (countback)',
          `${k.dso.days} days${k.dso.exhausted ? ' (≥, AR older than 24 months of sales)' : ''}`,
        ],
        ['Best possible DSO', `${k.bestPossibleDso.days} days`],
        ['ADD = DSO − BPDSO', `${k.averageDaysDelinquent} days`],
        [
          'WADO (amount-weighted days overdue)',
          k.weightedAverageDaysOverdue === null ? 'n/a' : `${k.weightedAverageDaysOverdue} days`,
        ],
        [
          `CEI ${k.cei.period.from}..${k.cei.period.to}`,
          k.cei.percent === null ? 'n/a' : `${k.cei.percent}%`,
        ],
        ['AR > 60 days past due', pct(k.shareOver60)],
        ['AR > 90 days past due', pct(k.shareOver90)],
      ],
      { alignRight: [1] },
    ),
    ...Object.values(k.definitions).map((d) => `· ${d}`),
  ].join('\n');
  return withLedgerAge(scope, { exitCode: 0, json: { organisation: scope.organisation.name, ...k }, text });
}

export function registerKpisCommand(program: Command): void {
  program
    .command('kpis')
    .description('DSO (countback), best possible DSO, ADD, CEI, share over 60/90 days')
    .option('--org <org>', 'organisation: name, short code or id (optional with one organisation)')
    .option('--as-of <date>', "YYYY-MM-DD (default: today in the organisation's time zone)")
    .option('--cei-from <date>', 'CEI period start (default: 30 days ending as-of)')
    .option('--cei-to <date>', 'CEI period end')
    .option('--json', 'print JSON')
    .action(async (opts: KpisOptions & { json?: boolean }) => {
      await withContext(async (ctx) => {
        emit(await runKpisCommand({ db: ctx.database.db, clock: ctx.clock }, opts), opts.json);
      });
    });
}
