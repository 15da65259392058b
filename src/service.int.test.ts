import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretBox } from './adapters/crypto/secret-box.js';
import { parseConfig } from './config.js';
import { createContext } from './context.js';
import { createLogger } from './logger.js';
import { SANDBOX_DEFAULTS, type SlackSandbox, startSlackSandbox } from './sandbox/slack/index.js';
import { createSlackRequestClient } from './sandbox/slack/signed-client.js';
import { type RunningService, startService } from './service.js';
import { useTestDatabase } from './testing/test-database.js';

const SIGNING_SECRET = 'service-test-signing-secret-42';

describe('service on a test database', () => {
  const database = useTestDatabase({ emptyBeforeEach: false });
  let service: RunningService;
  let slackService: RunningService;
  let sandbox: SlackSandbox;
  const commands: string[] = [];
  beforeAll(async () => {
    const parsed = parseConfig({ PORT: '0' });
    if (!parsed.ok) throw new Error('config');
    const ctx = await createContext(parsed.config, {
      database,
      log: createLogger({ level: 'silent' }),
      secrets: createSecretBox(Buffer.alloc(32, 3)),
    });
    service = await startService(ctx, { port: 0 });

    sandbox = await startSlackSandbox();
    const withSlack = parseConfig({
      PORT: '0',
      SLACK_BOT_TOKEN: sandbox.botToken,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: sandbox.apiUrl,
    });
    if (!withSlack.ok) throw new Error('slack config');
    const slackCtx = await createContext(withSlack.config, {
      database,
      log: createLogger({ level: 'silent' }),
      secrets: createSecretBox(Buffer.alloc(32, 3)),
    });
    slackService = await startService(slackCtx, {
      port: 0,
      slack: { processBeforeResponse: true, clientOptions: { retryConfig: { retries: 0 } } },
      registerSlackListeners: (app) => {
        app.command('/ar', async ({ ack, command }) => {
          commands.push(command.text);
          await ack({ text: `ok: ${command.text}` });
        });
      },
    });
  });
  afterAll(async () => {
    await service?.stop();
    await slackService?.stop();
    await sandbox?.close();
  });

  it('runs without Slack when it is not configured', () => {
    expect(service.slack).toBeNull();
  });

  it('with Slack configured, serves /slack/events, /healthz, /readyz and JSON 404s from one server', async () => {
    expect(slackService.slack?.mode).toBe('http');
    expect(sandbox.callsTo('auth.test')).toHaveLength(1);
    const health = await fetch(`${slackService.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${slackService.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { ready: boolean }).ready).toBe(true);
    const missing = await fetch(`${slackService.url}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'not_found' });

    const slack = createSlackRequestClient({
      baseUrl: slackService.url,
      signingSecret: SIGNING_SECRET,
      sandbox,
    });
    const channelId = SANDBOX_DEFAULTS.channels.queue.id;
    const userId = SANDBOX_DEFAULTS.users.manager.id;
    const res = await slack.command({ text: 'help', userId, channelId });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ text: 'ok: help' });
    expect(commands).toEqual(['help']);
    const forged = await slack.command({ text: 'sneaky', userId, channelId }, { signature: 'forged' });
    expect(forged.status).toBe(401);
    expect(commands).toEqual(['help']);
  });

  it('answers /healthz', async () => {
    const res = await fetch(`${service.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz with the database reachable and migrations current', async () => {
    const res = await fetch(`${service.url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      ready: true,
      database: 'ok',
      migrations: { current: true, pending: [] },
    });
  });

  it('answers 404 as JSON for unknown paths', async () => {
    const res = await fetch(`${service.url}/nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'not_found' });
  });
});

describe('npm start on a fresh data directory (the real entry point)', () => {
  it('starts the demo with no configuration, migrates, serves health, readiness and the page, stops on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ar-start-'));
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PORT: '0',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
    };
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed; stderr: ${stderr}`)), 100_000);
      child.stdout.on('data', (d) => {
        stdout += d;
        // With no configuration at all, npm start runs the demo (a simulated Xero and Slack).
        const m = /(?:running at|demo is running: open) (http:\/\/[^/\s]+)/.exec(stdout);
        if (m?.[1]) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}; stderr: ${stderr}`)));
    });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { ready: boolean }).ready).toBe(true);
    const page = await fetch(`${url}/demo`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>AR Copilot — demo workspace</title>');

    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 120_000);

  it('exits with code 2 and names every bad variable', async () => {
    const env = { PATH: process.env.PATH ?? '', PORT: 'eighty', LOG_LEVEL: 'chatty' };
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(code).toBe(2);
    expect(stderr).toContain('PORT:');
    expect(stderr).toContain('LOG_LEVEL:');
  }, 30_000);
});
