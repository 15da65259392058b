import { clampNote } from './audit-notes.js';
import { isIsoDate } from './calendar.js';
import type { IsoDate } from './ledger.js';
import {
  DISPUTE_REASONS,
  type DisputeReason,
  type PaymentPromise,
  REPLY_INTENTS,
  type ReplyIntent,
  type ReplyReading,
} from './reply-reading/reply-reading.js';

/**
 * What a collector accepts from a reply's reading (#18 part 3): the reading as it was, or as they edited it, and
 * what accepting it does. Pure: the use-case stores the holds, notes and posts this plans.
 */
export interface ReplySuggestion {
  readonly intent: ReplyIntent;
  readonly promises: readonly PaymentPromise[];
  readonly disputeReason: DisputeReason | null;
  /** A dispute's hold ends after this day (chasing those invoices resumes); absent or null: until resolved. */
  readonly disputeUntil?: IsoDate | null;
  readonly backOn: IsoDate | null;
  readonly newContact: string | null;
}

export function suggestionFromReading(r: ReplyReading): ReplySuggestion {
  return {
    intent: r.intent,
    promises: r.intent === 'promise_to_pay' ? r.promises : [],
    disputeReason: r.intent === 'dispute' ? r.dispute_reason : null,
    backOn: r.intent === 'out_of_office' ? r.back_on : null,
    newContact: r.intent === 'redirect' ? r.new_contact : null,
  };
}

export const INTENT_LABEL: Record<ReplyIntent, string> = {
  promise_to_pay: 'Promise to pay',
  payment_plan_request: 'Asks for a payment plan',
  dispute: 'Dispute',
  paid_already: 'Says it is paid already',
  document_request: 'Asks for a document',
  out_of_office: 'Out of office',
  redirect: 'Write to someone else',
  other: 'Something else',
};

export const DISPUTE_LABEL: Record<DisputeReason, string> = {
  not_received: 'goods or services not received',
  wrong_amount: 'wrong amount',
  quality: 'quality',
  pricing: 'pricing',
  duplicate: 'duplicate invoice',
};

/** A hold accepting the suggestion puts on the customer. */
export interface PlannedHold {
  readonly kind: 'promise' | 'dispute' | 'pause';
  readonly until: IsoDate | null;
  readonly amount: string | null;
  readonly reason: string;
}

export interface AcceptancePlan {
  readonly holds: readonly PlannedHold[];
  /** A dispute goes to the escalation channel. */
  readonly escalate: boolean;
  /** An address the customer asked us to write to: offered, never saved without a second click. */
  readonly proposeAddress: string | null;
  /** What was decided, in words, for the card, the History note and the audit trail. */
  readonly summary: string;
}

export function promiseText(p: PaymentPromise): string {
  const amount = p.amount ? p.amount : 'the full amount';
  return p.earliest === p.latest
    ? `${amount} on ${p.earliest}`
    : `${amount} between ${p.earliest} and ${p.latest}`;
}

/**
 * What accepting does, per intent: a promise hold per promise (until its latest date, with its amount: chasing
 * waits until then and a missed date is a broken promise); a dispute hold with its reason code, escalated; a
 * pause until the day the customer is back; an address proposed for reminders; a note only otherwise.
 */
export function acceptancePlan(s: ReplySuggestion): AcceptancePlan {
  switch (s.intent) {
    case 'promise_to_pay': {
      if (s.promises.length === 0)
        return { holds: [], escalate: false, proposeAddress: null, summary: 'promise to pay, no date given' };
      return {
        holds: s.promises.map((p) => ({
          kind: 'promise',
          until: p.latest,
          amount: p.amount,
          reason: `promised in a reply: ${promiseText(p)}`,
        })),
        escalate: false,
        proposeAddress: null,
        summary: `promise to pay ${s.promises.map(promiseText).join('; ')}`,
      };
    }
    case 'dispute': {
      const code = s.disputeReason ?? 'unspecified';
      return {
        // On the reply's invoices (the use-case adds them): the customer is still chased for the others.
        holds: [{ kind: 'dispute', until: s.disputeUntil ?? null, amount: null, reason: code }],
        escalate: true,
        proposeAddress: null,
        summary: `dispute (${s.disputeReason ? DISPUTE_LABEL[s.disputeReason] : 'reason not given'})${s.disputeUntil ? ` until ${s.disputeUntil}` : ''}`,
      };
    }
    case 'out_of_office':
      return s.backOn
        ? {
            holds: [
              { kind: 'pause', until: s.backOn, amount: null, reason: `out of office, back on ${s.backOn}` },
            ],
            escalate: false,
            proposeAddress: null,
            summary: `out of office until ${s.backOn}`,
          }
        : { holds: [], escalate: false, proposeAddress: null, summary: 'out of office, no return date' };
    case 'redirect':
      return {
        holds: [],
        escalate: false,
        proposeAddress: s.newContact,
        summary: s.newContact
          ? `write to ${s.newContact} instead`
          : 'write to someone else (no address given)',
      };
    default:
      return {
        holds: [],
        escalate: false,
        proposeAddress: null,
        summary: INTENT_LABEL[s.intent].toLowerCase(),
      };
  }
}

