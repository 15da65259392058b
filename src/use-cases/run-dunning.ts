// Over 300 lines: the morning's planning run: load inputs, plan, draft, vouch and queue cards in one idempotent pass.
import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import { recordAuditEvent } from '../adapters/db/audit-events.js';
import { type CustomerOverride, listActiveOverrides } from '../adapters/db/customer-overrides.js';
import {
  type ActiveHold,
  addDraftVersion,
  getDunningPolicy,
  getReminderStatus,
  hasDraft,
  insertReminderIfAbsent,
  listActiveHolds,
  loadContactHistory,
  lockReminder,
  transitionReminder,
} from '../adapters/db/dunning-queries.js';
import { loadLedger } from '../adapters/db/ledger-queries.js';
import {
  markPromiseCited,
  type PaymentPromiseRecord,
  uncitedBrokenPromise,
} from '../adapters/db/payment-promises.js';
import {
  listOpenReminders,
  listRecipientOverrides,
  listRefusedRecipients,
  type RecipientOverride,
  type RefusedRecipients,
  type ReminderCardFacts,
  setReminderFacts,
} from '../adapters/db/reminder-cards.js';
import type { DB, ReminderStatus } from '../adapters/db/schema.js';
import { getSyncState } from '../adapters/db/xero-sync-state.js';
import type { ReminderDrafter } from '../adapters/llm/reminder-drafter.js';
import { enqueueOutbox } from '../adapters/outbox/outbox-store.js';
import type { OnlineInvoiceFetcher } from '../adapters/xero/online-invoices.js';
import { reminderMessageId } from '../domain/audit-notes.js';
import { addBusinessDays } from '../domain/business-calendar.js';
import { addDays, localDateOf } from '../domain/calendar.js';
import { groupByContact } from '../domain/collections-signals.js';
import { type AccountCredit, creditsOnAccount } from '../domain/credit-on-account.js';
import {
  type ChaseAction,
  type ContactRecord,
  type CustomerState,
  calendarOf,
  type PlanResult,
  planDunning,
} from '../domain/dunning-planner.js';
import type { DunningPolicy } from '../domain/dunning-policy.js';
import type { Contact, IsoDate, Ledger } from '../domain/ledger.js';
import { describeAge, ledgerAge } from '../domain/ledger-freshness.js';
import { OUTBOX_REMINDER_CARD, OUTBOX_SEND_REMINDER } from '../domain/outbox-kinds.js';
import type { CustomerPriority, PriorityList } from '../domain/priority.js';
import type { BrokenPromiseFact, DraftFacts, TemplateKey } from '../domain/reminder-draft.js';
import { AppError } from '../errors.js';
import { listPriorities } from './collections-reports.js';
import { listSignalPromises, OPEN_ENDED, signalsFromHolds } from './collections-view.js';
import { composeReminderDraft } from './compose-reminder-draft.js';
import { type OnlineLinkBudget, onlineInvoiceLinks, onlineLinkBudget } from './online-invoice-links.js';
import { XERO_EMAIL_DRAFT_NOTE } from './send-xero-email.js';

/** For the other helper's escalation channel; the run enqueues it whether or not a handler is registered. */

export interface RunDunningDeps {
  readonly db: Kysely<DB>;
  readonly drafter: ReminderDrafter | null;
  readonly hashInputs: (facts: DraftFacts) => string;
  /** Customers drafted at once (default 4). */
  readonly concurrency?: number;
  /** Fetches Xero's online-invoice links not yet cached; null or absent: cached links only. */
  readonly onlineInvoices?: OnlineInvoiceFetcher | null;
}

export interface RunDunningInput {
  readonly orgId: string;
  /** The instant of the run; the business day is its calendar date in the organisation's zone. */
  readonly now: Date;
  /** Overrides the business day (CLI --as-of, backfills). */
  readonly asOf?: IsoDate;
  /** Plan only: nothing is written, drafted or posted. */
  readonly dryRun?: boolean;
  /** Right-hand side of the reminder Message-IDs (the sending mailbox's domain). */
  readonly messageDomain: string;
  /** Signs the drafts. */
  readonly senderName: string;
}

