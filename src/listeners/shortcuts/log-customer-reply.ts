import type { App, MessageShortcut } from '@slack/bolt';
import {
  LOG_REPLY,
  LOG_REPLY_TEXT,
  logReplyModal,
  logReplyResultMessage,
} from '../../adapters/slack/blocks/log-reply.js';
import { isPersonMessage, plainTextOfSlackMessage } from '../../domain/slack-reply.js';
import {
  captureSlackReply,
  customerPickerFor,
  matchSlackMessage,
} from '../../use-cases/capture-slack-reply.js';
import { apologise, collectorScope, type ListenerDeps, ourWorkspace } from '../slack-context.js';
import { captureDeps, LOG_REPLY_WHAT, refuseOtherWorkspace, resultOf } from './log-reply-common.js';
import { type LogReplyMetadata, registerLogReplySubmission } from './log-reply-submission.js';

/**
 * The message shortcut "Log customer reply" (#18) on any message. Collectors and managers only (collectorScope:
 * a refusal is audited and said); a request from another workspace is refused and audited. When the message is
 * in a reminder card's thread, names open invoices of one customer, or names one customer, it is captured at
 * once and the collector told for whom; otherwise a modal asks which customer. The same message logged twice is
 * stored once ("already logged").
 */
export function registerLogCustomerReply(app: App, deps: ListenerDeps): void {
  const db = deps.ctx.database.db;
  const workspace = ourWorkspace(deps);
  app.shortcut<MessageShortcut>(LOG_REPLY.shortcut, async ({ ack, shortcut, client, respond, context }) => {
    await ack();
    const tell = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text });
    try {
      const teamId = await workspace();
      if (!teamId || shortcut.team?.id !== teamId) {
        await refuseOtherWorkspace(deps, shortcut.user, shortcut.team?.id);
        return void (await tell(LOG_REPLY_TEXT.otherWorkspace));
      }
      const m = shortcut.message;
      if (!isPersonMessage(m, context.botUserId)) {
        return void (await tell(
          m.bot_id || m.subtype ? LOG_REPLY_TEXT.fromAnApp : 'That message has no text to log.',
        ));
      }
      const message = {
        teamId,
        channel: shortcut.channel.id,
        ts: m.ts,
        threadTs: typeof m.thread_ts === 'string' ? m.thread_ts : null,
        text: m.text ?? '',
      };
      const found = await matchSlackMessage(db, message);
      if (found.kind === 'found') {
        const s = await collectorScope(deps, found.match.orgId, shortcut.user.id, LOG_REPLY_WHAT, tell);
        if (!s) return;
        const out = await captureSlackReply(captureDeps(deps), {
          message,
          match: found.match,
          loggedBy: { id: s.actor.id, name: s.actor.name },
          via: 'shortcut',
          now: deps.ctx.clock.now(),
        });
        const reply = logReplyResultMessage(resultOf(out));
        return void (await respond({ response_type: 'ephemeral', replace_original: false, ...reply }));
      }
      // Nobody to match: ask, among the customers of the organisations this collector works for.
      const picker = await customerPickerFor(
        { db, users: deps.users, defaults: deps.defaults },
        shortcut.channel.id,
        shortcut.user.id,
      );
      const orgs = picker.organisations;
      // A collector of none of them: refused, audited and said.
      if (orgs.length === 0)
        return void (await collectorScope(
          deps,
          picker.refuseIn ?? undefined,
          shortcut.user.id,
          LOG_REPLY_WHAT,
          tell,
        ));
      if (orgs.every((o) => o.customers.length === 0)) return void (await tell(LOG_REPLY_TEXT.noCustomers));
      const meta: LogReplyMetadata = { t: teamId, c: message.channel, s: message.ts, h: message.threadTs };
      const withText = JSON.stringify({ ...meta, x: message.text });
      const text = plainTextOfSlackMessage(message.text);
      await client.views.open({
        trigger_id: shortcut.trigger_id,
        view: logReplyModal({
          organisations: orgs,
          excerpt: text,
          why: found.note,
          // Slack keeps 3,000 characters of metadata: a longer message is read again on submit.
          privateMetadata: withText.length <= 3000 ? withText : JSON.stringify(meta),
        }) as never,
      });
    } catch (err) {
      await tell(apologise(deps.log, err, 'log customer reply')).catch(() => undefined);
    }
  });
  registerLogReplySubmission(app, deps, workspace);
}