/**
 * The History note when a reply arrives and is read: how it came, what it was read as, that chasing waits. No
 * customer words (Xero's History is read by everyone with access to the organisation); the decision gets its own.
 */
export function replyReadNote(d: {
  channel: 'imap' | 'webhook' | 'slack';
  receivedOn: IsoDate;
  summary: string;
  readBy: 'rules' | 'claude';
}): string {
  const how = d.channel === 'slack' ? 'logged in Slack' : 'by email';
  return clampNote(
    `Customer replied ${how} on ${d.receivedOn}; read as ${d.summary} (${d.readBy === 'claude' ? 'by Claude, checked by the rules' : 'by the rules'}). Reminders wait until a collector decides (AR Copilot).`,
  );
}

/** The History note on the customer's invoices and contact: what was decided, by whom. No customer words. */
export function replyDecisionNote(d: {
  by: string;
  decision: 'accepted' | 'rejected';
  summary: string;
}): string {
  return d.decision === 'accepted'
    ? clampNote(`Customer reply handled in Slack by ${d.by}: ${d.summary} (AR Copilot).`)
    : clampNote(
        `Customer reply's suggestion (${d.summary}) rejected in Slack by ${d.by}; chasing resumes (AR Copilot).`,
      );
}

/** The edit modal's fields, as typed (empty fields are null). */
export interface SuggestionForm {
  readonly intent: string | null;
  readonly earliest: string | null;
  readonly latest: string | null;
  readonly amount: string | null;
  readonly disputeReason: string | null;
  /** A dispute's optional end date. */
  readonly disputeUntil?: string | null;
  readonly backOn: string | null;
}

export type FormField =
  | 'intent'
  | 'earliest'
  | 'latest'
  | 'amount'
  | 'disputeReason'
  | 'disputeUntil'
  | 'backOn';

const AMOUNT = /^\d{1,12}(?:\.\d{1,2})?$/;

/**
 * Checks an edited suggestion: a promise needs a date (latest defaults to earliest) not in the past and a plain
 * amount or none (the full amount); a dispute a reason; out of office a future back-on date. Errors by field.
 * `original` supplies what the modal has no field for (a redirect's address).
 */
export function suggestionFromForm(
  form: SuggestionForm,
  original: ReplySuggestion,
  asOf: IsoDate,
): { ok: true; suggestion: ReplySuggestion } | { ok: false; errors: Partial<Record<FormField, string>> } {
  const errors: Partial<Record<FormField, string>> = {};
  const intent = (REPLY_INTENTS as readonly string[]).includes(form.intent ?? '')
    ? (form.intent as ReplyIntent)
    : null;
  if (!intent) errors.intent = 'Choose what the reply says.';
  const date = (v: string | null, field: FormField, label: string): IsoDate | null => {
    const t = v?.trim() || null;
    if (t === null) return null;
    if (!isIsoDate(t)) {
      errors[field] = `${label} must be a date (YYYY-MM-DD).`;
      return null;
    }
    if (t < asOf) {
      errors[field] = `${label} ${t} is in the past.`;
      return null;
    }
    return t;
  };
  let promises: PaymentPromise[] = [];
  let disputeReason: DisputeReason | null = null;
  let disputeUntil: IsoDate | null = null;
  let backOn: IsoDate | null = null;
  if (intent === 'promise_to_pay') {
    const earliest = date(form.earliest, 'earliest', 'The earliest date');
    const latest = date(form.latest, 'latest', 'The latest date') ?? earliest;
    const amount = form.amount?.trim().replace(/,/g, '') || null;
    if (!form.earliest?.trim() && !errors.earliest) errors.earliest = 'A promise needs a date.';
    if (amount !== null && !AMOUNT.test(amount))
      errors.amount = 'Enter an amount like 500 or 1250.50, or leave it empty for the full amount.';
    if (earliest && latest && latest < earliest) errors.latest = 'The latest date is before the earliest.';
    if (earliest && latest && !errors.amount && !errors.latest) promises = [{ earliest, latest, amount }];
  } else if (intent === 'dispute') {
    const r = form.disputeReason?.trim() ?? '';
    if ((DISPUTE_REASONS as readonly string[]).includes(r)) disputeReason = r as DisputeReason;
    else errors.disputeReason = 'Choose the reason for the dispute.';
    disputeUntil = date(form.disputeUntil ?? null, 'disputeUntil', 'The end date');
  } else if (intent === 'out_of_office') {
    backOn = date(form.backOn, 'backOn', 'The back-on date');
    if (!form.backOn?.trim() && !errors.backOn) errors.backOn = 'Enter the day they are back.';
  }
  if (Object.keys(errors).length > 0 || !intent) return { ok: false, errors };
  return {
    ok: true,
    suggestion: {
      intent,
      promises,
      disputeReason,
      ...(disputeUntil ? { disputeUntil } : {}),
      backOn,
      newContact: intent === 'redirect' ? original.newContact : null,
    },
  };
}