export interface RunDunningReminder {
  readonly reminderId: string;
  readonly contactId: string;
  readonly customerName: string;
  /** The reminder's status now: what the run proposed, or where an earlier run's reminder has got to. */
  readonly status: ReminderStatus;
  readonly autoSend: boolean;
  readonly created: boolean;
  readonly draftSource: 'claude' | 'template' | null;
  readonly fallbackReason: string | null;
}

export interface RunDunningResult {
  readonly orgId: string;
  readonly asOf: IsoDate;
  readonly plan: PlanResult;
  readonly reminders: readonly RunDunningReminder[];
  /** Snoozed reminders whose date came, put back in front of a person. */
  readonly resurfaced: number;
  readonly superseded: number;
  /** Calls this run spent on Xero online-invoice links, and why it stopped asking (null: it did not). */
  readonly onlineLinks?: { readonly fetched: number; readonly stopped: string | null };
}

export interface PlanChasesInput {
  readonly ledger: Ledger;
  readonly asOf: IsoDate;
  readonly policy: DunningPolicy;
  readonly holds: readonly ActiveHold[];
  readonly history: ReadonlyMap<string, readonly ContactRecord[]>;
  readonly overrides: ReadonlyMap<string, RecipientOverride>;
  /** Reminders not yet finished (a snoozed one keeps its customer quiet). */
  readonly open: readonly { contactId: string; status: ReminderStatus; snoozedUntil: IsoDate | null }[];
  /** Per customer, the addresses refused or bounced the last time they were written to (listRefusedRecipients). */
  readonly refused?: ReadonlyMap<string, RefusedRecipients>;
  /** The ledger's priority list when the caller has scored it already with the same holds (the digest). */
  readonly priorities?: PriorityList;
  /** Tracked promises to pay (active and judged): broken ones count towards escalation. */
  readonly promises?: readonly PaymentPromiseRecord[];
  /** Managers' priority tiers in force: they replace the computed tier, so the sequence follows them. */
  readonly tierOverrides?: readonly CustomerOverride[];
}

/** What planning reads besides the ledger, loaded in one go. */
export type PlanInputs = Omit<PlanChasesInput, 'ledger' | 'asOf' | 'priorities' | 'open'> & {
  readonly open: Awaited<ReturnType<typeof listOpenReminders>>;
  readonly templates: Awaited<ReturnType<typeof getDunningPolicy>>['templates'];
};

export async function loadPlanInputs(db: Kysely<DB>, orgId: string): Promise<PlanInputs> {
  const [stored, holds, history, overrides, open, refused, promises, tierOverrides] = await Promise.all([
    getDunningPolicy(db, orgId),
    listActiveHolds(db, orgId),
    loadContactHistory(db, orgId),
    listRecipientOverrides(db, orgId),
    listOpenReminders(db, orgId),
    listRefusedRecipients(db, orgId),
    listSignalPromises(db, orgId),
    listActiveOverrides(db, orgId),
  ]);
  return {
    policy: stored.policy,
    templates: stored.templates,
    holds,
    history,
    overrides,
    open,
    refused,
    promises,
    tierOverrides,
  };
}

/**
 * Steps 2–3 of a run, with no I/O: score the ledger with what collectors told us (holds are the brain's
 * signals too), then plan. Do-not-contact holds join the policy's list; a snooze keeps the customer quiet
 * until its date.
 */
