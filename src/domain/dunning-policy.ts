import { z } from 'zod';
import { LEDGER_STALE_AFTER_HOURS } from './ledger-freshness.js';

/**
 * An organisation's collections policy: who gets chased, when, how firmly, and what needs a human. Stored as
 * JSON in Postgres, edited with `policy set` / `/ar policy`, validated here at every boundary.
 */
export const TONES = ['friendly', 'firm', 'final'] as const;
export type Tone = (typeof TONES)[number];
export const MODES = ['shadow', 'assisted', 'auto'] as const;
export type DunningMode = (typeof MODES)[number];
export const CHANNELS = ['email', 'xero_email'] as const;
export type ReminderChannel = (typeof CHANNELS)[number];
// The collections brain's priority tiers (domain/priority.ts).
export const TIERS = ['high', 'medium', 'low'] as const;
export type Tier = (typeof TIERS)[number];

const decimalString = z
  .string()
  .regex(/^\d{1,15}(\.\d{1,4})?$/, { error: 'expected a non-negative amount such as 50 or 1250.00' });
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'expected a date as YYYY-MM-DD' });
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'expected a time as HH:MM (24-hour)' });

export const DunningStepSchema = z.object({
  /** Days relative to the due date: negative = before due (a courtesy reminder), 0 = on the due date. */
  offsetDays: z.number().int().min(-60).max(365),
  tone: z.enum(TONES),
  channel: z.enum(CHANNELS).default('email'),
  /** In `auto` mode, may this step go without a human? Only ever true for template drafts. */
  autoEligible: z.boolean().default(false),
});
export type DunningStep = z.infer<typeof DunningStepSchema>;

export const SegmentSchema = z
  .object({
    name: z.string().min(1).max(60),
    /** All given conditions must hold; an empty match catches everyone (put it last). */
    match: z
      .object({
        tiers: z.array(z.enum(TIERS)).min(1).optional(),
        /** Customer's total overdue, base currency. */
        minOverdue: decimalString.optional(),
        maxOverdue: decimalString.optional(),
        /** Xero contact groups (any of). */
        contactGroups: z.array(z.string().min(1)).min(1).optional(),
      })
      .default({}),
    /** Overrides the organisation's mode for this segment. */
    mode: z.enum(MODES).optional(),
    steps: z.array(DunningStepSchema).min(1).max(12),
  })
  .refine((s) => new Set(s.steps.map((st) => st.offsetDays)).size === s.steps.length, {
    error: 'each step needs a different offsetDays',
    path: ['steps'],
  })
  .refine((s) => s.steps.every((st, i) => i === 0 || st.offsetDays > s.steps[i - 1]!.offsetDays), {
    error: 'steps must be in increasing offsetDays order',
    path: ['steps'],
  });
export type Segment = z.infer<typeof SegmentSchema>;

export const DunningPolicySchema = z
  .object({
    version: z.literal(1).default(1),
    mode: z.enum(MODES).default('assisted'),
    sendWindow: z
      .object({
        weekdays: z.array(z.number().int().min(1).max(7)).min(1).default([1, 2, 3, 4, 5]),
        start: clock.default('09:00'),
        end: clock.default('16:00'),
      })
      .default({ weekdays: [1, 2, 3, 4, 5], start: '09:00', end: '16:00' })
      .refine((w) => w.start < w.end, { error: 'send window start must be before its end' }),
    holidays: z
      .object({
        /** date-holidays country code; null = only the dates below. */
        country: z
          .string()
          .regex(/^[A-Z]{2}$/, { error: 'expected a two-letter country code such as NZ' })
          .nullable()
          .default(null),
        region: z.string().nullable().default(null),
        dates: z.array(isoDate).default([]),
      })
      .default({ country: null, region: null, dates: [] }),
    /** Customers owing less than this in total (base currency) are not chased. */
    minimumAmount: decimalString.default('20'),
    minDaysBetweenContacts: z.number().int().min(0).max(90).default(5),
    /**
     * A ledger whose last complete sync is older than this plans no reminders (a customer may have paid since);
     * the figures still show, with their age.
     */
    staleLedgerHours: z.number().int().min(1).max(168).default(LEDGER_STALE_AFTER_HOURS),
    /** A card approved more than this many business days after it was drafted is redrafted instead of sent. */
    cardStaleBusinessDays: z.number().int().min(1).max(30).default(2),
    /**
     * A promise to pay is judged this many business days (the send window's weekdays less holidays) after its
     * latest date: a payment made on the promised day may take a day or two to show in Xero.
     */
    promiseGraceBusinessDays: z.number().int().min(0).max(20).default(2),
    /** Xero ContactIDs never to chase. */
    doNotContact: z.array(z.string().min(1)).default([]),
    /** Also chase before the due date when a segment has negative offsets. */
    remindBeforeDue: z.boolean().default(true),
    /**
     * Write each customer's priority tier to Xero as membership of the `Collections: High | Medium | Low |
     * Do not chase` contact groups (#19 part 5). Off unless a manager turns it on: it is a write to the
     * organisation's own books that nobody asked for by connecting, visible to everyone in Xero and editable
     * there, and it spends the daily Xero call budget (a move between tiers costs a call per customer).
     */
    contactGroupTiers: z.boolean().default(false),
    segments: z.array(SegmentSchema).min(1).max(20),
    escalation: z
      .object({
        /** Base-currency overdue balance at which a manager should look. */
        overdueAmountAtLeast: decimalString.default('10000'),
        daysOverdueAtLeast: z.number().int().min(1).default(60),
        riskAtLeast: z.number().min(0).max(1).default(0.8),
        brokenPromisesAtLeast: z.number().int().min(1).default(2),
      })
      .default({
        overdueAmountAtLeast: '10000',
        daysOverdueAtLeast: 60,
        riskAtLeast: 0.8,
        brokenPromisesAtLeast: 2,
      }),
  })
  .refine((p) => p.segments.some((s) => Object.keys(s.match).length === 0), {
    error: 'add a catch-all segment (one with an empty match) so every customer has a sequence',
    path: ['segments'],
  });

