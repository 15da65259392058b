import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { SandboxOrgSpec } from '../sandbox/xero/index.js';
import { CliFailure, printLine } from './output.js';

interface SandboxOptions {
  port: string;
  seed: string;
  invoices?: string;
  contacts?: string;
  ibm?: string;
  asOf?: string;
  rateLimits: boolean;
}

function positiveInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new CliFailure(`--${name} must be a whole number, got ${value}`, 2);
  return n;
}

/** `sandbox`: runs the simulated Xero on its own, for the demo, manual testing and benchmarks. */
export function registerSandboxCommand(program: Command): void {
  program
    .command('sandbox')
    .description('run the simulated Xero organisation (OAuth + Accounting API) on 127.0.0.1')
    .option('--port <port>', 'port to listen on', '4010')
    .option('--seed <seed>', 'seed of the generated demo organisation', '1')
    .option('--invoices <n>', 'invoices in the generated organisation')
    .option('--contacts <n>', 'contacts in the generated organisation')
    .option('--as-of <date>', 'last day of generated activity, YYYY-MM-DD (default: today)')
    .option('--ibm <path>', 'also load the IBM AR history CSV as a second organisation')
    .option('--no-rate-limits', "turn off Xero's per-tenant rate limits (60/min, 5 concurrent, 5000/day)")
    .action(async (opts: SandboxOptions) => {
      const organisations: SandboxOrgSpec[] = [
        {
          kind: 'demo',
          seed: positiveInt('seed', opts.seed),
          invoices: positiveInt('invoices', opts.invoices),
          contacts: positiveInt('contacts', opts.contacts),
          asOf: opts.asOf,
        },
      ];
      if (opts.ibm) organisations.push({ kind: 'ibm', csvPath: resolve(opts.ibm) });
      const started = Date.now();
      // Loaded on use: the sandbox is development tooling, absent from a production install's needs.
      const { startXeroSandbox } = await import('../sandbox/xero/index.js');
      const sandbox = await startXeroSandbox({
        port: positiveInt('port', opts.port),
        organisations,
        rateLimits: opts.rateLimits ? undefined : false,
      });
      printLine(`Xero sandbox listening on ${sandbox.url} (ready in ${Date.now() - started} ms)`);
      printLine(`  API base path     ${sandbox.apiBasePath}`);
      printLine(`  authorize URL     ${sandbox.authorizeUrl}`);
      printLine(`  token URL         ${sandbox.tokenUrl}`);
      printLine(`  connections URL   ${sandbox.connectionsUrl}`);
      printLine(`  client id         ${sandbox.clientId}`);
      printLine(`  client secret     ${sandbox.clientSecret}`);
      printLine(`  webhook key       ${sandbox.webhookKey}`);
      for (const t of sandbox.tenants) {
        const org = sandbox.store.org(t.tenantId);
        printLine(
          `  tenant            ${t.tenantId}  ${t.name}: ${org.contacts.size} contacts, ${org.invoices.size} invoices, ${org.payments.size} payments`,
        );
      }
      printLine('Press Ctrl+C to stop.');
      await new Promise<void>((resolveStop) => {
        const stop = () => resolveStop();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await sandbox.close();
    });
}
