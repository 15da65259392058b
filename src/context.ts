import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { WebClient } from '@slack/web-api';
import { AnchoredClock, type Clock, FixedClock, systemClock } from './adapters/clock.js';
import { createReportThread } from './adapters/compute/report-thread.js';
import { resolveEncryptionKey } from './adapters/crypto/key-file.js';
import { createSecretBox, type SecretBox } from './adapters/crypto/secret-box.js';
import { type Database, openDatabase } from './adapters/db/database.js';
import { createScheduledJobStore, type ScheduledJobStore } from './adapters/db/scheduled-jobs.js';
import {
  createAnthropicDrafter,
  hashDraftInputs,
  type ReminderDrafter,
} from './adapters/llm/reminder-drafter.js';
import { type ClaudeReplyReader, createClaudeReplyReader } from './adapters/llm/reply-reader.js';
import { createImapSentMailbox, type SentMailbox } from './adapters/mail/sent-mailbox.js';
import { createSmtpSender, type MailSender } from './adapters/mail/smtp-sender.js';
import { SLACK_REQUEST_TIMEOUT_MS } from './adapters/slack/bolt-app.js';
import { boltLevelFor, createBoltLogger } from './adapters/slack/bolt-logger.js';
import { createUserDirectory, type UserDirectory } from './adapters/slack/user-directory.js';
import { createGatewayNoteWriter, type XeroNoteWriter } from './adapters/xero/history-notes.js';
import { createGatewayInvoiceEmailer, type XeroInvoiceEmailer } from './adapters/xero/invoice-email.js';
import {
  createGatewayOnlineInvoiceFetcher,
  type OnlineInvoiceFetcher,
} from './adapters/xero/online-invoices.js';
import {
  createXeroServices,
  type XeroServiceOptions,
  type XeroServices,
} from './adapters/xero/xero-services.js';
import { type Config, type SenderIdentity, senderIdentity } from './config.js';
import type { CollectionsReportBuilder } from './domain/collections-report.js';
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
  /** The SMTP sender (SMTP_URL); null: reminders fail with a clear reason on their card. */
  readonly mail: MailSender | null;
  /** Where an interrupted send is looked up (IMAP_URL's Sent folder); null: a person decides on the card. */
  readonly sentMailbox: SentMailbox | null;
  /** Drafts reminders with Claude (ANTHROPIC_API_KEY); null: templates. */
  readonly drafter: ReminderDrafter | null;
  /** Reads customers' replies with Claude beside the rules (ANTHROPIC_API_KEY); null: the rules alone. */
  readonly replyReader: ClaudeReplyReader | null;
  /** Xero History notes through the gateway. */
  readonly xeroNotes: XeroNoteWriter;
  /** Xero's own invoice email for xero_email steps; null without Xero credentials. */
  readonly xeroEmail: XeroInvoiceEmailer | null;
  /**
   * Online-invoice links for one run (a new fetcher each time: it keeps each tenant's API for the run); background
   * work, so its calls stop at the daily reserve kept for History notes and people's requests. Null without Xero.
   */
  onlineInvoices(): OnlineInvoiceFetcher | null;
  /** The Message-ID domain and the name drafts are signed with, from MAIL_FROM. */
  readonly sender: SenderIdentity;
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
  /** Builds the collections report on the report thread, off the event loop the acks need. */
  readonly buildReport: CollectionsReportBuilder;
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
  mail?: MailSender | null;
  sentMailbox?: SentMailbox | null;
  drafter?: ReminderDrafter | null;
  replyReader?: ClaudeReplyReader | null;
  xeroNotes?: XeroNoteWriter;
  xeroEmail?: XeroInvoiceEmailer | null;
  buildReport?: CollectionsReportBuilder;
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
  const withXero = config.xero.credentials !== null;
  const mail =
    overrides.mail !== undefined ? overrides.mail : config.mail ? createSmtpSender(config.mail) : null;
  const imap = config.imap;
  const anthropic = config.anthropic;

  // Started on the first report, not here: a CLI command or a test that builds none starts no thread.
  const reportThread = createReportThread({ maxHeapMb: config.reportMaxHeapMb });
  let destroyed: Promise<void> | undefined;
  return {
    config,
    instanceId,
    database,
    clock,
    log,
    secrets,
    slack: slackClient ? { client: slackClient, users: createUserDirectory(slackClient, clock) } : null,
    mail,
    sentMailbox:
      overrides.sentMailbox !== undefined
        ? overrides.sentMailbox
        : imap
          ? createImapSentMailbox({
              address: imap.address,
              folder: imap.sentFolder,
              copies: imap.sentCopies,
              log: log.child({ component: 'sent-mailbox' }),
            })
          : null,
    drafter:
      overrides.drafter !== undefined
        ? overrides.drafter
        : anthropic
          ? createAnthropicDrafter({
              apiKey: anthropic.apiKey,
              model: anthropic.model,
              baseURL: anthropic.baseUrl,
              log: log.child({ component: 'reminder-drafter' }),
            })
          : null,
    replyReader:
      overrides.replyReader !== undefined
        ? overrides.replyReader
        : anthropic
          ? createClaudeReplyReader({
              apiKey: anthropic.apiKey,
              model: anthropic.model,
              baseURL: anthropic.baseUrl,
              log: log.child({ component: 'reply-reader' }),
            })
          : null,
    // Notes and invoice emails follow a person's decision: the interactive share of the day's Xero budget.
    xeroNotes:
      overrides.xeroNotes ??
      createGatewayNoteWriter({ db: database.db, tenantApi: (org) => xero.tenantApi(org, 'interactive') }),
    xeroEmail:
      overrides.xeroEmail !== undefined
        ? overrides.xeroEmail
        : withXero
          ? createGatewayInvoiceEmailer({
              db: database.db,
              tenantApi: (org) => xero.tenantApi(org, 'interactive'),
            })
          : null,
    onlineInvoices: () =>
      withXero
        ? createGatewayOnlineInvoiceFetcher({
            db: database.db,
            tenantApi: (org) => xero.tenantApi(org, 'background'),
          })
        : null,
    sender: senderIdentity(config),
    xero,
    jobStore: createScheduledJobStore(database.db),
    requests: createRequestGauge(),
    hashDraftInputs,
    buildReport: overrides.buildReport ?? reportThread.build,
    destroy() {
      destroyed ??= (async () => {
        // What the context built, it closes; what a caller passed in (tests) is the caller's to close.
        if (overrides.mail === undefined) mail?.close();
        await reportThread.close();
        if (!overrides.database) await database.destroy();
      })();
      return destroyed;
    },
  };
}
