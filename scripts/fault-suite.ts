/**
 * The fault suite: the built service (`node dist/src/main.js`, as the image runs it) against real PostgreSQL,
 * a real SMTP server, dovecot, and the Xero and Slack sandboxes, under the faults that lost, duplicated or
 * mis-stated work before (issue #16). Each case prints its trials and its lost / duplicated / wrong counts; the
 * suite fails unless all are 0.
 *
 *   npm run test:faults                 (DATABASE_URL: a PostgreSQL server to create databases on;
 *                                         default postgres://postgres@127.0.0.1:5432/postgres)
 *   npm run test:faults -- --only kill  (cases whose name contains "kill")
 *   FAULT_SEED=1234 npm run test:faults (replay the random kill moments)
 */
import { CASES, type CaseResult } from './faults/cases.js';

const argv = process.argv.slice(2);
const only = argv.includes('--only') ? (argv[argv.indexOf('--only') + 1] ?? '') : '';
const seed = Number(process.env.FAULT_SEED ?? Date.now() % 1_000_000);
console.log(`fault suite: seed ${seed} (FAULT_SEED=${seed} replays it)`);

const results: CaseResult[] = [];
for (const c of CASES.filter((x) => x.name.includes(only))) {
  const started = Date.now();
  process.stdout.write(`\n--- ${c.name}: ${c.what}\n`);
  let result: CaseResult;
  try {
    result = await c.run(seed);
  } catch (err) {
    result = {
      name: c.name,
      trials: 0,
      lost: 0,
      duplicated: 0,
      wrong: 1,
      passed: false,
      note: `the case itself failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
    };
  }
  const seconds = Math.round((Date.now() - started) / 1000);
  results.push({ ...result, note: `${result.note} [${seconds} s]` });
  for (const line of result.details ?? []) console.log(`    ${line}`);
  console.log(
    `${result.passed ? 'ok  ' : 'FAIL'} ${c.name}: ${result.trials} trials, lost ${result.lost}, duplicated ${result.duplicated}, wrong ${result.wrong} — ${result.note} [${seconds} s]`,
  );
}

const width = Math.max(...results.map((r) => r.name.length), 4);
console.log(`\n${'case'.padEnd(width)} | trials | lost | duplicated | wrong | result`);
console.log(`${'-'.repeat(width)}-|--------|------|------------|-------|-------`);
for (const r of results) {
  console.log(
    `${r.name.padEnd(width)} | ${String(r.trials).padStart(6)} | ${String(r.lost).padStart(4)} | ${String(r.duplicated).padStart(10)} | ${String(r.wrong).padStart(5)} | ${r.passed ? 'pass' : 'FAIL'}`,
  );
}
const failed = results.filter((r) => !r.passed);
console.log(
  `\nfault suite: ${results.length - failed.length} of ${results.length} cases passed${failed.length ? ` (failed: ${failed.map((f) => f.name).join(', ')})` : ''}`,
);
process.exit(failed.length === 0 && results.length > 0 ? 0 : 1);
