import type { Command } from 'commander';
import { listOrganisations } from '../adapters/db/organisations.js';
import { printJson, printLine, printTable } from './output.js';
import { withContext } from './runtime.js';

export function registerOrgsCommand(program: Command): void {
  program
    .command('orgs')
    .description('list connected Xero organisations')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      await withContext(async (ctx) => {
        const orgs = await listOrganisations(ctx.database.db);
        if (opts.json) {
          printJson(
            orgs.map((o) => ({
              id: o.id,
              name: o.name,
              xeroTenantId: o.xeroTenantId,
              shortCode: o.shortCode,
              baseCurrency: o.baseCurrency,
              timezone: o.timezone,
              status: o.status,
              statusReason: o.statusReason,
            })),
          );
          return;
        }
        if (orgs.length === 0) {
          printLine('No organisations connected yet. Run `npm run cli -- xero connect` to connect one.');
          return;
        }
        printTable(
          ['name', 'short code', 'currency', 'time zone', 'status', 'id'],
          orgs.map((o) => [o.name, o.shortCode, o.baseCurrency, o.timezone, o.status, o.id]),
        );
      });
    });
}
