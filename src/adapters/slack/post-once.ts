import type { WebClient } from '@slack/web-api';

/**
 * One post per key, whatever Slack answers. A 5xx or a timeout on chat.postMessage is ambiguous: the message may
 * be in the channel already. So every post carries its key in Slack's message metadata, and a retried post
 * first looks for a message with that key (the channel's recent history, or the thread) before posting again.
 * The Web API client retries nothing itself: the outbox owns retries (reference/slack-platform.md §4).
 */
export const POST_METADATA_TYPE = 'ar_copilot_post';

export function postMetadata(key: string): { event_type: string; event_payload: { key: string } } {
  return { event_type: POST_METADATA_TYPE, event_payload: { key } };
}

interface HistoryMessage {
  ts?: string;
  metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
}

/** The ts of the message posted with `key`, if Slack has it (looked for since `since`, a minute of slack). */
export async function findPostedMessage(
  client: WebClient,
  input: { channel: string; key: string; since: Date; threadTs?: string | null },
): Promise<string | null> {
  const res = input.threadTs
    ? await client.conversations.replies({
        channel: input.channel,
        ts: input.threadTs,
        include_all_metadata: true,
        limit: 200,
      })
    : await client.conversations.history({
        channel: input.channel,
        oldest: ((input.since.getTime() - 60_000) / 1000).toFixed(6),
        include_all_metadata: true,
        limit: 200,
      });
  const found = ((res.messages ?? []) as HistoryMessage[]).find(
    (m) => m.metadata?.event_type === POST_METADATA_TYPE && m.metadata.event_payload?.key === input.key,
  );
  return found?.ts ?? null;
}
