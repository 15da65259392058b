import type { Command } from 'commander';
import type { InvoicePriority } from '../domain/priority.js';
import { listPriorities } from '../use-cases/collections-reports.js';
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

export interface PrioritiesOptions extends ScopeOptions {
  readonly limit?: string;
  readonly csv?: boolean;
}

export const PRIORITY_COLUMNS = [
  'invoiceId',
  'invoiceNumber',
  'contactId',
  'contactName',
  'currency',
  'amountDue',
  'baseAmountDue',
  'dueDate',
  'daysOverdue',
  'risk',
  'score',
  'tier',
  'reasons',
] as const satisfies readonly (keyof InvoicePriority)[];

function csvCell(value: unknown): string {
  const s = Array.isArray(value)
    ? value.join('; ')
    : value === null || value === undefined
      ? ''
      : String(value);
  return /[",\n\r]/.test(s) || /^[=+\-@]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function prioritiesCsv(rows: readonly InvoicePriority[]): string {
  return [
    PRIORITY_COLUMNS.join(','),
    ...rows.map((r) => PRIORITY_COLUMNS.map((c) => csvCell(r[c])).join(',')),
  ].join('\n');
}

export async function runPrioritiesCommand(
  deps: CommandDeps,
  options: PrioritiesOptions,
): Promise<CommandOutput> {
  const limit = parsePositiveInt(options.limit, '--limit', 1_000_000);
  const scope = await resolveLedgerScope(deps, options);
  const list = listPriorities(scope.ledger, scope.asOf, { signals: scope.signals });
  const invoices = limit === undefined ? list.invoices : list.invoices.slice(0, limit);
  const shown = new Set(invoices.map((i) => i.contactId));
  const customers = list.customers.filter((c) => shown.has(c.contactId)).map(({ invoices: _i, ...c }) => c);
  const json = { ...list, organisation: scope.organisation.name, customers, invoices };
  // CSV stays bare for spreadsheets; the JSON and the table carry the ledger's age.
  if (options.csv) return { exitCode: 0, json, text: prioritiesCsv(invoices) };
  const text = [
    `Collections priorities — ${scope.organisation.name}, as of ${scope.asOf} (${list.baseCurrency})`,
    renderTable(
      ['#', 'customer', 'tier', 'score', 'open', 'at risk', 'why'],
      customers.map((c) => [
        c.rank,
        c.contactName,
        c.tier,
        c.score,
        c.balanceBase,
        c.cashAtRiskBase,
        c.reasons.join('\n'),
      ]),
      { alignRight: [0, 3, 4, 5] },
    ),
    renderTable(
      [
        'invoice',
        'customer',
        'currency',
        'due',
        'days overdue',
        'amount due',
        'base',
        'risk',
        'score',
        'tier',
      ],
      invoices.map((i) => [
        i.invoiceNumber ?? i.invoiceId,
        i.contactName,
        i.currency,
        i.dueDate,
        i.daysOverdue,
        i.amountDue,
        i.baseAmountDue,
        `${Math.round(i.risk * 100)}%`,
        i.score,
        i.tier,
      ]),
      { alignRight: [4, 5, 6, 7, 8] },
    ),
  ].join('\n');
  return withLedgerAge(scope, { exitCode: 0, json, text });
}

export function registerPrioritiesCommand(program: Command): void {
  program
    .command('priorities')
    .description('whom to chase first and why: one row per open invoice')
    .option('--org <org>', 'organisation: name, short code or id (optional with one organisation)')
    .option('--as-of <date>', "YYYY-MM-DD (default: today in the organisation's time zone)")
    .option('--limit <n>', 'show the first N invoices')
    .option('--csv', 'print CSV (one row per invoice)')
    .option('--json', 'print JSON')
    .action(async (opts: PrioritiesOptions & { json?: boolean }) => {
      await withContext(async (ctx) => {
        emit(await runPrioritiesCommand({ db: ctx.database.db, clock: ctx.clock }, opts), opts.json);
      });
    });
}
