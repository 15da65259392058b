import type { KindHandler } from '../../adapters/outbox/outbox-worker.js';
import { errorMessage } from '../../errors.js';
import {
  type ReadReplyForSuggestionDeps,
  readReplyForSuggestion,
} from '../../use-cases/reply-suggestions.js';

/**
 * `reply.read`: reads a captured reply (the rules, and Claude when ANTHROPIC_API_KEY is set), stores the reading
 * and queues the suggestion card in the reminder card's thread. A retry after a stored reading does nothing.
 */
export function replyReadHandler(
  deps: Omit<ReadReplyForSuggestionDeps, 'signal' | 'onlineInvoices'> & {
    /** A document request's online links, fetched within a small budget when not cached (one fetcher per item). */
    readonly onlineInvoices: () => ReadReplyForSuggestionDeps['onlineInvoices'];
  },
): KindHandler<'reply.read'> {
  return async (item, signal) => {
    try {
      const out = await readReplyForSuggestion(
        { ...deps, signal, onlineInvoices: deps.onlineInvoices() },
        item.payload.replyId,
      );
      return { status: 'done', result: { ...out } };
    } catch (err) {
      return { status: 'retry', error: errorMessage(err) };
    }
  };
}
