import type { Kysely } from 'kysely';
import { findOrganisation, getOrganisation, type Organisation } from '../adapters/db/organisations.js';
import type { DB } from '../adapters/db/schema.js';
import { getSlackSettings, type SlackDefaults, type SlackSettings } from '../adapters/db/slack-settings.js';
import { previousDigestSnapshot, saveDigestSnapshot } from '../adapters/db/slack-surface-queries.js';
import { findOutboxByKey } from '../adapters/outbox/outbox-store.js';
import {
  buildDigestMessages,
  type DigestData,
  type DigestMessages,
} from '../adapters/slack/blocks/digest.js';
import type { AppContext } from '../context.js';
import {
  AGEING_BUCKETS,
  type AgeingBucket,
  ageingBucketOf,
  type BucketAmounts,
  moneyString,
} from '../domain/ageing.js';
import { addDays } from '../domain/calendar.js';
import { scoreLedger } from '../domain/collections-scoring.js';
import { isDisputeOpen } from '../domain/collections-signals.js';
import { Big, dec, sum } from '../domain/money.js';
import { brokenPromises } from '../domain/payer-behaviour.js';
import { type PriorityList, prioritise } from '../domain/priority.js';
import { AppError } from '../errors.js';
import { type CollectionsView, loadCollectionsView } from './collections-view.js';
import { checkEscalations, type EscalationRun } from './escalations.js';
import { loadFallThrough } from './fall-through.js';
import { enqueueSlackPost } from './slack-posts.js';

export interface PreparedDigest {
  readonly view: CollectionsView;
  readonly priorities: PriorityList;
  readonly data: DigestData;
  readonly messages: DigestMessages;
}

/** The digest's figures and messages over a loaded view (pure apart from the snapshot passed in). */
export function assembleDigest(
  view: CollectionsView,
  previous: DigestData['previous'],
): { priorities: PriorityList; data: DigestData; messages: DigestMessages } {
  const scored = scoreLedger(view.ledger, view.asOf, { signals: view.signals });
  const priorities = prioritise(scored.snapshot, scored.behaviour, scored.risks, scored.signals);
  const cur = priorities.baseCurrency;
  const overdueInvoices = priorities.invoices.filter((i) => i.daysOverdue > 0);
  const totalOverdue = sum(overdueInvoices.map((i) => i.baseAmountDue));
  const names = new Map(view.ledger.contacts.map((c) => [c.id, c.name]));
  const nameOf = (id: string) => names.get(id) ?? id;
  const promises = view.signals.promises;
  const openInvoiceCount = new Map(priorities.customers.map((c) => [c.contactId, c.invoiceCount]));
  const data: DigestData = {
    orgId: view.organisation.id,
    orgName: view.organisation.name,
    asOf: view.asOf,
    ledgerAge: view.ledgerAge ?? null,
    baseCurrency: cur,
    totalOverdue: totalOverdue.toFixed(2),
    overdueCount: overdueInvoices.length,
    previous,
    ageing: bucketTotals(priorities, cur),
    customers: priorities.customers.filter((c) => dec(c.overdueBase).gt(0)),
    promisesDueToday: promises
      .filter((p) => p.promisedDate === view.asOf && p.cancelledOn === null)
      .map((p) => ({
        contactName: nameOf(p.contactId),
        promisedDate: p.promisedDate,
        amount: p.amount,
        currency: p.currency,
      })),
    // Broken as of today and judged since yesterday (a recorded verdict), or found broken from the ledger: the
    // digest is the news, not every promise a customer ever broke.
    brokenPromises: brokenPromises(scored.snapshot, promises)
      .filter((p) => p.judgedOn === undefined || p.judgedOn >= addDays(view.asOf, -1))
      .map((p) => ({
        contactName: nameOf(p.contactId),
        promisedDate: p.promisedDate,
        amount: p.amount,
        currency: p.currency,
      })),
    openDisputes: view.signals.disputes
      .filter((d) => isDisputeOpen(d, view.asOf))
      .map((d) => ({
        contactName: nameOf(d.contactId),
        reason: d.reason,
        openedOn: d.openedOn,
        invoiceCount: d.invoiceIds.length || (openInvoiceCount.get(d.contactId) ?? 0),
      })),
  };
  return { priorities, data, messages: buildDigestMessages(data) };
}

/**
 * The ledger's ageing buckets (base currency) from the priority list's open invoices: the same figures as
 * buildAgeing's totals (gross, credits not netted) without a second pass over the ledger, which keeps a 10k
 * invoice digest inside its time budget.
 */