export type DunningPolicy = z.infer<typeof DunningPolicySchema>;
export type DunningPolicyInput = z.input<typeof DunningPolicySchema>;

/**
 * The default: a courtesy note three days before due, then a friendly, a firm and a final reminder, with high
 * risk customers chased sooner and nothing sent on weekends or public holidays. Only the two friendly
 * template steps may go on their own in auto mode.
 */
export const DEFAULT_POLICY_INPUT: DunningPolicyInput = {
  version: 1,
  mode: 'assisted',
  sendWindow: { weekdays: [1, 2, 3, 4, 5], start: '09:00', end: '16:00' },
  holidays: { country: null, region: null, dates: [] },
  minimumAmount: '20',
  minDaysBetweenContacts: 5,
  doNotContact: [],
  remindBeforeDue: true,
  contactGroupTiers: false,
  segments: [
    {
      name: 'High risk',
      match: { tiers: ['high'] },
      steps: [
        { offsetDays: -3, tone: 'friendly', channel: 'email', autoEligible: false },
        { offsetDays: 1, tone: 'firm', channel: 'email', autoEligible: false },
        { offsetDays: 10, tone: 'firm', channel: 'email', autoEligible: false },
        { offsetDays: 21, tone: 'final', channel: 'email', autoEligible: false },
      ],
    },
    {
      name: 'Standard',
      match: {},
      steps: [
        { offsetDays: -3, tone: 'friendly', channel: 'email', autoEligible: true },
        { offsetDays: 3, tone: 'friendly', channel: 'email', autoEligible: true },
        { offsetDays: 14, tone: 'firm', channel: 'email', autoEligible: false },
        { offsetDays: 30, tone: 'final', channel: 'email', autoEligible: false },
      ],
    },
  ],
  escalation: {
    overdueAmountAtLeast: '10000',
    daysOverdueAtLeast: 60,
    riskAtLeast: 0.8,
    brokenPromisesAtLeast: 2,
  },
};

export type PolicyParseResult =
  | { readonly ok: true; readonly policy: DunningPolicy }
  | { readonly ok: false; readonly errors: readonly string[] };

/** Validates untrusted policy JSON (CLI, Slack modal, database) into a policy or readable errors. */
export function parsePolicy(input: unknown): PolicyParseResult {
  const result = DunningPolicySchema.safeParse(input);
  if (result.success) return { ok: true, policy: result.data };
  return {
    ok: false,
    errors: result.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(policy)'}: ${i.message}`),
  };
}

export function defaultPolicy(country: string | null = null): DunningPolicy {
  const parsed = parsePolicy({ ...DEFAULT_POLICY_INPUT, holidays: { country, region: null, dates: [] } });
  if (!parsed.ok) throw new Error(`default policy is invalid: ${parsed.errors.join('; ')}`);
  return parsed.policy;
}
