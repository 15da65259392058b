import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { findOrganisation, type Organisation } from '../adapters/db/organisations.js';
import type { OutboxStatus } from '../adapters/db/schema.js';
import { hashDraftInputs } from '../adapters/llm/reminder-drafter.js';
import { listOutbox, requeueDeadOutbox } from '../adapters/outbox/outbox-store.js';
import { OutboxWorker } from '../adapters/outbox/outbox-worker.js';
import type { AppContext } from '../context.js';
import type { PlanResult } from '../domain/dunning-planner.js';
import { formatMoneyForTeam } from '../domain/money.js';
import type { OutboxKind } from '../domain/outbox-kinds.js';
import { createOutboxHandlers } from '../outbox-handlers.js';
import { showPolicy, updatePolicy } from '../use-cases/manage-policy.js';
import { runDunning } from '../use-cases/run-dunning.js';
import { parseIsoDateOption } from './ledger-scope.js';
import { CliFailure, printJson, printLine, renderTable } from './output.js';
import { withContext } from './runtime.js';

async function resolveOrg(ctx: AppContext, ref: string | undefined): Promise<Organisation> {
  const found = await findOrganisation(ctx.database.db, ref);
  if (found.kind === 'none') {
    throw new CliFailure(
      ref ? `no organisation matches '${ref}' (see \`ar-copilot orgs\`)` : 'no organisation connected yet',
      2,
    );
  }
  if (found.kind === 'ambiguous') {
    throw new CliFailure(
      `--org is ambiguous; say which of: ${found.matches.map((o) => o.name).join(', ')}`,
      2,
    );
  }
  return found.organisation;
}

export function registerPolicyCommand(program: Command): void {
  const policy = program.command('policy').description("show or change an organisation's dunning policy");
  policy
    .command('show')
    .description('the policy in effect (the default until one is saved)')
    .option('--org <org>', 'organisation: name, short code or id (optional with one organisation)')
    .option('--json', 'print the policy JSON (a starting point for `policy set --file`)')
    .action(async (opts: { org?: string; json?: boolean }) => {
      await withContext(async (ctx) => {
        const org = await resolveOrg(ctx, opts.org);
        const view = await showPolicy(ctx.database.db, org.id);
        if (opts.json) return printJson(view.policy);
        printLine(
          `${org.name}: ${view.isDefault ? 'default policy (none saved yet)' : `saved by ${view.updatedBy ?? 'unknown'} at ${view.updatedAt?.toISOString()}`}`,
        );
        for (const line of view.summary) printLine(`  ${line}`);
      });
    });
  policy
    .command('set')
    .description('validate and save a policy from a JSON file (every problem is listed; audited)')
    .requiredOption('--file <path>', 'policy JSON')
    .option('--org <org>', 'organisation: name, short code or id (optional with one organisation)')
    .action(async (opts: { org?: string; file: string }) => {
      let json: unknown;
      try {
        json = JSON.parse(await readFile(opts.file, 'utf8'));
      } catch (err) {
        throw new CliFailure(`cannot read ${opts.file} as JSON: ${(err as Error).message}`, 2);
      }
      await withContext(async (ctx) => {
        const org = await resolveOrg(ctx, opts.org);
        const out = await updatePolicy(ctx.database.db, {
          orgId: org.id,
          policy: json,
          actor: { type: 'system', id: 'cli', name: process.env.USER ?? null },
          now: ctx.clock.now(),
        });
        if (out.kind === 'invalid') {
          throw new CliFailure(`policy not saved:\n${out.errors.map((e) => `  - ${e}`).join('\n')}`, 1);
        }
        printLine(`Saved the policy for ${org.name}:`);
        for (const line of out.summary) printLine(`  ${line}`);
      });
    });
}

/**
 * The plan as `--json` has always printed it: each invoice as the planner's open item under its original field
 * names (`number`), whatever richer row the planner was handed.
 */
export function planJson(plan: PlanResult): unknown {
  return {
    ...plan,
    actions: plan.actions.map((a) =>
      a.kind === 'chase'
        ? {
            ...a,
            invoices: a.invoices.map((i) => ({
              invoiceId: i.invoiceId,
              number: i.invoiceNumber,
              currency: i.currency,
              amountDue: i.amountDue,
              baseAmountDue: i.baseAmountDue,
              dueDate: i.dueDate,
              daysOverdue: i.daysOverdue,
            })),
          }
        : a,
    ),
  };
}

export function formatPlan(plan: PlanResult, baseCurrency: string): string {
  const lines: string[] = [
    `Plan for ${plan.asOf}${plan.businessDay ? '' : ` (closed: ${plan.closedReason})`}`,
  ];
  const chases = plan.actions.filter((a) => a.kind === 'chase');
  const skips = plan.actions.filter((a) => a.kind === 'skip');
  lines.push(
    '',
    `Chase (${chases.length}):`,
    chases.length
      ? renderTable(
          ['customer', 'step', 'tone', 'mode', 'invoices', 'total', 'why'],
          chases.map((c) => [
            c.customerName,
            c.purpose === 'upcoming' ? 'courtesy' : `${c.stepIndex + 1}/${c.stepCount}`,
            c.step.tone,
            c.autoSend ? `${c.mode} (sends itself)` : c.mode,
            c.invoices.map((i) => i.invoiceNumber ?? i.invoiceId).join(', '),
            formatMoneyForTeam(c.totalBase, baseCurrency),
            c.reason,
          ]),
          { alignRight: [5] },
        )
      : '  nothing to send today',
    '',
    `Skip (${skips.length}):`,
    ...skips.map((s) => `  ${s.customerName}: ${s.code} — ${s.reason}`),
    '',
    `Escalate (${plan.escalations.length}):`,
    ...plan.escalations.map((e) => `  ${e.customerName}: ${e.reasons.join('; ')}`),
  );
  return lines.join('\n');
}

