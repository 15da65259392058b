import { describe, expect, it } from 'vitest';
import { ConfigError, demoMode, loadConfig, parseConfig, parseNow } from './config.js';

const KEY = Buffer.alloc(32, 7).toString('base64');

describe('parseConfig', () => {
  it('gives working defaults for an empty environment (embedded database, port 3000)', () => {
    const result = parseConfig({});
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config).toMatchObject({
      nodeEnv: 'development',
      port: 3000,
      publicUrl: 'http://localhost:3000',
      dataDir: './.data',
      databaseUrl: null,
      now: null,
      logLevel: 'info',
      reportMaxHeapMb: 1024,
      encryptionKey: null,
      slack: null,
    });
    expect(Object.isFrozen(result.config)).toBe(true);
  });

  it('treats empty strings as unset, as .env files often leave them', () => {
    const result = parseConfig({ DATABASE_URL: '', PORT: ' ', NOW: '' });
    expect(result.ok && result.config.databaseUrl).toBe(null);
    expect(result.ok && result.config.port).toBe(3000);
  });

  it('names every bad variable in one error, with what it expects', () => {
    const result = parseConfig({
      PORT: '70000',
      PUBLIC_URL: 'ftp://example.com',
      DATABASE_URL: 'mysql://x',
      NOW: 'next tuesday',
      LOG_LEVEL: 'loud',
      REPORT_MAX_HEAP_MB: '64',
      ENCRYPTION_KEY: 'c2hvcnQ=',
      NODE_ENV: 'staging',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const vars = result.issues.map((i) => i.variable).sort();
    expect(vars).toEqual([
      'DATABASE_URL',
      'ENCRYPTION_KEY',
      'LOG_LEVEL',
      'NODE_ENV',
      'NOW',
      'PORT',
      'PUBLIC_URL',
      'REPORT_MAX_HEAP_MB',
    ]);
    const byVar = Object.fromEntries(result.issues.map((i) => [i.variable, i.message]));
    expect(byVar.PORT).toMatch(/0-65535/);
    expect(byVar.REPORT_MAX_HEAP_MB).toBe('expected at least 128 (MB)');
    expect(byVar.ENCRYPTION_KEY).toMatch(/32 random bytes, base64/);
    expect(byVar.NOW).toMatch(/ISO date/);
    expect(byVar.LOG_LEVEL).toMatch(/fatal, error, warn, info, debug, trace, silent/);
  });

  it('requires ENCRYPTION_KEY and PUBLIC_URL in production, alongside other errors', () => {
    const result = parseConfig({ NODE_ENV: 'production', PORT: 'x' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => i.variable).sort()).toEqual(['ENCRYPTION_KEY', 'PORT', 'PUBLIC_URL']);
  });

  it('accepts a complete production environment', () => {
    const result = parseConfig({
      NODE_ENV: 'production',
      ENCRYPTION_KEY: KEY,
      PUBLIC_URL: 'https://ar.example.com/',
      DATABASE_URL: 'postgres://u:p@db:5432/ar',
      PORT: '8080',
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.publicUrl).toBe('https://ar.example.com');
    expect(result.config.encryptionKey?.length).toBe(32);
    expect(result.config.port).toBe(8080);
  });

  it('configures Claude and SMTP only when their variables are set, and pairs SMTP_URL with MAIL_FROM', () => {
    const none = parseConfig({});
    expect(none.ok && none.config.anthropic).toBe(null);
    expect(none.ok && none.config.mail).toBe(null);
    const some = parseConfig({
      ANTHROPIC_API_KEY: 'sk-ant-test-000000',
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:9999/',
      SMTP_URL: 'smtp://u:p@mail.example:587',
      MAIL_FROM: 'Accounts <ar@example.com>',
    });
    expect(some.ok && some.config.anthropic).toEqual({
      apiKey: 'sk-ant-test-000000',
      model: 'claude-sonnet-4-5',
      baseUrl: 'http://127.0.0.1:9999',
    });
    expect(some.ok && some.config.mail).toEqual({
      smtpUrl: 'smtp://u:p@mail.example:587',
      from: 'Accounts <ar@example.com>',
      replyTo: null,
    });
    const bad = parseConfig({ SMTP_URL: 'http://mail', ANTHROPIC_BASE_URL: 'nope' });
    expect(bad.ok).toBe(false);
    if (!bad.ok)
      expect(bad.issues.map((i) => i.variable).sort()).toEqual([
        'ANTHROPIC_BASE_URL',
        'MAIL_FROM',
        'SMTP_URL',
      ]);
  });

  it('reads the IMAP mailbox (encoded login, default ports, Sent folder and who files copies) and names bad values', () => {
    expect(parseConfig({}).ok && (parseConfig({}) as { config: { imap: unknown } }).config.imap).toBe(null);
    const ok = parseConfig({ IMAP_URL: 'imaps://ar%40harbour.example:p%3Ass@imap.example.com' });
    expect(ok.ok && ok.config.imap).toEqual({
      address: {
        host: 'imap.example.com',
        port: 993,
        secure: true,
        user: 'ar@harbour.example',
        password: 'p:ss',
      },
      sentFolder: null,
      sentCopies: 'server',
      inboxFolder: 'INBOX',
      pollSeconds: 60,
    });
    const plain = parseConfig({
      IMAP_URL: 'imap://ar:x@127.0.0.1',
      IMAP_SENT_FOLDER: '[Gmail]/Sent Mail',
      MAIL_SENT_COPIES: 'append',
    });
    expect(plain.ok && plain.config.imap).toMatchObject({
      address: { port: 143, secure: false },
      sentFolder: '[Gmail]/Sent Mail',
      sentCopies: 'append',
    });
    const bad = parseConfig({ IMAP_URL: 'https://imap.example.com', MAIL_SENT_COPIES: 'sometimes' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.issues.map((i) => i.variable).sort()).toEqual(['IMAP_URL', 'MAIL_SENT_COPIES']);
    const noUser = parseConfig({ IMAP_URL: 'imaps://imap.example.com' });
    expect(!noUser.ok && noUser.issues[0]?.message).toMatch(/names no user/);
  });

  it('reads where replies arrive and the inbound-email secret (#18)', () => {
    const ok = parseConfig({
      IMAP_URL: 'imap://ar:x@127.0.0.1',
      IMAP_INBOX_FOLDER: 'Replies',
      IMAP_POLL_SECONDS: '30',
      INBOUND_EMAIL_SECRET: 'a-long-enough-shared-secret',
    });
    expect(ok.ok && ok.config.imap).toMatchObject({ inboxFolder: 'Replies', pollSeconds: 30 });
    expect(ok.ok && ok.config.inboundEmail).toEqual({ secret: 'a-long-enough-shared-secret' });
    expect(
      parseConfig({}).ok && (parseConfig({}) as { config: { inboundEmail: unknown } }).config.inboundEmail,
    ).toBe(null);
    const bad = parseConfig({ IMAP_POLL_SECONDS: '1', INBOUND_EMAIL_SECRET: 'short' });
    expect(!bad.ok && bad.issues.map((i) => i.variable).sort()).toEqual([
      'IMAP_POLL_SECONDS',
      'INBOUND_EMAIL_SECRET',
    ]);
  });

  it('loadConfig throws a ConfigError with a stable code and a readable message', () => {
    try {
      loadConfig({ PORT: '-1', LOG_LEVEL: 'x' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).code).toBe('CONFIG_INVALID');
      expect((err as ConfigError).message).toContain('Invalid configuration (2 problems)');
      expect((err as ConfigError).message).toContain('- PORT:');
      expect((err as ConfigError).message).toContain('- LOG_LEVEL:');
    }
  });
});

describe('Slack configuration', () => {
  const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';

  it('is off when no Slack variable is set', () => {
    const result = parseConfig({ SLACK_API_URL: 'http://127.0.0.1:9/api/' });
    expect(result.ok && result.config.slack).toBe(null);
  });

  it('gives HTTP mode against slack.com with a bot token and signing secret', () => {
    const result = parseConfig({ SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: SECRET });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.slack).toEqual({
      botToken: 'xoxb-1-2-abc',
      signingSecret: SECRET,
      appToken: null,
      apiUrl: 'https://slack.com/api/',
      defaults: {
        managers: [],
        collectors: [],
        digestChannel: null,
        queueChannel: null,
        escalationChannel: null,
      },
    });
    expect(Object.isFrozen(result.config.slack)).toBe(true);
  });

  it('seeds channel and role defaults from SLACK_MANAGERS, SLACK_COLLECTORS and SLACK_*_CHANNEL', () => {
    const result = parseConfig({
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_MANAGERS: 'U0MGR1, U0MGR2',
      SLACK_COLLECTORS: 'S0COLLECT',
      SLACK_DIGEST_CHANNEL: 'C0DIGEST',
      SLACK_QUEUE_CHANNEL: 'C0QUEUE',
      SLACK_ESCALATION_CHANNEL: 'C0ESC',
    });
    expect(result.ok && result.config.slack?.defaults).toEqual({
      managers: ['U0MGR1', 'U0MGR2'],
      collectors: ['S0COLLECT'],
      digestChannel: 'C0DIGEST',
      queueChannel: 'C0QUEUE',
      escalationChannel: 'C0ESC',
    });
    const bad = parseConfig({
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_MANAGERS: 'alice,bob',
      SLACK_DIGEST_CHANNEL: '#ar',
    });
    expect(bad.ok).toBe(false);
    if (!bad.ok)
      expect(bad.issues.map((i) => i.variable).sort()).toEqual(['SLACK_DIGEST_CHANNEL', 'SLACK_MANAGERS']);
  });

  it('takes an app token (Socket Mode) and a Web API URL, adding the trailing slash', () => {
    const result = parseConfig({
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_APP_TOKEN: 'xapp-1-A-1-x',
      SLACK_API_URL: 'http://127.0.0.1:4010/api',
    });
    expect(result.ok && result.config.slack).toMatchObject({
      appToken: 'xapp-1-A-1-x',
      apiUrl: 'http://127.0.0.1:4010/api/',
    });
  });

  it.each([
    [{ SLACK_BOT_TOKEN: 'xoxb-1' }, ['SLACK_SIGNING_SECRET']],
    [{ SLACK_SIGNING_SECRET: SECRET }, ['SLACK_BOT_TOKEN']],
    [{ SLACK_APP_TOKEN: 'xapp-1' }, ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET']],
  ])('requires bot token and signing secret together: %o → missing %o', (env, missing) => {
    const result = parseConfig(env);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => i.variable).sort()).toEqual(missing);
    expect(result.issues[0]?.message).toMatch(/SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET together/);
  });

  it('names wrong token kinds and a bad URL, with the pairing rule, in one error', () => {
    const result = parseConfig({
      SLACK_BOT_TOKEN: 'xoxp-user-token',
      SLACK_APP_TOKEN: 'xoxb-not-an-app-token',
      SLACK_API_URL: 'slack.com/api',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const byVar = Object.fromEntries(result.issues.map((i) => [i.variable, i.message]));
    expect(Object.keys(byVar).sort()).toEqual([
      'SLACK_API_URL',
      'SLACK_APP_TOKEN',
      'SLACK_BOT_TOKEN',
      'SLACK_SIGNING_SECRET',
    ]);
    expect(byVar.SLACK_BOT_TOKEN).toMatch(/xoxb-/);
    expect(byVar.SLACK_APP_TOKEN).toMatch(/xapp-/);
  });
});

describe('parseNow', () => {
  it.each([
    ['2026-11-21', '2026-11-21T12:00:00.000Z'],
    ['2024-02-29', '2024-02-29T12:00:00.000Z'],
    ['2026-11-21T09:30:00Z', '2026-11-21T09:30:00.000Z'],
    ['2026-11-21T09:30:00+13:00', '2026-11-20T20:30:00.000Z'],
    ['2026-11-21T09:30Z', '2026-11-21T09:30:00.000Z'],
  ])('%s → %s', (input, iso) => {
    expect(parseNow(input)?.toISOString()).toBe(iso);
  });

  it.each([
    '2025-02-29',
    '2026-13-01',
    '2026-11-21T09:30:00',
    'today',
    '21/11/2026',
  ])('rejects %s', (input) => {
    expect(parseNow(input)).toBeNull();
  });
});

describe('Xero settings', () => {
  it('defaults to Xero itself with the granular scopes, and no credentials', () => {
    const result = parseConfig({ PUBLIC_URL: 'https://ar.example.com/' });
    expect(result.ok && result.config.xero).toEqual({
      credentials: null,
      webhookKey: null,
      scopes: [
        'offline_access',
        'accounting.invoices',
        'accounting.payments.read',
        'accounting.contacts',
        'accounting.settings.read',
        'accounting.reports.aged.read',
      ],
      apiUrl: 'https://api.xero.com/api.xro/2.0',
      authorizeUrl: 'https://login.xero.com/identity/connect/authorize',
      tokenUrl: 'https://identity.xero.com/connect/token',
      connectionsUrl: 'https://api.xero.com/connections',
      redirectUri: 'https://ar.example.com/xero/callback',
      dailyLimit: 1000,
      dailyReserve: 300,
    });
  });

  it('takes the sandbox URLs and the credentials together', () => {
    const result = parseConfig({
      XERO_CLIENT_ID: 'id',
      XERO_CLIENT_SECRET: 'secret',
      XERO_WEBHOOK_KEY: 'hook',
      XERO_API_URL: 'http://127.0.0.1:4010/api.xro/2.0/',
      XERO_CONNECTIONS_URL: 'http://127.0.0.1:4010/connections',
    });
    expect(result.ok && result.config.xero).toMatchObject({
      credentials: { clientId: 'id', clientSecret: 'secret' },
      webhookKey: 'hook',
      apiUrl: 'http://127.0.0.1:4010/api.xro/2.0',
      redirectUri: 'http://localhost:3000/xero/callback',
    });
  });

  it.each([
    [{ XERO_CLIENT_ID: 'id' }, 'XERO_CLIENT_SECRET'],
    [{ XERO_CLIENT_SECRET: 'secret' }, 'XERO_CLIENT_ID'],
  ])('names the missing half of the credentials: %o', (env, missing) => {
    const result = parseConfig(env);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => i.variable)).toEqual([missing]);
  });

  it('takes the daily budget and its reserve, and refuses a reserve that leaves background work nothing', () => {
    const ok = parseConfig({ XERO_DAILY_LIMIT: '5000', XERO_DAILY_RESERVE: '500' });
    expect(ok.ok && ok.config.xero).toMatchObject({ dailyLimit: 5000, dailyReserve: 500 });
    const bad = parseConfig({ XERO_DAILY_LIMIT: '1000', XERO_DAILY_RESERVE: '1000' });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.issues.map((i) => i.variable)).toEqual(['XERO_DAILY_RESERVE']);
    const words = parseConfig({ XERO_DAILY_LIMIT: 'lots' });
    expect(!words.ok && words.issues.map((i) => i.variable)).toEqual(['XERO_DAILY_LIMIT']);
  });

  it('refuses scopes without offline_access and URLs that are not URLs, in one error', () => {
    const result = parseConfig({ XERO_SCOPES: 'accounting.invoices', XERO_TOKEN_URL: 'identity' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => i.variable).sort()).toEqual(['XERO_SCOPES', 'XERO_TOKEN_URL']);
  });
});

