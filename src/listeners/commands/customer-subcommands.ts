import type { Organisation } from '../../adapters/db/organisations.js';
import { customerMessage } from '../../adapters/slack/blocks/customer.js';
import type { SlackMessage } from '../../adapters/slack/blocks/kit.js';
import { customerAgingMessage, noticeMessage } from '../../adapters/slack/blocks/reports.js';
import { disputedAsOf } from '../../domain/collections-signals.js';
import type { Contact } from '../../domain/ledger.js';
import { buildAgingReport } from '../../use-cases/collections-reports.js';
import type { CollectionsView } from '../../use-cases/collections-view.js';
import { loadCustomerDetail } from '../../use-cases/customer-card.js';
import { pauseCustomer, resumeCustomer } from '../../use-cases/customer-pause.js';
import type { Actor } from '../../use-cases/decide-reminder.js';
import type { ListenerDeps } from '../slack-context.js';

export type CustomerSub = 'aging' | 'customer' | 'pause' | 'resume';

export interface CustomerExtra {
  readonly until?: string | null;
  readonly reason?: string | null;
}

/** What a customer-scoped subcommand answers once the customer is known (typed or picked from a list). */
export async function runForCustomer(
  deps: ListenerDeps,
  sub: CustomerSub,
  organisation: Organisation,
  view: CollectionsView,
  contact: Contact,
  extra: CustomerExtra,
  actor: Actor,
): Promise<SlackMessage> {
  const db = deps.ctx.database.db;
  switch (sub) {
    case 'aging': {
      const report = buildAgingReport(view.ledger, view.asOf, { contactIds: [contact.id] });
      const c = report.customers[0];
      if (!c) return noticeMessage(`${contact.name} owes nothing as of ${view.asOf}.`);
      return customerAgingMessage(
        organisation.name,
        view.asOf,
        report.baseCurrency,
        c,
        disputedAsOf(view.signals, view.asOf),
      );
    }
    case 'customer':
      return customerMessage(await loadCustomerDetail(db, view, contact.id));
    case 'pause': {
      const out = await pauseCustomer(db, {
        orgId: organisation.id,
        contactId: contact.id,
        contactName: contact.name,
        until: extra.until ?? null,
        reason: extra.reason ?? null,
        actor,
        asOf: view.asOf,
        now: deps.ctx.clock.now(),
        via: 'command',
      });
      if (out.kind !== 'paused') return noticeMessage(out.reason);
      return noticeMessage(
        `Paused chasing ${contact.name}${out.until ? ` until ${out.until}` : ' until resumed'}${extra.reason ? `: ${extra.reason}` : ''}. Noted in Xero.`,
      );
    }
    case 'resume': {
      const out = await resumeCustomer(db, {
        orgId: organisation.id,
        contactId: contact.id,
        contactName: contact.name,
        actor,
        now: deps.ctx.clock.now(),
        via: 'command',
      });
      if (out.kind === 'forbidden') return noticeMessage(out.reason);
      if (out.kind === 'not-paused') return noticeMessage(`${contact.name} is not paused.`);
      return noticeMessage(`Chasing ${contact.name} again. Noted in Xero.`);
    }
  }
}
