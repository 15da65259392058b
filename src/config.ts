// Over 300 lines: the only reader of process.env: one schema for every variable, so one error can list every bad one.
import { z } from 'zod';
import { type ImapAddress, parseImapUrl } from './adapters/mail/imap-url.js';
import type { SentCopies } from './domain/interrupted-send.js';

/**
 * The only reader of process.env. Everything else receives a frozen Config.
 * Parsing is pure (`parseConfig(env)`), so tests build config from literals.
 */

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Config {
  readonly nodeEnv: 'development' | 'production' | 'test';
  readonly port: number;
  /** The interface to listen on; null → every interface (the demo: 127.0.0.1). */
  readonly host: string | null;
  /** Where the outside world reaches us (OAuth callbacks, links in Slack). */
  readonly publicUrl: string;
  readonly dataDir: string;
  /** null → embedded PGlite under dataDir. */
  readonly databaseUrl: string | null;
  /** Fixed clock for sandbox, backtests and tests; null → system clock. */
  readonly now: Date | null;
  readonly logLevel: LogLevel;
  /** The report thread's heap ceiling in MB (REPORT_MAX_HEAP_MB): a report larger fails alone. */
  readonly reportMaxHeapMb: number;
  /** 32-byte key; null → generated once and kept in dataDir (embedded default only). */
  readonly encryptionKey: Buffer | null;
  /** Claude drafts when set; templates otherwise. */
  readonly anthropic: { readonly apiKey: string; readonly model: string; readonly baseUrl: string } | null;
  /** Outgoing reminders; null → reminders cannot be sent by email (shadow mode still works). */
  readonly mail: { readonly smtpUrl: string; readonly from: string; readonly replyTo: string | null } | null;
  /**
   * The collections mailbox over IMAP; null → interrupted sends are resolved by a person on the card. Its Sent
   * folder is where an interrupted send is looked up by Message-ID.
   */
  readonly imap: {
    readonly address: ImapAddress;
    /** null → the folder the server marks \Sent, else "Sent". */
    readonly sentFolder: string | null;
    readonly sentCopies: SentCopies;
    /** Where customers' replies arrive (INBOX unless IMAP_INBOX_FOLDER says otherwise). */
    readonly inboxFolder: string;
    /** How often the inbox is read when the server offers no IDLE, and the longest an IDLE waits. */
    readonly pollSeconds: number;
  } | null;
  /** The signed inbound-email webhook (POST /inbound/email); null → the route answers 404. */
  readonly inboundEmail: { readonly secret: string } | null;
  /** null → Slack is not configured: the service serves only its own HTTP routes. */
  readonly slack: SlackConfig | null;
  readonly xero: XeroConfig;
}

export interface SlackConfig {
  /** `xoxb-` bot token of the single workspace this instance serves. */
  readonly botToken: string;
  readonly signingSecret: string;
  /** `xapp-` token: Socket Mode (development); null → HTTP mode on PORT. */
  readonly appToken: string | null;
  /** Web API base URL, ending in '/'; the Slack sandbox's in demo mode. */
  readonly apiUrl: string;
  /** Seeds for every organisation's settings, so a fresh install never locks everyone out. */
  readonly defaults: {
    readonly managers: readonly string[];
    readonly collectors: readonly string[];
    readonly digestChannel: string | null;
    readonly queueChannel: string | null;
    readonly escalationChannel: string | null;
  };
}

export const DEFAULT_SLACK_API_URL = 'https://slack.com/api/';

