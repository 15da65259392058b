import type { ReminderDrafter } from '../adapters/llm/reminder-drafter.js';
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
      if (check.ok) {
        return {
          draft,
          source: 'claude',
          model: result.model,
          promptVersion: deps.drafter.promptVersion,
          inputsHash,
          fallbackReason: null,
        };
      }
      fallbackReason = `draft rejected by the ledger check: ${check.problems.join('; ')}`;
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
