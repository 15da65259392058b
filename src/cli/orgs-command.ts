import type { Command } from 'commander';
import { listOrganisations } from '../adapters/db/organisations.js';
import { XERO_SYNC_JOB } from '../domain/job-names.js';
import { type XeroUsage, xeroUsage, xeroUsageJson } from '../use-cases/xero-usage.js';
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
        const usage = new Map<string, XeroUsage>();
        for (const o of orgs) {
          const next = await ctx.jobStore.nextRunAt(o.id, XERO_SYNC_JOB);
          usage.set(o.id, await xeroUsage(ctx.database.db, o, ctx.xero.limits, Date.now(), next));
        }
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
              ...xeroUsageJson(usage.get(o.id) as XeroUsage),
            })),
          );
          return;
        }
        if (orgs.length === 0) {
          printLine('No organisations connected yet. Run `npm run cli -- xero connect` to connect one.');
          return;
        }
        printTable(
          [
            'name',
            'short code',
            'currency',
            'time zone',
            'status',
            'Xero calls today',
            'left today',
            'next sync',
            'id',
          ],
          orgs.map((o) => {
            const u = usage.get(o.id) as XeroUsage;
            const next = u.syncing
              ? `now (${u.syncing.label})`
              : (u.nextSyncAt?.toISOString().slice(0, 16).replace('T', ' ') ?? '—');
            return [
              o.name,
              o.shortCode,
              o.baseCurrency,
              o.timezone,
              o.status,
              u.callsToday.total,
              u.callsRemaining,
              next,
              o.id,
            ];
          }),
          { alignRight: [5, 6] },
        );
      });
    });
}
