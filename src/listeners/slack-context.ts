import { randomBytes } from 'node:crypto';
import type { UserDirectory } from '../adapters/slack/user-directory.js';
import type { AppContext } from '../context.js';
import { AppError, errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';
import { slackDefaults } from '../use-cases/daily-digest.js';

/** What every listener needs from the context, checked once at registration. */
export interface ListenerDeps {
  readonly ctx: AppContext;
  readonly users: UserDirectory;
  readonly defaults: ReturnType<typeof slackDefaults>;
  readonly log: Logger;
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
