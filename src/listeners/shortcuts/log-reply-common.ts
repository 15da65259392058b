import { createHash } from 'node:crypto';
import type { LogReplyResult } from '../../adapters/slack/blocks/log-reply.js';
import { recordOtherWorkspace } from '../../use-cases/authorize-slack.js';
import type { CaptureReplyDeps } from '../../use-cases/capture-reply.js';
import type { SlackReplyOutcome } from '../../use-cases/capture-slack-reply.js';
import { authorizeDeps, type ListenerDeps } from '../slack-context.js';

/** What logging a reply is called in the audit of a refusal. */
export const LOG_REPLY_WHAT = 'log a customer reply';

/** What capturing a reply needs, from the listeners' context. */
export function captureDeps(deps: ListenerDeps): CaptureReplyDeps {
  return {
    db: deps.ctx.database.db,
    slack: true,
    slackDefaults: deps.defaults,
    sha256: (text) => createHash('sha256').update(text).digest('hex'),
  };
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

/** A request from another workspace: audited (who, what; no text) and refused. */
export async function refuseOtherWorkspace(
  deps: ListenerDeps,
  user: { id: string; name?: string },
  teamId: string | undefined,
): Promise<void> {
  await recordOtherWorkspace(authorizeDeps(deps), {
    user,
    teamId,
    what: LOG_REPLY_WHAT,
    needed: 'collector',
  });
}

export function resultOf(out: SlackReplyOutcome): LogReplyResult {
  switch (out.kind) {
    case 'stored':
      return { kind: 'stored', customerName: out.customerName, note: out.match.note };
    case 'duplicate':
      return { kind: 'duplicate', customerName: out.customerName };
    case 'empty':
      return { kind: 'empty' };
    default:
      return { kind: 'rejected', reason: out.reason };
  }
}
