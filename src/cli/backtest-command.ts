import type { Command } from 'commander';
import { runBacktestReport } from '../use-cases/collections-reports.js';
import {
  type CommandDeps,
  type CommandOutput,
  emit,
  parseIsoDateOption,
  resolveLedgerScope,
  type ScopeOptions,
} from './ledger-scope.js';
import { CliFailure, renderTable } from './output.js';
import { withContext } from './runtime.js';

export interface BacktestCommandOptions extends Omit<ScopeOptions, 'asOf'> {
  readonly from?: string;
  readonly to?: string;
}

const f3 = (v: number | null) => (v === null ? 'n/a' : v.toFixed(3));

export async function runBacktestCommand(
  deps: CommandDeps,
  options: BacktestCommandOptions,
): Promise<CommandOutput> {
  const from = parseIsoDateOption(options.from, '--from');
  const to = parseIsoDateOption(options.to, '--to');
  if (!from || !to) throw new CliFailure('backtest needs --from and --to (YYYY-MM-DD)', 2);
  if (from >= to) throw new CliFailure('--from must be before --to', 2);
  const scope = await resolveLedgerScope(deps, {
    ...(options.org === undefined ? {} : { org: options.org }),
    asOf: to,
  });
  const r = runBacktestReport(scope.ledger, { from, to });
  const text = [
    `Backtest — ${scope.organisation.name}, month ends ${r.monthEnds[0] ?? '–'}..${r.monthEnds.at(-1) ?? '–'} (${r.monthEnds.length}), ${r.observations} open invoices scored, model ${r.modelVersion}`,
    `outcome: ${r.definitions.outcome}; ${r.stillUnpaidRate === null ? '' : `${(r.stillUnpaidRate * 100).toFixed(1)}% still unpaid`}`,
    renderTable(
      ['metric', 'model', 'days overdue', 'past late share', 'paid on due date'],
      [
        ['ROC AUC', f3(r.risk.auc), f3(r.baselines.daysOverdue.auc), f3(r.baselines.pastLateShare.auc), ''],
        ['Brier', f3(r.risk.brier), '', f3(r.baselines.pastLateShare.brier), ''],
        [
          'forecast WAPE (30-day totals)',
          f3(r.forecast.wapeByMonth),
          '',
          '',
          f3(r.baselines.paidOnDueDate.wapeByMonth),
        ],
        ['forecast WAPE (daily)', f3(r.forecast.wapeByDay), '', '', f3(r.baselines.paidOnDueDate.wapeByDay)],
        [
          'forecast WAPE (customer × month)',
          f3(r.forecast.wapeByCustomer),
          '',
          '',
          f3(r.baselines.paidOnDueDate.wapeByCustomer),
        ],
      ],
      { alignRight: [1, 2, 3, 4] },
    ),
    'calibration (deciles of predicted risk):',
    renderTable(
      ['decile', 'n', 'predicted', 'observed'],
      r.risk.calibration.map((c) => [c.bin, c.count, c.meanPredicted.toFixed(3), c.observedRate.toFixed(3)]),
      { alignRight: [0, 1, 2, 3] },
    ),
  ].join('\n');
  return { exitCode: 0, json: { organisation: scope.organisation.name, ...r }, text };
}

export function registerBacktestCommand(program: Command): void {
  program
    .command('backtest')
    .description('replay month ends: risk AUC/Brier/calibration and forecast WAPE against baselines')
    .option('--org <org>', 'organisation: name, short code or id (optional with one organisation)')
    .requiredOption('--from <date>', 'first date (YYYY-MM-DD)')
    .requiredOption(
      '--to <date>',
      'last date with complete data (YYYY-MM-DD); month ends run to --to minus 30 days',
    )
    .option('--json', 'print JSON')
    .action(async (opts: BacktestCommandOptions & { json?: boolean }) => {
      await withContext(async (ctx) => {
        emit(await runBacktestCommand({ db: ctx.database.db, clock: ctx.clock }, opts), opts.json);
      });
    });
}
