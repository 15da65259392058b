import { parentPort } from 'node:worker_threads';
import {
  buildCollectionsReport,
  type CollectionsReport,
  type CollectionsReportInput,
  type CollectionsReportOptions,
} from '../../domain/collections-report.js';
import { errorMessage } from '../../errors.js';

/** One report to build, as report-thread.ts posts it. */
export interface ReportJob {
  readonly id: number;
  readonly input: CollectionsReportInput;
  readonly options: CollectionsReportOptions;
}

export type ReportAnswer =
  | { readonly id: number; readonly ok: true; readonly report: CollectionsReport }
  | { readonly id: number; readonly ok: false; readonly message: string };

// The report thread's entry: builds each report it is sent, in turn, and posts it back. Pure computation; the
// database, Slack and Xero stay on the main thread.
const port = parentPort;
port?.on('message', (job: ReportJob) => {
  let answer: ReportAnswer;
  try {
    answer = { id: job.id, ok: true, report: buildCollectionsReport(job.input, job.options) };
  } catch (err) {
    answer = { id: job.id, ok: false, message: errorMessage(err) };
  }
  port.postMessage(answer);
});