const CLI_DUNNING_KINDS: readonly OutboxKind[] = [
  'slack.reminder_card',
  'reminder.send',
  'promise.thank_you',
  'xero.refresh',
];

export function registerDunningCommand(program: Command): void {
  program
    .command('dunning')
    .description('run the dunning planner now: propose reminders and post their approval cards')
    .option('--org <org>', 'organisation: name, short code or id (optional with one organisation)')
    .option('--as-of <date>', "YYYY-MM-DD (default: today in the organisation's time zone)")
    .option('--dry-run', 'print the plan (actions, skips with reasons, escalations) and change nothing')
    .option('--json', 'print JSON')
    .action(async (opts: { org?: string; asOf?: string; dryRun?: boolean; json?: boolean }) => {
      const asOf = parseIsoDateOption(opts.asOf, '--as-of');
      await withContext(async (ctx) => {
        const org = await resolveOrg(ctx, opts.org);
        {
          const result = await runDunning(
            {
              db: ctx.database.db,
              drafter: opts.dryRun ? null : ctx.drafter,
              hashInputs: hashDraftInputs,
              onlineInvoices: opts.dryRun ? null : ctx.onlineInvoices(),
            },
            {
              orgId: org.id,
              now: ctx.clock.now(),
              ...(asOf ? { asOf } : {}),
              dryRun: opts.dryRun ?? false,
              ...ctx.sender,
            },
          );
          let delivered = null;
          if (!opts.dryRun) {
            // Post the cards (and any automatic sends whose window is open) now rather than on the next tick.
            const worker = new OutboxWorker({
              db: ctx.database.db,
              clock: ctx.clock,
              log: ctx.log,
              // The cards, the sends and their thank-yous; History notes and the rest wait for the service.
              handlers: createOutboxHandlers(ctx, { only: CLI_DUNNING_KINDS }),
            });
            delivered = await worker.drain(20);
          }
          if (opts.json) return printJson({ ...result, plan: planJson(result.plan), delivered });
          printLine(formatPlan(result.plan, org.baseCurrency ?? 'USD'));
          if (!opts.dryRun) {
            const created = result.reminders.filter((r) => r.created).length;
            printLine(
              `\n${created} new reminder(s), ${result.reminders.length - created} already proposed, ${result.resurfaced} back from snooze, ${result.plan.escalations.length} escalation(s) for the digest; outbox: ${delivered?.done ?? 0} done, ${delivered?.retried ?? 0} to retry, ${delivered?.dead ?? 0} failed`,
            );
          }
        }
      });
    });
}

const STATUSES: OutboxStatus[] = ['pending', 'running', 'done', 'dead'];

export function registerOutboxCommand(program: Command): void {
  const outbox = program
    .command('outbox')
    .description('side effects waiting, failed or dead (Slack posts, emails, Xero notes)')
    .option('--status <status>', `one of ${STATUSES.join(', ')} (default: pending, running and dead)`)
    .option('--kind <kind>', 'only this kind, e.g. reminder.send')
    .option('--json', 'print JSON')
    .action(async (opts: { status?: string; kind?: string; json?: boolean }) => {
      // `failed` is what operators call the dead letter.
      const wanted = opts.status === 'failed' ? 'dead' : opts.status;
      if (wanted && !STATUSES.includes(wanted as OutboxStatus)) {
        throw new CliFailure(`--status must be one of ${STATUSES.join(', ')}, failed`, 2);
      }
      await withContext(async (ctx) => {
        const items = await listOutbox(ctx.database.db, {
          statuses: wanted ? [wanted as OutboxStatus] : ['pending', 'running', 'dead'],
          ...(opts.kind ? { kind: opts.kind } : {}),
          limit: 500,
        });
        if (opts.json) return printJson(items);
        if (items.length === 0) return printLine('nothing in the outbox');
        printLine(
          renderTable(
            ['id', 'kind', 'status', 'attempts', 'next attempt', 'last error'],
            items.map((i) => [
              i.id,
              i.kind,
              i.status,
              `${i.attempts}/${i.maxAttempts}`,
              i.status === 'pending' ? i.nextAttemptAt.toISOString() : '',
              (i.lastError ?? '').slice(0, 80),
            ]),
          ),
        );
      });
    });
  outbox
    .command('retry')
    .description('put a dead item back in the queue (after fixing its cause)')
    .argument('<id>', 'outbox item id')
    .action(async (id: string) => {
      if (!/^\d+$/.test(id)) throw new CliFailure('ID must be a number from `outbox --status dead`', 2);
      await withContext(async (ctx) => {
        const n = await requeueDeadOutbox(ctx.database.db, [Number(id)], ctx.clock.now());
        if (n === 0) throw new CliFailure(`outbox item ${id} is not dead (nothing requeued)`, 1);
        printLine(`outbox item ${id} is queued again`);
      });
    });
}
