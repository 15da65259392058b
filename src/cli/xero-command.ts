import type { Command } from 'commander';
import { findOrganisation, listOrganisations, type Organisation } from '../adapters/db/organisations.js';
import type { SyncHolder, SyncRunKind } from '../adapters/db/xero-sync-state.js';
import { disconnectXeroOrganisation } from '../adapters/xero/xero-connect.js';
import type { AppContext } from '../context.js';
import { type OperatorSyncResult, syncOrAwait, syncRunDepsOf } from '../use-cases/run-xero-sync.js';
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
    .option(
      '--no-wait',
      'when another process is syncing the organisation, say who and since when, and exit 0',
    )
    .option('--json', 'print JSON')
    .action(
      async (opts: { org?: string; full?: boolean; reconcile?: boolean; wait: boolean; json?: boolean }) => {
        await withContext(async (ctx) => {
          const orgs = opts.org
            ? [await resolveOrg(ctx, opts.org)]
            : (await listOrganisations(ctx.database.db)).filter((o) => o.status === 'active');
          if (orgs.length === 0) throw new CliFailure('no active organisation to sync (see `orgs`)');
          const runKind: SyncRunKind = opts.reconcile ? 'reconcile' : opts.full ? 'full' : 'incremental';
          const deps = syncRunDepsOf(ctx, 'cli');
          const out: unknown[] = [];
          let failed = false;
          for (const org of orgs) {
            const started = performance.now();
            const progress = process.stderr.isTTY && !opts.json;
            const seconds = () => Number(((performance.now() - started) / 1000).toFixed(2));
            const result = await syncOrAwait(deps, org, runKind, {
              wait: opts.wait,
              onPage: progress
                ? (resource, c) =>
                    process.stderr.write(`\r  ${org.name}: ${resource} page ${c.pages}, ${c.rows} rows   `)
                : undefined,
              onWaiting: (by) => {
                if (!opts.json) printLine(`${org.name}: ${describeHolder(by)}; waiting for it to finish…`);
              },
            });
            if (progress) process.stderr.write('\n');
            out.push({ organisation: org.name, ...jsonOf(result), seconds: seconds() });
            if (result.status === 'failed') failed = true;
            if (!opts.json) printResult(org.name, result, seconds());
          }
          if (opts.json) printJson(out);
          if (failed)
            throw new CliFailure(
              'the sync did not complete (see above); pages stored before the failure are kept',
            );
        });
      },
    );
}

function describeHolder(by: SyncHolder): string {
  const what =
    by.runKind === 'reconcile'
      ? 'a reconcile'
      : `a${by.runKind === 'incremental' ? 'n' : ''} ${by.runKind} sync`;
  return `${what} is running in the ${by.label} (${by.holder}) since ${by.startedAt.toISOString()}`;
}

function jsonOf(r: OperatorSyncResult): Record<string, unknown> {
  switch (r.status) {
    case 'synced':
      return {
        status: 'synced',
        ...r.run.report,
        ...(r.run.runKind === 'reconcile' ? { mode: 'reconcile' } : {}),
      };
    case 'waited':
      return {
        status: 'waited',
        ranBy: {
          holder: r.by.holder,
          label: r.by.label,
          runKind: r.by.runKind,
          since: r.by.startedAt.toISOString(),
        },
        ok: r.outcome?.ok ?? null,
        error: r.outcome?.error ?? null,
        ...(r.outcome?.report ?? {}),
      };
    case 'busy':
      return {
        status: 'busy',
        heldBy: {
          holder: r.by.holder,
          label: r.by.label,
          runKind: r.by.runKind,
          since: r.by.startedAt.toISOString(),
        },
      };
    case 'failed':
      return { status: 'failed', mode: r.runKind, error: r.error };
  }
}

function printResult(name: string, r: OperatorSyncResult, seconds: number): void {
  if (r.status === 'busy') {
    printLine(`${name}: ${describeHolder(r.by)}; not waiting (--no-wait).`);
    return;
  }
  if (r.status === 'failed') {
    printLine(`${name}: failed after ${seconds.toFixed(1)} s: ${r.error}`);
    return;
  }
  if (r.status === 'waited') {
    const o = r.outcome;
    if (!o)
      printLine(`${name}: the ${r.by.label}'s sync ended without recording an outcome (its lease lapsed).`);
    else if (!o.ok)
      printLine(`${name}: the ${r.by.label}'s ${o.runKind} sync failed: ${o.error ?? 'unknown error'}`);
    else {
      const calls = typeof o.report?.apiCalls === 'number' ? ` with ${o.report.apiCalls} API calls` : '';
      printLine(
        `${name}: the ${r.by.label}'s ${o.runKind} sync finished${calls}; waited ${seconds.toFixed(1)} s.`,
      );
      printResources(o.report);
    }
    return;
  }
  const run = r.run;
  if (run.runKind === 'reconcile') {
    const rep = run.report;
    printLine(`${name}: reconciled in ${seconds.toFixed(1)} s with ${rep.apiCalls} API calls`);
    printTable(
      ['open invoices', 're-checked', 'gone from Xero', 'open credits'],
      [[rep.openInvoices, rep.recheckedInvoices, rep.missingInvoices, rep.openCredits]],
      { alignRight: [0, 1, 2, 3] },
    );
    return;
  }
  printLine(
    `${name}: ${run.report.mode} sync in ${seconds.toFixed(1)} s with ${run.report.apiCalls} API calls`,
  );
  printResources({ ...run.report });
}

function printResources(report: Record<string, unknown> | null): void {
  const resources = report?.resources;
  if (!resources || typeof resources !== 'object') return;
  printTable(
    ['resource', 'pages', 'rows'],
    Object.entries(resources as Record<string, { pages: number; rows: number }>).map(([k, v]) => [
      k,
      v.pages,
      v.rows,
    ]),
    { alignRight: [1, 2] },
  );
}
