import type { AppContext } from '../context.js';
import type { SlackDecisionDeps } from '../use-cases/decide-from-slack.js';

/** What the dunning listeners need from the context. */
export function decisionDeps(ctx: AppContext): SlackDecisionDeps {
  return {
    db: ctx.database.db,
    users: ctx.slack?.users ?? null,
    defaults: ctx.config.slack?.defaults ?? {
      managers: [],
      collectors: [],
      digestChannel: null,
      queueChannel: null,
      escalationChannel: null,
    },
    now: () => ctx.clock.now(),
    hashInputs: ctx.hashDraftInputs,
  };
}

/** Tells only the person who clicked (Slack shows it under the card, to them alone). */
export async function tellUser(
  client: {
    chat: { postEphemeral(args: { channel: string; user: string; text: string }): Promise<unknown> };
  },
  channel: string | undefined,
  user: string,
  text: string | null,
): Promise<void> {
  if (!text || !channel) return;
  await client.chat.postEphemeral({ channel, user, text });
}
