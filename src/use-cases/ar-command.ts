import type { Organisation } from '../adapters/db/organisations.js';
import type { SlackSettings } from '../adapters/db/slack-settings.js';
import { ledgerAgeNote } from '../adapters/slack/blocks/digest.js';
import { escapeMrkdwn, section } from '../adapters/slack/blocks/kit.js';
import { disputesListMessage, promisesListMessage } from '../adapters/slack/blocks/promises.js';
import {
  forecastMessage,
  noticeMessage,
  orgAgingMessage,
  policyMessage,
  topMessage,
} from '../adapters/slack/blocks/reports.js';
import { setupModal } from '../adapters/slack/blocks/setup.js';
import { disputedAsOf } from '../domain/collections-signals.js';
import { isAppError } from '../errors.js';
import { type ArAnswerDeps, type ArReply, say } from './ar-answer-deps.js';
import { answerForCustomerName, type CustomerExtra, type CustomerSub } from './ar-customer.js';
import { answerReport } from './ar-report.js';
import { authorizeSlack } from './authorize-slack.js';
import { buildAgingReport } from './collections-reports.js';
import { type CollectionsView, loadCollectionsView } from './collections-view.js';
import type { Actor } from './decide-reminder.js';
import { describeOrganisationPolicy } from './manage-policy.js';
import { listDisputesForSlack, listPromisesForSlack } from './promise-lists.js';
import { requestXeroSync } from './slack-admin.js';
import { xeroUsage } from './xero-usage.js';

/** One `/ar` subcommand with its arguments, as the listener parsed it from the typed text. */
export type ArSubcommand =
  | { readonly kind: 'top'; readonly limit: number }
  | { readonly kind: 'aging'; readonly customer: string | null }
  | { readonly kind: 'customer'; readonly customer: string }
  | { readonly kind: 'forecast' }
  | { readonly kind: 'kpis'; readonly period: 'week' | 'month' }
  | { readonly kind: 'report'; readonly period: 'week' | 'month' }
  | { readonly kind: 'sync' }
  | { readonly kind: 'setup' }
  | { readonly kind: 'policy' }
  | { readonly kind: 'promises' }
  | { readonly kind: 'disputes' }
  | {
      readonly kind: 'pause';
      readonly customer: string;
      readonly until: string | null;
      readonly reason: string | null;
    }
  | { readonly kind: 'resume'; readonly customer: string };

/** `org:NAME` picks the organisation (else the channel does); `share` posts the answer in the channel. */
export type ArRequest = { readonly orgRef: string | null; readonly share: boolean } & ArSubcommand;

/**
 * Answers that list figures from the ledger, so carry its age above them when it is old: not a customer's own
 * answers, nor the notice a shared report leaves.
 */
function isListing(cmd: ArRequest): boolean {
  switch (cmd.kind) {
    case 'top':
    case 'forecast':
    case 'promises':
    case 'disputes':
      return true;
    case 'aging':
      return cmd.customer === null;
    case 'report':
    case 'kpis':
      return !cmd.share;
    default:
      return false;
  }
}

interface Scope {
  readonly deps: ArAnswerDeps;
  readonly cmd: ArRequest;
  readonly from: { readonly userId: string; readonly channelId: string };
  readonly org: Organisation;
  readonly settings: SlackSettings;
  readonly actor: Actor;
}

/**
 * `/ar …` once parsed: which organisation, whether this user may ask (`setup` and `sync` are for managers, the
 * rest for the AR team; refusals audited), and the answers to post, in order. An organisation whose first sync
 * has not finished is explained, not apologised for.
 */
export async function answerArCommand(
  deps: ArAnswerDeps,
  cmd: ArRequest,
  from: { readonly userId: string; readonly channelId: string },
): Promise<ArReply[]> {
  const managerOnly = cmd.kind === 'setup' || cmd.kind === 'sync';
  const auth = await authorizeSlack(deps, {
    orgRef: cmd.orgRef,
    channelId: from.channelId,
    typed: true,
    userId: from.userId,
    role: managerOnly ? 'manager' : 'collector',
    what: `/ar ${cmd.kind}`,
    refusal: ({ org }) =>
      managerOnly
        ? `Only AR managers can use /ar ${cmd.kind} for ${org.name}. Your attempt was recorded.`
        : `You are not on the AR team for ${org.name}. A manager can add you with /ar setup.`,
  });
  if (auth.kind === 'refused') return [say(noticeMessage(auth.message))];
  const scope: Scope = { deps, cmd, from, org: auth.org, settings: auth.settings, actor: auth.actor };
  switch (cmd.kind) {
    case 'setup':
      return [await setupAnswer(scope)];
    case 'sync':
      return [await syncAnswer(scope)];
    case 'policy': {
      const p = await describeOrganisationPolicy(deps.db, auth.org.id, auth.org.baseCurrency ?? '');
      // Managers get the editor's button; the editor checks the role again on each click and save.
      const editable = auth.actor.isManager ? auth.org.id : null;
      return [say(policyMessage(auth.org.name, p.lines, p.saved, editable), cmd.share)];
    }
    default: {
      let view: CollectionsView;
      try {
        view = await loadCollectionsView(deps.db, auth.org, deps.now(), deps.ledgers);
      } catch (err) {
        if (!isAppError(err, 'ORG_NOT_SYNCED')) throw err;
        // Expected before the first complete sync: say why (which resource failed, and how).
        const text = `${escapeMrkdwn(sentence(err.message))} No figures are shown until it completes; try again in a few minutes.`;
        return [say({ text, blocks: [section(text)] })];
      }
      const replies = await fromLedger(scope, view);
      const [first, ...rest] = replies;
      const note = ledgerAgeNote(view.ledgerAge ?? null);
      if (!first || first.kind !== 'message' || note.length === 0 || !isListing(cmd)) return replies;
      const m = first.message;
      return [{ ...first, message: { text: m.text, blocks: [...note, ...m.blocks] } }, ...rest];
    }
  }
}