/** Xero app settings. The URLs are configurable so the sandbox (and tests) can stand in for Xero. */
export interface XeroConfig {
  /** null → Xero not configured (connect is refused with a clear message). */
  readonly credentials: { readonly clientId: string; readonly clientSecret: string } | null;
  /** null → the webhook route answers 401 to everything (nothing can be verified). */
  readonly webhookKey: string | null;
  readonly scopes: readonly string[];
  readonly apiUrl: string;
  readonly authorizeUrl: string;
  readonly tokenUrl: string;
  readonly connectionsUrl: string;
  /** PUBLIC_URL + '/xero/callback'; must be registered in the Xero app. */
  readonly redirectUri: string;
  /** Calls a day per organisation, assumed until Xero's X-DayLimit-Remaining says (1,000 on the Starter tier). */
  readonly dailyLimit: number;
  /** Of the day's calls, those background work (polls, reconcile) leaves for interactive work. */
  readonly dailyReserve: number;
}

export const DEFAULT_XERO_SCOPES =
  'offline_access accounting.invoices accounting.payments.read accounting.contacts accounting.settings.read accounting.reports.aged.read';

export interface ConfigIssue {
  readonly variable: string;
  readonly message: string;
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; issues: ConfigIssue[] };

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly issues: ConfigIssue[]) {
    super(formatConfigIssues(issues));
    this.name = 'ConfigError';
  }
}

export function formatConfigIssues(issues: readonly ConfigIssue[]): string {
  const lines = issues.map((i) => `  - ${i.variable}: ${i.message}`);
  return `Invalid configuration (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${lines.join('\n')}`;
}

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** A date-only NOW means noon UTC that day: the same calendar day in every zone from UTC-11 to UTC+11. */
export function parseNow(value: string): Date | null {
  if (ISO_DATE.test(value)) {
    const d = new Date(`${value}T12:00:00.000Z`);
    return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value ? null : d;
  }
  if (ISO_DATETIME.test(value)) {
    const d = new Date(value);
    return Number.isNaN(d.getTime()) ? null : d;
  }
  return null;
}

function parseEncryptionKey(value: string): Buffer | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return null;
  const key = Buffer.from(value, 'base64');
  return key.length === 32 ? key : null;
}

const SLACK_ID_LIST = /^\s*[UWS][A-Z0-9_]{2,}(\s*,\s*[UWS][A-Z0-9_]{2,})*\s*$/;
const SLACK_CHANNEL = /^[CGD][A-Z0-9_]{2,}$/;
const CHANNEL_HINT = 'expected a channel id such as C0123ABCD (right-click the channel → Copy link)';
const splitIds = (v: string | undefined): string[] =>
  v
    ? v
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean)
    : [];

