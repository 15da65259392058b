import type { AppContext } from '../../context.js';
import { errorMessage } from '../../errors.js';
import { OUTBOX_REPLY_READ, readReplyForSuggestion } from '../../use-cases/reply-suggestions.js';
import { NO_SLACK_DEFAULTS } from '../db/slack-settings.js';
import { type ClaudeReplyReader, createClaudeReplyReader, hashReplyInput } from '../llm/reply-reader.js';
import { onlineInvoiceFetcherFor } from './dunning-handlers.js';
import type { OutboxHandler } from './outbox-worker.js';

/**
 * `reply.read`: reads a captured reply (the rules, and Claude when ANTHROPIC_API_KEY is set), stores the reading
 * and queues the suggestion card in the reminder card's thread. A retry after a stored reading does nothing.
 */
export function registerReplyHandlers(
  ctx: AppContext,
  options: { claude?: ClaudeReplyReader | null } = {},
): void {
  const anthropic = ctx.config.anthropic;
  const claude =
    options.claude !== undefined
      ? options.claude
      : anthropic
        ? createClaudeReplyReader({
            apiKey: anthropic.apiKey,
            model: anthropic.model,
            baseURL: anthropic.baseUrl,
            log: ctx.log.child({ component: 'reply-reader' }),
          })
        : null;
  const handler: OutboxHandler = async (item, signal) => {
    const replyId = typeof item.payload.replyId === 'string' ? item.payload.replyId : null;
    if (!replyId) return { status: 'failed', error: 'reply.read without a reply id' };
    try {
      const out = await readReplyForSuggestion(
        {
          db: ctx.database.db,
          claude,
          hashInput: hashReplyInput,
          slack: ctx.slack !== null,
          slackDefaults: ctx.config.slack?.defaults ?? NO_SLACK_DEFAULTS,
          now: () => ctx.clock.now(),
          signal,
          // A document request's online links, fetched within a small budget when not cached.
          onlineInvoices: onlineInvoiceFetcherFor(ctx),
        },
        replyId,
      );
      return { status: 'done', result: { ...out } };
    } catch (err) {
      return { status: 'retry', error: errorMessage(err) };
    }
  };
  ctx.outboxHandlers.set(OUTBOX_REPLY_READ, handler);
}
