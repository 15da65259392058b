import type { App, BlockButtonAction } from '@slack/bolt';
import { ACTION, unpackValue, VIEW } from '../../adapters/slack/blocks/ids.js';
import {
  buildSuggestionDecided,
  SUGGESTION_FIELD,
  suggestionEditModal,
} from '../../adapters/slack/blocks/reply-suggestion.js';
import { localDateOf } from '../../domain/calendar.js';
import type { FormField, SuggestionForm } from '../../domain/reply-suggestion.js';
import type { ReplyFollowUp } from '../../use-cases/reply-intents.js';
import {
  acceptReplySuggestion,
  rejectReplySuggestion,
  type SuggestionDecisionOutcome,
  suggestionForEdit,
  useReplyAddress,
} from '../../use-cases/reply-suggestions.js';
import { apologise, type CollectorScope, collectorScope, type ListenerDeps } from '../slack-context.js';

type Scoped = CollectorScope;
type Respond = (m: Record<string, unknown>) => Promise<unknown>;

/**
 * The suggestion card in a reminder card's thread (#18 part 3): Accept, Edit (a modal, then accepted), Reject,
 * and "Use <address> for reminders" after a redirect. Collectors only; a refusal is audited and said. A second
 * click finds the reply handled and changes nothing.
 */
export function registerReplySuggestionActions(app: App, deps: ListenerDeps): void {
  const db = deps.ctx.database.db;

  const scope = (
    orgRef: string | undefined,
    userId: string,
    what: string,
    tell: (t: string) => Promise<unknown>,
  ) => collectorScope(deps, orgRef, userId, what, tell);
  const ephemeral = (respond: Respond) => (text: string) =>
    respond({ response_type: 'ephemeral', replace_original: false, text });

  /** The card after a decision: replaced for everyone; a late click is told who was first. */
  const decided = (s: Scoped, replyId: string, out: SuggestionDecisionOutcome) => {
    if (out.kind === 'accepted' || out.kind === 'rejected')
      return buildSuggestionDecided({
        orgId: s.orgId,
        replyId,
        customerName: out.customerName,
        decision: out.kind,
        by: s.actor.name,
        summary: out.plan.summary,
        escalated: out.escalated,
        proposeAddress: out.kind === 'accepted' ? out.plan.proposeAddress : null,
        followUp: out.kind === 'accepted' ? followUpText(out.followUp) : null,
      });
    return null;
  };

  const decideButton = (actionId: string, which: 'accept' | 'reject') =>
    app.action<BlockButtonAction>(actionId, async ({ ack, action, body, respond }) => {
      await ack();
      const tell = ephemeral(respond);
      try {
        const ids = unpackValue(action.value, 2);
        const s = await scope(ids?.[0], body.user.id, `${which} a reply's suggestion`, tell);
        if (!s || !ids) return;
        const now = deps.ctx.clock.now();
        const input = {
          orgId: s.orgId,
          replyId: ids[1]!,
          actor: s.actor,
          asOf: localDateOf(now, s.timezone),
          now,
          slackDefaults: deps.defaults,
        };
        const out =
          which === 'accept'
            ? await acceptReplySuggestion(db, input)
            : await rejectReplySuggestion(db, input);
        const card = decided(s, ids[1]!, out);
        if (card) return void (await respond({ replace_original: true, ...card }));
        await tell(outcomeText(out));
      } catch (err) {
        await tell(apologise(deps.log, err, `${which} reply suggestion`)).catch(() => undefined);
      }
    });
  decideButton(ACTION.replyAccept, 'accept');
  decideButton(ACTION.replyReject, 'reject');

  app.action<BlockButtonAction>(ACTION.replyEdit, async ({ ack, action, body, client, respond }) => {
    await ack();
    const tell = ephemeral(respond);
    try {
      const ids = unpackValue(action.value, 2);
      const s = await scope(ids?.[0], body.user.id, "edit a reply's suggestion", tell);
      if (!s || !ids) return;
      const form = await suggestionForEdit(db, s.orgId, ids[1]!);
      if (!form) return void (await tell('That reply is no longer there.'));
      if (form.handled) return void (await tell('This reply was already handled.'));
      const view = suggestionEditModal({ orgId: s.orgId, replyId: ids[1]!, ...form });
      const where = { channel: body.container?.channel_id, ts: body.container?.message_ts };
      await client.views.open({
        trigger_id: body.trigger_id,
        view: {
          ...view,
          private_metadata: JSON.stringify({ orgId: s.orgId, replyId: ids[1], ...where }),
        } as never,
      });
    } catch (err) {
      await tell(apologise(deps.log, err, 'open reply suggestion')).catch(() => undefined);
    }
  });

  app.view(VIEW.replyEdit, async ({ ack, view, body, client }) => {
    const error = (field: FormField, text: string) =>
      ack({ response_action: 'errors', errors: { [SUGGESTION_FIELD[field]]: text } }) as Promise<void>;
    try {
      const meta = JSON.parse(view.private_metadata || '{}') as {
        orgId?: string;
        replyId?: string;
        channel?: string;
        ts?: string;
      };
      const s = await scope(meta.orgId, body.user.id, "edit a reply's suggestion", (t) => error('intent', t));
      if (!s) return;
      if (!meta.replyId)
        return void (await error('intent', 'This form no longer names a reply; open it again.'));
      const now = deps.ctx.clock.now();
      const out = await acceptReplySuggestion(db, {
        orgId: s.orgId,
        replyId: meta.replyId,
        actor: s.actor,
        asOf: localDateOf(now, s.timezone),
        now,
        slackDefaults: deps.defaults,
        edited: readForm(view.state.values as never),
      });
      if (out.kind === 'invalid') {
        return void (await ack({
          response_action: 'errors',
          errors: Object.fromEntries(
            Object.entries(out.errors).map(([k, v]) => [SUGGESTION_FIELD[k as FormField], v ?? '']),
          ),
        }));
      }
      if (out.kind !== 'accepted') return void (await error('intent', outcomeText(out)));
      await ack();
      const card = decided(s, meta.replyId, out);
      if (card && meta.channel && meta.ts)
        await client.chat.update({ channel: meta.channel, ts: meta.ts, ...card } as never);
    } catch (err) {
      await error('intent', apologise(deps.log, err, 'accept edited reply suggestion')).catch(
        () => undefined,
      );
    }
  });

  app.action<BlockButtonAction>(ACTION.replyUseAddress, async ({ ack, action, body, respond }) => {
    await ack();
    const tell = ephemeral(respond);
    try {
      const ids = unpackValue(action.value, 2);
      const s = await scope(ids?.[0], body.user.id, 'add an address for reminders', tell);
      if (!s || !ids) return;
      const out = await useReplyAddress(db, {
        orgId: s.orgId,
        replyId: ids[1]!,
        actor: s.actor,
        now: deps.ctx.clock.now(),
      });
      await tell(
        out.kind === 'saved'
          ? `Reminders will go to ${out.recipients.join(', ')} from the next run. Noted in Xero History; the Xero contact is unchanged.`
          : out.kind === 'not-found'
            ? 'That reply names no address.'
            : out.reason,
      );
    } catch (err) {
      await tell(apologise(deps.log, err, 'use reply address')).catch(() => undefined);
    }
  });
}

