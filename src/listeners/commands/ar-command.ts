import type { App, RespondFn } from '@slack/bolt';
import { ledgerAgeNote } from '../../adapters/slack/blocks/digest.js';
import { escapeMrkdwn, type SlackMessage } from '../../adapters/slack/blocks/kit.js';
import { disputesListMessage, promisesListMessage } from '../../adapters/slack/blocks/promises.js';
import { kpiTableMessage } from '../../adapters/slack/blocks/report-kpis.js';
import {
  forecastMessage,
  helpMessage,
  noticeMessage,
  orgAgingMessage,
  pickCustomerMessage,
  policyMessage,
  topMessage,
} from '../../adapters/slack/blocks/reports.js';
import { setupModal } from '../../adapters/slack/blocks/setup.js';
import { disputedAsOf } from '../../domain/collections-signals.js';
import { XERO_SYNC_JOB } from '../../domain/job-names.js';
import { isAppError } from '../../errors.js';
import { authorizeSlack } from '../../use-cases/authorize-slack.js';
import { loadCollectionsReport } from '../../use-cases/collections-report.js';
import { loadSlackReport } from '../../use-cases/collections-report-slack.js';
import { buildAgingReport } from '../../use-cases/collections-reports.js';
import { loadCollectionsView } from '../../use-cases/collections-view.js';
import { findCustomers } from '../../use-cases/find-customers.js';
import { describeOrganisationPolicy } from '../../use-cases/manage-policy.js';
import { listDisputesForSlack, listPromisesForSlack } from '../../use-cases/promise-lists.js';
import { requestXeroSync } from '../../use-cases/slack-admin.js';
import { xeroUsage } from '../../use-cases/xero-usage.js';
import { type ReportShareValue, reportPresentation, shareReport } from '../actions/report-share.js';
import { apologise, authorizeDeps, type ListenerDeps } from '../slack-context.js';
import { runForCustomer } from './customer-subcommands.js';
import { type ArCommand, parseArCommand } from './parse-ar-command.js';

/** Under `/ar kpis`: its Share button is the report's. */
export const KPIS_SHARE_NOTE =
  'Share posts the collections report in the channel: its headline figures, the ageing, top debtors and promises due, with two charts (ageing over the periods, the forecast against receipts).';

/** Packs a customer pick so the button can run the same subcommand on the chosen customer. */
export interface PickValue {
  readonly s: 'aging' | 'customer' | 'pause' | 'resume';
  readonly o: string;
  readonly c: string;
  readonly u?: string | null;
  readonly r?: string | null;
  readonly sh?: boolean;
}

/**
 * `/ar …`: acks at once (usage help goes in the ack itself), then resolves the organisation, checks the role
 * and answers through response_url: ephemeral unless the user added `share`.
 */
export function registerArCommand(app: App, deps: ListenerDeps): void {
  app.command('/ar', async ({ ack, command, respond, client }) => {
    const parsed = parseArCommand(command.text ?? '');
    if (parsed.kind === 'help') {
      await ack({ response_type: 'ephemeral', ...helpMessage(parsed.problem) });
      return;
    }
    await ack();
    try {
      await deps.afterAck(() => answer(deps, parsed, command, respond, client));
    } catch (err) {
      // Expected before the first complete sync: say why (which resource failed, and how) rather than apologise.
      const text = isAppError(err, 'ORG_NOT_SYNCED')
        ? `${escapeMrkdwn(sentence(err.message))} No figures are shown until it completes; try again in a few minutes.`
        : apologise(deps.log, err, `/ar ${parsed.kind}`);
      await respond({ response_type: 'ephemeral', text }).catch(() => undefined);
    }
  });
}

