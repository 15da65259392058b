import type { Command } from 'commander';
import {
  AGEING_BUCKET_LABELS,
  AGEING_BUCKETS,
  type AgeingReport,
  XERO_MONTH_COLUMNS,
  XERO_MONTH_LABELS,
} from '../domain/ageing.js';
import { buildAgingReport } from '../use-cases/collections-reports.js';
import { findCustomers } from '../use-cases/find-customers.js';
import {
  type CommandDeps,
  type CommandOutput,
  emit,
  resolveLedgerScope,
  type ScopeOptions,
  withLedgerAge,
} from './ledger-scope.js';
import { renderTable } from './output.js';
import { withContext } from './runtime.js';

export interface AgingOptions extends ScopeOptions {
  readonly customer?: string;
}

function renderAgeing(report: AgeingReport, orgName: string, single: boolean): string {
  const head = [
    'customer',
    ...AGEING_BUCKETS.map((b) => AGEING_BUCKET_LABELS[b]),
    'total',
    'unapplied credit',
  ];
  const rows = report.customers.map((c) => [
    c.contactName,
    ...AGEING_BUCKETS.map((b) => c.base[b]),
    c.base.total,
    c.unappliedCreditsBase,
  ]);
  if (!single)
    rows.push([
      'TOTAL',
      ...AGEING_BUCKETS.map((b) => report.total[b]),
      report.total.total,
      report.unappliedCreditsBase,
    ]);
  const right = head.map((_, i) => i).slice(1);
  const parts = [
    `Aged receivables — ${orgName}, as of ${report.asOf} (${report.baseCurrency}, by due date; due today counts as Current)`,
    renderTable(head, rows, { alignRight: right }),
    'Xero month view (reconciles with Xero’s Aged Receivables, ageing by due date, 1-month periods):',
    renderTable(
      [...XERO_MONTH_COLUMNS.map((c) => XERO_MONTH_LABELS[c]), 'Total'],
      [[...XERO_MONTH_COLUMNS.map((c) => report.xeroMonths[c]), report.xeroMonths.total]],
      { alignRight: [0, 1, 2, 3, 4, 5, 6] },
    ),
  ];
  if (single) {
    const c = report.customers[0];
    if (c) {
      parts.push(
        renderTable(
          ['invoice', 'due', 'days overdue', 'currency', 'amount due', `base (${report.baseCurrency})`],
          c.invoices.map((i) => [
            i.number ?? i.invoiceId,
            i.dueDate,
            i.daysOverdue,
            i.currency,
            i.amountDue,
            i.baseAmountDue,
          ]),
          { alignRight: [2, 4, 5] },
        ),
      );
      for (const cr of c.unappliedCredits) {
        parts.push(
          `unapplied ${cr.kind.replace('_', ' ')} ${cr.number ?? cr.creditId}: ${cr.currency} ${cr.amount}`,
        );
      }
    }
  }
  return parts.join('\n');
}

export async function runAgingCommand(deps: CommandDeps, options: AgingOptions): Promise<CommandOutput> {
  const scope = await resolveLedgerScope(deps, options);
  let contactIds: string[] | undefined;
  if (options.customer !== undefined) {
    const found = findCustomers(scope.ledger.contacts, options.customer);
    if (found.kind === 'none') {
      return {
        exitCode: 1,
        json: { kind: 'none', query: options.customer },
        text: `No customer matches '${options.customer}'.`,
      };
    }
    if (found.kind === 'ambiguous') {
      const matches = found.matches.map((c) => ({ id: c.id, name: c.name, accountNumber: c.accountNumber }));
      return {
        exitCode: 1,
        json: { kind: 'ambiguous', query: options.customer, matches },
        text: [
          `'${options.customer}' matches several customers; be more specific:`,
          ...matches.map((m) => `  ${m.name}${m.accountNumber ? ` (${m.accountNumber})` : ''}`),
        ].join('\n'),
      };
    }
    contactIds = [found.contact.id];
  }
  const report = buildAgingReport(scope.ledger, scope.asOf, contactIds ? { contactIds } : {});
  return withLedgerAge(scope, {
    exitCode: 0,
    json: { kind: 'report', organisation: scope.organisation.name, ...report },
    text: renderAgeing(report, scope.organisation.name, contactIds !== undefined),
  });
}

export function registerAgingCommand(program: Command): void {
  program
    .command('aging')
    .argument('[customer]', 'a customer name, part of one, or account number')
    .description('aged receivables by due date, per customer (or one customer)')
    .option('--org <org>', 'organisation: name, short code or id (optional with one organisation)')
    .option('--as-of <date>', "YYYY-MM-DD (default: today in the organisation's time zone)")
    .option('--json', 'print JSON')
    .action(async (customer: string | undefined, opts: { org?: string; asOf?: string; json?: boolean }) => {
      await withContext(async (ctx) => {
        const out = await runAgingCommand(
          { db: ctx.database.db, clock: ctx.clock },
          { ...opts, ...(customer === undefined ? {} : { customer }) },
        );
        emit(out, opts.json);
      });
    });
}