export function planChases(input: PlanChasesInput): {
  priorities: PriorityList;
  plan: PlanResult;
  customers: CustomerState[];
} {
  const { ledger, asOf, holds } = input;
  const priorities =
    input.priorities ??
    listPriorities(ledger, asOf, {
      signals: signalsFromHolds(
        holds,
        ledger.organisation.timezone,
        input.promises ?? [],
        input.tierOverrides ?? [],
      ),
    });
  const dnc = holds.filter((h) => h.kind === 'do_not_contact').map((h) => h.contactId);
  const policy: DunningPolicy = { ...input.policy, doNotContact: [...input.policy.doNotContact, ...dnc] };
  const snoozedUntil = new Map<string, IsoDate>();
  for (const r of input.open) {
    if (r.status === 'snoozed' && r.snoozedUntil && r.snoozedUntil > asOf) {
      const prev = snoozedUntil.get(r.contactId);
      if (!prev || r.snoozedUntil > prev) snoozedUntil.set(r.contactId, r.snoozedUntil);
    }
  }
  const contacts = new Map(ledger.contacts.map((c) => [c.id, c]));
  const holdsByContact = groupByContact(holds);
  // A promise is judged the business day after its grace (promise-outcomes.ts); chasing waits until then. Promise
  // dates repeat across customers, and a business-day walk reads the holiday calendar: once per date.
  const calendar = calendarOf(policy);
  const quietThrough = new Map<IsoDate, IsoDate>();
  const promiseQuietThrough = (until: IsoDate): IsoDate => {
    let q = quietThrough.get(until);
    if (q === undefined) {
      q = addBusinessDays(until, policy.promiseGraceBusinessDays, calendar);
      quietThrough.set(until, q);
    }
    return q;
  };
  const customers = priorities.customers.map((cp) =>
    customerState(
      cp,
      contacts.get(cp.contactId),
      holdsByContact.get(cp.contactId) ?? [],
      input.history,
      input.overrides,
      input.refused ?? new Map(),
      snoozedUntil,
      asOf,
      ledger.organisation.timezone,
      promiseQuietThrough,
    ),
  );
  const plan = planDunning({ asOf, baseCurrency: ledger.organisation.baseCurrency, policy, customers });
  return { priorities, plan, customers };
}

/**
 * The daily dunning run for one organisation:
 * 1. load the ledger, the policy, holds, contact history and recipients; 2. score it (the collections brain);
 * 3. plan (pure); 4. per chase: insert the reminder once, draft it (Claude, checked, or the template), store
 * the draft and card facts, queue the card (and the send when auto policy allows); 5. queue escalations.
 * Running it twice on a day proposes nothing new.
 */
