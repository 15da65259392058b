import type { Command } from 'commander';
import { minorUnits, sum } from '../domain/money.js';
import { buildCashForecast } from '../use-cases/collections-reports.js';
import {
  type CommandDeps,
  type CommandOutput,
  emit,
  parsePositiveInt,
  resolveLedgerScope,
  type ScopeOptions,
  withLedgerAge,
} from './ledger-scope.js';
import { renderTable } from './output.js';
import { withContext } from './runtime.js';

export interface ForecastCommandOptions extends ScopeOptions {
  readonly days?: string;
}

export async function runForecastCommand(
  deps: CommandDeps,
  options: ForecastCommandOptions,
): Promise<CommandOutput> {
  const days = parsePositiveInt(options.days, '--days', 365) ?? 30;
  const scope = await resolveLedgerScope(deps, options);
  const f = buildCashForecast(scope.ledger, scope.asOf, { horizonDays: days, signals: scope.signals });
  const names = new Map(scope.ledger.contacts.map((c) => [c.id, c.name]));
  const dp = minorUnits(f.baseCurrency);
  const text = [
    `Expected collections — ${scope.organisation.name}, after ${f.asOf}, ${f.baseCurrency}`,
    `next 7 days: ${f.next7Days.expected} (90% band ${f.next7Days.low}–${f.next7Days.high})`,
    `next ${f.horizonDays} days: ${f.total.expected} (90% band ${f.total.low}–${f.total.high}) of ${f.openBase} open` +
      (f.excludedDisputedBase !== '0.00' ? `; ${f.excludedDisputedBase} disputed, excluded` : ''),
    renderTable(
      ['date', 'expected', 'low', 'high'],
      f.days.map((d) => [d.date, d.expected, d.low, d.high]),
      { alignRight: [1, 2, 3] },
    ),
    renderTable(
      ['largest expected payers', 'expected'],
      [
        ...f.byContact.slice(0, 10).map((c) => [names.get(c.contactId) ?? c.contactId, c.expected]),
        // The rest in one row: the payers listed add up to the total above.
        ...(f.byContact.length > 10
          ? [
              [
                `${f.byContact.length - 10} more`,
                sum(f.byContact.slice(10).map((c) => c.expected)).toFixed(dp),
              ],
            ]
          : []),
      ],
      { alignRight: [1] },
    ),
  ].join('\n');
  return withLedgerAge(scope, { exitCode: 0, json: { organisation: scope.organisation.name, ...f }, text });
}

export function registerForecastCommand(program: Command): void {
  program
    .command('forecast')
    .description('expected cash collections per day, with a band')
    .option('--org <org>', 'organisation: name, short code or id (optional with one organisation)')
    .option('--as-of <date>', "YYYY-MM-DD (default: today in the organisation's time zone)")
    .option('--days <n>', 'horizon in days', '30')
    .option('--json', 'print JSON')
    .action(async (opts: ForecastCommandOptions & { json?: boolean }) => {
      await withContext(async (ctx) => {
        emit(await runForecastCommand({ db: ctx.database.db, clock: ctx.clock }, opts), opts.json);
      });
    });
}
