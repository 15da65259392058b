/**
 * The shipped build, run as the image runs it: `node dist/src/main.js` (the Dockerfile's CMD) from a directory
 * holding only `dist/`, `package.json` and production dependencies, with NODE_ENV=production and a real
 * configuration pointed at the Xero and Slack sandboxes (which run here, in the development tree).
 *
 *   npx tsx scripts/production-smoke.ts --app DIR        (DATABASE_URL: an empty PostgreSQL database)
 *
 * Checks: /readyz answers 200; every route answers (health, Slack events signed and unsigned, Xero connect,
 * callback and webhooks); Xero connects through the real OAuth flow and the service's own first sync completes
 * (read with the production CLI, `orgs --json`); the production CLI's `sync` runs; SIGTERM exits 0.
 * Exit code 0 when every check passed; every check prints one line.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { startSmtpSink } from '../src/sandbox/mail/smtp-sink.js';
import { SANDBOX_DEFAULTS as SLACK, startSlackSandbox } from '../src/sandbox/slack/index.js';
import { createSlackRequestClient } from '../src/sandbox/slack/signed-client.js';
import { signWebhookBody, startXeroSandbox } from '../src/sandbox/xero/index.js';
import { sandboxServiceEnv } from './sandbox-service-env.js';

const run = promisify(execFile);
const argv = process.argv.slice(2);
const appDir = resolve(argv[argv.indexOf('--app') + 1] ?? '');
if (!argv.includes('--app') || !appDir) {
  console.error('usage: npx tsx scripts/production-smoke.ts --app DIR   (with DATABASE_URL set)');
  process.exit(2);
}
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  console.error('DATABASE_URL must name an empty PostgreSQL database');
  process.exit(2);
}

let failures = 0;
const check = (ok: boolean, what: string, detail = '') => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${detail ? ` (${detail})` : ''}`);
  if (!ok) failures++;
};

async function freePort(): Promise<number> {
  const s = createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

async function waitFor<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | null>,
): Promise<T | null> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await probe().catch(() => null);
    if (v !== null) return v;
    await new Promise((r) => setTimeout(r, 500));
  }
  console.log(`     gave up waiting for ${what} after ${timeoutMs / 1000} s`);
  return null;
}

const xero = await startXeroSandbox({
  organisations: [{ kind: 'demo', name: 'Smoke Test Ltd', seed: 4, contacts: 40, invoices: 400 }],
});
const slack = await startSlackSandbox({ rateLimits: false });
const mail = await startSmtpSink();
const port = await freePort();
const origin = `http://127.0.0.1:${port}`;
const signingSecret = randomBytes(24).toString('hex');
const env: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  // As the Dockerfile sets them.
  NODE_ENV: 'production',
  NODE_OPTIONS: '--max-old-space-size=1536',
  PORT: String(port),
  DATA_DIR: resolve(appDir, 'data'),
  PUBLIC_URL: origin,
  DATABASE_URL: databaseUrl,
  ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  LOG_LEVEL: 'info',
  ...sandboxServiceEnv({
    xero,
    slack,
    signingSecret,
    smtpUrl: mail.url,
    mailFrom: 'Accounts <ar@smoke.example>',
  }),
};

console.log(`service: node dist/src/main.js in ${appDir} (NODE_ENV=production, port ${port})`);
const service: ChildProcess = spawn('node', ['dist/src/main.js'], {
  cwd: appDir,
  env,
  stdio: ['ignore', 'pipe', 'pipe'],
});
let output = '';
service.stdout?.on('data', (d: Buffer) => {
  output += d.toString();
});
service.stderr?.on('data', (d: Buffer) => {
  output += d.toString();
});
const exited = once(service, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;

const cli = async (...args: string[]) => {
  const { stdout } = await run('node', ['dist/src/cli.js', ...args], { cwd: appDir, env, timeout: 300_000 });
  return stdout;
};

try {
  const ready = await waitFor('/readyz', 60_000, async () => {
    if (service.exitCode !== null) throw new Error('exited');
    const r = await fetch(`${origin}/readyz`);
    return r.status === 200 ? r.status : null;
  });
  check(ready === 200, 'GET /readyz answers 200');
  if (ready !== 200) throw new Error('the service did not become ready');
  check((await fetch(`${origin}/healthz`)).status === 200, 'GET /healthz answers 200');

  const signed = createSlackRequestClient({ baseUrl: origin, signingSecret, sandbox: slack });
  const help = await signed.command({
    text: 'help',
    userId: SLACK.users.manager.id,
    channelId: SLACK.channels.queue.id,
  });
  check(
    help.status === 200 && help.body.includes('/ar'),
    'signed /ar help on /slack/events answers 200 with the help',
  );
  const forged = createSlackRequestClient({
    baseUrl: origin,
    signingSecret: 'not-the-secret',
    sandbox: slack,
  });
  const refused = await forged.command({
    text: 'top',
    userId: SLACK.users.manager.id,
    channelId: SLACK.channels.queue.id,
  });
  check(refused.status === 401, 'a forged Slack signature is refused with 401', `got ${refused.status}`);

  const body = JSON.stringify({ events: [], firstEventSequence: 1, lastEventSequence: 1, entropy: 'x' });
  const hook = await fetch(`${origin}/xero/webhooks`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-xero-signature': signWebhookBody(body, xero.webhookKey),
    },
    body,
  });
  const forgedHook = await fetch(`${origin}/xero/webhooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-xero-signature': 'Zm9yZ2Vk' },
    body,
  });
  check(hook.status === 200 && forgedHook.status === 401, 'Xero webhooks: signed 200, forged 401');

  // Xero's consent, as a browser would follow it: our connect → Xero's authorize → our callback, with the cookie.
  const connect = await fetch(`${origin}/xero/connect`, { redirect: 'manual' });
  const cookie = (connect.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const authorize = await fetch(connect.headers.get('location') ?? '', { redirect: 'manual' });
  const callback = await fetch(authorize.headers.get('location') ?? '', {
    headers: { cookie },
    redirect: 'manual',
  });
  const page = await callback.text();
  check(
    connect.status === 302 && callback.status === 200 && page.includes('Smoke Test Ltd'),
    'Xero connects through OAuth (connect 302, callback 200)',
    `connect ${connect.status}, callback ${callback.status}`,
  );

  // The service's own first sync: the scheduler ticks each minute.
  const synced = await waitFor('the first sync', 120_000, async () => {
    const orgs = JSON.parse(await cli('orgs', '--json')) as {
      lastSync: { ok: boolean; apiCalls: number } | null;
    }[];
    const last = orgs[0]?.lastSync;
    return last?.ok ? last : null;
  });
  check(
    synced !== null,
    "the service's first Xero sync completed",
    synced ? `${synced.apiCalls} API calls` : '',
  );

  const cliSync = JSON.parse(await cli('sync', '--json')) as { status: string; mode?: string }[];
  check(
    cliSync[0]?.status === 'synced',
    'the production CLI syncs incrementally',
    JSON.stringify(cliSync[0]?.status),
  );
  const orgs = JSON.parse(await cli('orgs', '--json')) as {
    xeroCallsToday: number;
    nextSyncAt: string | null;
  }[];
  check(
    (orgs[0]?.xeroCallsToday ?? 0) > 0 && orgs[0]?.nextSyncAt !== null,
    'orgs --json shows calls used today and the next sync',
    `${orgs[0]?.xeroCallsToday} calls today, next sync ${orgs[0]?.nextSyncAt}`,
  );
  // /ar kpis builds the collections report on the report thread: its compiled worker must ship and start.
  const manager = SLACK.users.manager.id;
  const seen = slack.ephemerals({ user: manager }).length;
  const kpis = await signed.command({ text: 'kpis', userId: manager, channelId: SLACK.channels.queue.id });
  const kpiAnswer = await waitFor('the /ar kpis answer', 60_000, async () => {
    const found = slack
      .ephemerals({ user: manager })
      .slice(seen)
      .find((e) => e.text.startsWith('AR KPIs'));
    return found ?? null;
  });
  check(
    kpis.status === 200 && kpiAnswer !== null,
    '/ar kpis answers with the KPI table, built on the report thread',
    kpiAnswer?.text.slice(0, 80) ?? `status ${kpis.status}`,
  );
  check(
    xero.calls.every((c) => c.status !== 429),
    "no answer of 429 from the sandbox's real limits",
  );
} catch (err) {
  check(false, 'smoke run', err instanceof Error ? err.message : String(err));
} finally {
  if (service.exitCode === null) service.kill('SIGTERM');
  const timer = setTimeout(() => service.kill('SIGKILL'), 35_000);
  const [code, signal] = await exited;
  clearTimeout(timer);
  check(code === 0, 'SIGTERM: the service exits 0', `code ${code}${signal ? `, signal ${signal}` : ''}`);
  if (failures > 0) console.log(`--- service output ---\n${output.slice(-6000)}`);
  await Promise.all([xero.close(), slack.close(), mail.close()]);
}
console.log(
  failures === 0 ? 'production smoke: every check passed' : `production smoke: ${failures} check(s) failed`,
);
process.exit(failures === 0 ? 0 : 1);
