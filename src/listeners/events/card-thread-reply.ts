import type { App } from '@slack/bolt';
import { isPersonThreadReply, isTeamNote, type SlackMessageFields } from '../../domain/slack-reply.js';
import { captureSlackReply, cardThreadReplyOf } from '../../use-cases/capture-slack-reply.js';
import { captureDeps } from '../shortcuts/log-reply-common.js';
import { apologise, type ListenerDeps } from '../slack-context.js';

/**
 * A customer's answer pasted into a reminder card's thread (#18): captured as that customer's reply, matched to
 * the card's reminder and invoices, and handled like an email reply (paused at once, read, suggestion in the
 * thread). Bolt has acked the event already; nothing throws out of here.
 *
 * Ignored, silently: apps' messages (ours too), edits, deletions and other subtypes, top-level messages, threads
 * that are not one of our cards, notes to the team (`isTeamNote`), and people who are not collectors or managers
 * of the card's organisation. A
 * collector pasting the customer's words is the use case; anyone else chatting in the thread is not a customer
 * replying, and auditing every such message would bury the refusals that matter. A retried event (the same
 * channel and ts) is stored once.
 */
export function registerCardThreadReply(app: App, deps: ListenerDeps): void {
  const db = deps.ctx.database.db;
  app.event('message', async ({ event, body, context }) => {
    try {
      const m = event as unknown as SlackMessageFields & { channel: string; ts: string; user: string };
      // A note to the team (`note:`, `internal:`, `//`) stays in the thread as talk among collectors.
      if (!isPersonThreadReply(m, context.botUserId) || isTeamNote(m.text ?? '')) return;
      const message = { channel: m.channel, ts: m.ts, threadTs: m.thread_ts ?? null };
      // Another thread, or someone who is not a collector or manager there: ignored (see above).
      const hit = await cardThreadReplyOf(
        { db, users: deps.users, defaults: deps.defaults },
        message,
        m.user,
      );
      if (!hit) return;
      const out = await captureSlackReply(captureDeps(deps), {
        message: { ...message, teamId: body.team_id, text: m.text ?? '' },
        match: hit.match,
        loggedBy: { id: hit.actor.id, name: hit.actor.name },
        via: 'thread',
        now: deps.ctx.clock.now(),
      });
      deps.log.info(
        {
          code: 'REPLY_CAPTURED',
          via: 'slack-thread',
          outcome: out.kind,
          ...('replyId' in out ? { replyId: out.replyId } : {}),
        },
        'reply captured from a card thread',
      );
    } catch (err) {
      apologise(deps.log, err, 'card thread reply');
    }
  });
}