export async function runDunning(deps: RunDunningDeps, input: RunDunningInput): Promise<RunDunningResult> {
  const { db } = deps;
  // 1. Load. A ledger a day old plans nothing: a customer may have paid since the last complete sync.
  const ledger = await loadLedger(db, input.orgId);
  const sync = await getSyncState(db, input.orgId, input.now.getTime());
  const inputs = await loadPlanInputs(db, input.orgId);
  const limitHours = inputs.policy.staleLedgerHours;
  const age = ledgerAge(sync?.lastCompleteAt ?? null, input.now, limitHours);
  if (age?.stale && !input.dryRun) {
    const why =
      sync?.last && !sync.last.ok && sync.last.error
        ? ` The last sync failed: ${sync.last.error.slice(0, 300)}.`
        : '';
    throw new AppError(
      'LEDGER_STALE',
      `The ledger of ${ledger.organisation.name} is ${describeAge(age.minutes)} old, past the ${limitHours}-hour limit: no reminders are planned until a sync from Xero completes.${why}`,
    );
  }
  const zone = ledger.organisation.timezone;
  const asOf = input.asOf ?? localDateOf(input.now, zone);
  const { overrides, open } = inputs;

  // 2–3. Score and plan (no I/O).
  const { priorities, plan } = planChases({ ...inputs, ledger, asOf });
  const contacts = new Map(ledger.contacts.map((c) => [c.id, c]));
  if (input.dryRun) {
    return {
      orgId: input.orgId,
      asOf,
      plan,
      reminders: [],
      resurfaced: 0,
      superseded: 0,
    };
  }

  // 4a. Snoozes that have run out come back as proposals.
  let resurfaced = 0;
  const waiting = new Set(open.filter((r) => r.status === 'proposed').map((r) => r.id));
  for (const r of open) {
    if (r.status !== 'snoozed' || !r.snoozedUntil || r.snoozedUntil > asOf) continue;
    const back = await db.transaction().execute(async (trx) => {
      const moved = await transitionReminder(trx, r.id, ['snoozed'], 'proposed', { now: input.now });
      if (moved) await enqueueCard(trx, input.orgId, r.id, `resurfaced:${asOf}`, input.now);
      return moved;
    });
    if (back) {
      resurfaced++;
      waiting.add(r.id);
    }
  }

  // 4b. One reminder per chase.
  const byContact = new Map(priorities.customers.map((c) => [c.contactId, c]));
  const escalationsByContact = new Map(plan.escalations.map((e) => [e.contactId, e.reasons]));
  const chaseActions = plan.actions.filter((a): a is ChaseAction => a.kind === 'chase');
  const credits = creditsOnAccount(ledger, asOf, new Set(chaseActions.map((a) => a.contactId)));
  const linkBudget = onlineLinkBudget();
  let superseded = 0;
  const proposeOne = async (action: ChaseAction): Promise<RunDunningReminder> => {
    const recipients = withoutRefused(
      recipientsFor(contacts.get(action.contactId), overrides.get(action.contactId)),
      inputs.refused?.get(action.contactId),
    );
    const outcome = await proposeReminder(deps, input, {
      ledger,
      asOf,
      action,
      recipients,
      priority: byContact.get(action.contactId),
      escalationReasons: escalationsByContact.get(action.contactId) ?? [],
      templates: inputs.templates,
      contact: contacts.get(action.contactId),
      sendStart: inputs.policy.sendWindow.start,
      credits: credits.get(action.contactId) ?? [],
      linkBudget,
    });
    if (outcome.created) {
      // An older proposal for the same customer that nobody decided is replaced by today's step.
      for (const old of open) {
        if (old.contactId !== action.contactId || old.purpose !== action.purpose) continue;
        if (!waiting.has(old.id) || old.id === outcome.reminderId) continue;
        const moved = await db.transaction().execute(async (trx) => {
          const ok = await transitionReminder(trx, old.id, ['proposed'], 'superseded', { now: input.now });
          if (ok) await enqueueCard(trx, input.orgId, old.id, 'superseded', input.now);
          return ok;
        });
        if (moved) superseded++;
      }
    }
    return outcome;
  };
  // One customer per action, so actions are independent: a few run at once, because each may wait seconds for
  // a Claude draft (1,000 customers one by one would take most of the morning).
  const reminders = await mapWithConcurrency(chaseActions, deps.concurrency ?? 4, proposeOne);

  // Escalations are in the plan for the caller to show; the daily digest posts them to the managers' channel
  // (once per crossing), so the morning run does not queue a second copy.
  return {
    orgId: input.orgId,
    asOf,
    plan,
    reminders,
    resurfaced,
    superseded,
    onlineLinks: { fetched: linkBudget.fetched, stopped: linkBudget.stopped },
  };
}

interface ProposeContext {
  readonly ledger: Ledger;
  readonly asOf: IsoDate;
  readonly action: ChaseAction;
  readonly recipients: RecipientOverride;
  readonly priority: CustomerPriority | undefined;
  readonly escalationReasons: readonly string[];
  readonly templates: Awaited<ReturnType<typeof getDunningPolicy>>['templates'];
  readonly contact: Contact | undefined;
  /** The policy's send window opening, HH:MM local. */
  readonly sendStart: string;
  /** The customer's unapplied credit, per currency, as of the plan date. */
  readonly credits: readonly AccountCredit[];
  readonly linkBudget: OnlineLinkBudget;
}

