import Anthropic from '@anthropic-ai/sdk';
import type { z } from 'zod';
import { errorMessage } from '../../errors.js';
import type { Logger } from '../../logger.js';

/** How the service reaches Claude: the key, the model and the endpoint (ANTHROPIC_*), and where to log. */
export interface ClaudeOptions {
  readonly apiKey: string;
  readonly model: string;
  readonly baseURL: string;
  readonly timeoutMs?: number;
  readonly log: Logger;
}

/**
 * The SDK client both Claude features use. One retry for a transient failure: each has an offline answer (the
 * template, the offline reading) to fall back on, so waiting longer buys little.
 */
export function claudeClient(options: ClaudeOptions): Anthropic {
  return new Anthropic({
    apiKey: options.apiKey,
    baseURL: options.baseURL,
    timeout: options.timeoutMs ?? 30_000,
    maxRetries: 1,
  });
}

/** A tool the model must call, with the schema its input is held to on our side. */
export interface ForcedTool<T> {
  readonly tool: Anthropic.Tool;
  readonly schema: z.ZodType<T>;
}

export type ForcedToolResult<T> =
  | { readonly kind: 'called'; readonly input: T; readonly model: string }
  | {
      readonly kind: 'failed';
      readonly reason: 'api-error' | 'no-tool-call' | 'malformed';
      readonly detail: string;
    };

/** Zod's issues as one line: "path: message; path: message". */
export function zodIssues(e: z.ZodError): string {
  return e.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ');
}

/**
 * One request that forces the model to call `tool`, and its input validated by `schema`. Every way it can go
 * wrong is a value, never an exception: the callers always have an offline answer to fall back on. The log line
 * carries a code and the HTTP status only, never the prompt or the answer (customer text, drafts).
 */
export async function callForcedTool<T>(
  client: Anthropic,
  request: {
    readonly model: string;
    readonly system: string;
    readonly content: string;
    readonly tool: ForcedTool<T>;
    readonly signal?: AbortSignal | undefined;
    readonly log: Logger;
    readonly failureCode: string;
  },
): Promise<ForcedToolResult<T>> {
  const { tool } = request.tool;
  let message: Anthropic.Message;
  try {
    message = await client.messages.create(
      {
        model: request.model,
        max_tokens: 1024,
        system: request.system,
        tools: [tool],
        tool_choice: { type: 'tool', name: tool.name },
        messages: [{ role: 'user', content: request.content }],
      },
      request.signal ? { signal: request.signal } : undefined,
    );
  } catch (err) {
    const status = err instanceof Anthropic.APIError ? err.status : undefined;
    request.log.warn({ code: request.failureCode, status }, 'language model request failed');
    return { kind: 'failed', reason: 'api-error', detail: status ? `HTTP ${status}` : errorMessage(err) };
  }
  const call = message.content.find((b) => b.type === 'tool_use' && b.name === tool.name);
  if (call?.type !== 'tool_use')
    return { kind: 'failed', reason: 'no-tool-call', detail: `no ${tool.name} call` };
  const parsed = request.tool.schema.safeParse(call.input);
  if (!parsed.success) return { kind: 'failed', reason: 'malformed', detail: zodIssues(parsed.error) };
  return { kind: 'called', input: parsed.data, model: message.model };
}