const EnvSchema = z.object({
  NODE_ENV: z.preprocess(
    emptyToUndefined,
    z
      .enum(['development', 'production', 'test'], { error: 'expected one of development, production, test' })
      .default('development'),
  ),
  PORT: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ error: 'expected a port number (0-65535)' })
      .int({ error: 'expected a whole port number (0-65535)' })
      .min(0, { error: 'expected a port number (0-65535)' })
      .max(65535, { error: 'expected a port number (0-65535)' })
      .default(3000),
  ),
  HOST: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[\w.:-]{1,255}$/, {
        error: 'expected an interface address or host name, e.g. 127.0.0.1 or 0.0.0.0',
      })
      .optional(),
  ),
  PUBLIC_URL: z.preprocess(
    emptyToUndefined,
    z
      .url({ protocol: /^https?$/, error: 'expected an absolute http(s) URL, e.g. https://ar.example.com' })
      .optional(),
  ),
  DATA_DIR: z.preprocess(emptyToUndefined, z.string().default('./.data')),
  DATABASE_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^postgres(ql)?:\/\/.+/, { error: 'expected a postgres:// or postgresql:// connection URL' })
      .optional(),
  ),
  NOW: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .refine((v) => parseNow(v) !== null, {
        error: 'expected an ISO date (2026-11-21) or date-time with zone (2026-11-21T09:00:00Z)',
      })
      .optional(),
  ),
  LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z.enum(LOG_LEVELS, { error: `expected one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  ),
  REPORT_MAX_HEAP_MB: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ error: 'expected a whole number of megabytes' })
      .int({ error: 'expected a whole number of megabytes' })
      .min(128, { error: 'expected at least 128 (MB)' })
      .default(1024),
  ),
  XERO_CLIENT_ID: z.preprocess(emptyToUndefined, z.string().optional()),
  XERO_CLIENT_SECRET: z.preprocess(emptyToUndefined, z.string().optional()),
  XERO_WEBHOOK_KEY: z.preprocess(emptyToUndefined, z.string().optional()),
  XERO_SCOPES: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .refine((v) => v.split(/\s+/).includes('offline_access'), {
        error: 'must include offline_access (without it Xero issues no refresh token)',
      })
      .default(DEFAULT_XERO_SCOPES),
  ),
  XERO_API_URL: z.preprocess(
    emptyToUndefined,
    z
      .url({ protocol: /^https?$/, error: 'expected an absolute http(s) URL' })
      .default('https://api.xero.com/api.xro/2.0'),
  ),
  XERO_AUTHORIZE_URL: z.preprocess(
    emptyToUndefined,
    z
      .url({ protocol: /^https?$/, error: 'expected an absolute http(s) URL' })
      .default('https://login.xero.com/identity/connect/authorize'),
  ),
  XERO_TOKEN_URL: z.preprocess(
    emptyToUndefined,
    z
      .url({ protocol: /^https?$/, error: 'expected an absolute http(s) URL' })
      .default('https://identity.xero.com/connect/token'),
  ),
  XERO_CONNECTIONS_URL: z.preprocess(
    emptyToUndefined,
    z
      .url({ protocol: /^https?$/, error: 'expected an absolute http(s) URL' })
      .default('https://api.xero.com/connections'),
  ),
  XERO_DAILY_LIMIT: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ error: 'expected a whole number of calls a day (1000 on Xero Starter, 5000 above it)' })
      .int({ error: 'expected a whole number of calls a day (1000 on Xero Starter, 5000 above it)' })
      .min(50, { error: 'expected at least 50 calls a day' })
      .default(1000),
  ),
  XERO_DAILY_RESERVE: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ error: 'expected a whole number of calls' })
      .int({ error: 'expected a whole number of calls' })
      .min(0, { error: 'expected 0 or more calls' })
      .default(300),
  ),
  ENCRYPTION_KEY: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .refine((v) => parseEncryptionKey(v) !== null, {
        error: 'expected 32 random bytes, base64-encoded (openssl rand -base64 32)',
      })
      .optional(),
  ),
  ANTHROPIC_API_KEY: z.preprocess(
    emptyToUndefined,
    z.string().min(10, { error: 'expected an Anthropic API key' }).optional(),
  ),
  ANTHROPIC_MODEL: z.preprocess(emptyToUndefined, z.string().min(3).default('claude-sonnet-4-5')),
  ANTHROPIC_BASE_URL: z.preprocess(
    emptyToUndefined,
    z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).default('https://api.anthropic.com'),
  ),
  SMTP_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^smtps?:\/\/.+/, { error: 'expected smtp://user:pass@host:587 or smtps://user:pass@host:465' })
      .optional(),
  ),
  MAIL_FROM: z.preprocess(
    emptyToUndefined,
    z.string().regex(/@/, { error: 'expected an address, e.g. "Accounts <ar@example.com>"' }).optional(),
  ),
  MAIL_REPLY_TO: z.preprocess(
    emptyToUndefined,
    z.string().regex(/@/, { error: 'expected an email address' }).optional(),
  ),
  IMAP_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .superRefine((v, ctx) => {
        const parsed = parseImapUrl(v);
        if ('error' in parsed) ctx.addIssue({ code: 'custom', message: parsed.error });
      })
      .optional(),
  ),
  IMAP_SENT_FOLDER: z.preprocess(emptyToUndefined, z.string().min(1).max(200).optional()),
  IMAP_INBOX_FOLDER: z.preprocess(emptyToUndefined, z.string().min(1).max(200).default('INBOX')),
  IMAP_POLL_SECONDS: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ error: 'expected a whole number of seconds (5-3600)' })
      .int({ error: 'expected a whole number of seconds (5-3600)' })
      .min(5, { error: 'expected at least 5 seconds' })
      .max(3600, { error: 'expected at most 3600 seconds' })
      .default(60),
  ),
  INBOUND_EMAIL_SECRET: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .min(16, { error: 'expected a shared secret of at least 16 characters (openssl rand -hex 32)' })
      .optional(),
  ),
  MAIL_SENT_COPIES: z.preprocess(
    emptyToUndefined,
    z.enum(['server', 'append'], { error: 'expected server or append' }).default('server'),
  ),
  SLACK_BOT_TOKEN: z.preprocess(
    emptyToUndefined,
    z.string().startsWith('xoxb-', { error: 'expected a bot token starting with xoxb-' }).optional(),
  ),
  SLACK_SIGNING_SECRET: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^\S{8,}$/, { error: "expected the signing secret from the app's Basic Information page" })
      .optional(),
  ),
  SLACK_APP_TOKEN: z.preprocess(
    emptyToUndefined,
    z.string().startsWith('xapp-', { error: 'expected an app-level token starting with xapp-' }).optional(),
  ),
  SLACK_API_URL: z.preprocess(
    emptyToUndefined,
    z
      .url({ protocol: /^https?$/, error: 'expected an absolute http(s) URL, e.g. https://slack.com/api/' })
      .default(DEFAULT_SLACK_API_URL),
  ),
  SLACK_MANAGERS: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(SLACK_ID_LIST, { error: 'expected comma-separated Slack user ids (U…) or a user group id (S…)' })
      .optional(),
  ),
  SLACK_COLLECTORS: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(SLACK_ID_LIST, { error: 'expected comma-separated Slack user ids (U…) or a user group id (S…)' })
      .optional(),
  ),
  SLACK_DIGEST_CHANNEL: z.preprocess(
    emptyToUndefined,
    z.string().regex(SLACK_CHANNEL, { error: CHANNEL_HINT }).optional(),
  ),
  SLACK_QUEUE_CHANNEL: z.preprocess(
    emptyToUndefined,
    z.string().regex(SLACK_CHANNEL, { error: CHANNEL_HINT }).optional(),
  ),
  SLACK_ESCALATION_CHANNEL: z.preprocess(
    emptyToUndefined,
    z.string().regex(SLACK_CHANNEL, { error: CHANNEL_HINT }).optional(),
  ),
});

export function parseConfig(env: Readonly<Record<string, string | undefined>>): ConfigResult {
  const parsed = EnvSchema.safeParse(env);
  const issues: ConfigIssue[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      issues.push({ variable: String(issue.path[0] ?? '(environment)'), message: issue.message });
    }
  }
  const e = parsed.success ? parsed.data : undefined;
  // Cross-variable rules run even when single variables failed, so one run names every problem.
  const nodeEnv = e?.NODE_ENV ?? env.NODE_ENV;
  if (nodeEnv === 'production' && !emptyToUndefined(env.ENCRYPTION_KEY)) {
    issues.push({
      variable: 'ENCRYPTION_KEY',
      message: 'required when NODE_ENV=production (32 random bytes, base64: openssl rand -base64 32)',
    });
  }
  if (nodeEnv === 'production' && !emptyToUndefined(env.PUBLIC_URL)) {
    issues.push({
      variable: 'PUBLIC_URL',
      message: 'required when NODE_ENV=production (the https origin Slack and Xero call)',
    });
  }
  if (emptyToUndefined(env.SMTP_URL) && !emptyToUndefined(env.MAIL_FROM)) {
    issues.push({
      variable: 'MAIL_FROM',
      message: 'required with SMTP_URL: the address reminders are sent from',
    });
  }
  // A bot token without its signing secret (or the reverse) would start an app that can post but rejects
  // every click, or one that cannot post at all; name what is missing instead.
  const slackVars = ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN'] as const;
  const slackSet = slackVars.filter((v) => emptyToUndefined(env[v]) !== undefined);
  if (slackSet.length > 0) {
    const missing = (['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET'] as const).filter(
      (v) => !slackSet.includes(v),
    );
    for (const variable of missing) {
      issues.push({
        variable,
        message: `required when ${slackSet.join(' and ')} ${slackSet.length === 1 ? 'is' : 'are'} set (Slack needs SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET together)`,
      });
    }
  }
  // The Xero app's id and secret are useless apart: name whichever is missing.
  const hasId = Boolean(emptyToUndefined(env.XERO_CLIENT_ID));
  const hasSecret = Boolean(emptyToUndefined(env.XERO_CLIENT_SECRET));
  if (hasId !== hasSecret) {
    issues.push({
      variable: hasId ? 'XERO_CLIENT_SECRET' : 'XERO_CLIENT_ID',
      message: `required together with ${hasId ? 'XERO_CLIENT_ID' : 'XERO_CLIENT_SECRET'} (both from the Xero developer portal)`,
    });
  }
  if (e && e.XERO_DAILY_RESERVE >= e.XERO_DAILY_LIMIT) {
    issues.push({
      variable: 'XERO_DAILY_RESERVE',
      message: `must be below XERO_DAILY_LIMIT (${e.XERO_DAILY_LIMIT}), or background syncing could never run`,
    });
  }
  if (issues.length > 0 || !e) return { ok: false, issues: dedupe(issues) };

  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  const config: Config = {
    nodeEnv: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST ?? null,
    publicUrl,
    dataDir: e.DATA_DIR,
    databaseUrl: e.DATABASE_URL ?? null,
    now: e.NOW ? parseNow(e.NOW) : null,
    logLevel: e.LOG_LEVEL,
    reportMaxHeapMb: e.REPORT_MAX_HEAP_MB,
    encryptionKey: e.ENCRYPTION_KEY ? parseEncryptionKey(e.ENCRYPTION_KEY) : null,
    anthropic: e.ANTHROPIC_API_KEY
      ? {
          apiKey: e.ANTHROPIC_API_KEY,
          model: e.ANTHROPIC_MODEL,
          baseUrl: e.ANTHROPIC_BASE_URL.replace(/\/+$/, ''),
        }
      : null,
    mail:
      e.SMTP_URL && e.MAIL_FROM
        ? { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM, replyTo: e.MAIL_REPLY_TO ?? null }
        : null,
    imap: e.IMAP_URL
      ? {
          address: parseImapUrl(e.IMAP_URL) as ImapAddress,
          sentFolder: e.IMAP_SENT_FOLDER ?? null,
          sentCopies: e.MAIL_SENT_COPIES,
          inboxFolder: e.IMAP_INBOX_FOLDER,
          pollSeconds: e.IMAP_POLL_SECONDS,
        }
      : null,
    inboundEmail: e.INBOUND_EMAIL_SECRET ? { secret: e.INBOUND_EMAIL_SECRET } : null,
    slack:
      e.SLACK_BOT_TOKEN && e.SLACK_SIGNING_SECRET
        ? Object.freeze({
            botToken: e.SLACK_BOT_TOKEN,
            signingSecret: e.SLACK_SIGNING_SECRET,
            appToken: e.SLACK_APP_TOKEN ?? null,
            apiUrl: e.SLACK_API_URL.endsWith('/') ? e.SLACK_API_URL : `${e.SLACK_API_URL}/`,
            defaults: Object.freeze({
              managers: splitIds(e.SLACK_MANAGERS),
              collectors: splitIds(e.SLACK_COLLECTORS),
              digestChannel: e.SLACK_DIGEST_CHANNEL ?? null,
              queueChannel: e.SLACK_QUEUE_CHANNEL ?? null,
              escalationChannel: e.SLACK_ESCALATION_CHANNEL ?? null,
            }),
          })
        : null,
    xero: Object.freeze({
      credentials:
        e.XERO_CLIENT_ID && e.XERO_CLIENT_SECRET
          ? { clientId: e.XERO_CLIENT_ID, clientSecret: e.XERO_CLIENT_SECRET }
          : null,
      webhookKey: e.XERO_WEBHOOK_KEY ?? null,
      scopes: Object.freeze(e.XERO_SCOPES.split(/\s+/).filter(Boolean)),
      apiUrl: e.XERO_API_URL.replace(/\/+$/, ''),
      authorizeUrl: e.XERO_AUTHORIZE_URL,
      tokenUrl: e.XERO_TOKEN_URL,
      connectionsUrl: e.XERO_CONNECTIONS_URL.replace(/\/+$/, ''),
      redirectUri: `${publicUrl}/xero/callback`,
      dailyLimit: e.XERO_DAILY_LIMIT,
      dailyReserve: e.XERO_DAILY_RESERVE,
    }),
  };
  return { ok: true, config: Object.freeze(config) };
}

function dedupe(issues: ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = `${i.variable}\u0000${i.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * Whether `npm start` runs the demo: only when neither Slack nor Xero is configured. The demo drives a simulated
 * Slack and Xero from an unauthenticated page, so it must never stand where a real deployment does: it refuses
 * production and any real credential (a real SMTP server, say, would make its page a mail relay).
 */
export type DemoMode =
  | { readonly kind: 'off' }
  | { readonly kind: 'on' }
  | { readonly kind: 'refused'; readonly reason: string };

export function demoMode(config: Config): DemoMode {
  if (config.slack || config.xero.credentials) return { kind: 'off' };
  if (config.nodeEnv === 'production') {
    return {
      kind: 'refused',
      reason:
        'NODE_ENV=production but neither Slack (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET) nor Xero (XERO_CLIENT_ID, XERO_CLIENT_SECRET) is configured; the demo never runs in production',
    };
  }
  const real = [
    config.mail ? 'SMTP_URL' : null,
    config.imap ? 'IMAP_URL' : null,
    config.inboundEmail ? 'INBOUND_EMAIL_SECRET' : null,
    config.anthropic ? 'ANTHROPIC_API_KEY' : null,
    config.xero.webhookKey ? 'XERO_WEBHOOK_KEY' : null,
  ].filter((v): v is string => v !== null);
  if (real.length > 0) {
    return {
      kind: 'refused',
      reason: `${real.join(', ')} ${real.length === 1 ? 'is' : 'are'} set without Slack or Xero: the demo runs only with no real credentials (unset ${real.length === 1 ? 'it' : 'them'}, or configure SLACK_* and XERO_* to run the service)`,
    };
  }
  return { kind: 'on' };
}

/** Reads process.env once. Throws ConfigError naming every bad variable. */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): Config {
  const result = parseConfig(env);
  if (!result.ok) throw new ConfigError(result.issues);
  return result.config;
}

/** The sending mailbox's domain for Message-IDs, and the name drafts are signed with, from MAIL_FROM. */
export interface SenderIdentity {
  readonly messageDomain: string;
  readonly senderName: string;
}

export function senderIdentity(config: Pick<Config, 'mail' | 'publicUrl'>): SenderIdentity {
  const from = config.mail?.from ?? '';
  const address = /<([^>]+)>/.exec(from)?.[1] ?? from;
  const domain = address.includes('@') ? address.split('@')[1]!.trim() : new URL(config.publicUrl).hostname;
  const display = /^\s*"?([^"<]+?)"?\s*</.exec(from)?.[1]?.trim();
  return { messageDomain: domain, senderName: display || 'Accounts team' };
}
