import type { Kysely } from 'kysely';
import { getDunningPolicy } from '../adapters/db/dunning-queries.js';
import type { DB } from '../adapters/db/schema.js';
import type { SlackSettings } from '../adapters/db/slack-settings.js';
import { listEscalationStates, setEscalationState } from '../adapters/db/slack-surface-queries.js';
import { escalationMessage } from '../adapters/slack/blocks/escalation.js';
import { context, escapeMrkdwn, section } from '../adapters/slack/blocks/kit.js';
import { type CustomerState, type Escalation, planDunning } from '../domain/dunning-planner.js';
import type { PriorityList } from '../domain/priority.js';
import type { CollectionsView } from './collections-view.js';
import { enqueueSlackPost } from './slack-posts.js';

/**
 * Escalations posted one by one per run; past this (a first run on a neglected ledger) the rest go into one
 * summary post, so the channel is not flooded and posting finishes in seconds, not hours.
 */
export const ESCALATIONS_PER_RUN = 10;
const SUMMARY_NAMES = 40;

export interface EscalationRun {
  readonly crossed: readonly string[];
  readonly cleared: readonly string[];
  /** Customers still above the thresholds (already posted on an earlier day). */
  readonly ongoing: number;
}

/**
 * Posts a customer to the escalation channel when they cross the policy's escalation thresholds (amount,
 * age, risk, broken promises: the dunning planner's rule), once per crossing: a customer who drops below and
 * crosses again is posted again, with a new key.
 */
export async function checkEscalations(
  db: Kysely<DB>,
  view: CollectionsView,
  priorities: PriorityList,
  settings: SlackSettings,
  now: Date,
): Promise<EscalationRun> {
  const orgId = view.organisation.id;
  const { policy } = await getDunningPolicy(db, orgId);
  const contacts = new Map(view.ledger.contacts.map((c) => [c.id, c]));
  const customers: CustomerState[] = priorities.customers.map((c) => ({
    contactId: c.contactId,
    name: c.contactName,
    hasEmail: Boolean(contacts.get(c.contactId)?.email),
    archived: contacts.get(c.contactId)?.status === 'ARCHIVED',
    tier: c.tier,
    risk: Math.max(0, ...c.invoices.map((i) => i.risk)),
    contactGroups: contacts.get(c.contactId)?.groups ?? [],
    openItems: c.invoices,
    history: [],
    pausedUntil: c.pausedUntil,
    hasOpenDispute: c.openDisputes > 0,
    promiseDueOn: null,
    brokenPromises: c.brokenPromises,
  }));
  const plan = planDunning({ asOf: view.asOf, baseCurrency: priorities.baseCurrency, policy, customers });
  const above = new Map(plan.escalations.map((e) => [e.contactId, e]));
  const states = new Map((await listEscalationStates(db, orgId)).map((s) => [s.contactId, s]));
  const byId = new Map(priorities.customers.map((c) => [c.contactId, c]));
  const crossed: string[] = [];
  const cleared: string[] = [];
  let ongoing = 0;

  await db.transaction().execute(async (trx) => {
    for (const [contactId, state] of states) {
      if (state.active && !above.has(contactId)) {
        await setEscalationState(trx, orgId, { ...state, active: false }, now);
        cleared.push(contactId);
      }
    }
    const channel = settings.escalationChannel;
    if (!channel) return;
    const summarised: Escalation[] = [];
    for (const e of plan.escalations) {
      const state = states.get(e.contactId);
      if (state?.active) {
        ongoing++;
        continue;
      }
      const c = byId.get(e.contactId)!;
      if (crossed.length >= ESCALATIONS_PER_RUN) {
        summarised.push(e);
        await setEscalationState(
          trx,
          orgId,
          { contactId: e.contactId, active: true, crossedOn: view.asOf, reasons: e.reasons },
          now,
        );
        continue;
      }
      await setEscalationState(
        trx,
        orgId,
        { contactId: e.contactId, active: true, crossedOn: view.asOf, reasons: e.reasons },
        now,
      );
      await enqueueSlackPost(trx, {
        orgId,
        key: `escalation:${orgId}:${e.contactId}:${view.asOf}`,
        channel,
        message: escalationMessage({
          orgId,
          orgName: view.organisation.name,
          contactId: e.contactId,
          customerName: e.customerName,
          crossedOn: view.asOf,
          baseCurrency: priorities.baseCurrency,
          overdueBase: e.overdueBase,
          balanceBase: c.balanceBase,
          oldestDaysOverdue: e.oldestDaysOverdue,
          maxRisk: Math.max(0, ...c.invoices.map((i) => i.risk)),
          brokenPromises: c.brokenPromises,
          reasons: e.reasons,
        }),
        now,
      });
      crossed.push(e.contactId);
    }
    if (summarised.length > 0) {
      const names = summarised
        .slice(0, SUMMARY_NAMES)
        .map((e) => `• ${escapeMrkdwn(e.customerName)}: ${e.reasons.join('; ')}`);
      const more =
        summarised.length > SUMMARY_NAMES ? `\n…and ${summarised.length - SUMMARY_NAMES} more` : '';
      await enqueueSlackPost(trx, {
        orgId,
        key: `escalation-summary:${orgId}:${view.asOf}`,
        channel,
        message: {
          text: `${summarised.length} more customers crossed the escalation thresholds`,
          blocks: [
            section(
              `*${summarised.length} more customers crossed the escalation thresholds today*\n${names.join('\n')}${more}`,
            ),
            context('Posted together to keep the channel readable. `/ar customer NAME` opens any of them.'),
          ],
        },
        now,
      });
      crossed.push(...summarised.map((e) => e.contactId));
    }
  });
  return { crossed, cleared, ongoing };
}
