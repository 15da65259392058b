import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import {
  type ClaudeReplyReader,
  createClaudeReplyReader,
  hashReplyInput,
} from '../adapters/llm/reply-reader.js';
import { ReplyInputSchema, type ReplyReadingRecord } from '../domain/reply-reading/reply-reading.js';
import { errorMessage } from '../errors.js';
import { createLogger } from '../logger.js';
import { readCustomerReply } from '../use-cases/read-customer-reply.js';
import { CliFailure, renderTable } from './output.js';
import { configOrFail } from './runtime.js';

/** One output line: the fields the issue names, then where the reading came from. */
export function replyReadingJson(id: string, record: ReplyReadingRecord): Record<string, unknown> {
  const r = record.reading;
  return {
    id,
    intent: r.intent,
    promises: r.promises,
    dispute_reason: r.dispute_reason,
    paid_on: r.paid_on,
    back_on: r.back_on,
    new_contact: r.new_contact,
    evidence: r.evidence,
    source: record.source,
    model: record.model,
    prompt_version: record.promptVersion,
    input_hash: record.inputHash,
    fallback_reason: record.fallbackReason,
    ignored_instructions: record.ignoredInstructions,
  };
}

export interface RepliesReadResult {
  readonly exitCode: 0 | 1;
  /** With --json, one JSON document per input line; otherwise the table. */
  readonly output: string;
}

const range = (r: { earliest: string; latest: string }) =>
  r.earliest === r.latest ? r.earliest : `${r.earliest}..${r.latest}`;

/**
 * Reads every line of a replies file (shaped like fixtures/replies-dev.jsonl; a `label` is ignored). A line
 * that is not a reply becomes an error object for that line and the rest are still read; any such line makes
 * the exit code 1.
 */
export async function runRepliesRead(
  content: string,
  deps: { readonly claude: ClaudeReplyReader | null },
  options: { readonly json?: boolean },
): Promise<RepliesReadResult> {
  const json: string[] = [];
  const rows: (string | null)[][] = [];
  let failed = false;
  const lines = content.split(/\r?\n/);
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '') continue;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (err) {
      failed = true;
      json.push(JSON.stringify({ line: i + 1, error: `not JSON: ${errorMessage(err)}` }));
      rows.push([`line ${i + 1}`, 'error', `not JSON: ${errorMessage(err)}`, null, null]);
      continue;
    }
    const id =
      raw && typeof raw === 'object' && typeof (raw as { id?: unknown }).id === 'string'
        ? (raw as { id: string }).id
        : undefined;
    const parsed = ReplyInputSchema.safeParse(raw);
    if (!parsed.success) {
      failed = true;
      const error = parsed.error.issues.map((x) => `${x.path.join('.') || 'line'}: ${x.message}`).join('; ');
      json.push(JSON.stringify({ ...(id ? { id } : {}), line: i + 1, error }));
      rows.push([id ?? `line ${i + 1}`, 'error', error, null, null]);
      continue;
    }
    try {
      const record = await readCustomerReply(parsed.data, { claude: deps.claude, hashInput: hashReplyInput });
      json.push(JSON.stringify(replyReadingJson(parsed.data.id, record)));
      const r = record.reading;
      const detail = [
        ...r.promises.map((p) => `pay ${range(p)}${p.amount ? ` (${p.amount})` : ''}`),
        r.dispute_reason ? `reason ${r.dispute_reason}` : null,
        r.paid_on ? `paid ${range(r.paid_on)}` : null,
        r.back_on ? `back ${r.back_on}` : null,
        r.new_contact ? `contact ${r.new_contact}` : null,
      ]
        .filter(Boolean)
        .join('; ');
      rows.push([
        parsed.data.id,
        r.intent,
        detail,
        (r.evidence.intent ?? '').slice(0, 60),
        record.fallbackReason ? `${record.source} (${record.fallbackReason.slice(0, 50)})` : record.source,
      ]);
    } catch (err) {
      failed = true;
      json.push(JSON.stringify({ id: parsed.data.id, line: i + 1, error: errorMessage(err) }));
      rows.push([parsed.data.id, 'error', errorMessage(err), null, null]);
    }
  }
  const output = options.json
    ? json.join('\n')
    : renderTable(['id', 'intent', 'dates and details', 'evidence', 'read by'], rows);
  return { exitCode: failed ? 1 : 0, output };
}

export function registerRepliesCommand(program: Command): void {
  const replies = program.command('replies').description('customer replies to payment reminders');
  replies
    .command('read <file>')
    .description(
      'read replies from a JSON-lines file (id, received, timezone, customer, reminder, text): intent, promises, dispute reason, paid-on, back-on, with evidence; offline unless ANTHROPIC_API_KEY is set',
    )
    .option('--json', 'print one JSON object per line')
    .action(async (file: string, opts: { json?: boolean }) => {
      // No database: reading a reply needs only the configuration (for Claude, when it is set).
      const config = configOrFail();
      const log = createLogger({
        level: config.logLevel === 'info' ? 'warn' : config.logLevel,
        destination: process.stderr,
      });
      let content: string;
      try {
        content = await readFile(file, 'utf8');
      } catch (err) {
        throw new CliFailure(`cannot read ${file}: ${errorMessage(err)}`, 2);
      }
      const claude = config.anthropic
        ? createClaudeReplyReader({
            apiKey: config.anthropic.apiKey,
            model: config.anthropic.model,
            baseURL: config.anthropic.baseUrl,
            log: log.child({ component: 'reply-reader' }),
          })
        : null;
      const result = await runRepliesRead(content, { claude }, opts);
      process.stdout.write(`${result.output}\n`);
      if (result.exitCode !== 0) process.exitCode = result.exitCode;
    });
}