async function proposeReminder(
  deps: RunDunningDeps,
  input: RunDunningInput,
  p: ProposeContext,
): Promise<RunDunningReminder> {
  const { db } = deps;
  const { action } = p;
  const status: ReminderStatus =
    action.mode === 'shadow' ? 'shadowed' : action.autoSend ? 'approved' : 'proposed';
  const carrying = action.invoices[0]!;
  const messageId = reminderMessageId({
    orgId: input.orgId,
    contactId: action.contactId,
    purpose: action.purpose,
    stepIndex: action.stepIndex,
    carryingInvoiceId: carrying.invoiceId,
    domain: input.messageDomain,
  });
  const { id } = await insertReminderIfAbsent(
    db,
    {
      orgId: input.orgId,
      contactId: action.contactId,
      purpose: action.purpose,
      segment: action.segment,
      stepIndex: action.stepIndex,
      stepCount: action.stepCount,
      tone: action.step.tone,
      channel: action.step.channel,
      mode: action.mode,
      autoSend: action.autoSend && action.mode !== 'shadow',
      carryingInvoiceId: carrying.invoiceId,
      invoiceIds: action.invoices.map((i) => i.invoiceId),
      planDate: p.asOf,
      reason: action.reason,
      status,
      recipients: p.recipients.recipients,
      cc: p.recipients.cc,
      messageId,
    },
    input.now,
  );
  const base = { reminderId: id, contactId: action.contactId, customerName: action.customerName, status };
  // Finished on an earlier run (or by another instance): nothing new to propose.
  if (await hasDraft(db, id)) {
    const current = await getReminderStatus(db, id);
    return {
      ...base,
      status: current.status,
      created: false,
      autoSend: current.autoSend,
      draftSource: null,
      fallbackReason: null,
    };
  }

  // The model call happens outside any transaction; a run that dies here finishes the draft next time.
  const org = p.ledger.organisation;
  // The first overdue reminder after a broken promise says so (#18 part 4); the ones after it do not repeat it.
  const broken =
    action.purpose === 'overdue' ? await uncitedBrokenPromise(db, input.orgId, action.contactId) : null;
  // Xero's own invoice email carries Xero's own link and text: our draft is not sent, so it costs neither a call
  // for a link nor a model call.
  const viaXero = action.step.channel === 'xero_email';
  const links = viaXero
    ? new Map<string, string>()
    : await onlineInvoiceLinks(
        { db, fetcher: deps.onlineInvoices ?? null, now: input.now, budget: p.linkBudget },
        input.orgId,
        action.invoices.map((i) => i.invoiceId),
      );
  const facts: DraftFacts = {
    purpose: action.purpose,
    tone: action.step.tone,
    customerName: action.customerName,
    contactFirstName: firstNameOf(p.contact),
    companyName: org.name,
    senderName: input.senderName,
    asOf: p.asOf,
    invoices: action.invoices.map((i) => ({
      number: i.invoiceNumber ?? i.invoiceId,
      currency: i.currency,
      amountDue: i.amountDue,
      dueDate: i.dueDate,
      daysOverdue: i.daysOverdue,
      onlineUrl: links.get(i.invoiceId) ?? i.onlineUrl ?? null,
    })),
    ...(p.credits.length > 0 ? { credits: p.credits } : {}),
    ...(broken ? { brokenPromise: brokenPromiseFact(broken) } : {}),
  };
  const key = `${action.purpose}.${action.step.tone}` as TemplateKey;
  const template = p.templates[key];
  const composed = await composeReminderDraft(facts, {
    drafter: viaXero ? null : deps.drafter,
    ...(viaXero ? { withoutDrafter: XERO_EMAIL_DRAFT_NOTE } : {}),
    hashInputs: deps.hashInputs,
    ...(template ? { template } : {}),
  });
  const cardFacts: ReminderCardFacts = {
    customerName: action.customerName,
    baseCurrency: org.baseCurrency,
    totalBase: action.totalBase,
    tier: p.priority?.tier ?? 'low',
    risk: maxRisk(p.priority),
    invoices: action.invoices.map((i) => ({
      invoiceId: i.invoiceId,
      number: i.invoiceNumber,
      currency: i.currency,
      amountDue: i.amountDue,
      dueDate: i.dueDate,
      daysOverdue: i.daysOverdue,
    })),
    brainReasons: p.priority?.reasons ?? [],
    escalationReasons: p.escalationReasons,
    draftSource: composed.source,
    fallbackReason: composed.fallbackReason,
    draftFacts: facts,
    draftedOn: p.asOf,
  };
  const autoSend = action.autoSend && action.mode !== 'shadow';
  const wrote = await db.transaction().execute(async (trx) => {
    // The row lock makes a concurrent run wait, then see the draft and stop.
    await lockReminder(trx, id);
    if (await hasDraft(trx, id)) return false;
    await addDraftVersion(
      trx,
      id,
      {
        subject: composed.draft.subject,
        body: composed.draft.body,
        source: composed.source,
        model: composed.model,
        promptVersion: composed.promptVersion,
        inputsHash: composed.inputsHash,
        fallbackReason: composed.fallbackReason,
        authorId: null,
        authorName: null,
      },
      input.now,
    );
    await setReminderFacts(trx, id, cardFacts);
    if (broken) await markPromiseCited(trx, broken.id, id);
    await recordAuditEvent(trx, {
      orgId: input.orgId,
      occurredAt: input.now,
      actor: { type: 'system', id: 'dunning-run', name: null },
      action: `reminder.${status}`,
      subject: { type: 'contact', id: action.contactId },
      payload: {
        reminderId: id,
        asOf: p.asOf,
        segment: action.segment,
        step: action.stepIndex + 1,
        mode: action.mode,
        autoSend,
        invoiceIds: action.invoices.map((i) => i.invoiceId),
        draftSource: composed.source,
        model: composed.model,
        promptVersion: composed.promptVersion,
        inputsHash: composed.inputsHash,
        fallbackReason: composed.fallbackReason,
      },
    });
    await enqueueCard(trx, input.orgId, id, status, input.now);
    if (autoSend) {
      await enqueueOutbox(trx, {
        orgId: input.orgId,
        kind: OUTBOX_SEND_REMINDER,
        idempotencyKey: `send:${messageId}`,
        payload: { reminderId: id },
        now: input.now,
        notBefore: sendWindowStart(org.timezone, p.asOf, input.now, p.sendStart),
      });
    }
    return true;
  });
  return {
    ...base,
    created: wrote,
    autoSend,
    draftSource: wrote ? composed.source : null,
    fallbackReason: wrote ? composed.fallbackReason : null,
  };
}

