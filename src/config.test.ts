import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfig, parseNow } from './config.js';

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
      encryptionKey: null,
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
    ]);
    const byVar = Object.fromEntries(result.issues.map((i) => [i.variable, i.message]));
    expect(byVar.PORT).toMatch(/0-65535/);
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

  it.each(['2025-02-29', '2026-13-01', '2026-11-21T09:30:00', 'today', '21/11/2026'])(
    'rejects %s',
    (input) => {
      expect(parseNow(input)).toBeNull();
    },
  );
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

  it('refuses scopes without offline_access and URLs that are not URLs, in one error', () => {
    const result = parseConfig({ XERO_SCOPES: 'accounting.invoices', XERO_TOKEN_URL: 'identity' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => i.variable).sort()).toEqual(['XERO_SCOPES', 'XERO_TOKEN_URL']);
  });
});
