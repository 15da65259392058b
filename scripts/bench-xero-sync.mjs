// @ts-check
/**
 * The full and no-change incremental sync of `npm run bench -- xero-sync`, run as the product runs: compiled
 * JavaScript from dist/ (the Dockerfile's CMD), plain node, no TypeScript loader in the process, so the peak
 * RSS it reports is the sync's own. Started by scripts/bench.ts with the image's V8 flags; prints one JSON line.
 * Usage: node scripts/bench-xero-sync.mjs '<{ sandbox, databaseUrl }>'
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../dist/src/adapters/db/database.js';
import { migrateToLatest } from '../dist/src/adapters/db/migrate.js';
import { completeXeroConnect } from '../dist/src/adapters/xero/xero-connect.js';
import { parseConfig } from '../dist/src/config.js';
import { createContext } from '../dist/src/context.js';
import { createLogger } from '../dist/src/logger.js';
import { syncXeroOrganisation } from '../dist/src/use-cases/sync-xero-organisation.js';

const { sandbox, databaseUrl } = JSON.parse(process.argv[2] ?? '{}');
const log = createLogger({ level: 'silent' });

// The parent made (and migrated) a database of its own on the server; PGlite lives in this process.
const database = await openDatabase({ databaseUrl, dataDir: '', inMemory: !databaseUrl });
if (!databaseUrl) {
  const report = await migrateToLatest(database.db);
  if (report.error) throw report.error.cause;
}
const parsed = parseConfig({
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  PUBLIC_URL: 'http://127.0.0.1:9',
  ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  XERO_CLIENT_ID: sandbox.clientId,
  XERO_CLIENT_SECRET: sandbox.clientSecret,
  XERO_API_URL: sandbox.apiBasePath,
  XERO_AUTHORIZE_URL: sandbox.authorizeUrl,
  XERO_TOKEN_URL: sandbox.tokenUrl,
  XERO_CONNECTIONS_URL: sandbox.connectionsUrl,
});
if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
// Xero's 60 calls a minute would make any full sync of this size take minutes: the budget measures our side,
// so the limiter is opened up here (the sandbox runs without limits too).
const ctx = await createContext(parsed.config, {
  database,
  log,
  xeroOptions: { rateLimits: { perMinute: 1_000_000, appPerMinute: 1_000_000 }, timeoutMs: 120_000 },
});
// The real consent path: authorize (the sandbox approves) → code → token exchange → connections.
const consent = await fetch(ctx.xero.oauth.authorizeUrl('bench'), { redirect: 'manual' });
const code = new URL(consent.headers.get('location') ?? '').searchParams.get('code') ?? '';
const connected = await completeXeroConnect(
  { db: database.db, xero: ctx.xero, secrets: ctx.secrets, jobs: ctx.jobStore, log },
  code,
  new Date(),
);
if (connected.kind !== 'connected') throw new Error(connected.detail);
const org = connected.organisations[0];

const rssBefore = process.memoryUsage().rss;
const t0 = performance.now();
/** @type {Record<string, number>} when each resource's last page was stored, ms after the start */
const doneAt = {};
const full = await syncXeroOrganisation(
  { api: ctx.xero.tenantApi(org, 'interactive'), store: ctx.xero.ledger, log, now: new Date() },
  org,
  {
    full: true,
    onPage: (resource) => {
      doneAt[resource] = performance.now() - t0;
    },
  },
);
const fullMs = performance.now() - t0;
// The process's high-water mark: connecting and migrating use far less than the sync.
const peakRss = process.resourceUsage().maxRSS * 1024;

const current = await database.db
  .selectFrom('organisations')
  .selectAll()
  .where('id', '=', org.id)
  .executeTakeFirstOrThrow();
const incremental = await syncXeroOrganisation(
  { api: ctx.xero.tenantApi(org, 'interactive'), store: ctx.xero.ledger, log, now: new Date() },
  { id: current.id, name: current.name, baseCurrency: current.base_currency },
);
await ctx.destroy();
await database.destroy();
process.stdout.write(
  `${JSON.stringify({ full, fullMs, doneAt, peakRss, rssBefore, incremental: { apiCalls: incremental.apiCalls, resources: Object.keys(incremental.resources).length } })}\n`,
);
