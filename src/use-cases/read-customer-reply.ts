import type { ClaudeReplyReader } from '../adapters/llm/reply-reader.js';
import { weekdayOf } from '../domain/business-calendar.js';
import { crossCheckClaudeReading } from '../domain/reply-reading/reply-cross-check.js';
import { RULES_READER_VERSION, readReplyOffline } from '../domain/reply-reading/reply-reader.js';
import type { ReplyInput, ReplyReadingRecord } from '../domain/reply-reading/reply-reading.js';

export interface ReadReplyDeps {
  /** Claude, when ANTHROPIC_API_KEY is configured; null reads with the rules alone. */
  readonly claude: ClaudeReplyReader | null;
  /** The hash stored with the reading: exactly what was read. */
  readonly hashInput: (input: ReplyInput) => string;
  readonly signal?: AbortSignal;
}

const WEEKDAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/**
 * Reads one customer reply:
 * 1. the offline rules always read it (they need no key and cannot be talked round);
 * 2. with Claude configured, Claude reads the customer's own words too;
 * 3. Claude's reading is used only if it passed its schema and the cross-check against the reply and the rules;
 *    otherwise the rules' reading is, with the reason.
 * Either way the record names its source, model and prompt (or rules) version, and the input's hash.
 */
export async function readCustomerReply(input: ReplyInput, deps: ReadReplyDeps): Promise<ReplyReadingRecord> {
  const offline = readReplyOffline(input);
  const inputHash = deps.hashInput(input);
  const byRules = (fallbackReason: string | null): ReplyReadingRecord => ({
    reading: offline.reading,
    source: 'rules',
    model: 'rules',
    promptVersion: RULES_READER_VERSION,
    inputHash,
    fallbackReason,
    ignoredInstructions: offline.ignoredInstructions,
  });
  const claude = deps.claude;
  if (!claude) return byRules(null);
  if (offline.visibleText === '') return byRules('the reply has no text of its own above the quoted message');

  const result = await claude.read(
    {
      received: input.received,
      timezone: input.timezone,
      localDate: offline.today,
      localWeekday: WEEKDAY_NAMES[weekdayOf(offline.today) - 1] ?? '',
      reminder: input.reminder ?? null,
      replyText: offline.visibleText,
    },
    deps.signal,
  );
  if (result.kind === 'failed')
    return byRules(`Claude's reading failed (${result.reason}): ${result.detail}`);

  const checked = crossCheckClaudeReading(result.reading, offline);
  if (checked.use === 'rules') return byRules(checked.reason);
  return {
    reading: checked.reading,
    source: 'claude',
    model: result.model,
    promptVersion: claude.promptVersion,
    inputHash,
    fallbackReason: null,
    ignoredInstructions: offline.ignoredInstructions,
  };
}