async function fromLedger(s: Scope, view: CollectionsView): Promise<ArReply[]> {
  const { cmd, deps, org } = s;
  const now = deps.now();
  switch (cmd.kind) {
    case 'top':
      return [say(topMessage(org.id, org.name, deps.scoredViews(view).priorities(), cmd.limit), cmd.share)];
    case 'forecast': {
      const names = new Map(view.ledger.contacts.map((c) => [c.id, c.name]));
      return [say(forecastMessage(org.name, deps.scoredViews(view).forecast(), names), cmd.share)];
    }
    case 'report':
    case 'kpis':
      return answerReport(deps, {
        kind: cmd.kind,
        period: cmd.period,
        share: cmd.share,
        organisation: org,
        view,
        userId: s.from.userId,
        channelId: s.from.channelId,
      });
    case 'promises':
      return [say(promisesListMessage(org.name, await listPromisesForSlack(deps.db, view, now)), cmd.share)];
    case 'disputes':
      return [say(disputesListMessage(org.name, listDisputesForSlack(view)), cmd.share)];
    case 'aging':
      if (cmd.customer === null) {
        const aging = buildAgingReport(view.ledger, view.asOf);
        return [say(orgAgingMessage(org.name, aging, disputedAsOf(view.signals, view.asOf)), cmd.share)];
      }
      return [await forCustomer(s, view, 'aging', cmd.customer, {})];
    case 'customer':
    case 'resume':
      return [await forCustomer(s, view, cmd.kind, cmd.customer, {})];
    case 'pause':
      return [await forCustomer(s, view, 'pause', cmd.customer, { until: cmd.until, reason: cmd.reason })];
    case 'setup':
    case 'sync':
    case 'policy':
      return [];
  }
}

function forCustomer(
  s: Scope,
  view: CollectionsView,
  sub: CustomerSub,
  query: string,
  extra: CustomerExtra,
): Promise<ArReply> {
  return answerForCustomerName(s.deps, {
    sub,
    query,
    extra,
    share: s.cmd.share,
    organisation: s.org,
    view,
    actor: s.actor,
  });
}

/** `/ar setup`: the settings modal, with the organisation's Xero calls today and its syncs. */
async function setupAnswer(s: Scope): Promise<ArReply> {
  const { deps, org } = s;
  const usage = await xeroUsage(deps.db, org, deps.xeroLimits, deps.wallNow(), await deps.nextSyncAt(org.id));
  return {
    kind: 'modal',
    view: setupModal({
      orgName: org.name,
      ...s.settings,
      xero: {
        timezone: org.timezone,
        callsToday: usage.callsToday.total,
        callsRemaining: usage.callsRemaining,
        reserve: usage.reserve,
        nextSyncAt: usage.nextSyncAt,
        syncingSince: usage.syncing?.startedAt ?? null,
        lastSync: usage.lastSync,
      },
    }),
  };
}

/** `/ar sync`: queues a sync now (at most one a minute). */
async function syncAnswer(s: Scope): Promise<ArReply> {
  const { deps, org } = s;
  const out = await requestXeroSync(deps.db, { orgId: org.id, actor: s.actor, now: deps.now() });
  if (out.kind === 'forbidden') return say(noticeMessage(out.reason));
  const text = out.alreadyQueued
    ? `A sync of ${org.name} is already queued.`
    : `Sync of ${org.name} requested; the figures refresh in a minute or two.`;
  return say(noticeMessage(text), s.cmd.share);
}

/** "the ledger … failed: HTTP 500" → "The ledger … failed: HTTP 500." */
function sentence(text: string): string {
  const t = text.trim();
  return `${t.charAt(0).toUpperCase()}${t.slice(1)}${/[.!?]$/.test(t) ? '' : '.'}`;
}