/** What the thread got besides the decision, as the decided card says it. */
function followUpText(f: ReplyFollowUp | null | undefined): string | null {
  if (!f) return null;
  if (f.kind === 'payment-found') return 'A matching payment in the ledger is shown in the thread.';
  const what = {
    dispute: 'a reply asking for what is needed',
    remittance: 'a request for the remittance details',
    document: 'a reply with the invoice link',
  }[f.draft];
  return `Drafted ${what} in the thread, to copy into your email to the customer.`;
}

function outcomeText(out: SuggestionDecisionOutcome): string {
  switch (out.kind) {
    case 'already':
      return out.by ? `This reply was already handled by <@${out.by}>.` : 'This reply was already handled.';
    case 'forbidden':
      return out.reason;
    case 'not-found':
      return 'That reply is no longer there.';
    case 'invalid':
      return Object.values(out.errors).join(' ');
    default:
      return 'Done.';
  }
}

type StateValues = Record<
  string,
  Record<
    string,
    { value?: string | null; selected_date?: string | null; selected_option?: { value: string } | null }
  >
>;

function readForm(values: StateValues): SuggestionForm {
  const get = (field: FormField): string | null => {
    const v = values[SUGGESTION_FIELD[field]]?.[SUGGESTION_FIELD[field]];
    return v?.selected_option?.value ?? v?.selected_date ?? v?.value ?? null;
  };
  return {
    intent: get('intent'),
    earliest: get('earliest'),
    latest: get('latest'),
    amount: get('amount'),
    disputeReason: get('disputeReason'),
    disputeUntil: get('disputeUntil'),
    backOn: get('backOn'),
  };
}
