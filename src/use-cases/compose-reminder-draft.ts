import type { ReminderDrafter } from '../adapters/llm/reminder-drafter.js';
import { policyProblems } from '../domain/draft-policy.js';
import { checkDraftAgainstLedger } from '../domain/draft-vouching.js';
import {
  type DraftFacts,
  type ReminderDraft,
  type ReminderTemplate,
  renderTemplate,
} from '../domain/reminder-draft.js';

export const TEMPLATE_VERSION = 'template-v1';

export interface ComposedDraft {
  readonly draft: ReminderDraft;
  readonly source: 'claude' | 'template';
  readonly model: string | null;
  readonly promptVersion: string;
  readonly inputsHash: string;
  /** Why Claude's draft was not used (unset, failed, malformed, or it failed the ledger check). */
  readonly fallbackReason: string | null;
}

export interface ComposeDeps {
  readonly drafter: ReminderDrafter | null;
  readonly hashInputs: (facts: DraftFacts) => string;
  /** The organisation's own template for this tone and purpose, if it has one. */
  readonly template?: ReminderTemplate;
  readonly signal?: AbortSignal;
  /** Why the template is used when no drafter is given (default: none is configured). */
  readonly withoutDrafter?: string;
}

/**
 * 1. Ask Claude when configured. 2. Hold its draft against the ledger facts. 3. Fall back to the template,
 * recording why. A human sees only drafts that passed the check.
 */
export async function composeReminderDraft(facts: DraftFacts, deps: ComposeDeps): Promise<ComposedDraft> {
  const inputsHash = deps.hashInputs(facts);
  let fallbackReason: string | null = deps.withoutDrafter ?? 'no language model configured';
  if (deps.drafter) {
    const result = await deps.drafter.draft(facts, deps.signal);
    if (result.kind === 'drafted') {
      const draft = { subject: result.subject, body: result.body };
      const check = checkDraftAgainstLedger(draft, facts);
      const policy = check.ok ? await readPolicy(deps.drafter, draft, facts, deps.signal) : null;
      if (check.ok && policy?.ok) {
        return {
          draft,
          source: 'claude',
          model: result.model,
          promptVersion: deps.drafter.promptVersion,
          inputsHash,
          fallbackReason: null,
        };
      }
      fallbackReason = !check.ok
        ? `draft rejected by the ledger check: ${check.problems.join('; ')}`
        : `draft rejected by the policy reader: ${policy && !policy.ok ? policy.problems.join('; ') : ''}`;
    } else {
      fallbackReason = `draft ${result.reason}: ${result.detail}`;
    }
  }
  return {
    draft: renderTemplate(facts, deps.template),
    source: 'template',
    model: null,
    promptVersion: TEMPLATE_VERSION,
    inputsHash,
    fallbackReason,
  };
}

/**
 * The policy reader's verdict on a draft that passed the offline rules. A reader that fails or answers out of
 * schema does not pass the draft: it was configured to read, so an unread model draft goes back to the template.
 */
async function readPolicy(
  drafter: ReminderDrafter,
  draft: ReminderDraft,
  facts: DraftFacts,
  signal: AbortSignal | undefined,
): Promise<{ ok: true } | { ok: false; problems: string[] }> {
  if (!drafter.readPolicy) return { ok: true };
  const language = (facts.locale ?? 'en-NZ').slice(0, 2).toLowerCase();
  const result = await drafter.readPolicy(draft, { tone: facts.tone, language }, signal);
  if (result.kind === 'failed') return { ok: false, problems: [`no reading (${result.detail})`] };
  const problems = policyProblems(result.reading, facts.tone, language);
  return problems.length === 0 ? { ok: true } : { ok: false, problems };
}
