import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { WebClient } from '@slack/web-api';
import { AnchoredClock, type Clock, FixedClock, systemClock } from './adapters/clock.js';
import { resolveEncryptionKey } from './adapters/crypto/key-file.js';
import { createSecretBox, type SecretBox } from './adapters/crypto/secret-box.js';
import { type Database, openDatabase } from './adapters/db/database.js';
import { createScheduledJobStore, type ScheduledJobStore } from './adapters/db/scheduled-jobs.js';
import { hashDraftInputs } from './adapters/llm/reminder-drafter.js';
import type { OutboxHandler } from './adapters/outbox/outbox-worker.js';
import { SLACK_REQUEST_TIMEOUT_MS } from './adapters/slack/bolt-app.js';
import { boltLevelFor, createBoltLogger } from './adapters/slack/bolt-logger.js';
import { createUserDirectory, type UserDirectory } from './adapters/slack/user-directory.js';
import { createXeroRefreshHandler } from './adapters/xero/xero-refresh-handler.js';
import { XERO_REFRESH_KIND } from './adapters/xero/xero-routes.js';
import {
  createXeroServices,
  type XeroServiceOptions,
  type XeroServices,
} from './adapters/xero/xero-services.js';
import type { Config } from './config.js';
import type { DraftFacts } from './domain/reminder-draft.js';
import { createRequestGauge, type RequestGauge } from './http/request-gauge.js';
import { createLogger, type Logger } from './logger.js';

/** Everything a use-case, listener or job needs, built once. Tests pass fakes through `overrides`. */
export interface AppContext {
  readonly config: Config;
  /** This process among the instances and CLIs on one database (host:pid:random), as leases and logs name it. */
  readonly instanceId: string;
  readonly database: Database;
  readonly clock: Clock;
  readonly log: Logger;
  readonly secrets: SecretBox;
  /** Outbox handlers by kind; adapters register theirs when the context is built. */
  readonly outboxHandlers: Map<string, OutboxHandler>;
  /** Web API client for posts made outside a request (digests, cards, alerts); null without Slack. */
  readonly slack: { readonly client: WebClient; readonly users: UserDirectory } | null;
  /** Xero OAuth, tokens, the per-tenant gateway and the ledger store. */
  readonly xero: XeroServices;
  /** Per-organisation schedule the scheduler's ticker claims from. */
  readonly jobStore: ScheduledJobStore;
  /** Requests this process is answering: slow work after an ack waits for the ack path to be free. */
  readonly requests: RequestGauge;
  /** The inputs hash stored with every draft (what it was drafted from), wherever a draft is written. */
  readonly hashDraftInputs: (facts: DraftFacts) => string;
  destroy(): Promise<void>;
}

export interface ContextOverrides {
  database?: Database;
  clock?: Clock;
  log?: Logger;
  secrets?: SecretBox;
  slackClient?: WebClient;
  /** Xero call tuning (timeouts, retries, limits) for tests and the bench. */
  xeroOptions?: XeroServiceOptions;
}

export function clockFor(config: Config): Clock {
  return config.now ? new FixedClock(config.now) : systemClock;
}

export { AnchoredClock };

export async function createContext(config: Config, overrides: ContextOverrides = {}): Promise<AppContext> {
  const log =
    overrides.log ??
    createLogger({ level: config.logLevel, pretty: process.stdout.isTTY && config.nodeEnv !== 'production' });
  const secrets =
    overrides.secrets ?? createSecretBox(resolveEncryptionKey(config.encryptionKey, config.dataDir).key);
  const database =
    overrides.database ?? (await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }));
  const clock = overrides.clock ?? clockFor(config);
  const instanceId = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const slackClient =
    overrides.slackClient ??
    (config.slack
      ? new WebClient(config.slack.botToken, {
          slackApiUrl: config.slack.apiUrl,
          // web-api's own logger would write to the console; ours keeps its debug output free of content.
          logger: createBoltLogger(log),
          logLevel: boltLevelFor(log.level),
          // The outbox owns retries: the client's own would post a message again after a 5xx that hid a post.
          retryConfig: { retries: 0 },
          timeout: SLACK_REQUEST_TIMEOUT_MS,
          // Posting is paced by the outbox; a 429 must come back to it (with Retry-After), not pause the client.
          rejectRateLimitedCalls: true,
        })
      : null);

  const xero = createXeroServices({
    config: config.xero,
    db: database.db,
    secrets,
    clock,
    log,
    options: { holder: instanceId, ...overrides.xeroOptions },
  });
  const outboxHandlers = new Map<string, OutboxHandler>([
    [
      XERO_REFRESH_KIND,
      createXeroRefreshHandler({
        db: database.db,
        xero,
        clock,
        log: log.child({ component: 'xero-refresh' }),
      }),
    ],
  ]);

  let destroyed: Promise<void> | undefined;
  return {
    config,
    instanceId,
    database,
    clock,
    log,
    secrets,
    slack: slackClient ? { client: slackClient, users: createUserDirectory(slackClient, clock) } : null,
    outboxHandlers,
    xero,
    jobStore: createScheduledJobStore(database.db),
    requests: createRequestGauge(),
    hashDraftInputs,
    destroy() {
      destroyed ??= (async () => {
        // A database passed in by the caller (tests) is the caller's to close.
        if (!overrides.database) await database.destroy();
      })();
      return destroyed;
    },
  };
}
