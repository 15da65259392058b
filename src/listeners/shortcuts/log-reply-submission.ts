import type { App } from '@slack/bolt';
import { unpackValue } from '../../adapters/slack/blocks/ids.js';
import { LOG_REPLY, LOG_REPLY_TEXT, logReplyDoneView } from '../../adapters/slack/blocks/log-reply.js';
import { captureSlackReply, chosenCustomer } from '../../use-cases/capture-slack-reply.js';
import { apologise, collectorScope, type ListenerDeps } from '../slack-context.js';
import { captureDeps, LOG_REPLY_WHAT, refuseOtherWorkspace, resultOf } from './log-reply-common.js';

/** What the modal carries: team, channel, ts, thread ts, and the message's text when it fits. */
export interface LogReplyMetadata {
  readonly t: string;
  readonly c: string;
  readonly s: string;
  readonly h: string | null;
  readonly x?: string;
}

/** The modal's submission: the chosen customer, checked again (role, organisation, workspace), then captured. */
export function registerLogReplySubmission(
  app: App,
  deps: ListenerDeps,
  workspace: () => Promise<string | null>,
): void {
  app.view(LOG_REPLY.view, async ({ ack, view, body, client }) => {
    const error = (text: string) =>
      ack({ response_action: 'errors', errors: { [LOG_REPLY.customerBlock]: text } }) as Promise<void>;
    try {
      const meta = JSON.parse(view.private_metadata || '{}') as Partial<LogReplyMetadata>;
      const teamId = await workspace();
      if (!teamId || body.team?.id !== teamId || meta.t !== teamId) {
        await refuseOtherWorkspace(deps, body.user, body.team?.id);
        return void (await error(LOG_REPLY_TEXT.otherWorkspace));
      }
      const picked = view.state.values[LOG_REPLY.customerBlock]?.[LOG_REPLY.customerAction]?.selected_option;
      const ids = unpackValue(picked?.value, 2);
      if (!ids || !meta.c || !meta.s) return void (await error('Choose the customer.'));
      const s = await collectorScope(deps, ids[0], body.user.id, LOG_REPLY_WHAT, error);
      if (!s) return;
      const text = meta.x ?? (await readMessageText(client, meta.c, meta.s, meta.h ?? null));
      if (text === null) return void (await error(LOG_REPLY_TEXT.tooLong));
      const out = await captureSlackReply(captureDeps(deps), {
        message: { teamId, channel: meta.c, ts: meta.s, threadTs: meta.h ?? null, text },
        match: chosenCustomer(s.orgId, ids[1]!, s.actor.name),
        loggedBy: { id: s.actor.id, name: s.actor.name },
        via: 'shortcut',
        now: deps.ctx.clock.now(),
      });
      await ack({ response_action: 'update', view: logReplyDoneView(resultOf(out)) as never });
    } catch (err) {
      await error(apologise(deps.log, err, 'log customer reply submission')).catch(() => undefined);
    }
  });
}

/** A message too long for the modal's metadata, read again from Slack; null when it cannot be. */
async function readMessageText(
  client: {
    conversations: { replies: (a: never) => Promise<{ messages?: { ts?: string; text?: string }[] }> };
  },
  channel: string,
  ts: string,
  threadTs: string | null,
): Promise<string | null> {
  try {
    const r = await client.conversations.replies({
      channel,
      ts: threadTs ?? ts,
      oldest: ts,
      latest: ts,
      inclusive: true,
      limit: 2,
    } as never);
    return r.messages?.find((m) => m.ts === ts)?.text ?? null;
  } catch {
    return null;
  }
}
