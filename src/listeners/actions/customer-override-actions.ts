import type { App, BlockAction, BlockElementAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { Organisation } from '../../adapters/db/organisations.js';
import {
  CLEAR_TIER,
  customerModal,
  EXCLUDE_BLOCK,
  EXCLUDE_INPUT,
  excludeModal,
} from '../../adapters/slack/blocks/customer.js';
import { ACTION, unpackValue, VIEW } from '../../adapters/slack/blocks/ids.js';
import { OVERRIDE_REASON_MAX, type OverrideTier } from '../../domain/customer-overrides.js';
import { parseJsonAs } from '../../domain/json-value.js';
import { computedTierNow, customerCardNow } from '../../use-cases/customer-card.js';
import {
  clearTierOverride,
  excludeFromChasing,
  OVERRIDE_WHAT,
  type OverrideOutcome,
  overrideCustomerName,
  resumeChasing,
  setTierOverride,
} from '../../use-cases/customer-overrides.js';
import type { Actor } from '../../use-cases/decide-reminder.js';
import { apologise, authorizeOurClick, type ListenerDeps, ourWorkspace } from '../slack-context.js';

/** The fields of a click we read: a button's value or a select's chosen option. */
const ClickSchema = z.object({
  value: z.string().max(2000).optional(),
  selected_option: z.object({ value: z.string().max(2000) }).optional(),
});
const TierChoiceSchema = z.enum(['high', 'medium', 'low', CLEAR_TIER]);
const ExcludeMetaSchema = z.object({
  orgId: z.string().min(1).max(100),
  contactId: z.string().min(1).max(100),
  cardViewId: z.string().min(1).max(100).optional(),
});
const ReasonSchema = z.string().max(OVERRIDE_REASON_MAX * 2);

interface Scope {
  readonly organisation: Organisation;
  readonly actor: Actor;
}

/**
 * Overrides on the customer card (#19 part 4): "Set priority" (High, Medium, Low, Clear), "Exclude from chasing"
 * (asks for a reason in a small modal) and "Resume chasing". Offered to everyone; managers only (authorizeClick
 * refuses and audits anyone else's attempt; the use-case checks again). A click from another workspace is refused
 * and audited. After a change, the card is drawn again with what happened on top (the message replaced, or the
 * card's modal updated).
 */
export function registerCustomerOverrideActions(app: App, deps: ListenerDeps): void {
  const db = deps.ctx.database.db;
  const workspace = ourWorkspace(deps);
  const now = () => deps.ctx.clock.now();
  const cardDeps = { db, now, ledgers: deps.ledgers };

  /** Our workspace, a connected organisation and a manager clicking; null (and said) otherwise. */
  const scopeOf = async (
    team: string | undefined,
    user: { id: string; name?: string },
    orgRef: string | undefined,
    what: string,
    tell: (text: string) => Promise<unknown>,
  ): Promise<Scope | null> => {
    const s = await authorizeOurClick(deps, workspace, { team, user, orgRef, role: 'manager', what }, tell);
    return s ? { organisation: s.org, actor: s.actor } : null;
  };

  /** A button naming an organisation and a customer, clicked by a manager of ours; null (and said) otherwise. */
  const customerClicked = async (
    action: unknown,
    body: { team?: { id: string } | null; user: { id: string; name?: string } },
    what: string,
    tell: (text: string) => Promise<unknown>,
  ): Promise<{ s: Scope; contactId: string } | null> => {
    const click = ClickSchema.safeParse(action);
    const ids = click.success ? unpackValue(click.data.value, 2) : null;
    if (!ids) {
      await tell('That button is no longer valid.');
      return null;
    }
    const s = await scopeOf(body.team?.id, body.user, ids[0], what, tell);
    return s ? { s, contactId: ids[1]! } : null;
  };

  const cardOf = (organisation: Organisation, contactId: string, notice?: string) =>
    customerCardNow(cardDeps, organisation, contactId, notice);

  type Body = BlockAction<BlockElementAction>;
  const cardModalId = (body: Body) => (body.view?.type === 'modal' ? body.view.id : null);
  /** Said in the card's thread of talk: beside the message, or as a direct message under a modal. */
  const tellerOf =
    (body: Body, respond: (m: Record<string, unknown>) => Promise<unknown>, client: WebClient) =>
    (text: string) =>
      body.container?.type === 'view'
        ? client.chat.postMessage({ channel: body.user.id, text })
        : respond({ response_type: 'ephemeral', replace_original: false, text });

  /** After a use-case: refusals are said; a change (or "already so") redraws the card with the summary on top. */
  const answer = async (
    out: OverrideOutcome,
    s: Scope,
    contactId: string,
    body: Body,
    respond: (m: Record<string, unknown>) => Promise<unknown>,
    client: WebClient,
  ) => {
    const tell = tellerOf(body, respond, client);
    if (out.kind === 'forbidden') return void (await tell(out.reason));
    if (out.kind === 'not-found') return void (await tell('That customer is no longer in the ledger.'));
    const card = await cardOf(s.organisation, contactId, out.summary);
    const viewId = cardModalId(body);
    if (viewId) await client.views.update({ view_id: viewId, view: customerModal(card.blocks) as never });
    else if (body.container?.type === 'message') await respond({ replace_original: true, ...card });
    else await tell(out.summary);
  };

  app.action<Body>(ACTION.customerSetTier, async ({ ack, action, body, client, respond }) => {
    await ack();
    const tell = tellerOf(body, respond, client);
    try {
      const click = ClickSchema.safeParse(action);
      const ids = click.success ? unpackValue(click.data.selected_option?.value, 3) : null;
      const choice = TierChoiceSchema.safeParse(ids?.[2]);
      if (!ids || !choice.success) return void (await tell('That choice is no longer valid.'));
      const s = await scopeOf(body.team?.id, body.user, ids[0], OVERRIDE_WHAT.tier, tell);
      if (!s) return;
      const contactId = ids[1]!;
      const request = {
        orgId: s.organisation.id,
        contactId,
        actor: s.actor,
        now: now(),
        computedTier: await computedTierNow(cardDeps, s.organisation, contactId),
      };
      const out =
        choice.data === CLEAR_TIER
          ? await clearTierOverride(db, request)
          : await setTierOverride(db, { ...request, tier: choice.data as OverrideTier });
      await answer(out, s, contactId, body, respond, client);
    } catch (err) {
      await tell(apologise(deps.log, err, 'set customer priority')).catch(() => undefined);
    }
  });

  app.action<Body>(ACTION.customerResume, async ({ ack, action, body, client, respond }) => {
    await ack();
    const tell = tellerOf(body, respond, client);
    try {
      const clicked = await customerClicked(action, body, OVERRIDE_WHAT.resume, tell);
      if (!clicked) return;
      const { s, contactId } = clicked;
      const out = await resumeChasing(db, {
        orgId: s.organisation.id,
        contactId,
        actor: s.actor,
        now: now(),
      });
      await answer(out, s, contactId, body, respond, client);
    } catch (err) {
      await tell(apologise(deps.log, err, 'resume chasing')).catch(() => undefined);
    }
  });

  // Exclude: a manager is asked why first (a modal over the card); anyone else is refused at the click.
  app.action<Body>(ACTION.customerExclude, async ({ ack, action, body, client, respond }) => {
    await ack();
    const tell = tellerOf(body, respond, client);
    try {
      const clicked = await customerClicked(action, body, OVERRIDE_WHAT.exclude, tell);
      if (!clicked) return;
      const { s, contactId } = clicked;
      const name = await overrideCustomerName(db, s.organisation.id, contactId);
      if (!name) return void (await tell('That customer is no longer in the ledger.'));
      const cardViewId = cardModalId(body);
      const view = excludeModal({
        orgId: s.organisation.id,
        contactId,
        customerName: name,
        cardViewId,
      }) as never;
      if (cardViewId) await client.views.push({ trigger_id: body.trigger_id, view });
      else await client.views.open({ trigger_id: body.trigger_id, view });
    } catch (err) {
      await tell(apologise(deps.log, err, 'open exclude from chasing')).catch(() => undefined);
    }
  });

  app.view(VIEW.customerExclude, async ({ ack, view, body, client }) => {
    const error = (text: string) =>
      ack({ response_action: 'errors', errors: { [EXCLUDE_BLOCK]: text } }) as Promise<void>;
    try {
      const meta = parseJsonAs(ExcludeMetaSchema, view.private_metadata);
      if (!meta) return void (await error('This form no longer names a customer; open it again.'));
      const typed = ReasonSchema.safeParse(
        (view.state.values as Record<string, Record<string, { value?: unknown }>>)[EXCLUDE_BLOCK]?.[
          EXCLUDE_INPUT
        ]?.value ?? '',
      );
      if (!typed.success) return void (await error('Keep the reason shorter.'));
      const s = await scopeOf(body.team?.id, body.user, meta.orgId, OVERRIDE_WHAT.exclude, error);
      if (!s) return;
      const out = await excludeFromChasing(db, {
        orgId: s.organisation.id,
        contactId: meta.contactId,
        actor: s.actor,
        now: now(),
        reason: typed.data,
      });
      if (out.kind === 'forbidden') return void (await error(out.reason));
      if (out.kind === 'not-found') return void (await error('That customer is no longer in the ledger.'));
      await ack();
      if (meta.cardViewId) {
        const card = await cardOf(s.organisation, meta.contactId, out.summary);
        await client.views.update({
          view_id: meta.cardViewId,
          view: customerModal(card.blocks) as never,
        });
      } else {
        await client.chat.postMessage({ channel: body.user.id, text: out.summary });
      }
    } catch (err) {
      await error(apologise(deps.log, err, 'exclude from chasing')).catch(() => undefined);
    }
  });
}
