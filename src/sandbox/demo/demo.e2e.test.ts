import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../config.js';
import { createLogger } from '../../logger.js';
import { wiring } from '../../wiring.js';
import { type DemoRuntime, startDemo } from './demo-mode.js';

// The demo in a real browser (Debian's chromium): digest → customer card → edit the draft in the modal →
// approve → the email in the outbox panel and the note in the Xero panel → next business day → next step.
// `npm run screenshots` also writes the README's pictures to docs/.
const SHOTS = process.env.SCREENSHOTS ? resolve(process.env.SCREENSHOTS) : null;

let demo: DemoRuntime;
let browser: Browser;
let page: Page;
const cspViolations: string[] = [];

beforeAll(async () => {
  const parsed = parseConfig({
    PORT: '0',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'ar-e2e-')),
    NOW: '2026-11-23T20:30:00Z',
  });
  if (!parsed.ok) throw new Error('config');
  demo = await startDemo(parsed.config, createLogger({ level: 'silent' }), wiring);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = await browser.newPage({ viewport: { width: 1440, height: 960 } });
  page.on('dialog', (d) => void d.accept());
  // The page runs under a policy with no inline script or style: anything it refuses shows here.
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
  });
  if (SHOTS) mkdirSync(SHOTS, { recursive: true });
});

afterAll(async () => {
  expect(cspViolations).toEqual([]);
  await browser?.close();
  await demo?.stop();
});

const shot = async (name: string) => {
  if (SHOTS) await page.screenshot({ path: join(SHOTS, name) });
};

describe('the demo workspace in a browser', () => {
  it('shows the morning digest with whom to chase first', async () => {
    await page.goto(demo.url);
    const messages = page.locator('#messages');
    await expect.poll(() => messages.textContent(), { timeout: 30_000 }).toContain('AR digest');
    expect(await messages.textContent()).toContain('Chase first');
    expect(await page.locator('#today').textContent()).toContain('Tuesday, 24 November 2026');
    await shot('demo-digest.png');
  });

  it('opens a customer from the digest', async () => {
    await page.locator('#messages button', { hasText: 'Open' }).first().click();
    await expect
      .poll(async () => (await page.locator('.ephemeral').count()) + (await page.locator('.modal').count()), {
        timeout: 20_000,
      })
      .toBeGreaterThan(0);
    // The app opens a loading modal at once and fills it when the figures are ready (views.update).
    const text = async () =>
      (await page.locator('.modal').count())
        ? await page.locator('.modal').textContent()
        : await page.locator('.ephemeral').last().textContent();
    await expect.poll(text, { timeout: 20_000 }).toMatch(/overdue/i);
    if (await page.locator('.modal').count()) {
      await page.locator('.modal').getByRole('button', { name: 'Close' }).first().click();
      await expect.poll(() => page.locator('.modal').count(), { timeout: 10_000 }).toBe(0);
    }
  });

  it('edits a reminder draft in the modal, approves it, and shows the email and the Xero note', async () => {
    await page.getByRole('button', { name: /# ar-queue/ }).click();
    const card = page
      .locator('#messages article', { has: page.getByRole('button', { name: 'Approve & send' }) })
      .first();
    await expect.poll(() => card.count(), { timeout: 20_000 }).toBeGreaterThan(0);
    await card.scrollIntoViewIfNeeded().catch(() => undefined);
    await shot('demo-card.png');

    await card.getByRole('button', { name: 'Edit' }).click();
    const modal = page.locator('.modal');
    await expect.poll(() => modal.locator('textarea').count(), { timeout: 20_000 }).toBe(1);
    const body = modal.locator('textarea');
    const original = await body.inputValue();
    expect(original.length).toBeGreaterThan(20);
    await body.fill(original.replace(/^Hi [^,\n]+,/, 'Kia ora,'));
    await shot('demo-edit-modal.png');
    await modal.getByRole('button', { name: 'Save draft' }).click();
    await expect.poll(() => page.locator('.modal').count(), { timeout: 20_000 }).toBe(0);

    const edited = page.locator('#messages article', { hasText: 'Kia ora,' }).first();
    await expect.poll(() => edited.count(), { timeout: 20_000 }).toBe(1);
    await edited.getByRole('button', { name: 'Approve & send' }).click();

    const email = page.locator('#emails .email').first();
    await expect.poll(() => email.count(), { timeout: 30_000 }).toBe(1);
    await email.locator('summary').click();
    expect(await email.locator('pre').textContent()).toContain('Kia ora,');
    await expect.poll(() => page.locator('#xero .note').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    expect(await page.locator('#xero .note').first().textContent()).toMatch(
      /emailed to .*approved in Slack by Maria Manager/,
    );
    expect(demo.mailbox.messages).toHaveLength(1);
  });

  it('advances business days and proposes the next steps of the sequences', async () => {
    const queue = () => demo.slack.messages('C_QUEUE').length;
    const before = queue();
    await page.getByRole('button', { name: /Next business day/ }).click();
    await expect
      .poll(() => page.locator('#today').textContent(), { timeout: 60_000 })
      .toContain('Wednesday, 25 November 2026');
    // Steps fall due on their own days: keep moving through business days until the next ones come up.
    for (let day = 0; day < 8 && queue() === before; day++) {
      const label = await page.locator('#today').textContent();
      await page.getByRole('button', { name: /Next business day/ }).click();
      await expect.poll(() => page.locator('#today').textContent(), { timeout: 60_000 }).not.toBe(label);
    }
    expect(queue()).toBeGreaterThan(before);
    const latest = demo.slack.messages('C_QUEUE').at(-1)!;
    expect(JSON.stringify(latest.blocks)).toMatch(/step \d of|courtesy reminder/);
    // Nothing is sent without an approval (assisted mode).
    expect(demo.mailbox.messages).toHaveLength(1);
  });
});
