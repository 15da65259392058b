import { ErrorCode, type WebAPIPlatformError, type WebAPIRateLimitedError } from '@slack/web-api';
import { errorMessage } from '../../errors.js';
import type { HandlerOutcome } from '../outbox/outbox-worker.js';

/** Where a Slack Web API error leaves the item: 429 waits for Retry-After; a refusal by Slack is final. */
export function slackFailure(err: unknown): HandlerOutcome {
  const code = (err as { code?: string }).code;
  if (code === ErrorCode.RateLimitedError) {
    const retryAfter = (err as WebAPIRateLimitedError).retryAfter;
    return {
      status: 'retry',
      error: `Slack rate limited (retry after ${retryAfter}s)`,
      retryAfterMs: retryAfter * 1000,
      rateLimited: true,
    };
  }
  if (code === ErrorCode.PlatformError) {
    const slackError = (err as WebAPIPlatformError).data?.error ?? 'unknown';
    // Transient platform answers; everything else (channel_not_found, not_in_channel, invalid_blocks…) is final.
    if (
      ['ratelimited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout'].includes(
        slackError,
      )
    ) {
      return { status: 'retry', error: `Slack: ${slackError}` };
    }
    return { status: 'failed', error: `Slack refused: ${slackError}` };
  }
  return { status: 'retry', error: errorMessage(err) };
}