describe('demoMode', () => {
  const KEY = Buffer.alloc(32, 7).toString('base64');
  const mode = (env: Record<string, string>) => demoMode(loadConfig(env));

  it('runs the demo only when neither Slack nor Xero is configured', () => {
    expect(mode({})).toEqual({ kind: 'on' });
    expect(mode({ XERO_CLIENT_ID: 'id', XERO_CLIENT_SECRET: 'secret' })).toEqual({ kind: 'off' });
    expect(mode({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'abcdefgh' })).toEqual({ kind: 'off' });
  });

  it('refuses production, and names every real credential set without Slack or Xero', () => {
    const prod = mode({ NODE_ENV: 'production', ENCRYPTION_KEY: KEY, PUBLIC_URL: 'https://ar.example.com' });
    expect(prod.kind).toBe('refused');
    expect(prod.kind === 'refused' && prod.reason).toMatch(/NODE_ENV=production/);
    const creds = mode({
      SMTP_URL: 'smtp://u:p@mail.example.com:587',
      MAIL_FROM: 'ar@example.com',
      ANTHROPIC_API_KEY: 'sk-ant-test-key',
      XERO_WEBHOOK_KEY: 'whk',
      IMAP_URL: 'imaps://ar:x@imap.example.com',
    });
    expect(creds.kind).toBe('refused');
    expect(creds.kind === 'refused' && creds.reason).toMatch(
      /SMTP_URL, IMAP_URL, ANTHROPIC_API_KEY, XERO_WEBHOOK_KEY are set/,
    );
  });
});
