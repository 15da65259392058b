import { DateTime } from 'luxon';
import { listOpenCallTasks } from '../adapters/db/call-tasks.js';
import {
  listAcceptedPromises,
  listCardDecisions,
  listSentFromApprovals,
} from '../adapters/db/collector-numbers-queries.js';
import { countWaitingReplies } from '../adapters/db/customer-replies.js';
import { listOrganisations } from '../adapters/db/organisations.js';
import { getSlackSettings } from '../adapters/db/slack-settings.js';
import {
  contactsDecidedSince,
  countReminders,
  listEscalationStates,
  listReminderSummaries,
} from '../adapters/db/slack-surface-queries.js';
import type { HomeOrg, HomePromise } from '../adapters/slack/blocks/home.js';
import type { UserDirectory } from '../adapters/slack/user-directory.js';
import type { AppContext } from '../context.js';
import { buildKpis } from '../domain/ar-kpis.js';
import { addDays } from '../domain/calendar.js';
import { scoreLedger } from '../domain/collections-scoring.js';
import { COLLECTOR_NUMBERS_DAYS, collectorNumbers } from '../domain/collector-numbers.js';
import { dec } from '../domain/money.js';
import { prioritise } from '../domain/priority.js';
import { type CollectionsView, loadCollectionsView } from './collections-view.js';
import { slackDefaults } from './daily-digest.js';
import { loadFallThrough } from './fall-through.js';
import { actorFor } from './slack-scope.js';

const QUEUE_SIZE = 20;

/** Today's promises for the collector: due today (still active), and broken since yesterday. */
function promisesToday(view: CollectionsView, names: ReadonlyMap<string, string>): HomePromise[] {
  const since = addDays(view.asOf, -1);
  return view.signals.promises.flatMap((p): HomePromise[] => {
    const line = {
      customerName: names.get(p.contactId) ?? p.contactId,
      earliest: p.promisedDate,
      latest: p.promisedDate,
      amount: p.amount,
      currency: p.currency,
    };
    if (p.outcome === 'broken' && p.judgedOn !== undefined && p.judgedOn >= since)
      return [{ ...line, state: 'broken' }];
    if (p.cancelledOn === null && p.promisedDate === view.asOf) return [{ ...line, state: 'due' }];
    return [];
  });
}
const APPROVALS_LISTED = 10;

/**
 * What a user's App Home shows, per organisation they work on: the approval cards waiting for a decision
 * (reminders have no owner yet, so every pending card of the team, counted in full, the oldest plans listed),
 * their call tasks, their queue (no customer ownership exists yet: every customer with something overdue, by
 * priority, less those worked on today), the customers no reminder can reach, today's tasks, team KPIs, and
 * their own numbers over the last 30 days (cards decided, reminders sent, hit rate, promises kept).
 * Organisations where the user has no role are left out.
 */
export async function loadAppHome(
  ctx: Pick<AppContext, 'database' | 'clock' | 'config'>,
  users: UserDirectory,
  userId: string,
): Promise<{ userName: string; orgs: HomeOrg[] }> {
  const db = ctx.database.db;
  const now = ctx.clock.now();
  const orgs: HomeOrg[] = [];
  for (const organisation of await listOrganisations(db)) {
    const settings = await getSlackSettings(db, organisation.id, slackDefaults(ctx));
    const actor = await actorFor(users, settings, userId);
    if (!actor.isCollector) continue;
    const view = await loadCollectionsView(db, organisation, now);
    const scored = scoreLedger(view.ledger, view.asOf, { signals: view.signals });
    const priorities = prioritise(scored.snapshot, scored.behaviour, scored.risks, scored.signals);
    const kpis = buildKpis(scored.index, scored.snapshot);
    const names = new Map(view.ledger.contacts.map((c) => [c.id, c.name]));
    const statuses = actor.isManager ? (['proposed', 'escalated'] as const) : (['proposed'] as const);
    const zone = view.ledger.organisation.timezone;
    const startOfToday = DateTime.fromISO(view.asOf, { zone }).startOf('day').toJSDate();
    // "Your numbers" reads from the start of the first of the last 30 organisation-local days (a day early, to be
    // safe across zone offsets; the domain cuts at the organisation's days).
    const since = DateTime.fromISO(addDays(view.asOf, -COLLECTOR_NUMBERS_DAYS), { zone }).toJSDate();
    const [pending, waiting, decidedToday, allEscalations, fallThrough, calls, replies, mine] =
      await Promise.all([
        listReminderSummaries(db, organisation.id, { statuses, limit: APPROVALS_LISTED, oldestFirst: true }),
        countReminders(db, organisation.id, statuses),
        contactsDecidedSince(db, organisation.id, startOfToday),
        listEscalationStates(db, organisation.id),
        loadFallThrough(db, view, priorities),
        listOpenCallTasks(db, organisation.id, userId),
        countWaitingReplies(db, organisation.id),
        Promise.all([
          listCardDecisions(db, organisation.id, userId, since),
          listSentFromApprovals(db, organisation.id, userId, since),
          listAcceptedPromises(db, organisation.id, userId, since),
        ]),
      ]);
    const [decisions, sent, accepted] = mine;
    const escalations = allEscalations.filter((s) => s.active);
    // "Your queue" is who to work on next: a customer whose card was decided today, or whose call is in hand,
    // has been worked on.
    const inHand = new Set([...decidedToday, ...calls.map((t) => t.contactId)]);
    orgs.push({
      orgId: organisation.id,
      orgName: organisation.name,
      asOf: view.asOf,
      baseCurrency: priorities.baseCurrency,
      role: actor.isManager ? 'manager' : 'collector',
      approvalsWaiting: waiting,
      repliesWaiting: replies,
      approvals: pending.map((r) => ({
        contactName: names.get(r.contactId) ?? r.contactId,
        status: r.status,
        planDate: r.planDate,
        tone: r.tone,
        invoiceCount: r.invoiceCount,
        permalink: null,
      })),
      queue: priorities.customers
        .filter((c) => dec(c.overdueBase).gt(0) && !inHand.has(c.contactId))
        .slice(0, QUEUE_SIZE),
      fallThrough,
      calls: calls.map((t) => ({
        id: t.id,
        customerName: names.get(t.contactId) ?? t.contactId,
        reason: t.reason,
        createdAt: t.createdAt,
      })),
      promisesDueToday: view.signals.promises.filter(
        (p) => p.promisedDate === view.asOf && p.cancelledOn === null,
      ).length,
      promisesToday: promisesToday(view, names),
      escalationsOpen: escalations.length,
      ledgerAge: view.ledgerAge ?? null,
      yourNumbers: collectorNumbers(
        { ledger: view.ledger, decisions, sent, promises: accepted },
        { asOf: view.asOf },
      ),
      kpis: {
        overdue: kpis.ar.overdue,
        total: kpis.ar.total,
        dsoDays: kpis.dso.days,
        ceiPercent: kpis.cei.percent,
        averageDaysDelinquent: kpis.averageDaysDelinquent,
      },
    });
  }
  return { userName: await users.displayName(userId), orgs };
}
