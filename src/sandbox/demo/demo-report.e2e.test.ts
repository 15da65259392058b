import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listOrganisations } from '../../adapters/db/organisations.js';
import { parseConfig } from '../../config.js';
import { AGEING_BUCKET_LABELS, AGEING_BUCKETS } from '../../domain/ageing.js';
import { buildReportHere, type CollectionsReport } from '../../domain/collections-report.js';
import { createLogger } from '../../logger.js';
import { loadCollectionsReport } from '../../use-cases/collections-report.js';
import { loadCollectionsView } from '../../use-cases/collections-view.js';
import { wiring } from '../../wiring.js';
import { type DemoRuntime, startDemo } from './demo-mode.js';

// The collections report in the demo page, in a real browser (Debian's chromium): this week's report in
// #ar-escalations and `/ar report` shared in a channel show Slack's table blocks as HTML tables with the report's
// figures, and their charts (PNG uploaded through files.uploadV2 to the sandbox) as images in the report's thread,
// loaded, with their alt text. `/ar kpis` answers with its table. No screenshots: every check reads the page.

let demo: DemoRuntime;
let browser: Browser;
let page: Page;
const cspViolations: string[] = [];

beforeAll(async () => {
  const parsed = parseConfig({
    PORT: '0',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'ar-e2e-report-')),
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
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
  });
});

afterAll(async () => {
  expect(cspViolations).toEqual([]);
  await browser?.close();
  await demo?.stop();
});

/** The weekly report as the app builds it now (the same ledger, day and period kind as the posts). */
async function reportNow(): Promise<CollectionsReport> {
  const db = demo.ctx.database.db;
  const org = (await listOrganisations(db))[0]!;
  const view = await loadCollectionsView(db, org, demo.clock.now());
  return loadCollectionsReport(db, { orgId: org.id, asOf: view.asOf, periodKind: 'week' }, buildReportHere);
}

/** The table's header and body as the page shows them: text, and the number a raw_number cell carries. */
async function tableOf(table: Locator) {
  return table.evaluate((t) => ({
    head: [...t.querySelectorAll('thead th')].map((c) => c.textContent ?? ''),
    rows: [...t.querySelectorAll('tbody tr')].map((r) =>
      [...r.querySelectorAll('td')].map((c) => ({
        text: c.textContent ?? '',
        value: c.getAttribute('data-value') ?? undefined,
      })),
    ),
  }));
}

const amountIn = (text: string) => Number(text.replace(/[^0-9.-]/g, ''));

/** The ageing table shows the report's ageing rows: one a week, each overdue bucket and the overdue total. */
async function expectAgeingTable(table: Locator, report: CollectionsReport) {
  const { head, rows } = await tableOf(table);
  expect(head).toEqual(['Week', ...AGEING_BUCKETS.map((b) => AGEING_BUCKET_LABELS[b]), 'Overdue']);
  expect(rows).toHaveLength(report.ageing.length);
  expect(report.ageing.some((r) => Number(r.overdue) > 0)).toBe(true);
  for (const [i, r] of report.ageing.entries()) {
    const cells = rows[i]!;
    expect(cells[0]!.text).toBe(r.period);
    const want = [...AGEING_BUCKETS.map((b) => r[b]), r.overdue].map(Number);
    // What the reader sees, and the number Slack sorts by, are both the report's figure.
    expect(cells.slice(1).map((c) => amountIn(c.text))).toEqual(want);
    expect(cells.slice(1).map((c) => Number(c.value))).toEqual(want);
    expect(cells[1]!.text).toMatch(/^NZ\$[\d,]+\.\d{2}$/);
  }
}

/** What the test reads of an <img> (the suite has no DOM types). */
interface LoadedImage {
  readonly complete: boolean;
  readonly naturalWidth: number;
  readonly naturalHeight: number;
  readonly alt: string;
  readonly title: string;
}

/** The thread's chart images, once loaded: their natural size and alt text. */
async function chartsIn(thread: Locator) {
  const images = thread.locator('figure.file-image img');
  await expect.poll(() => images.count(), { timeout: 90_000 }).toBe(2);
  await expect
    .poll(() => images.evaluateAll((xs) => xs.every((x) => (x as unknown as LoadedImage).complete)), {
      timeout: 30_000,
    })
    .toBe(true);
  return images.evaluateAll((xs) =>
    xs.map((x) => {
      const img = x as unknown as LoadedImage;
      return { width: img.naturalWidth, height: img.naturalHeight, alt: img.alt, title: img.title };
    }),
  );
}

