import type { App, BlockButtonAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import {
  ADDRESS_BLOCK,
  ADDRESS_INPUT,
  CALL_OUTCOME_BLOCK,
  CALL_OUTCOME_INPUT,
  finishCallModal,
  reminderAddressModal,
} from '../../adapters/slack/blocks/fall-through.js';
import { homeView } from '../../adapters/slack/blocks/home.js';
import { ACTION, unpackValue, VIEW } from '../../adapters/slack/blocks/ids.js';
import { CALL_REASON, isFallThroughCode } from '../../domain/fall-through.js';
import { loadAppHome } from '../../use-cases/app-home.js';
import { recordSlackRefusal } from '../../use-cases/authorize-slack.js';
import {
  addReminderAddress,
  callTaskForm,
  customerName,
  finishCallTask,
  makeCallTask,
  reminderAddressForm,
} from '../../use-cases/fall-through.js';
import { apologise, authorizeDeps, collectorScope, type ListenerDeps } from '../slack-context.js';

/**
 * The ways forward for a customer no reminder can reach (digest thread and App Home): add an address for
 * reminders, make it a call task, and close a call task when the call is made. Collectors only; a refusal is
 * audited and said.
 */
export function registerFallThroughActions(app: App, deps: ListenerDeps): void {
  const db = deps.ctx.database.db;

  /** The organisation a value names and the clicking user's role there; null (and said) when not allowed. */
  const scope = (
    orgRef: string | undefined,
    userId: string,
    what: string,
    tell: (t: string) => Promise<unknown>,
  ) => collectorScope(deps, orgRef, userId, what, tell);

  /** A click in App Home has no message to answer: the Home tab is drawn again instead. */
  const refreshHome = async (client: WebClient, userId: string) => {
    const home = await loadAppHome(deps.ctx, deps.users, userId);
    await client.views.publish({ user_id: userId, view: homeView(home.userName, home.orgs) as never });
  };
  const inHome = (body: BlockButtonAction) => body.container?.type === 'view';
  const teller =
    (body: BlockButtonAction, respond: (m: Record<string, unknown>) => Promise<unknown>, client: WebClient) =>
    (text: string) =>
      inHome(body)
        ? client.chat.postMessage({ channel: body.user.id, text })
        : respond({ response_type: 'ephemeral', replace_original: false, text });

  app.action<BlockButtonAction>(ACTION.addReminderAddress, async ({ ack, action, body, client, respond }) => {
    await ack();
    const tell = teller(body, respond, client);
    try {
      const ids = unpackValue(action.value, 2);
      const s = await scope(ids?.[0], body.user.id, 'add an address for reminders', tell);
      if (!s || !ids) return;
      const form = await reminderAddressForm(db, s.orgId, ids[1]!);
      if (!form) return void (await tell('That customer is no longer in the ledger.'));
      await client.views.open({
        trigger_id: body.trigger_id,
        view: reminderAddressModal({ orgId: s.orgId, contactId: ids[1]!, ...form }) as never,
      });
    } catch (err) {
      await tell(apologise(deps.log, err, 'open reminder address')).catch(() => undefined);
    }
  });

  app.view(VIEW.reminderAddress, async ({ ack, view, body, client }) => {
    try {
      const meta = JSON.parse(view.private_metadata || '{}') as { orgId?: string; contactId?: string };
      const error = (text: string) =>
        ack({ response_action: 'errors', errors: { [ADDRESS_BLOCK]: text } }) as Promise<void>;
      const s = await scope(meta.orgId, body.user.id, 'add an address for reminders', error);
      if (!s) return;
      if (!meta.contactId) return void (await error('This form no longer names a customer; open it again.'));
      const text = (view.state.values as Record<string, Record<string, { value?: string | null }>>)[
        ADDRESS_BLOCK
      ]?.[ADDRESS_INPUT]?.value;
      const name = await customerName(db, s.orgId, meta.contactId);
      const out = await addReminderAddress(db, {
        orgId: s.orgId,
        contactId: meta.contactId,
        contactName: name,
        addresses: text ?? '',
        actor: s.actor,
        now: deps.ctx.clock.now(),
      });
      if (out.kind !== 'saved') return void (await error(out.reason));
      await ack();
      await client.chat.postMessage({
        channel: body.user.id,
        text: `Reminders to ${name} will go to ${out.recipients.join(', ')} from the next run. Noted in Xero History; the Xero contact is unchanged.`,
      });
    } catch (err) {
      await ack({
        response_action: 'errors',
        errors: { [ADDRESS_BLOCK]: apologise(deps.log, err, 'save reminder address') },
      }).catch(() => undefined);
    }
  });

  app.action<BlockButtonAction>(ACTION.makeCallTask, async ({ ack, action, body, client, respond }) => {
    await ack();
    const tell = teller(body, respond, client);
    try {
      const ids = unpackValue(action.value, 3);
      const s = await scope(ids?.[0], body.user.id, 'make a call task', tell);
      if (!s || !ids) return;
      const [, contactId, code] = ids as [string, string, string];
      const name = await customerName(db, s.orgId, contactId);
      const out = await makeCallTask(db, {
        orgId: s.orgId,
        contactId,
        contactName: name,
        reason: isFallThroughCode(code) ? CALL_REASON[code] : 'call about overdue invoices',
        actor: s.actor,
        now: deps.ctx.clock.now(),
      });
      if (out.kind === 'forbidden') return void (await tell(out.reason));
      if (inHome(body)) await refreshHome(client, body.user.id);
      await tell(
        out.kind === 'created'
          ? `Call ${name}: added to your calls in App Home and noted in Xero History.`
          : out.task.assigneeId === s.actor.id
            ? `You already have a call task for ${name}.`
            : `${out.task.assigneeName} already has a call task for ${name}.`,
      );
    } catch (err) {
      await tell(apologise(deps.log, err, 'make call task')).catch(() => undefined);
    }
  });

  app.action<BlockButtonAction>(ACTION.finishCallTask, async ({ ack, action, body, client, respond }) => {
    await ack();
    const tell = teller(body, respond, client);
    try {
      const ids = unpackValue(action.value, 2);
      const s = await scope(ids?.[0], body.user.id, 'close a call task', tell);
      const taskId = Number(ids?.[1]);
      if (!s) return;
      if (!Number.isSafeInteger(taskId)) return void (await tell('That call task is no longer valid.'));
      const form = await callTaskForm(db, s.orgId, taskId);
      if (!form || form.task.status !== 'open') {
        if (inHome(body)) await refreshHome(client, body.user.id);
        return void (await tell('That call task is already closed.'));
      }
      await client.views.open({
        trigger_id: body.trigger_id,
        view: finishCallModal({ orgId: s.orgId, taskId, customerName: form.customerName }) as never,
      });
    } catch (err) {
      await tell(apologise(deps.log, err, 'open call task')).catch(() => undefined);
    }
  });

  app.view(VIEW.finishCallTask, async ({ ack, view, body, client }) => {
    const error = (text: string) =>
      ack({ response_action: 'errors', errors: { [CALL_OUTCOME_BLOCK]: text } }) as Promise<void>;
    try {
      const meta = JSON.parse(view.private_metadata || '{}') as { orgId?: string; taskId?: number };
      const s = await scope(meta.orgId, body.user.id, 'close a call task', error);
      if (!s) return;
      if (typeof meta.taskId !== 'number')
        return void (await error('This form no longer names a call task.'));
      const form = await callTaskForm(db, s.orgId, meta.taskId);
      if (!form) return void (await error('That call task no longer exists.'));
      const outcome =
        (view.state.values as Record<string, Record<string, { value?: string | null }>>)[
          CALL_OUTCOME_BLOCK
        ]?.[CALL_OUTCOME_INPUT]?.value ?? '';
      const out = await finishCallTask(db, {
        orgId: s.orgId,
        taskId: meta.taskId,
        contactName: form.customerName,
        outcome,
        actor: s.actor,
        now: deps.ctx.clock.now(),
      });
      if (out.kind === 'forbidden') {
        // Someone else's call: known only once the task is read, so the use-case refuses and the refusal is audited here.
        await recordSlackRefusal(authorizeDeps(deps), {
          orgId: s.orgId,
          actor: s.actor,
          what: `close call task ${meta.taskId}`,
          needed: 'manager',
        });
        return void (await error(out.reason));
      }
      if (out.kind === 'invalid') return void (await error(out.reason));
      if (out.kind === 'not-open') return void (await error('That call task is already closed.'));
      await ack();
      await refreshHome(client, body.user.id);
    } catch (err) {
      await error(apologise(deps.log, err, 'close call task')).catch(() => undefined);
    }
  });
}
