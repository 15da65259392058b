import type { SlackMessage } from '../adapters/slack/blocks/kit.js';
import type { CollectionsReportBuilder } from '../domain/collections-report.js';
import type { XeroCallLimits } from '../domain/xero-call-budget.js';
import type { AuthorizeDeps } from './authorize-slack.js';
import type { LedgerLoader, ScoredViewCache } from './ledger-cache.js';

/** What `/ar` and the buttons under its answers need: the authorization deps and the shared ledger caches. */
export interface ArAnswerDeps extends AuthorizeDeps {
  readonly ledgers: LedgerLoader;
  readonly scoredViews: ScoredViewCache;
  readonly xeroLimits: XeroCallLimits;
  /** When the organisation's next scheduled Xero sync is due (the setup modal shows it). */
  readonly nextSyncAt: (orgId: string) => Promise<Date | null>;
  /** Xero's day is counted on the wall clock (its call log is), not the business clock tests move. */
  readonly wallNow: () => number;
  /** Builds /ar report and /ar kpis off the main thread (the context's report thread). */
  readonly buildReport: CollectionsReportBuilder;
}

/** One answer to post: a message (ephemeral, or in the channel when shared) or a modal to open. */
export type ArReply =
  | { readonly kind: 'message'; readonly message: SlackMessage; readonly share: boolean }
  | { readonly kind: 'modal'; readonly view: Record<string, unknown> };

export function say(message: SlackMessage, share = false): ArReply {
  return { kind: 'message', message, share };
}
