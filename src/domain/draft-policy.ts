import type { Tone } from './dunning-policy.js';

/**
 * What a policy reader (Claude, beside the offline rules of draft-vouching.ts) may report about a draft: the
 * things no figure check sees. A reader reports; this module decides. A reader fooled by the draft can only fail
 * to report: the offline rules still run, and a reader's report can never un-refuse a draft.
 */
export const POLICY_RULES = [
  'fee_or_interest',
  'legal_action',
  'agency_or_credit_reporting',
  'concession',
  'addressed_to_approver',
  'account_hold',
  'threat_or_pressure',
] as const;
export type PolicyRule = (typeof POLICY_RULES)[number];

export interface PolicyFinding {
  readonly rule: PolicyRule;
  /** The draft's own words that break the rule. */
  readonly quote: string;
}

export interface PolicyReading {
  readonly findings: readonly PolicyFinding[];
  /** ISO 639-1 code of the language the draft is written in. */
  readonly language: string;
}

const LABEL: Record<PolicyRule, string> = {
  fee_or_interest: 'a fee, charge or interest',
  legal_action: 'legal action',
  agency_or_credit_reporting: 'a collection agency or credit reporting',
  concession: 'a concession, discount or plan nobody approved',
  addressed_to_approver: 'text addressed to the approver or the model, not the customer',
  account_hold: 'an account hold',
  threat_or_pressure: 'a threat or pressure the policy does not allow',
};

/** Rules a step's tone lifts: only a final reminder may say the account could be placed on hold. */
const ALLOWED_BY_TONE: Partial<Record<Tone, readonly PolicyRule[]>> = {
  final: ['account_hold'],
};

/**
 * The problems a reading raises for a draft of this tone in this language (empty: the reader found nothing).
 * Quotes are clipped: they are the model's words about customer-facing text, shown to people, never run.
 */
export function policyProblems(reading: PolicyReading, tone: Tone, expectedLanguage: string): string[] {
  const allowed = new Set(ALLOWED_BY_TONE[tone] ?? []);
  const problems = reading.findings
    .filter((f) => !allowed.has(f.rule))
    .map((f) => `${LABEL[f.rule]}: "${clipQuote(f.quote)}" (policy reader)`);
  const want = expectedLanguage.slice(0, 2).toLowerCase();
  const got = reading.language.slice(0, 2).toLowerCase();
  if (got !== want)
    problems.push(`written in "${got}", not the organisation's language "${want}" (policy reader)`);
  return [...new Set(problems)];
}

function clipQuote(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length <= 120 ? one : `${one.slice(0, 119)}…`;
}