async function enqueueCard(
  db: Parameters<typeof enqueueOutbox>[0],
  orgId: string,
  reminderId: string,
  event: string,
  now: Date,
): Promise<void> {
  await enqueueOutbox(db, {
    orgId,
    kind: OUTBOX_REMINDER_CARD,
    idempotencyKey: `card:${reminderId}:${event}`,
    payload: { reminderId, event },
    now,
  });
}

/** Automatic sends wait for the send window to open in the organisation's zone (never before 09:00 local). */
export function sendWindowStart(zone: string, asOf: IsoDate, now: Date, start: string): Date {
  const opens = DateTime.fromISO(`${asOf}T${start}`, { zone }).toJSDate();
  return opens.getTime() > now.getTime() ? opens : now;
}

function customerState(
  cp: CustomerPriority,
  contact: Contact | undefined,
  /** The customer's own holds. */
  mine: readonly ActiveHold[],
  history: ReadonlyMap<string, readonly ContactRecord[]>,
  overrides: ReadonlyMap<string, RecipientOverride>,
  refused: ReadonlyMap<string, RefusedRecipients>,
  snoozedUntil: ReadonlyMap<string, IsoDate>,
  asOf: IsoDate,
  zone: string,
  /** The last day a promise due on `until` keeps the customer quiet: its grace, before the verdict. */
  promiseQuietThrough: (until: IsoDate) => IsoDate,
): CustomerState {
  const recipients = recipientsFor(contact, overrides.get(cp.contactId)).recipients;
  let pausedUntil: IsoDate | null = null;
  for (const h of mine) {
    if (h.kind !== 'pause') continue;
    const until = h.until ?? OPEN_ENDED;
    if (!pausedUntil || until > pausedUntil) pausedUntil = until;
  }
  const snooze = snoozedUntil.get(cp.contactId);
  // Snoozed until D means "ask again on D": quiet through the day before.
  if (snooze) {
    const quietThrough = addDays(snooze, -1);
    if (!pausedUntil || quietThrough > pausedUntil) pausedUntil = quietThrough;
  }
  // A dispute on some invoices stops chasing those only (a customer disputing one invoice is still chased for the
  // others, as finance teams expect); one on no invoice in particular, or on every open one, stops the customer.
  // A dispute hold with an end date stops chasing through that day.
  const disputes = mine.filter((h) => h.kind === 'dispute' && (h.until === null || h.until >= asOf));
  const wholeDispute = disputes.some((h) => (h.invoiceIds ?? []).length === 0);
  const disputed = new Set(disputes.flatMap((h) => h.invoiceIds ?? []));
  const openItems =
    disputed.size === 0 || wholeDispute ? cp.invoices : cp.invoices.filter((i) => !disputed.has(i.invoiceId));
  // A promise keeps the customer quiet through its grace: the ledger has until then to show the payment (a
  // transfer made on the day lands a day or two later), and the morning judges it the business day after.
  const promise = mine
    .filter(
      (h) => h.kind === 'promise' && h.until && (h.until >= asOf || promiseQuietThrough(h.until) >= asOf),
    )
    .reduce<IsoDate | null>((m, h) => (m === null || h.until! > m ? h.until! : m), null);
  return {
    contactId: cp.contactId,
    name: cp.contactName,
    hasEmail: recipients.length > 0,
    addressesRefused: refusedReason(recipients, refused.get(cp.contactId), zone),
    archived: contact?.status === 'ARCHIVED',
    tier: cp.tier,
    risk: maxRisk(cp),
    contactGroups: contact?.groups ?? [],
    // Priority rows are the planner's open items as they are (a copy only without the disputed ones).
    openItems,
    history: history.get(cp.contactId) ?? [],
    pausedUntil,
    replyWaiting: mine.some((h) => h.kind === 'reply'),
    hasOpenDispute: wholeDispute || (disputed.size > 0 && openItems.length === 0),
    promiseDueOn: promise,
    promiseQuietThrough: promise ? promiseQuietThrough(promise) : null,
    brokenPromises: cp.brokenPromises,
  };
}

