/**
 * Starts the Xero sandbox in its own process for `npm run bench -- xero-sync`, so the bench's peak RSS is the
 * sync's, not the simulated Xero's. Prints one JSON line (URLs, tenants, credentials) and serves until killed.
 * Usage: tsx scripts/bench-xero-sandbox.ts '<XeroSandboxOptions as JSON>'
 */
import { startXeroSandbox } from '../src/sandbox/xero/index.js';

const options = JSON.parse(process.argv[2] ?? '{}');
const started = performance.now();
const sandbox = await startXeroSandbox({ ...options, rateLimits: false });
const org = sandbox.store.org(sandbox.tenants[0]!.tenantId);
process.stdout.write(
  `${JSON.stringify({
    url: sandbox.url,
    apiBasePath: sandbox.apiBasePath,
    authorizeUrl: sandbox.authorizeUrl,
    tokenUrl: sandbox.tokenUrl,
    connectionsUrl: sandbox.connectionsUrl,
    clientId: sandbox.clientId,
    clientSecret: sandbox.clientSecret,
    webhookKey: sandbox.webhookKey,
    generatedMs: Math.round(performance.now() - started),
    counts: {
      contacts: org.contacts.size,
      invoices: [...org.invoices.values()].filter((i) => i.type === 'ACCREC').length,
      payments: [...org.payments.values()].filter((p) => p.type === 'ACCRECPAYMENT').length,
      credits: org.credits.size,
    },
  })}\n`,
);
process.on('SIGTERM', () => {
  void sandbox.close().then(() => process.exit(0));
});
