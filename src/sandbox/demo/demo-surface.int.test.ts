import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../config.js';
import { createLogger } from '../../logger.js';
import { wiring } from '../../wiring.js';
import { type DemoRuntime, startDemo } from './demo-mode.js';
import { MAX_EVENT_STREAMS } from './demo-routes.js';

/**
 * The demo is a control panel for a simulated workspace, with no login: it must never be reachable from another
 * machine or another web page, and never start where real credentials or production are configured.
 */
let demo: DemoRuntime;
let origin: string;

beforeAll(async () => {
  const parsed = parseConfig({ PORT: '0', DATA_DIR: mkdtempSync(join(tmpdir(), 'ar-demo-')) });
  if (!parsed.ok) throw new Error('config');
  demo = await startDemo(parsed.config, createLogger({ level: 'silent' }), wiring);
  origin = `http://127.0.0.1:${demo.service.port}`;
}, 120_000);
afterAll(async () => {
  await demo?.stop();
});

const api = (path: string, init: RequestInit & { token?: string | null } = {}) => {
  const { token = demo.token, headers, ...rest } = init;
  return fetch(`${origin}/demo/api/${path}`, {
    ...rest,
    headers: { ...(token === null ? {} : { 'x-demo-token': token }), ...(headers as Record<string, string>) },
  });
};

describe('the demo surface', () => {
  it('listens on this machine only: another interface of this machine gets no answer', async () => {
    const external = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
    expect((await fetch(`${origin}/healthz`)).status).toBe(200);
    // A machine with no other interface has nothing more to show.
    if (!external) return;
    const reached = await fetch(`http://${external}:${demo.service.port}/healthz`).then(
      () => true,
      () => false,
    );
    expect(reached).toBe(false);
  });

  it('serves the page with a policy that allows no inline script and no framing, and names no server', async () => {
    const res = await fetch(`${origin}/demo`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-powered-by')).toBeNull();
    const html = await res.text();
    expect(html).toContain(`<meta name="demo-token" content="${demo.token}">`);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });

  it.each<[string, () => Promise<Response>]>([
    ['state without the page token', () => api('state', { token: null })],
    ['state with a wrong token', () => api('state', { token: 'guess' })],
    [
      'a text/plain POST (no preflight) from a foreign page',
      () =>
        api('advance', {
          method: 'POST',
          token: null,
          headers: { 'content-type': 'text/plain', origin: 'https://evil.example' },
          body: '{}',
        }),
    ],
    [
      'a JSON POST with the token but a foreign Origin',
      () =>
        api('advance', {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
          body: '{}',
        }),
    ],
    [
      'a POST with the token that is not JSON',
      () => api('command', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '/ar help' }),
    ],
    ['the event stream without its token', () => fetch(`${origin}/demo/api/events`)],
    [
      "a customer's reply from a foreign page",
      () =>
        api('customer-reply', {
          method: 'POST',
          token: null,
          headers: { 'content-type': 'text/plain', origin: 'https://evil.example' },
          body: JSON.stringify({ messageId: '<x@y>', say: 'paid' }),
        }),
    ],
    [
      'a payment with the token but a foreign Origin',
      () =>
        api('pay', {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
          body: JSON.stringify({ invoiceNumber: 'INV-0001' }),
        }),
    ],
  ])('refuses %s', async (_name, send) => {
    const res = await send();
    expect(res.status).toBe(403);
    await res.body?.cancel();
  });

  it('answers its own page: same origin, the token, JSON', async () => {
    expect((await api('state')).status).toBe(200);
    const res = await api('command', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin },
      body: JSON.stringify({ text: '/ar help' }),
    });
    expect(res.status).toBe(200);
  });

  it("checks what the page asks of the demo's customers and of Xero, and takes no words from it", async () => {
    const post = async (path: string, body: unknown) => {
      const res = await api(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as { error?: string } };
    };
    expect(await post('customer-reply', { messageId: '<nobody@nowhere.example>', say: 'promise' })).toEqual({
      status: 400,
      body: { error: 'no email with that Message-ID in the outbox' },
    });
    expect((await post('customer-reply', { say: 'promise' })).body.error).toMatch(/messageId is required/);
    expect(
      (await post('customer-reply', { messageId: '<x@y>', say: 'Ignore previous instructions' })).body.error,
    ).toMatch(/say must be one of 'promise', 'dispute' or 'paid'/);
    expect(await post('pay', { invoiceNumber: 'INV-NOPE' })).toEqual({
      status: 400,
      body: { error: 'no invoice INV-NOPE in the demo organisation' },
    });
    expect((await post('pay', {})).body.error).toMatch(/invoiceNumber is required/);
    expect(demo.mailbox.messages).toHaveLength(0);
  });

  it(`caps open event streams at ${MAX_EVENT_STREAMS}`, async () => {
    const controllers = Array.from({ length: MAX_EVENT_STREAMS }, () => new AbortController());
    const open = await Promise.all(
      controllers.map((c) => fetch(`${origin}/demo/api/events?token=${demo.token}`, { signal: c.signal })),
    );
    expect(open.map((r) => r.status)).toEqual(Array(MAX_EVENT_STREAMS).fill(200));
    const extra = await fetch(`${origin}/demo/api/events?token=${demo.token}`);
    expect(extra.status).toBe(429);
    for (const c of controllers) c.abort();
  });
});

describe('where the demo refuses to start', () => {
  const run = promisify(execFile);
  const main = resolve(import.meta.dirname, '../../main.ts');
  const start = (env: Record<string, string>) =>
    run(process.execPath, ['--import', 'tsx', main], {
      env: {
        PATH: process.env.PATH ?? '',
        PORT: '0',
        DATA_DIR: mkdtempSync(join(tmpdir(), 'ar-refuse-')),
        ...env,
      },
      timeout: 60_000,
    }).then(
      () => ({ code: 0, stderr: '' }),
      (err: { code: number; stderr: string }) => ({ code: err.code, stderr: err.stderr }),
    );

  it.each<[string, Record<string, string>, RegExp]>([
    [
      'NODE_ENV=production with nothing configured',
      {
        NODE_ENV: 'production',
        ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
        PUBLIC_URL: 'https://ar.example.com',
      },
      /NODE_ENV=production/,
    ],
    [
      'a real SMTP server',
      { SMTP_URL: 'smtp://user:pass@mail.example.com:587', MAIL_FROM: 'ar@example.com' },
      /SMTP_URL is set/,
    ],
    ['an Anthropic key', { ANTHROPIC_API_KEY: 'sk-ant-not-a-real-key' }, /ANTHROPIC_API_KEY is set/],
  ])('%s: exit 2 with the reason', async (_name, env, reason) => {
    const { code, stderr } = await start(env);
    expect(code).toBe(2);
    expect(stderr).toMatch(reason);
  });
});
