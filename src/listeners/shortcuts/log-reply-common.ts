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
