/**
 * Starts the Xero sandbox in its own process for `npm run bench -- xero-sync` and `xero-shared`, so the bench's
 * peak RSS is the sync's, not the simulated Xero's. Prints one JSON line (URLs, tenants, credentials) and serves
 * until killed; each `stats` line on stdin is answered with one JSON line: API calls made so far, and how many
 * were answered 429. Limits are off unless the options say `"realLimits": true` (Xero's 60 a minute, 5 in
 * flight per tenant).
 * Usage: tsx scripts/bench-xero-sandbox.ts '<XeroSandboxOptions as JSON>'
 */
import { createInterface } from 'node:readline';
import { startXeroSandbox } from '../src/sandbox/xero/index.js';

const { realLimits, ...options } = JSON.parse(process.argv[2] ?? '{}');
const started = performance.now();
const sandbox = await startXeroSandbox(realLimits ? options : { ...options, rateLimits: false });
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
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() !== 'stats') return;
  const api = sandbox.calls.filter((c) => c.path.includes('/api.xro/2.0/'));
  process.stdout.write(
    `${JSON.stringify({ calls: api.length, rateLimited: api.filter((c) => c.status === 429).length })}\n`,
  );
});
process.on('SIGTERM', () => {
  void sandbox.close().then(() => process.exit(0));
});
