import { z } from 'zod';

/**
 * The only reader of process.env. Everything else receives a frozen Config.
 * Parsing is pure (`parseConfig(env)`), so tests build config from literals.
 */

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Config {
  readonly nodeEnv: 'development' | 'production' | 'test';
  readonly port: number;
  /** Where the outside world reaches us (OAuth callbacks, links in Slack). */
  readonly publicUrl: string;
  readonly dataDir: string;
  /** null → embedded PGlite under dataDir. */
  readonly databaseUrl: string | null;
  /** Fixed clock for sandbox, backtests and tests; null → system clock. */
  readonly now: Date | null;
  readonly logLevel: LogLevel;
  /** 32-byte key; null → generated once and kept in dataDir (embedded default only). */
  readonly encryptionKey: Buffer | null;
  readonly xero: XeroConfig;
}

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
  ENCRYPTION_KEY: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .refine((v) => parseEncryptionKey(v) !== null, {
        error: 'expected 32 random bytes, base64-encoded (openssl rand -base64 32)',
      })
      .optional(),
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
  // The Xero app's id and secret are useless apart: name whichever is missing.
  const hasId = Boolean(emptyToUndefined(env.XERO_CLIENT_ID));
  const hasSecret = Boolean(emptyToUndefined(env.XERO_CLIENT_SECRET));
  if (hasId !== hasSecret) {
    issues.push({
      variable: hasId ? 'XERO_CLIENT_SECRET' : 'XERO_CLIENT_ID',
      message: `required together with ${hasId ? 'XERO_CLIENT_ID' : 'XERO_CLIENT_SECRET'} (both from the Xero developer portal)`,
    });
  }
  if (issues.length > 0 || !e) return { ok: false, issues: dedupe(issues) };

  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  const config: Config = {
    nodeEnv: e.NODE_ENV,
    port: e.PORT,
    publicUrl,
    dataDir: e.DATA_DIR,
    databaseUrl: e.DATABASE_URL ?? null,
    now: e.NOW ? parseNow(e.NOW) : null,
    logLevel: e.LOG_LEVEL,
    encryptionKey: e.ENCRYPTION_KEY ? parseEncryptionKey(e.ENCRYPTION_KEY) : null,
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

/** Reads process.env once. Throws ConfigError naming every bad variable. */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): Config {
  const result = parseConfig(env);
  if (!result.ok) throw new ConfigError(result.issues);
  return result.config;
}