function bucketTotals(priorities: PriorityList, currency: string): BucketAmounts {
  const acc = new Map<AgeingBucket | 'total', Big>();
  for (const i of priorities.invoices) {
    const b = ageingBucketOf(i.daysOverdue);
    acc.set(b, (acc.get(b) ?? new Big(0)).plus(i.baseAmountDue));
    acc.set('total', (acc.get('total') ?? new Big(0)).plus(i.baseAmountDue));
  }
  return Object.fromEntries(
    [...AGEING_BUCKETS, 'total' as const].map((k) => [k, moneyString(acc.get(k) ?? new Big(0), currency)]),
  ) as BucketAmounts;
}

export async function prepareDailyDigest(
  db: Kysely<DB>,
  organisation: Organisation,
  now: Date,
): Promise<PreparedDigest> {
  const view = await loadCollectionsView(db, organisation, now);
  const prev = await previousDigestSnapshot(db, organisation.id, view.asOf);
  const built = assembleDigest(view, prev ? { asOf: prev.asOf, totalOverdue: prev.totalOverdue } : null);
  // Nobody falls through silently: the customers today's plan cannot email go in the thread with a way forward.
  const left = await loadFallThrough(db, view, built.priorities);
  if (left.length === 0) return { view, ...built };
  const data: DigestData = { ...built.data, fallThrough: left };
  return { view, ...built, data, messages: buildDigestMessages(data) };
}

export const digestKey = (orgId: string, asOf: string, part: number) => `digest:${orgId}:${asOf}:${part}`;

export type DigestRun =
  | {
      readonly kind: 'enqueued';
      readonly asOf: string;
      readonly channel: string;
      readonly parts: number;
      readonly escalations: EscalationRun;
    }
  | { readonly kind: 'already-enqueued'; readonly asOf: string; readonly escalations: EscalationRun }
  | { readonly kind: 'skipped'; readonly reason: string };

/**
 * The daily digest job body for one organisation: build it, store today's snapshot, enqueue the header and
 * thread parts (keys per organisation, date and part, so a re-run or a second instance adds nothing), and check
 * escalations. Posting happens in the outbox worker, paced per channel.
 */
export async function runDailyDigest(ctx: AppContext, orgId: string, now: Date): Promise<DigestRun> {
  const db = ctx.database.db;
  const organisation = await getOrganisation(db, orgId);
  if (!organisation) throw new AppError('ORG_NOT_FOUND', `no organisation ${orgId}`);
  const settings = await getSlackSettings(db, orgId, slackDefaults(ctx));
  const prepared = await prepareDailyDigest(db, organisation, now);
  const escalations = await checkEscalations(db, prepared.view, prepared.priorities, settings, now);
  if (!settings.digestChannel) return { kind: 'skipped', reason: 'no digest channel set (use /ar setup)' };
  const { asOf } = prepared.view;
  const headerKey = digestKey(orgId, asOf, 0);
  // The part count can differ if the ledger changed since the first run today: never add to a posted digest.
  if (await findOutboxByKey(db, headerKey)) return { kind: 'already-enqueued', asOf, escalations };
  const channel = settings.digestChannel;
  await db.transaction().execute(async (trx) => {
    await saveDigestSnapshot(
      trx,
      {
        orgId,
        asOf,
        baseCurrency: prepared.data.baseCurrency,
        totalOverdue: prepared.data.totalOverdue,
        overdueCount: prepared.data.overdueCount,
      },
      now,
    );
    await enqueueSlackPost(trx, { orgId, key: headerKey, channel, message: prepared.messages.header, now });
    for (const [i, message] of prepared.messages.thread.entries()) {
      await enqueueSlackPost(trx, {
        orgId,
        key: digestKey(orgId, asOf, i + 1),
        channel,
        message,
        threadKey: headerKey,
        // In order: a retried part must not let the next one overtake it.
        afterKey: i === 0 ? null : digestKey(orgId, asOf, i),
        now,
      });
    }
  });
  return { kind: 'enqueued', asOf, channel, parts: 1 + prepared.messages.thread.length, escalations };
}

export function slackDefaults(ctx: Pick<AppContext, 'config'>): SlackDefaults {
  return (
    ctx.config.slack?.defaults ?? {
      managers: [],
      collectors: [],
      digestChannel: null,
      queueChannel: null,
      escalationChannel: null,
    }
  );
}

/** For `digest --org`: the organisation by name, short code or id (optional with one organisation). */
export async function organisationForDigest(
  db: Kysely<DB>,
  ref: string | undefined,
): Promise<{ kind: 'found'; organisation: Organisation } | { kind: 'error'; message: string }> {
  const hit = await findOrganisation(db, ref);
  if (hit.kind === 'found') return hit;
  if (hit.kind === 'none')
    return {
      kind: 'error',
      message: ref ? `no organisation matches '${ref}'` : 'no organisation connected yet',
    };
  return { kind: 'error', message: `--org is needed; one of: ${hit.matches.map((o) => o.name).join(', ')}` };
}

export type { SlackSettings };
