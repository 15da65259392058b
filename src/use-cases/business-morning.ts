import { getOrganisation } from '../adapters/db/organisations.js';
import { getSlackSettings, NO_SLACK_DEFAULTS } from '../adapters/db/slack-settings.js';
import type { AppContext } from '../context.js';
import { isAppError } from '../errors.js';
import { queueContactGroupSync } from './contact-group-tiers.js';
import { runDailyDigest } from './daily-digest.js';
import { runPromiseEvaluation } from './promise-outcomes.js';
import { type RunDunningResult, runDunning } from './run-dunning.js';
import { ensureFreshLedger, syncRunDepsOf } from './run-xero-sync.js';

/** A digest and a plan are never built on a ledger older than this (the poll may be up to 2 hours apart). */
export const MORNING_FRESHNESS_MS = 15 * 60_000;

/**
 * One organisation's business morning, at its digest time: refresh the ledger if it is older than 15 minutes,
 * judge promises whose grace ran out, plan and draft today's reminders, queue the tiers for Xero's contact groups,
 * post the digest. Returns the digest time read now, from which the next morning is scheduled.
 */
export async function runMorning(
  ctx: AppContext,
  orgId: string,
  now: Date,
): Promise<{ readonly digestTime: string }> {
  const org = await getOrganisation(ctx.database.db, orgId);
  if (org?.status === 'active' && ctx.config.xero.credentials) {
    await ensureFreshLedger(syncRunDepsOf(ctx, 'service'), org, MORNING_FRESHNESS_MS);
  }
  const settings = await getSlackSettings(
    ctx.database.db,
    orgId,
    ctx.config.slack?.defaults ?? NO_SLACK_DEFAULTS,
  );
  // Promises whose grace ran out are judged before planning: a broken one resumes its customer's sequence today,
  // and its failure must not stop the morning's plan and digest.
  try {
    await runPromiseEvaluation(ctx, orgId, now);
  } catch (err) {
    ctx.log.error({ orgId, code: 'PROMISE_EVALUATION_FAILED', err }, 'promises not evaluated');
  }
  // Plan first, so the digest that follows counts today's proposals. A stale ledger plans nothing, but the digest
  // still goes out, saying how old its figures are.
  try {
    const run = await runMorningDunning(ctx, orgId, now);
    // Today's tiers to Xero's contact groups (when the policy says so), after the scoring the plan just used.
    await queueContactGroupSync(ctx.database.db, orgId, run.asOf, now);
  } catch (err) {
    if (!isAppError(err, 'LEDGER_STALE')) throw err;
    ctx.log.warn(
      { orgId, code: 'LEDGER_STALE', reason: err.message },
      'no reminders planned: the ledger is stale',
    );
  }
  if (ctx.slack) await runDailyDigest(ctx, orgId, now);
  return { digestTime: settings.digestTime };
}

/** The morning's dunning for one organisation: plan, draft and queue the cards. The outbox worker posts them. */
export async function runMorningDunning(
  ctx: AppContext,
  orgId: string,
  now: Date,
): Promise<RunDunningResult> {
  const result = await runDunning(
    {
      db: ctx.database.db,
      drafter: ctx.drafter,
      hashInputs: ctx.hashDraftInputs,
      onlineInvoices: ctx.onlineInvoices(),
    },
    { orgId, now, ...ctx.sender },
  );
  ctx.log.info(
    {
      orgId,
      asOf: result.asOf,
      proposed: result.reminders.filter((r) => r.created).length,
      skipped: result.plan.actions.filter((a) => a.kind === 'skip').length,
      escalations: result.plan.escalations.length,
      onlineLinksFetched: result.onlineLinks?.fetched ?? 0,
      onlineLinksStopped: result.onlineLinks?.stopped ?? null,
    },
    'dunning run',
  );
  return result;
}
