/**
 * `npm run bench`: measured figures against the budgets in DESIGN.md §7. Each section runs on its own
 * embedded database (or DATABASE_URL when set) and prints what it measured next to its budget.
 * Run a single section with `npm run bench -- outbox`.
 */
import { performance } from 'node:perf_hooks';
import { FixedClock } from '../src/adapters/clock.js';
import { openDatabase } from '../src/adapters/db/database.js';
import { migrateToLatest } from '../src/adapters/db/migrate.js';
import { enqueueOutbox } from '../src/adapters/outbox/outbox-store.js';
import { OutboxWorker } from '../src/adapters/outbox/outbox-worker.js';
import { createLogger } from '../src/logger.js';
import { startXeroSandbox } from '../src/sandbox/xero/index.js';

interface Figure {
  name: string;
  value: string;
  budget?: string;
  ok?: boolean;
}

type Section = { name: string; run: () => Promise<Figure[]> };

const log = createLogger({ level: 'silent' });

async function freshDatabase() {
  const database = await openDatabase({
    databaseUrl: process.env.DATABASE_URL ?? null,
    dataDir: '',
    inMemory: true,
  });
  const report = await migrateToLatest(database.db);
  if (report.error) throw report.error.cause;
  return database;
}

const sections: Section[] = [
  {
    name: 'outbox',
    async run() {
      const database = await freshDatabase();
      const N = 5_000;
      const clock = new FixedClock(new Date('2026-11-21T09:00:00Z'));
      const t0 = performance.now();
      await database.db.transaction().execute(async (trx) => {
        for (let i = 0; i < N; i++) {
          await enqueueOutbox(trx, {
            orgId: null,
            kind: 'bench',
            idempotencyKey: `b-${i}`,
            payload: { i },
            now: clock.now(),
          });
        }
      });
      const enqueueMs = performance.now() - t0;
      const worker = new OutboxWorker({
        db: database.db,
        clock,
        log,
        handlers: new Map([['bench', async () => ({ status: 'done' as const })]]),
        batchSize: 100,
      });
      const t1 = performance.now();
      const summary = await worker.drain(1_000);
      const drainMs = performance.now() - t1;
      await database.destroy();
      return [
        {
          name: 'enqueue (one transaction)',
          value: `${N} items in ${enqueueMs.toFixed(0)} ms (${((N / enqueueMs) * 1000).toFixed(0)}/s)`,
        },
        {
          name: 'claim + complete (no-op handler)',
          value: `${summary.done} items in ${drainMs.toFixed(0)} ms (${((summary.done / drainMs) * 1000).toFixed(0)}/s)`,
        },
      ];
    },
  },
  {
    // The simulated Xero the sync bench reads from: generation cost, memory, and page latency through xero-node.
    name: 'xero-sandbox',
    async run() {
      const { XeroClient } = await import('xero-node');
      globalThis.gc?.();
      const heapBefore = process.memoryUsage().heapUsed;
      const t0 = performance.now();
      const sandbox = await startXeroSandbox({
        rateLimits: false,
        organisations: [{ kind: 'demo', seed: 1, contacts: 20_000, invoices: 100_000 }],
      });
      const genMs = performance.now() - t0;
      globalThis.gc?.();
      const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1e6;
      const tenantId = sandbox.tenants[0]!.tenantId;
      const org = sandbox.store.org(tenantId);
      const xero = new XeroClient();
      xero.setTokenSet({ access_token: sandbox.issueTokens().tokenSet.access_token });
      xero.accountingApi.basePath = sandbox.apiBasePath;
      const t1 = performance.now();
      let pages = 0;
      let rows = 0;
      for (let page = 1; ; page++) {
        const res = await xero.accountingApi.getInvoices(
          tenantId,
          undefined,
          undefined,
          undefined,
          undefined,
          undefined,
          undefined,
          undefined,
          page,
          undefined,
          undefined,
          undefined,
          undefined,
          1000,
        );
        pages++;
        rows += res.body.invoices?.length ?? 0;
        if (page >= (res.body.pagination?.pageCount ?? 0)) break;
      }
      const pageMs = (performance.now() - t1) / pages;
      const headers = {
        authorization: `Bearer ${sandbox.issueTokens().tokenSet.access_token}`,
        'xero-tenant-id': tenantId,
      };
      const t3 = performance.now();
      for (let page = 1; page <= pages; page++) {
        const res = await fetch(`${sandbox.apiBasePath}/Invoices?page=${page}&pageSize=1000`, { headers });
        await res.json();
      }
      const rawMs = (performance.now() - t3) / pages;
      const t2 = performance.now();
      await xero.accountingApi.getInvoices(tenantId, sandbox.store.now());
      const imsMs = performance.now() - t2;
      await sandbox.close();
      return [
        {
          name: 'generate 20k contacts / 100k invoices',
          value: `${genMs.toFixed(0)} ms, ${org.payments.size} payments, heap +${heapMb.toFixed(0)} MB${globalThis.gc ? '' : ' (run node with --expose-gc for an exact figure)'}`,
        },
        {
          name: 'GET /Invoices pageSize=1000 via xero-node',
          value: `${pages} pages, ${rows} invoices, ${pageMs.toFixed(0)} ms/page (server + client parse)`,
        },
        {
          name: 'same pages, fetch + JSON.parse only',
          value: `${rawMs.toFixed(0)} ms/page (the rest is xero-node)`,
        },
        { name: 'If-Modified-Since now (empty result)', value: `${imsMs.toFixed(1)} ms` },
      ];
    },
  },
];

async function main() {
  const only = process.argv.slice(2);
  const engine = process.env.DATABASE_URL ? 'postgres' : 'pglite (in memory)';
  console.log(`AR Copilot bench — node ${process.version}, database ${engine}\n`);
  let failed = false;
  for (const section of sections) {
    if (only.length && !only.includes(section.name)) continue;
    const figures = await section.run();
    console.log(`[${section.name}]`);
    for (const f of figures) {
      const verdict = f.ok === undefined ? '' : f.ok ? '  ✓ within budget' : '  ✗ OVER BUDGET';
      console.log(`  ${f.name.padEnd(42)} ${f.value}${f.budget ? `  (budget ${f.budget})` : ''}${verdict}`);
      if (f.ok === false) failed = true;
    }
    console.log();
  }
  process.exit(failed ? 1 : 0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
