import { randomBytes } from 'node:crypto';
import type { Organisation } from '../adapters/db/organisations.js';
import type { UserDirectory } from '../adapters/slack/user-directory.js';
import type { AppContext } from '../context.js';
import { XERO_SYNC_JOB } from '../domain/job-names.js';
import { AppError, errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ArAnswerDeps } from '../use-cases/ar-answer-deps.js';
import {
  type Authorization,
  type AuthorizeDeps,
  type AuthorizeRequest,
  authorizeSlack,
  NO_LONGER_CONNECTED,
  recordOtherWorkspace,
} from '../use-cases/authorize-slack.js';
import { slackDefaults } from '../use-cases/daily-digest.js';
import type { Actor } from '../use-cases/decide-reminder.js';
import {
  createLedgerCache,
  createScoredViewCache,
  type LedgerLoader,
  type ScoredViewCache,
} from '../use-cases/ledger-cache.js';

/** What every listener needs from the context, checked once at registration. */
export interface ListenerDeps {
  readonly ctx: AppContext;
  readonly users: UserDirectory;
  readonly defaults: ReturnType<typeof slackDefaults>;
  readonly log: Logger;
  /** Runs the slow half of a request (after its ack) with bounded concurrency; see `createWorkQueue`. */
  readonly afterAck: <T>(work: () => Promise<T>) => Promise<T>;
  /** The synced ledger, shared by a burst of requests (see createLedgerCache). */
  readonly ledgers: LedgerLoader;
  /** The ledger scored as of today with today's signals, shared the same way (see createScoredViewCache). */
  readonly scoredViews: ScoredViewCache;
}

/** Slow work waits this long at most for the ack path to fall quiet. */
export const ACK_PATH_WAIT_MS = 1_000;

/**
 * Slow work after an ack (loading and scoring a ledger) is CPU in this process. Run all of it at once and a
 * burst of commands starves the event loop, so later requests are acked late. So: a small queue, and each piece
 * starts only when no request is being answered (`idle`), so a burst is acked first and answered after, within
 * seconds. Per process: other instances have their own.
 */
export function createWorkQueue(
  concurrency: number,
  idle: () => Promise<void> = () => new Promise((resolve) => setImmediate(resolve)),
): <T>(work: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (work) => {
    if (running >= concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    await idle();
    try {
      return await work();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

export function listenerDeps(ctx: AppContext): ListenerDeps {
  if (!ctx.slack)
    throw new AppError(
      'SLACK_NOT_CONFIGURED',
      'Slack listeners need SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET',
    );
  return {
    ctx,
    users: ctx.slack.users,
    defaults: slackDefaults(ctx),
    log: ctx.log.child({ component: 'slack-listeners' }),
    afterAck: createWorkQueue(2, () => ctx.requests.idle(ACK_PATH_WAIT_MS)),
    ledgers: createLedgerCache(ctx.database.db, () => Date.now()),
    scoredViews: createScoredViewCache(),
  };
}

/**
 * Logs an unexpected failure with a code and a short reference, and gives the user the apology to show: the
 * reference lets support find the log line; no stack trace or internal message reaches Slack.
 */
export function apologise(log: Logger, err: unknown, where: string): string {
  const ref = randomBytes(4).toString('hex');
  log.error(
    { err, code: 'SLACK_HANDLER_FAILED', where, ref, message: errorMessage(err) },
    'slack handler failed',
  );
  return `Sorry, something went wrong on our side. Please try again; if it keeps happening, quote reference ${ref}.`;
}

/** An organisation a click or a submission names, and the clicking collector in it. */
export interface CollectorScope {
  readonly orgId: string;
  readonly timezone: string;
  readonly actor: Actor;
}

/** The deps `authorizeSlack` needs, from the listeners' own. */
export function authorizeDeps(deps: ListenerDeps): AuthorizeDeps {
  return {
    db: deps.ctx.database.db,
    users: deps.users,
    defaults: deps.defaults,
    now: () => deps.ctx.clock.now(),
  };
}

/** The deps `/ar` and the buttons under its answers need, from the listeners' own. */
export function arAnswerDeps(deps: ListenerDeps): ArAnswerDeps {
  return {
    ...authorizeDeps(deps),
    ledgers: deps.ledgers,
    scoredViews: deps.scoredViews,
    xeroLimits: deps.ctx.xero.limits,
    nextSyncAt: (orgId) => deps.ctx.jobStore.nextRunAt(orgId, XERO_SYNC_JOB),
    wallNow: () => Date.now(),
    buildReport: deps.ctx.buildReport,
  };
}

/**
 * authorizeSlack for a click or a submission: its value or metadata names the organisation (naming none means the
 * message or modal is stale), never the channel.
 */
export function authorizeClick(
  deps: ListenerDeps,
  request: Omit<AuthorizeRequest, 'orgRef' | 'channelId' | 'typed'> & {
    readonly orgRef: string | null | undefined;
  },
): Promise<Authorization> {
  return authorizeSlack(authorizeDeps(deps), request);
}

/**
 * Our workspace, asked once (auth.test) and remembered: a shortcut or a submission from another team is refused.
 * Bolt's context.teamId is the request's own team, so it cannot tell.
 */
export function ourWorkspace(deps: ListenerDeps): () => Promise<string | null> {
  let team: Promise<string | null> | null = null;
  return () => {
    team ??= deps.ctx.slack!.client.auth.test().then(
      (r) => r.team_id ?? null,
      (err) => {
        team = null;
        throw err;
      },
    );
    return team;
  };
}

export const OTHER_WORKSPACE =
  'This app works only in the workspace it is installed in; this attempt was recorded.';

/**
 * authorizeClick for a click that must also come from our own workspace (a valid signature proves the app, not
 * the workspace): another team's click is audited and refused. Null, and said through `tell`, when refused.
 */
export async function authorizeOurClick(
  deps: ListenerDeps,
  workspace: () => Promise<string | null>,
  request: {
    team: string | undefined;
    user: { id: string; name?: string };
    orgRef: string | undefined;
    role: 'collector' | 'manager';
    what: string;
  },
  tell: (text: string) => Promise<unknown>,
): Promise<{ readonly org: Organisation; readonly actor: Actor } | null> {
  const ours = await workspace();
  if (!ours || request.team !== ours) {
    await recordOtherWorkspace(authorizeDeps(deps), {
      user: request.user,
      teamId: request.team,
      what: request.what,
      needed: request.role,
    });
    await tell(OTHER_WORKSPACE);
    return null;
  }
  const { orgRef, role, what } = request;
  const auth = await authorizeClick(deps, { orgRef, userId: request.user.id, role, what });
  if (auth.kind === 'refused') {
    await tell(auth.reason === 'role' ? auth.message : NO_LONGER_CONNECTED);
    return null;
  }
  return { org: auth.org, actor: auth.actor };
}

/**
 * The organisation a button value or a modal names, and the clicking user's role there (authorizeClick). Null,
 * and said through `tell`, when the organisation is gone or the user lacks the role; the refusal is audited.
 */
export async function collectorScope(
  deps: ListenerDeps,
  orgRef: string | undefined,
  userId: string,
  what: string,
  tell: (text: string) => Promise<unknown>,
  role: 'collector' | 'manager' = 'collector',
): Promise<CollectorScope | null> {
  const auth = await authorizeClick(deps, { orgRef, userId, role, what });
  if (auth.kind === 'refused') {
    await tell(auth.message);
    return null;
  }
  return { orgId: auth.org.id, timezone: auth.org.timezone, actor: auth.actor };
}
