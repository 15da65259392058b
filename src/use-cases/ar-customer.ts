import { z } from 'zod';
import type { Organisation } from '../adapters/db/organisations.js';
import { customerMessage } from '../adapters/slack/blocks/customer.js';
import type { SlackMessage } from '../adapters/slack/blocks/kit.js';
import {
  customerAgingMessage,
  noticeMessage,
  pickCustomerMessage,
} from '../adapters/slack/blocks/reports.js';
import { disputedAsOf } from '../domain/collections-signals.js';
import { parseJsonAs } from '../domain/json-value.js';
import type { Contact } from '../domain/ledger.js';
import { type ArAnswerDeps, type ArReply, say } from './ar-answer-deps.js';
import { authorizeSlack, NO_LONGER_CONNECTED } from './authorize-slack.js';
import { buildAgingReport } from './collections-reports.js';
import { type CollectionsView, loadCollectionsView } from './collections-view.js';
import { loadCustomerDetail } from './customer-card.js';
import { pauseCustomer, resumeCustomer } from './customer-pause.js';
import type { Actor } from './decide-reminder.js';
import { findCustomers } from './find-customers.js';

export type CustomerSub = 'aging' | 'customer' | 'pause' | 'resume';

export interface CustomerExtra {
  readonly until?: string | null;
  readonly reason?: string | null;
}

/** What a customer pick button carries, so the click runs the same subcommand on the chosen customer. */
const PickValueSchema = z.object({
  s: z.enum(['aging', 'customer', 'pause', 'resume']),
  o: z.string().min(1).max(100),
  c: z.string().min(1).max(100),
  u: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .nullish(),
  r: z.string().max(500).nullish(),
  sh: z.boolean().optional(),
});
export type PickValue = z.infer<typeof PickValueSchema>;

/**
 * A typed customer name: one match answers at once; several offer a button each (which carries the subcommand
 * and its arguments); none says so.
 */
export async function answerForCustomerName(
  deps: ArAnswerDeps,
  input: {
    sub: CustomerSub;
    query: string;
    extra: CustomerExtra;
    share: boolean;
    organisation: Organisation;
    view: CollectionsView;
    actor: Actor;
  },
): Promise<ArReply> {
  const { organisation, query, extra } = input;
  const lookup = findCustomers(input.view.ledger.contacts, query);
  if (lookup.kind === 'none') return say(noticeMessage(`No customer matches "${query}".`));
  if (lookup.kind === 'ambiguous') {
    return say(
      pickCustomerMessage(query, lookup.matches, (c) =>
        JSON.stringify({
          s: input.sub,
          o: organisation.id,
          c: c.id,
          u: extra.until ?? null,
          r: extra.reason?.slice(0, 500) ?? null,
          sh: input.share,
        } satisfies PickValue),
      ),
    );
  }
  const m = await runForCustomer(
    deps,
    input.sub,
    organisation,
    input.view,
    lookup.contact,
    extra,
    input.actor,
  );
  return say(m, input.share);
}

/** A customer chosen from "several customers match": the original subcommand, run on them. */
export type PickAnswer =
  | { readonly kind: 'refused'; readonly message: string }
  | { readonly kind: 'answer'; readonly message: SlackMessage; readonly share: boolean };

export async function answerCustomerPick(
  deps: ArAnswerDeps,
  input: { value: string | undefined; userId: string },
): Promise<PickAnswer> {
  const pick = parseJsonAs(PickValueSchema, input.value);
  if (!pick) return { kind: 'refused', message: 'That choice has expired; run the command again.' };
  const auth = await authorizeSlack(deps, {
    orgRef: pick.o,
    userId: input.userId,
    role: 'collector',
    what: `pick ${pick.s}`,
    refusal: ({ org }) => `You are not on the AR team for ${org.name}.`,
  });
  if (auth.kind === 'refused')
    return { kind: 'refused', message: auth.reason === 'role' ? auth.message : NO_LONGER_CONNECTED };
  const { org, actor } = auth;
  const view = await loadCollectionsView(deps.db, org, deps.now(), deps.ledgers);
  const contact = view.ledger.contacts.find((c) => c.id === pick.c);
  const message = contact
    ? await runForCustomer(
        deps,
        pick.s,
        org,
        view,
        contact,
        { until: pick.u ?? null, reason: pick.r ?? null },
        actor,
      )
    : noticeMessage('That customer is no longer in Xero.');
  return { kind: 'answer', message, share: pick.sh === true };
}

/** What a customer-scoped subcommand answers once the customer is known (typed or picked from a list). */
async function runForCustomer(
  deps: Pick<ArAnswerDeps, 'db' | 'now'>,
  sub: CustomerSub,
  organisation: Organisation,
  view: CollectionsView,
  contact: Contact,
  extra: CustomerExtra,
  actor: Actor,
): Promise<SlackMessage> {
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
      return customerMessage(await loadCustomerDetail(deps.db, view, contact.id));
    case 'pause': {
      const out = await pauseCustomer(deps.db, {
        orgId: organisation.id,
        contactId: contact.id,
        contactName: contact.name,
        until: extra.until ?? null,
        reason: extra.reason ?? null,
        actor,
        asOf: view.asOf,
        now: deps.now(),
        via: 'command',
      });
      if (out.kind !== 'paused') return noticeMessage(out.reason);
      return noticeMessage(
        `Paused chasing ${contact.name}${out.until ? ` until ${out.until}` : ' until resumed'}${extra.reason ? `: ${extra.reason}` : ''}. Noted in Xero.`,
      );
    }
    case 'resume': {
      const out = await resumeCustomer(deps.db, {
        orgId: organisation.id,
        contactId: contact.id,
        contactName: contact.name,
        actor,
        now: deps.now(),
        via: 'command',
      });
      if (out.kind === 'forbidden') return noticeMessage(out.reason);
      if (out.kind === 'not-paused') return noticeMessage(`${contact.name} is not paused.`);
      return noticeMessage(`Chasing ${contact.name} again. Noted in Xero.`);
    }
  }
}
