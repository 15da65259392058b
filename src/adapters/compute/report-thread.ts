import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CollectionsReport, CollectionsReportBuilder } from '../../domain/collections-report.js';
import { AppError } from '../../errors.js';
import type { ReportAnswer, ReportJob } from './report-worker.js';

/**
 * The report thread: the collections report (the weekly job, /ar report, /ar kpis, Share) is built on a worker
 * thread, because a large ledger's report is many seconds of CPU (32 s for 200k invoices on the bench machine) and
 * on the main thread it would hold up every Slack ack, webhook and outbox send meanwhile. The database reads stay
 * on the main thread; only the pure build moves.
 *
 * One thread, started on first use and kept: reports queue and run one at a time, which also bounds the memory
 * they take. Its heap has its own ceiling, so a report too large for it fails alone (REPORT_FAILED) and the
 * service goes on; the next report starts a new thread. It does not keep the process alive while idle.
 */
export interface ReportThread {
  readonly build: CollectionsReportBuilder;
  /** Stops the thread; a report under way fails with REPORT_FAILED. */
  close(): Promise<void>;
}

export interface ReportThreadOptions {
  /** The thread's old-generation heap ceiling in MB (REPORT_MAX_HEAP_MB; a 200k-invoice report fits in 1024). */
  readonly maxHeapMb?: number;
}

export const REPORT_THREAD_HEAP_MB = 1024;

interface Pending {
  readonly resolve: (report: CollectionsReport) => void;
  readonly reject: (err: AppError) => void;
}

export function createReportThread(options: ReportThreadOptions = {}): ReportThread {
  const maxHeapMb = options.maxHeapMb ?? REPORT_THREAD_HEAP_MB;
  const pending = new Map<number, Pending>();
  let worker: Worker | null = null;
  let nextId = 1;
  let closed = false;

  const start = (): Worker => {
    const w = spawnReportWorker(maxHeapMb);
    // A dying worker reports twice ('error', then 'exit'); only the first counts. By the second, a new report may
    // already wait on the next thread, and it is not this one's to fail.
    let ended = false;
    const failAll = (message: string, cause: unknown) => {
      if (ended) return;
      ended = true;
      if (worker === w) worker = null;
      for (const p of pending.values()) p.reject(new AppError('REPORT_FAILED', message, { cause }));
      pending.clear();
    };
    w.on('message', (answer: ReportAnswer) => {
      const p = pending.get(answer.id);
      if (!p) return;
      pending.delete(answer.id);
      if (pending.size === 0) w.unref();
      if (answer.ok) p.resolve(answer.report);
      else p.reject(new AppError('REPORT_FAILED', `the report could not be built: ${answer.message}`));
    });
    w.on('error', (err: NodeJS.ErrnoException) =>
      failAll(
        err.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? `the report needs more memory than the report thread’s ${maxHeapMb} MB`
          : `the report thread failed: ${err.message}`,
        err,
      ),
    );
    w.on('exit', (code) => failAll(`the report thread stopped (exit code ${code})`, null));
    return w;
  };

  return {
    build(input, reportOptions) {
      if (closed) return Promise.reject(new AppError('REPORT_FAILED', 'the report thread is closed'));
      worker ??= start();
      const w = worker;
      const id = nextId++;
      const job: ReportJob = { id, input, options: reportOptions };
      return new Promise<CollectionsReport>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        w.ref();
        try {
          w.postMessage(job);
        } catch (err) {
          pending.delete(id);
          if (pending.size === 0) w.unref();
          reject(
            new AppError('REPORT_FAILED', 'the report’s input could not be passed to the report thread', {
              cause: err,
            }),
          );
        }
      });
    },
    async close() {
      closed = true;
      const w = worker;
      worker = null;
      if (w) await w.terminate();
    },
  };
}

/**
 * The compiled service (dist/) runs report-worker.js as it is. From source (tsx, the tests, the bench) the worker
 * loads the TypeScript through tsx's scoped loader: a worker does not inherit the parent's `--import tsx`.
 */
function spawnReportWorker(maxHeapMb: number): Worker {
  const here = import.meta.url;
  const resourceLimits = { maxOldGenerationSizeMb: maxHeapMb };
  if (!here.endsWith('.ts')) return new Worker(new URL('./report-worker.js', here), { resourceLimits });
  const tsx = tsxEsmApi(here);
  const entry = new URL('./report-worker.ts', here).href;
  const load = `import(${JSON.stringify(tsx)}).then((m) => m.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(here)}))`;
  return new Worker(load, { eval: true, resourceLimits });
}

/** tsx's ESM API (its `import` export; `require` resolves to the CommonJS build, whose tsImport cannot load ESM). */
function tsxEsmApi(from: string): string {
  const require = createRequire(from);
  const manifest = require.resolve('tsx/package.json');
  const pkg = require(manifest) as { exports: Record<string, { import: { default: string } }> };
  return new URL(pkg.exports['./esm/api']!.import.default, pathToFileURL(manifest)).href;
}