async function answer(
  deps: ListenerDeps,
  cmd: Exclude<ArCommand, { kind: 'help' }>,
  command: { user_id: string; channel_id: string; trigger_id: string },
  respond: RespondFn,
  client: App['client'],
): Promise<void> {
  const db = deps.ctx.database.db;
  const now = () => deps.ctx.clock.now();
  const reply = async (m: SlackMessage, share = false) => {
    await respond({ response_type: share ? 'in_channel' : 'ephemeral', text: m.text, blocks: m.blocks });
  };
  const managerOnly = cmd.kind === 'setup' || cmd.kind === 'sync';
  const auth = await authorizeSlack(authorizeDeps(deps), {
    orgRef: cmd.orgRef ?? null,
    channelId: command.channel_id,
    typed: true,
    userId: command.user_id,
    role: managerOnly ? 'manager' : 'collector',
    what: `/ar ${cmd.kind}`,
    refusal: ({ org }) =>
      managerOnly
        ? `Only AR managers can use /ar ${cmd.kind} for ${org.name}. Your attempt was recorded.`
        : `You are not on the AR team for ${org.name}. A manager can add you with /ar setup.`,
  });
  if (auth.kind === 'refused') return reply(noticeMessage(auth.message));
  const { org: organisation, settings, actor } = auth;

  switch (cmd.kind) {
    case 'setup': {
      const usage = await xeroUsage(
        db,
        organisation,
        deps.ctx.xero.limits,
        Date.now(),
        await deps.ctx.jobStore.nextRunAt(organisation.id, XERO_SYNC_JOB),
      );
      await client.views.open({
        trigger_id: command.trigger_id,
        view: setupModal({
          orgName: organisation.name,
          ...settings,
          xero: {
            timezone: organisation.timezone,
            callsToday: usage.callsToday.total,
            callsRemaining: usage.callsRemaining,
            reserve: usage.reserve,
            nextSyncAt: usage.nextSyncAt,
            syncingSince: usage.syncing?.startedAt ?? null,
            lastSync: usage.lastSync,
          },
        }) as never,
      });
      return;
    }
    case 'sync': {
      const out = await requestXeroSync(db, { orgId: organisation.id, actor, now: now() });
      if (out.kind === 'forbidden') return reply(noticeMessage(out.reason));
      return reply(
        noticeMessage(
          out.alreadyQueued
            ? `A sync of ${organisation.name} is already queued.`
            : `Sync of ${organisation.name} requested; the figures refresh in a minute or two.`,
        ),
        cmd.share,
      );
    }
    case 'policy': {
      const p = await describeOrganisationPolicy(db, organisation.id, organisation.baseCurrency ?? '');
      return reply(policyMessage(organisation.name, p.lines, p.saved), cmd.share);
    }
    default:
      break;
  }

  const view = await loadCollectionsView(db, organisation, now(), deps.ledgers);
  // Old figures say how old they are on every answer built from them.
  const note = ledgerAgeNote(view.ledgerAge ?? null);
  const replyWithAge = (m: SlackMessage, share = false) =>
    reply(note.length ? { text: m.text, blocks: [...note, ...m.blocks] } : m, share);
  switch (cmd.kind) {
    case 'top':
      return replyWithAge(
        topMessage(organisation.id, organisation.name, deps.scoredViews(view).priorities(), cmd.limit),
        cmd.share,
      );
    case 'forecast': {
      const names = new Map(view.ledger.contacts.map((c) => [c.id, c.name]));
      return replyWithAge(
        forecastMessage(organisation.name, deps.scoredViews(view).forecast(), names),
        cmd.share,
      );
    }
    case 'report':
    case 'kpis': {
      if (cmd.share) {
        // Typed `share`: the report goes in the channel with its charts, as its Share button does.
        const data = await loadSlackReport(db, view, cmd.period, now());
        const shared = await shareReport(deps, {
          orgId: organisation.id,
          orgName: organisation.name,
          userId: command.user_id,
          channel: command.channel_id,
          data,
        });
        return reply(
          noticeMessage(
            shared
              ? 'Posting the report in the channel, with its charts in the thread.'
              : 'You already shared this report in this channel.',
          ),
        );
      }
      const shareValue: ReportShareValue = { o: organisation.id, p: cmd.period, a: view.asOf };
      if (cmd.kind === 'kpis') {
        // This period and the one before are all the table shows.
        const report = await loadCollectionsReport(db, {
          orgId: organisation.id,
          asOf: view.asOf,
          periodKind: cmd.period,
          periods: 2,
          ledger: view.ledger,
        });
        return replyWithAge(
          kpiTableMessage({
            orgName: organisation.name,
            report,
            shareValue: JSON.stringify(shareValue),
            chartsNote: KPIS_SHARE_NOTE,
          }),
        );
      }
      const data = await loadSlackReport(db, view, cmd.period, now());
      const m = reportPresentation(organisation.name, data, shareValue);
      await replyWithAge(m.main);
      await reply(m.debtors);
      return reply(m.promises);
    }
    case 'promises':
      return replyWithAge(
        promisesListMessage(organisation.name, await listPromisesForSlack(db, view, now())),
        cmd.share,
      );
    case 'disputes':
      return replyWithAge(disputesListMessage(organisation.name, listDisputesForSlack(view)), cmd.share);
    case 'aging':
      if (cmd.customer === null)
        return replyWithAge(
          orgAgingMessage(
            organisation.name,
            buildAgingReport(view.ledger, view.asOf),
            disputedAsOf(view.signals, view.asOf),
          ),
          cmd.share,
        );
      break;
    default:
      break;
  }

  const query = cmd.customer as string;
  const lookup = findCustomers(view.ledger.contacts, query);
  if (lookup.kind === 'none') return reply(noticeMessage(`No customer matches "${query}".`));
  const extra = cmd.kind === 'pause' ? { until: cmd.until, reason: cmd.reason } : {};
  if (lookup.kind === 'ambiguous') {
    const sub = cmd.kind as PickValue['s'];
    return reply(
      pickCustomerMessage(query, lookup.matches, (c) =>
        JSON.stringify({
          s: sub,
          o: organisation.id,
          c: c.id,
          u: extra.until ?? null,
          r: extra.reason?.slice(0, 500) ?? null,
          sh: cmd.share,
        } satisfies PickValue),
      ),
    );
  }
  const sub = cmd.kind as PickValue['s'];
  return reply(await runForCustomer(deps, sub, organisation, view, lookup.contact, extra, actor), cmd.share);
}

/** "the ledger … failed: HTTP 500" → "The ledger … failed: HTTP 500." */
function sentence(text: string): string {
  const t = text.trim();
  return `${t.charAt(0).toUpperCase()}${t.slice(1)}${/[.!?]$/.test(t) ? '' : '.'}`;
}
