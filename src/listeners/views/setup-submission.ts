import type { App } from '@slack/bolt';
import { VIEW } from '../../adapters/slack/blocks/ids.js';
import { SETUP_BLOCK, SETUP_INPUT } from '../../adapters/slack/blocks/setup.js';
import { saveSlackSetup } from '../../use-cases/slack-admin.js';
import { apologise, authorizeClick, type ListenerDeps } from '../slack-context.js';

type Values = Record<
  string,
  Record<
    string,
    {
      selected_conversation?: string | null;
      selected_users?: string[];
      selected_time?: string | null;
      selected_option?: { value: string } | null;
    }
  >
>;

function weekly(
  day: string | undefined,
  time: string | null | undefined,
): { weeklyReportDay?: number; weeklyReportTime?: string } {
  return {
    ...(day ? { weeklyReportDay: Number(day) } : {}),
    ...(time ? { weeklyReportTime: time } : {}),
  };
}

/** `/ar setup` saved: managers only (checked again here), validated, audited; errors stay in the modal. */
export function registerSetupSubmission(app: App, deps: ListenerDeps): void {
  app.view(VIEW.setup, async ({ ack, view, body }) => {
    try {
      const { orgId } = JSON.parse(view.private_metadata || '{}') as { orgId?: string };
      const auth = await authorizeClick(deps, {
        orgRef: orgId,
        userId: body.user.id,
        role: 'manager',
        what: 'save setup',
        refusal: () => 'Only managers can change the setup.',
      });
      if (auth.kind === 'refused') {
        const [block, text] =
          auth.reason === 'role'
            ? [SETUP_BLOCK.managers, auth.message]
            : [SETUP_BLOCK.digestTime, 'This organisation is no longer connected.'];
        return void (await ack({ response_action: 'errors', errors: { [block]: text } }));
      }
      const db = deps.ctx.database.db;
      const { org, actor } = auth;
      const v = view.state.values as unknown as Values;
      const pick = (block: string) => v[block]?.[SETUP_INPUT];
      const out = await saveSlackSetup(db, deps.defaults, {
        orgId: org.id,
        actor,
        now: deps.ctx.clock.now(),
        change: {
          digestChannel: pick(SETUP_BLOCK.digestChannel)?.selected_conversation ?? null,
          queueChannel: pick(SETUP_BLOCK.queueChannel)?.selected_conversation ?? null,
          escalationChannel: pick(SETUP_BLOCK.escalationChannel)?.selected_conversation ?? null,
          managers: pick(SETUP_BLOCK.managers)?.selected_users ?? [],
          collectors: pick(SETUP_BLOCK.collectors)?.selected_users ?? [],
          digestTime: pick(SETUP_BLOCK.digestTime)?.selected_time ?? '',
          // Kept as stored when the modal sends no value for them.
          ...weekly(
            pick(SETUP_BLOCK.weeklyReportDay)?.selected_option?.value,
            pick(SETUP_BLOCK.weeklyReportTime)?.selected_time,
          ),
        },
      });
      // The use-case checks the role again; for the actor let in above it never refuses.
      if (out.kind === 'forbidden') {
        return void (await ack({
          response_action: 'errors',
          errors: { [SETUP_BLOCK.managers]: out.reason },
        }));
      }
      if (out.kind === 'invalid') {
        const block =
          out.field === 'digestTime'
            ? SETUP_BLOCK.digestTime
            : (SETUP_BLOCK[out.field as keyof typeof SETUP_BLOCK] ?? SETUP_BLOCK.managers);
        return void (await ack({ response_action: 'errors', errors: { [block]: out.reason } }));
      }
      await ack();
    } catch (err) {
      await ack({
        response_action: 'errors',
        errors: { [SETUP_BLOCK.digestTime]: apologise(deps.log, err, 'setup').slice(0, 150) },
      }).catch(() => undefined);
    }
  });
}
