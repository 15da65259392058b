/**
 * One fault-suite stack: a PostgreSQL database of its own, the Xero and Slack sandboxes, a real SMTP server (slow
 * when asked, filing what it accepts into dovecot's Sent folder when IMAP is on), and the built service run as the
 * image runs it (`node dist/src/main.js`), as many times and as many instances as a case needs.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { type SmtpSink, startSmtpSink } from '../../src/sandbox/mail/smtp-sink.js';
import {
  type RateLimitOptions,
  type SlackSandbox,
  startSlackSandbox,
} from '../../src/sandbox/slack/index.js';
import { createSlackRequestClient, type SlackRequestClient } from '../../src/sandbox/slack/signed-client.js';
import { startXeroSandbox, type XeroSandbox, type XeroSandboxOptions } from '../../src/sandbox/xero/index.js';
import { type Dovecot, startDovecot } from '../../src/testing/dovecot.js';
import { sandboxServiceEnv } from '../sandbox-service-env.js';

const run = promisify(execFile);
export const MAILBOX_USER = 'ar';

export async function freePort(): Promise<number> {
  const s = createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function waitFor<T>(
  timeoutMs: number,
  probe: () => Promise<T | null>,
  stepMs = 500,
): Promise<T | null> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await probe().catch(() => null);
    if (v !== null) return v;
    await sleep(stepMs);
  }
  return null;
}

export interface ServiceProcess {
  readonly origin: string;
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  output(): string;
}

export interface StackOptions {
  readonly name: string;
  readonly imap?: boolean;
  readonly smtpReplyDelayMs?: number;
  readonly xero?: XeroSandboxOptions['organisations'];
  /** Slack's posting limit; default off. */
  readonly slackRateLimits?: false | RateLimitOptions;
  readonly env?: Record<string, string>;
}

export interface Stack {
  readonly xero: XeroSandbox;
  readonly slack: SlackSandbox;
  readonly mail: SmtpSink;
  readonly dovecot: Dovecot | null;
  readonly db: pg.Pool;
  readonly env: NodeJS.ProcessEnv;
  /** Starts an instance on a port of its own and waits for /readyz. */
  start(extraEnv?: Record<string, string>): Promise<ServiceProcess>;
  /** The signed Slack client for an instance. */
  slackClient(service: ServiceProcess): SlackRequestClient;
  cli(...args: string[]): Promise<string>;
  /** Xero's consent through the real redirect chain of an instance. */
  connectXero(service: ServiceProcess): Promise<void>;
  /** The database refuses connections and drops the ones open, for this long. */
  cutDatabase(ms: number): Promise<void>;
  close(): Promise<void>;
}

const adminUrl = () => process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export async function startStack(options: StackOptions): Promise<Stack> {
  const dbName = `ar_fault_${options.name.toLowerCase().replace(/\W+/g, '_')}_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`drop database if exists ${dbName} with (force)`);
  await admin.query(`create database ${dbName}`);
  await admin.end();
  const dbUrl = new URL(adminUrl());
  dbUrl.pathname = `/${dbName}`;
  const db = new pg.Pool({ connectionString: dbUrl.toString(), max: 3 });
  db.on('error', () => {});

  const dovecot = options.imap ? await startDovecot({ users: [MAILBOX_USER] }) : null;
  const sentClient = dovecot ? await dovecot.client(MAILBOX_USER) : null;
  const xero = await startXeroSandbox({
    organisations: options.xero ?? [
      { kind: 'demo', name: 'Fault Foods Ltd', seed: 11, contacts: 150, invoices: 1500 },
    ],
  });
  const slack = await startSlackSandbox({ rateLimits: options.slackRateLimits ?? false });
  const mail = await startSmtpSink({
    replyDelayMs: options.smtpReplyDelayMs ?? 0,
    // Like Gmail: what the server accepts is in the Sent folder before it answers 250.
    ...(sentClient
      ? {
          fileAccepted: async (raw: Buffer) => {
            await sentClient.append('Sent', raw, ['\\Seen']);
          },
        }
      : {}),
  });
  const dataDir = mkdtempSync(join(tmpdir(), 'ar-fault-'));
  const signingSecret = randomBytes(24).toString('hex');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    DATA_DIR: dataDir,
    DATABASE_URL: dbUrl.toString(),
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'warn',
    ...sandboxServiceEnv({
      xero,
      slack,
      signingSecret,
      smtpUrl: mail.url,
      mailFrom: 'Accounts <ar@fault.example>',
    }),
    ...(dovecot ? { IMAP_URL: dovecot.urlFor(MAILBOX_USER) } : {}),
    ...options.env,
  };
  const children: ChildProcess[] = [];

  async function start(extraEnv: Record<string, string> = {}): Promise<ServiceProcess> {
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const child = spawn(process.execPath, ['dist/src/main.js'], {
      env: { ...env, PORT: String(port), PUBLIC_URL: origin, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let output = '';
    child.stdout?.on('data', (d: Buffer) => {
      output = (output + d.toString()).slice(-20_000);
    });
    child.stderr?.on('data', (d: Buffer) => {
      output = (output + d.toString()).slice(-20_000);
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>(
      (resolve) => child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
    );
    const ready = await waitFor(
      60_000,
      async () => {
        if (child.exitCode !== null) throw new Error('exited');
        return (await fetch(`${origin}/readyz`)).status === 200 ? true : null;
      },
      100,
    );
    if (!ready) {
      child.kill('SIGKILL');
      throw new Error(`the service did not become ready:\n${output.slice(-3000)}`);
    }
    return { origin, child, exited, output: () => output };
  }

  return {
    xero,
    slack,
    mail,
    dovecot,
    db,
    env,
    start,
    slackClient: (service) =>
      createSlackRequestClient({ baseUrl: service.origin, signingSecret, sandbox: slack }),
    async cli(...args) {
      const { stdout } = await run(process.execPath, ['dist/src/cli.js', ...args], {
        env: { ...env, PUBLIC_URL: 'http://127.0.0.1:1' },
        timeout: 300_000,
        maxBuffer: 64 * 1024 * 1024,
      });
      return stdout;
    },
    async connectXero(service) {
      const connect = await fetch(`${service.origin}/xero/connect`, { redirect: 'manual' });
      const cookie = (connect.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      const authorize = await fetch(connect.headers.get('location') ?? '', { redirect: 'manual' });
      const callback = await fetch(authorize.headers.get('location') ?? '', {
        headers: { cookie },
        redirect: 'manual',
      });
      if (callback.status !== 200)
        throw new Error(`Xero connect failed: callback answered ${callback.status}`);
    },
    async cutDatabase(ms) {
      const admin = new pg.Client({ connectionString: adminUrl() });
      await admin.connect();
      try {
        await admin.query(`alter database ${dbName} allow_connections false`);
        await admin.query(
          'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
          [dbName],
        );
        await sleep(ms);
      } finally {
        await admin.query(`alter database ${dbName} allow_connections true`);
        await admin.end();
      }
    },
    async close() {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      await sentClient?.logout().catch(() => {});
      await Promise.all([xero.close(), slack.close(), mail.close(), dovecot?.close(), db.end()]);
      const drop = new pg.Client({ connectionString: adminUrl() });
      await drop.connect();
      await drop.query(`drop database if exists ${dbName} with (force)`);
      await drop.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