describe('the collections report in the demo page', () => {
  it("this week's report in #ar-escalations: the ageing table with the report's figures, the charts in its thread", async () => {
    await page.goto(demo.url);
    await expect
      .poll(() => page.locator('#messages').textContent(), { timeout: 30_000 })
      .toContain('AR digest');
    await page.getByRole('button', { name: /# ar-escalations/ }).click();
    const post = page.locator('#messages article', { hasText: 'Collections report · Harbour Foods Ltd' });
    await expect.poll(() => post.count(), { timeout: 60_000 }).toBe(1);
    const report = await reportNow();
    expect(await post.locator('.header').textContent()).toContain(`week ${report.headline.period}`);
    await expectAgeingTable(post.locator('.table-block table'), report);

    // Its thread: the top debtors and promises due (each a table), then the two charts.
    const link = post.locator('.thread-link');
    await expect.poll(() => link.textContent(), { timeout: 90_000 }).toBe('4 replies');
    await link.click();
    const thread = page.locator('#thread');
    const charts = await chartsIn(thread);
    for (const c of charts) {
      expect(c.width).toBeGreaterThan(0);
      expect(c.height).toBeGreaterThan(0);
      expect(c.alt.length).toBeGreaterThan(20);
    }
    expect(charts.map((c) => c.title)).toEqual([
      'Harbour Foods Ltd: overdue by age, last 12 weeks',
      'Harbour Foods Ltd: 30-day forecast against receipts',
    ]);
    // The alt text is the one uploaded with the file.
    const uploaded = demo.slack.files().filter((f) => f.completed);
    expect(charts.map((c) => c.alt)).toEqual(uploaded.slice(0, 2).map((f) => f.alt_text));
    expect(charts[0]!.alt).toMatch(/^Line chart of overdue receivables/);
    // The thread shows the report itself first, then the replies: the top debtors' table among them.
    const debtors = thread.locator('article', { hasText: 'Top debtors · Harbour Foods Ltd' });
    expect(await debtors.locator('.table-block table').count()).toBe(1);
    expect((await tableOf(debtors.locator('.table-block table'))).head).toEqual([
      'Customer',
      'Overdue',
      'Balance',
      'Oldest',
    ]);
    await page.locator('#close-thread').click();
  });

  it('/ar report answers with its tables and Share posts it in the channel with both charts loaded', async () => {
    await page.getByRole('button', { name: /# ar-digest/ }).click();
    await page.locator('#command').fill('/ar report');
    await page.locator('#command-form button[type="submit"]').click();
    const answer = page.locator('#messages article.ephemeral', { hasText: 'Collections report ·' });
    await expect.poll(() => answer.count(), { timeout: 60_000 }).toBe(1);
    const report = await reportNow();
    await expectAgeingTable(answer.locator('.table-block table'), report);
    // The top debtors' table: customers, largest overdue first.
    const debtors = page.locator('#messages article.ephemeral', { hasText: 'Top debtors ·' });
    const d = await tableOf(debtors.locator('.table-block table'));
    expect(d.head).toEqual(['Customer', 'Overdue', 'Balance', 'Oldest']);
    const overdue = d.rows.filter((r) => !r[0]!.text.startsWith('and ')).map((r) => Number(r[1]!.value));
    expect(overdue.length).toBeGreaterThan(0);
    expect([...overdue].sort((a, b) => b - a)).toEqual(overdue);

    const channelBefore = demo.slack.messages('C_DIGEST').length;
    await answer.getByRole('button', { name: 'Share in channel' }).click();
    const shared = page.locator('#messages article:not(.ephemeral)', { hasText: 'Collections report ·' });
    await expect.poll(() => shared.count(), { timeout: 60_000 }).toBe(1);
    expect(demo.slack.messages('C_DIGEST').length).toBe(channelBefore + 1);
    await expectAgeingTable(shared.locator('.table-block table'), report);
    const link = shared.locator('.thread-link');
    await expect.poll(() => link.textContent(), { timeout: 90_000 }).toBe('4 replies');
    await link.click();
    const charts = await chartsIn(page.locator('#thread'));
    expect(charts.every((c) => c.width > 0 && c.alt.trim().length > 0)).toBe(true);
    expect(charts[1]!.alt).toMatch(/^Band chart of the 30-day cash forecast/);
    await page.locator('#close-thread').click();
  });

  it('/ar kpis answers with the KPI table: this week against last week, with the change', async () => {
    await page.locator('#command').fill('/ar kpis');
    await page.locator('#command-form button[type="submit"]').click();
    const answer = page.locator('#messages article.ephemeral', { hasText: 'AR KPIs ·' });
    await expect.poll(() => answer.count(), { timeout: 60_000 }).toBe(1);
    const report = await reportNow();
    const { head, rows } = await tableOf(answer.locator('.table-block table'));
    const [prev, now] = report.periods.slice(-2);
    expect(head).toEqual(['Measure', `${now!.period} (to date)`, prev!.period, 'Change']);
    const overdue = rows.find((r) => r[0]!.text === 'Overdue')!;
    expect(Number(overdue[1]!.value)).toBe(Number(report.ageing.at(-1)!.overdue));
    expect(Number(overdue[2]!.value)).toBe(Number(report.ageing.at(-2)!.overdue));
    const dso = rows.find((r) => r[0]!.text === 'DSO (countback)')!;
    expect(Number(dso[1]!.value)).toBe(report.kpis.at(-1)!.dso);
    expect(rows.map((r) => r[0]!.text)).toContain('Promises kept');
    expect(await answer.getByRole('button', { name: 'Share in channel' }).count()).toBe(1);
  });

  it("App Home shows the collector's own numbers: a card approved and its reminder sent", async () => {
    const home = page.locator('#messages');
    await page.locator('#home-tab').click();
    await expect.poll(() => home.textContent(), { timeout: 60_000 }).toContain('Your numbers');
    expect(await home.textContent()).toContain(
      'No cards decided, reminders sent or promises judged in that time.',
    );

    await page.getByRole('button', { name: /# ar-queue/ }).click();
    const card = page
      .locator('#messages article', { has: page.getByRole('button', { name: 'Approve & send' }) })
      .first();
    await expect.poll(() => card.count(), { timeout: 20_000 }).toBeGreaterThan(0);
    await card.scrollIntoViewIfNeeded().catch(() => undefined);
    await card.getByRole('button', { name: 'Approve & send' }).click();
    await expect.poll(() => demo.mailbox.messages.length, { timeout: 60_000 }).toBe(1);

    await page.locator('#home-tab').click();
    await expect.poll(() => home.textContent(), { timeout: 60_000 }).toContain('1 card decided: 1 approved');
    const text = (await home.textContent()) ?? '';
    expect(text).toContain('1 reminder sent from your approvals');
    // Sent today: its 14 days have not passed, so it is not measured (never shown as 0%).
    expect(text).toContain('Hit rate: not measured yet (a reminder is measured 14 days after it is sent)');
  });
});
