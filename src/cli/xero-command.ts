import type { Command } from 'commander';
import { findOrganisation, listOrganisations, type Organisation } from '../adapters/db/organisations.js';
import { disconnectXeroOrganisation } from '../adapters/xero/xero-connect.js';
import type { AppContext } from '../context.js';
import { reconcileXeroOrganisation } from '../use-cases/reconcile-xero-organisation.js';
import { syncXeroOrganisation, type XeroSyncReport } from '../use-cases/sync-xero-organisation.js';
import { CliFailure, printJson, printLine, printTable } from './output.js';
import { withContext } from './runtime.js';

async function resolveOrg(ctx: AppContext, ref: string | undefined): Promise<Organisation> {
  const found = await findOrganisation(ctx.database.db, ref);
  if (found.kind === 'found') return found.organisation;
  if (found.kind === 'none') {
    throw new CliFailure(
      ref ? `no organisation matches "${ref}" (see \`orgs\`)` : 'no organisation connected yet',
    );
  }
  throw new CliFailure(
    `"${ref ?? ''}" matches several organisations: ${found.matches.map((o) => o.name).join(', ')}; use --org with an id`,
    2,
  );
}

export function registerXeroCommands(program: Command): void {
  const xero = program.command('xero').description('connect and disconnect Xero organisations');

  xero
    .command('connect')
    .description('print the link that connects Xero organisations (open it in a browser)')
    .action(async () => {
      await withContext(async (ctx) => {
        if (!ctx.config.xero.credentials) {
          throw new CliFailure('XERO_CLIENT_ID and XERO_CLIENT_SECRET are not set (see .env.example)', 2);
        }
        printLine(
          `Open this link in a browser while AR Copilot is running (npm start):\n\n  ${ctx.config.publicUrl}/xero/connect\n`,
        );
        printLine(`Xero must list ${ctx.config.xero.redirectUri} as a redirect URI of the app.`);
        printLine(
          'Every organisation you tick on the consent screen is connected; the first sync starts within a minute.',
        );
      });
    });

  xero
    .command('disconnect')
    .description("remove the app's connection to one organisation (its synced data is kept)")
    .argument('<org>', 'organisation name, short code, or id')
    .action(async (ref: string) => {
      await withContext(async (ctx) => {
        const org = await resolveOrg(ctx, ref);
        await disconnectXeroOrganisation(
          { db: ctx.database.db, xero: ctx.xero, log: ctx.log },
          org,
          ctx.clock.now(),
        );
        printLine(`Disconnected ${org.name}.`);
      });
    });

  program
    .command('sync')
    .description('sync Xero receivables into the database (incremental unless --full)')
    .option('--org <org>', 'one organisation (name, short code or id); default: every active one')
    .option('--full', 'ignore the If-Modified-Since cursors and read everything')
    .option('--reconcile', 'run the nightly reconcile instead (open invoices and credits by status)')
    .option('--json', 'print JSON')
    .action(async (opts: { org?: string; full?: boolean; reconcile?: boolean; json?: boolean }) => {
      await withContext(async (ctx) => {
        const orgs = opts.org
          ? [await resolveOrg(ctx, opts.org)]
          : (await listOrganisations(ctx.database.db)).filter((o) => o.status === 'active');
        if (orgs.length === 0) throw new CliFailure('no active organisation to sync (see `orgs`)');
        const out: unknown[] = [];
        for (const org of orgs) {
          const started = performance.now();
          const deps = {
            api: ctx.xero.tenantApi(org, 'interactive'),
            store: ctx.xero.ledger,
            log: ctx.log.child({ orgId: org.id }),
            now: ctx.clock.now(),
          };
          const progress = process.stderr.isTTY && !opts.json;
          if (opts.reconcile) {
            const r = await reconcileXeroOrganisation(deps, org);
            const seconds = (performance.now() - started) / 1000;
            out.push({ organisation: org.name, ...r, seconds: Number(seconds.toFixed(2)) });
            if (!opts.json) {
              printLine(`${org.name}: reconciled in ${seconds.toFixed(1)} s with ${r.apiCalls} API calls`);
              printTable(
                ['open invoices', 're-checked', 'gone from Xero', 'open credits'],
                [[r.openInvoices, r.recheckedInvoices, r.missingInvoices, r.openCredits]],
                { alignRight: [0, 1, 2, 3] },
              );
            }
            continue;
          }
          const report: XeroSyncReport = await syncXeroOrganisation(deps, org, {
            full: opts.full === true,
            onPage: progress
              ? (resource, c) =>
                  process.stderr.write(`\r  ${org.name}: ${resource} page ${c.pages}, ${c.rows} rows   `)
              : undefined,
          });
          if (progress) process.stderr.write('\n');
          const seconds = (performance.now() - started) / 1000;
          out.push({ organisation: org.name, ...report, seconds: Number(seconds.toFixed(2)) });
          if (!opts.json) {
            printLine(
              `${org.name}: ${report.mode} sync in ${seconds.toFixed(1)} s with ${report.apiCalls} API calls`,
            );
            printTable(
              ['resource', 'pages', 'rows'],
              Object.entries(report.resources).map(([k, v]) => [k, v.pages, v.rows]),
              { alignRight: [1, 2] },
            );
          }
        }
        if (opts.json) printJson(out);
      });
    });
}
