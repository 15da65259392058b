import { IANAZone } from 'luxon';
import { z } from 'zod';
import { isIsoDate } from '../calendar.js';

/**
 * What a customer's reply to a payment reminder says, as one value whoever read it (the offline rules or
 * Claude). Every field that states something carries an excerpt of the reply's own words as evidence, so a
 * collector can see why before accepting a suggestion. Dates are the customer's calendar dates (YYYY-MM-DD),
 * resolved in their time zone as of the moment the reply arrived.
 */

export const REPLY_INTENTS = [
  'promise_to_pay',
  'payment_plan_request',
  'dispute',
  'paid_already',
  'document_request',
  'out_of_office',
  'redirect',
  'other',
] as const;
export type ReplyIntent = (typeof REPLY_INTENTS)[number];

export const DISPUTE_REASONS = ['not_received', 'wrong_amount', 'quality', 'pricing', 'duplicate'] as const;
export type DisputeReason = (typeof DISPUTE_REASONS)[number];

export const IsoDateSchema = z.string().refine(isIsoDate, { error: 'expected a calendar date YYYY-MM-DD' });

/** A money amount as a plain decimal with at most two places ("740.00"); null in a promise = the full amount. */
export const AmountSchema = z
  .string()
  .regex(/^\d{1,12}(?:\.\d{1,2})?$/, { error: 'expected a decimal amount' });

export const DateRangeSchema = z
  .object({ earliest: IsoDateSchema, latest: IsoDateSchema })
  .strict()
  .refine((r) => r.earliest <= r.latest, { error: 'earliest must not be after latest' });
export type DateRange = z.infer<typeof DateRangeSchema>;

export const PromiseSchema = z
  .object({ earliest: IsoDateSchema, latest: IsoDateSchema, amount: AmountSchema.nullable() })
  .strict()
  .refine((r) => r.earliest <= r.latest, { error: 'earliest must not be after latest' });
export type PaymentPromise = z.infer<typeof PromiseSchema>;

const Excerpt = z.string().min(1).max(600);

/** The reply's own words behind each field; `promises` is parallel to the reading's promises. */
export const EvidenceSchema = z
  .object({
    intent: Excerpt.optional(),
    promises: z.array(Excerpt).optional(),
    dispute_reason: Excerpt.optional(),
    paid_on: Excerpt.optional(),
    back_on: Excerpt.optional(),
    new_contact: Excerpt.optional(),
  })
  .strict();
export type ReplyEvidence = z.infer<typeof EvidenceSchema>;

export const ReplyReadingSchema = z
  .object({
    intent: z.enum(REPLY_INTENTS),
    promises: z.array(PromiseSchema).max(12),
    dispute_reason: z.enum(DISPUTE_REASONS).nullable(),
    paid_on: DateRangeSchema.nullable(),
    back_on: IsoDateSchema.nullable(),
    new_contact: z.email().max(254).nullable(),
    evidence: EvidenceSchema,
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.evidence.promises && r.evidence.promises.length !== r.promises.length)
      ctx.addIssue({ code: 'custom', path: ['evidence', 'promises'], message: 'one excerpt per promise' });
    if (r.dispute_reason !== null && r.intent !== 'dispute')
      ctx.addIssue({ code: 'custom', path: ['dispute_reason'], message: 'a dispute reason needs a dispute' });
  });
export type ReplyReading = z.infer<typeof ReplyReadingSchema>;

const InvoiceRefSchema = z.object({
  number: z.string().min(1).max(100),
  amount: AmountSchema.or(z.string().regex(/^\d{1,12}\.\d{1,4}$/)),
  due: IsoDateSchema.optional(),
});

/**
 * One reply as it arrives (a line of replies-dev.jsonl, less its label): when, in which zone, about which
 * reminder, and the text as received (quoted reminder and signature included).
 */
export const ReplyInputSchema = z.object({
  id: z.string().min(1).max(200),
  received: z.iso.datetime({ offset: true }),
  timezone: z.string().refine((tz) => IANAZone.isValidZone(tz), { error: 'expected an IANA time zone' }),
  customer: z.string().max(500).optional(),
  reminder: z
    .object({
      currency: z.string().regex(/^[A-Z]{3}$/),
      invoices: z.array(InvoiceRefSchema).max(200),
    })
    .optional(),
  text: z.string().max(100_000),
});
export type ReplyInput = z.infer<typeof ReplyInputSchema>;

/** Who read a reply. `rules` is the offline reader; `claude` a Claude reading that passed every check. */
export type ReadingSource = 'rules' | 'claude';

/**
 * A reading as it is kept: the reading, who produced it (source, model, prompt or rules version), the hash of
 * exactly what was read, and why the offline reading was used when Claude was asked.
 */
export interface ReplyReadingRecord {
  readonly reading: ReplyReading;
  readonly source: ReadingSource;
  readonly model: string;
  readonly promptVersion: string;
  readonly inputHash: string;
  readonly fallbackReason: string | null;
  /** Passages addressed to a system rather than to us ("ignore previous instructions…"): read as nothing. */
  readonly ignoredInstructions: readonly string[];
}
