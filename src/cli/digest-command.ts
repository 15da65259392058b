import type { Command } from 'commander';
import { OutboxWorker } from '../adapters/outbox/outbox-worker.js';
import { blocksAsText } from '../adapters/slack/blocks/plain-text.js';
import type { AppContext } from '../context.js';
import { createOutboxHandlers } from '../outbox-handlers.js';
import { organisationForDigest, prepareDailyDigest, runDailyDigest } from '../use-cases/daily-digest.js';
import { CliFailure, printLine } from './output.js';
import { withContext } from './runtime.js';

export interface DigestOptions {
  readonly org?: string;
  readonly dryRun?: boolean;
}

/**
 * Runs the daily digest job now. `--dry-run` prints the messages as text and changes nothing; otherwise the
 * digest is enqueued (once per organisation and day, like the scheduled job) and this process posts it.
 */
export async function runDigestCommand(ctx: AppContext, options: DigestOptions): Promise<string> {
  const db = ctx.database.db;
  const found = await organisationForDigest(db, options.org);
  if (found.kind === 'error') throw new CliFailure(found.message, 2);
  const now = ctx.clock.now();
  if (options.dryRun) {
    const prepared = await prepareDailyDigest(db, found.organisation, now);
    const parts = [prepared.messages.header, ...prepared.messages.thread];
    return parts
      .map(
        (m, i) =>
          `${i === 0 ? '=== channel message' : `=== thread reply ${i}`} (${m.blocks.length} blocks)\n${blocksAsText(m.blocks)}`,
      )
      .join('\n\n');
  }
  if (!ctx.slack)
    throw new CliFailure('Slack is not configured (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET): use --dry-run', 2);
  const run = await runDailyDigest(ctx, found.organisation.id, now);
  const summary = await new OutboxWorker({
    db,
    clock: ctx.clock,
    log: ctx.log,
    handlers: createOutboxHandlers(ctx, { only: ['slack.post', 'slack.chart'] }),
  }).drain();
  const what =
    run.kind === 'enqueued'
      ? `digest for ${run.asOf} enqueued in ${run.parts} part(s) to ${run.channel}`
      : run.kind === 'already-enqueued'
        ? `digest for ${run.asOf} was already enqueued today`
        : `digest skipped: ${run.reason}`;
  const esc = run.kind === 'skipped' ? '' : `; escalations: ${run.escalations.crossed.length} new`;
  return `${found.organisation.name}: ${what}${esc}; posted ${summary.done}, retrying ${summary.retried}, failed ${summary.dead}`;
}

export function registerDigestCommand(program: Command): void {
  program
    .command('digest')
    .description("run today's digest now (posts to the digest channel; --dry-run prints it)")
    .option('--org <org>', 'organisation: name, short code or id (optional with one organisation)')
    .option('--dry-run', 'print the messages as text; post nothing')
    .action(async (opts: DigestOptions) => {
      await withContext(async (ctx) => {
        printLine(await runDigestCommand(ctx, opts));
      });
    });
}
