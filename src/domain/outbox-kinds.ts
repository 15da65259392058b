import { z } from 'zod';
import type { ChartedReport } from './report-post.js';

/**
 * Every kind of outbox item and the payload it carries: the one table `enqueueOutbox` is typed by and the worker
 * validates against before a handler runs. The kind strings are stored in the outbox table, so they never change;
 * a payload schema may only widen (rows written by an older version must still parse).
 */
const ReminderRef = { reminderId: z.string().min(1) };

export const OUTBOX_PAYLOADS = {
  /** Send an approved reminder's email (or Xero's invoice email), once. */
  'reminder.send': z.object(ReminderRef),
  /** Post or update a reminder's approval card, and say in its thread what just happened. */
  'slack.reminder_card': z.object({
    ...ReminderRef,
    /** A planning event ('resurfaced…', 'superseded'); absent for a person's decision (read from the key). */
    event: z.string().optional(),
    editedVersion: z.number().int().optional(),
    /** An approval refused because the card was out of date: what changed, who approved, and whether anything is left. */
    changes: z.array(z.string()).optional(),
    by: z.string().optional(),
    closed: z.boolean().optional(),
    /** A planning event's detail for the thread line (a bounce: which addresses and their codes). */
    detail: z.string().optional(),
  }),
  /** One History note on a Xero invoice or contact. */
  'xero.history_note': z.object({
    documentType: z.enum(['invoice', 'contact']),
    documentId: z.string().min(1),
    details: z.string().min(1),
  }),
  /** A channel message (digest, escalation, report part), paced per channel and posted at most once per key. */
  'slack.post': z.object({
    channel: z.string().min(1),
    text: z.string(),
    blocks: z.array(z.unknown()).readonly(),
    /** Idempotency key of the message this one replies to in its thread. */
    threadKey: z.string().nullable(),
    /** The ts of a message posted outside `slack_posts` (a reminder card) this one replies to in its thread. */
    threadTs: z.string().nullable().optional(),
    /** Idempotency key of the message that must be posted before this one (the previous part of a thread). */
    afterKey: z.string().nullable().optional(),
  }),
  /** A report chart drawn (SVG → PNG) and uploaded under the report's first message. */
  'slack.chart': z.object({
    channel: z.string().min(1),
    threadKey: z.string().min(1),
    afterKey: z.string().nullable(),
    chart: z.enum(['ageing', 'forecast']),
    orgName: z.string(),
    // Built by our own report code from the ledger; its shape is the domain type's, checked where it is drawn.
    report: z.custom<ChartedReport>((v) => typeof v === 'object' && v !== null && 'asOf' in v),
  }),
  /** A kept promise's thank-you email. */
  'promise.thank_you': z.object({ promiseId: z.coerce.number().int().positive() }),
  /** Read a captured customer reply and queue its suggestion card. */
  'reply.read': z.object({ replyId: z.string().min(1) }),
  /** The asynchronous half of a Xero webhook: re-read the changed records by id. */
  'xero.refresh': z.object({
    orgId: z.string().min(1),
    contacts: z.array(z.string()).default([]),
    invoices: z.array(z.string()).default([]),
    creditNotes: z.array(z.string()).default([]),
    payments: z.array(z.string()).default([]),
  }),
  /** `/ar sync`: make the organisation's sync due now (the scheduler runs it). */
  'xero.sync_request': z.object({ orgId: z.string().min(1), requestedBy: z.string().optional() }),
  /** Today's priority tiers written to Xero's contact groups, in parts within the day's budget. */
  'xero.contact_groups.sync': z.object({
    orgId: z.string().min(1),
    asOf: z.string(),
    part: z.number().int().positive().optional(),
  }),
} as const satisfies Record<string, z.ZodTypeAny>;

export type OutboxKind = keyof typeof OUTBOX_PAYLOADS;
/** What a caller passes when it enqueues an item of this kind. */
export type OutboxPayloadIn<K extends OutboxKind> = z.input<(typeof OUTBOX_PAYLOADS)[K]>;
/** What a handler of this kind receives, validated. */
export type OutboxPayload<K extends OutboxKind> = z.output<(typeof OUTBOX_PAYLOADS)[K]>;

export const OUTBOX_SEND_REMINDER = 'reminder.send' satisfies OutboxKind;
export const OUTBOX_REMINDER_CARD = 'slack.reminder_card' satisfies OutboxKind;
export const OUTBOX_XERO_NOTE = 'xero.history_note' satisfies OutboxKind;
export const OUTBOX_SLACK_POST = 'slack.post' satisfies OutboxKind;
export const OUTBOX_SLACK_CHART = 'slack.chart' satisfies OutboxKind;
export const OUTBOX_PROMISE_THANK_YOU = 'promise.thank_you' satisfies OutboxKind;
export const OUTBOX_REPLY_READ = 'reply.read' satisfies OutboxKind;
export const XERO_REFRESH_KIND = 'xero.refresh' satisfies OutboxKind;
export const OUTBOX_XERO_SYNC_REQUEST = 'xero.sync_request' satisfies OutboxKind;
export const OUTBOX_CONTACT_GROUP_TIERS = 'xero.contact_groups.sync' satisfies OutboxKind;

export function isOutboxKind(kind: string): kind is OutboxKind {
  return Object.hasOwn(OUTBOX_PAYLOADS, kind);
}

/** A stored payload checked against its kind's schema; unknown kinds (another version's) pass through unchanged. */
export function parseOutboxPayload(
  kind: string,
  payload: unknown,
): { ok: true; payload: Record<string, unknown> } | { ok: false; error: string } {
  if (!isOutboxKind(kind)) return { ok: true, payload: payload as Record<string, unknown> };
  const parsed = OUTBOX_PAYLOADS[kind].safeParse(payload);
  if (parsed.success) return { ok: true, payload: parsed.data as Record<string, unknown> };
  const issue = parsed.error.issues[0];
  return {
    ok: false,
    error: `malformed ${kind} payload: ${issue ? `${issue.path.join('.') || '(root)'} ${issue.message}` : 'invalid'}`,
  };
}