/**
 * Why today's addresses cannot be used: every one was refused outright last time. An address added since (in
 * our store) makes them usable again.
 */
function refusedReason(
  recipients: readonly string[],
  refused: RefusedRecipients | undefined,
  zone: string,
): string | null {
  if (!refused || recipients.length === 0) return null;
  const gone = new Set(refused.recipients.map((r) => r.toLowerCase()));
  if (!recipients.every((r) => gone.has(r.toLowerCase()))) return null;
  const code = /^SMTP (\d{3})/.exec(refused.error)?.[1] ?? '5xx';
  return `the mail server refused ${recipients.join(', ')} (SMTP ${code}) on ${localDateOf(refused.at, zone)}`;
}

/**
 * Today's addresses less those refused or bounced last time they were written to, when any remain (when none
 * remain, the planner has already skipped the customer as bounced: see refusedReason).
 */
export function withoutRefused(
  addresses: RecipientOverride,
  refused: RefusedRecipients | undefined,
): RecipientOverride {
  if (!refused) return addresses;
  const gone = new Set(refused.recipients.map((r) => r.toLowerCase()));
  const usable = addresses.recipients.filter((r) => !gone.has(r.toLowerCase()));
  return usable.length > 0 ? { ...addresses, recipients: usable } : addresses;
}

export const EMAIL_ADDRESS = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;

/** The contact's own address plus every person Xero marks IncludeInEmails, unless overridden per customer. */
export function recipientsFor(
  contact: Contact | undefined,
  override: RecipientOverride | undefined,
): RecipientOverride {
  if (override && override.recipients.length > 0) return override;
  if (!contact) return { recipients: [], cc: [] };
  const to = [contact.email, ...contact.persons.filter((p) => p.includeInEmails).map((p) => p.email)]
    .map((e) => e?.trim() ?? '')
    .filter((e) => EMAIL_ADDRESS.test(e));
  const unique = [...new Map(to.map((e) => [e.toLowerCase(), e])).values()];
  return { recipients: unique, cc: override?.cc ?? [] };
}

/** A broken promise as a draft fact: what the customer said they would pay, by when, and when they said it. */
function brokenPromiseFact(p: PaymentPromiseRecord): BrokenPromiseFact {
  return { madeOn: p.madeOn, latest: p.latest, amount: p.amount, currency: p.currency };
}

function firstNameOf(contact: Contact | undefined): string | null {
  if (!contact) return null;
  return contact.firstName ?? contact.persons.find((p) => p.includeInEmails)?.firstName ?? null;
}

function maxRisk(cp: CustomerPriority | undefined): number {
  return cp ? cp.invoices.reduce((m, i) => Math.max(m, i.risk), 0) : 0;
}

/** Maps with at most `limit` calls in flight, keeping the input order in the result. */
async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  });
  await Promise.all(lanes);
  return out;
}
