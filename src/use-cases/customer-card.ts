import type { Kysely } from 'kysely';
import type { Organisation } from '../adapters/db/organisations.js';
import type { DB } from '../adapters/db/schema.js';
import { listReminderSummaries, type ReminderSummary } from '../adapters/db/slack-surface-queries.js';
import type { CustomerDetail, CustomerHoldLine } from '../adapters/slack/blocks/customer.js';
import { customerMessage, xeroContactUrl } from '../adapters/slack/blocks/customer.js';
import type { SlackMessage } from '../adapters/slack/blocks/kit.js';
import { buildAgeing } from '../domain/ageing.js';
import { localDateOf } from '../domain/calendar.js';
import { scoreLedger } from '../domain/collections-scoring.js';
import type { OverrideTier } from '../domain/customer-overrides.js';
import { prioritise } from '../domain/priority.js';
import { type CollectionsView, loadCollectionsView, OPEN_ENDED } from './collections-view.js';
import type { LedgerLoader } from './ledger-cache.js';

const CONTACTS_SHOWN = 5;

function describeReminder(r: ReminderSummary, timezone: string): { when: string; what: string } {
  const step = `step ${r.stepIndex + 1} of ${r.stepCount}`;
  const invoices = `${r.invoiceCount} invoice${r.invoiceCount === 1 ? '' : 's'}`;
  const by = r.decidedByName ? ` by ${r.decidedByName}` : '';
  const what: Record<string, string> = {
    sent: `${r.tone} reminder sent (${step}, ${invoices})${by}`,
    shadowed: `${r.tone} reminder drafted in shadow mode, not sent (${step})`,
    skipped: `${r.tone} reminder skipped${by}`,
    snoozed: `${r.tone} reminder snoozed${by}`,
    escalated: `reminder escalated to a manager${by}`,
    failed: `${r.tone} reminder failed to send`,
  };
  return {
    when: r.sentAt ? localDateOf(r.sentAt, timezone) : r.planDate,
    what: what[r.status] ?? `${r.tone} reminder ${r.status}`,
  };
}

/** The customer card's facts: balance, open invoices, priority and reasons, behaviour, contacts, holds. */
export async function loadCustomerDetail(
  db: Kysely<DB>,
  view: CollectionsView,
  contactId: string,
): Promise<CustomerDetail> {
  const { ledger, asOf, organisation } = view;
  const contact = ledger.contacts.find((c) => c.id === contactId);
  const scored = scoreLedger(ledger, asOf, { signals: view.signals });
  const priorities = prioritise(scored.snapshot, scored.behaviour, scored.risks, scored.signals);
  const ageing = buildAgeing(scored.snapshot, { contactIds: [contactId] });
  const b = scored.behaviour.byContact.get(contactId);
  const reminders = await listReminderSummaries(db, organisation.id, {
    contactId,
    statuses: ['sent', 'shadowed', 'skipped', 'snoozed', 'escalated', 'failed'],
    limit: CONTACTS_SHOWN,
  });
  const tz = ledger.organisation.timezone;
  const mine = view.holds.filter((h) => h.contactId === contactId);
  // A manager's exclusion (a do-not-contact hold) is shown on its own, with the button that resumes chasing.
  const excluded = mine.filter((h) => h.kind === 'do_not_contact');
  const override = (view.tierOverrides ?? []).filter((o) => o.contactId === contactId).at(-1);
  const holds: CustomerHoldLine[] = mine
    .filter((h) => h.kind !== 'do_not_contact')
    .map((h) => ({
      kind: h.kind.replace(/_/g, ' '),
      until: h.until && h.until !== OPEN_ENDED ? h.until : null,
      reason: h.reason,
      by: h.createdByName,
    }));
  return {
    orgId: organisation.id,
    orgName: organisation.name,
    asOf,
    baseCurrency: ledger.organisation.baseCurrency,
    contactId,
    contactName: contact?.name ?? contactId,
    accountNumber: contact?.accountNumber ?? null,
    email: contact?.email ?? null,
    xeroUrl: xeroContactUrl(ledger.organisation.shortCode ?? organisation.shortCode, contactId),
    priority: priorities.customers.find((c) => c.contactId === contactId) ?? null,
    ageing: ageing.customers.find((c) => c.contactId === contactId) ?? null,
    behaviour: b
      ? {
          paidCount: b.paidCount,
          lateShare: b.lateShare,
          meanDaysLate: b.meanDaysLate,
          trend: b.trend.direction,
          trendChangeDays: b.trend.changeDays,
        }
      : null,
    lastContacts: reminders.map((r) => describeReminder(r, tz)),
    holds,
    tierOverride: override
      ? { tier: override.tier, setByName: override.setByName, setOn: localDateOf(override.setAt, tz) }
      : null,
    exclusion: excluded[0]
      ? {
          byName: excluded[0].createdByName,
          since: localDateOf(excluded[0].createdAt, tz),
          reason: excluded[0].reason,
        }
      : null,
  };
}

/** The card as it stands now, from the listeners' shared ledger cache, with `notice` on top when given. */
export async function customerCardNow(
  deps: { readonly db: Kysely<DB>; readonly now: () => Date; readonly ledgers: LedgerLoader },
  organisation: Organisation,
  contactId: string,
  notice?: string,
): Promise<SlackMessage> {
  const view = await loadCollectionsView(deps.db, organisation, deps.now(), deps.ledgers);
  return customerMessage(await loadCustomerDetail(deps.db, view, contactId), notice ? { notice } : {});
}

/** The tier the brain computes today, under any override (a History note says "was Medium"). */
export async function computedTierNow(
  deps: { readonly db: Kysely<DB>; readonly now: () => Date; readonly ledgers: LedgerLoader },
  organisation: Organisation,
  contactId: string,
): Promise<OverrideTier | null> {
  const view = await loadCollectionsView(deps.db, organisation, deps.now(), deps.ledgers);
  const p = (await loadCustomerDetail(deps.db, view, contactId)).priority;
  return p ? (p.tierOverride?.computed ?? p.tier) : null;
}
