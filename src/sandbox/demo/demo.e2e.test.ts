import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DateTime } from 'luxon';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listOrganisations } from '../../adapters/db/organisations.js';
import { listPaymentPromises } from '../../adapters/db/payment-promises.js';
import { parseConfig } from '../../config.js';
import { addBusinessDays } from '../../domain/business-calendar.js';
import { createLogger } from '../../logger.js';
import { runXeroSync, syncRunDepsOf } from '../../use-cases/run-xero-sync.js';
import { wiring } from '../../wiring.js';
import { type DemoRuntime, startDemo } from './demo-mode.js';

// The demo in a real browser (Debian's chromium): digest → customer card → edit the draft in the modal →
// approve → the email in the outbox panel and the note in the Xero panel → next business day → next step; then a
// customer answers a reminder with a promise to pay, a collector accepts it, the customer pays in Xero, and a few
// business days later the promise is judged kept.
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
/** The thread drawer scrolled to its newest message (for the pictures). */
const toThreadEnd = () =>
  page.locator('#thread').evaluate((t) => {
    t.scrollTop = t.scrollHeight;
  });

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

  /** A card still waiting for a decision, in the page, with its reminder row. */
  const waitingCard = async (skip: readonly string[] = []) => {
    await page.getByRole('button', { name: /# ar-queue/ }).click();
    const rows = await demo.ctx.database.db
      .selectFrom('reminders')
      .select(['id', 'slack_ts', 'invoice_ids', 'contact_id'])
      .where('status', '=', 'proposed')
      .where('channel', '=', 'email')
      .where('slack_ts', 'is not', null)
      .orderBy('created_at')
      .execute();
    const row = rows.find((r) => !skip.includes(r.id))!;
    expect(row).toBeDefined();
    const card = page.locator(`#messages article[data-ts="${row.slack_ts}"]`);
    await expect.poll(() => card.count(), { timeout: 20_000 }).toBe(1);
    await card.scrollIntoViewIfNeeded().catch(() => undefined);
    return { row, card };
  };

  it('refuses an edit that changes an amount, naming the text, and keeps the modal open', async () => {
    const { card } = await waitingCard();
    await card.getByRole('button', { name: 'Edit' }).click();
    const modal = page.locator('.modal');
    await expect.poll(() => modal.locator('textarea').count(), { timeout: 20_000 }).toBe(1);
    const body = modal.locator('textarea');
    const original = await body.inputValue();
    const amount = /(?:NZ|US|A)?\$\d[\d,]*\.\d{2}/.exec(original)?.[0];
    expect(amount).toBeDefined();
    await body.fill(original.replace(amount!, '$1.00'));
    await modal.getByRole('button', { name: 'Save draft' }).click();
    await expect.poll(() => modal.textContent(), { timeout: 20_000 }).toContain('"$1.00"');
    expect(await page.locator('.modal').count()).toBe(1);
    await shot('demo-edit-refused.png');
    await modal.getByRole('button', { name: 'Cancel' }).first().click();
    await expect.poll(() => page.locator('.modal').count(), { timeout: 10_000 }).toBe(0);
    expect(demo.mailbox.messages).toHaveLength(1);
  });

  it('a card made stale by a payment in Xero is refreshed on Approve, not sent', async () => {
    const { row, card } = await waitingCard();
    // The customer pays one of the card's invoices in Xero, and the service syncs it.
    const invoiceId = row.invoice_ids[0]!;
    const invoice = demo.xero.store.invoice(invoiceId);
    demo.xero.store.addPayment(invoiceId, {
      date: '2026-11-24',
      amount: (invoice.amountDueCents / 100).toFixed(2),
    });
    const org = (await listOrganisations(demo.ctx.database.db))[0]!;
    const synced = await runXeroSync(syncRunDepsOf(demo.ctx, 'cli'), org, {
      runKind: 'incremental',
      purpose: 'interactive',
    });
    expect(synced.kind).toBe('done');

    await card.getByRole('button', { name: 'Approve & send' }).click();
    await demo.service.outbox.drain();
    const thread = () =>
      demo.slack
        .thread('C_QUEUE', row.slack_ts!)
        .map((m) => m.text)
        .join('\n');
    await expect
      .poll(thread, { timeout: 30_000 })
      .toMatch(/Not sent: .* (out of date|nothing on this card is left)/);
    await card.locator('.thread-link').click();
    await expect.poll(() => page.locator('#thread').textContent(), { timeout: 20_000 }).toContain('Not sent');
    await shot('demo-stale-card.png');
    const status = await demo.ctx.database.db
      .selectFrom('reminders')
      .select('status')
      .where('id', '=', row.id)
      .executeTakeFirstOrThrow();
    expect(['proposed', 'superseded']).toContain(status.status);
    expect(demo.mailbox.messages).toHaveLength(1);
  });

  it('Escalate posts to the escalation channel with the reason, once', async () => {
    const { row, card } = await waitingCard();
    const before = demo.slack.messages('C_ESCALATIONS').length;
    await card.getByRole('button', { name: 'Escalate' }).click();
    const modal = page.locator('.modal');
    await expect.poll(() => modal.textContent(), { timeout: 20_000 }).toContain('Escalate to a manager');
    await modal.locator('textarea, input[type="text"]').first().fill('Owner not answering calls');
    await modal.getByRole('button', { name: 'Escalate' }).click();
    await expect.poll(() => page.locator('.modal').count(), { timeout: 20_000 }).toBe(0);
    await demo.service.outbox.drain();
    await expect
      .poll(() => demo.slack.messages('C_ESCALATIONS').length, { timeout: 30_000 })
      .toBe(before + 1);
    const post = demo.slack.messages('C_ESCALATIONS').at(-1)!;
    expect(JSON.stringify(post.blocks)).toContain('Owner not answering calls');
    await page.getByRole('button', { name: /# ar-escalations/ }).click();
    await expect
      .poll(() => page.locator('#messages').textContent(), { timeout: 20_000 })
      .toContain('Owner not answering calls');
    await shot('demo-escalation.png');
    const status = await demo.ctx.database.db
      .selectFrom('reminders')
      .select('status')
      .where('id', '=', row.id)
      .executeTakeFirstOrThrow();
    expect(status.status).toBe('escalated');
    expect(demo.mailbox.messages).toHaveLength(1);
  });

  it('advances business days and proposes the next steps of the sequences', async () => {
    const queue = () => demo.slack.messages('C_QUEUE').length;
    const before = queue();
    await page.getByRole('button', { name: /Next business day/ }).click({ timeout: 150_000 });
    await expect
      .poll(() => page.locator('#today').textContent(), { timeout: 60_000 })
      .toContain('Wednesday, 25 November 2026');
    // Steps fall due on their own days: keep moving through business days until the next ones come up.
    for (let day = 0; day < 8 && queue() === before; day++) {
      const label = await page.locator('#today').textContent();
      // The button stays disabled until the day's work is done: the morning's posts are paced per channel as Slack
      // requires (about one a second), and a Monday adds the weekly report and its charts. Wait for it.
      await page.getByRole('button', { name: /Next business day/ }).click({ timeout: 150_000 });
      await expect.poll(() => page.locator('#today').textContent(), { timeout: 60_000 }).not.toBe(label);
    }
    expect(queue()).toBeGreaterThan(before);
    const latest = demo.slack.messages('C_QUEUE').at(-1)!;
    expect(JSON.stringify(latest.blocks)).toMatch(/step \d of|courtesy reminder/);
    // Nothing is sent without an approval (assisted mode).
    expect(demo.mailbox.messages).toHaveLength(1);
  });
  it('a customer promises to pay in reply: suggestion card, Accept, payment in Xero, and the promise kept', async () => {
    // A fresh card (the newest the mornings proposed) is approved, so its email goes out.
    await page.getByRole('button', { name: /# ar-queue/ }).click();
    const row = await demo.ctx.database.db
      .selectFrom('reminders')
      .select(['id', 'slack_ts', 'invoice_ids', 'contact_id'])
      .where('status', '=', 'proposed')
      .where('channel', '=', 'email')
      .where('slack_ts', 'is not', null)
      .orderBy('created_at', 'desc')
      .executeTakeFirstOrThrow();
    const card = page.locator(`#messages article[data-ts="${row.slack_ts}"]`);
    await expect.poll(() => card.count(), { timeout: 20_000 }).toBe(1);
    await card.scrollIntoViewIfNeeded().catch(() => undefined);
    const sent = demo.mailbox.messages.length;
    await card.getByRole('button', { name: 'Approve & send' }).click();
    await expect.poll(() => demo.mailbox.messages.length, { timeout: 30_000 }).toBe(sent + 1);
    const reminder = demo.mailbox.messages.at(-1)!;

    // The customer answers it with a promise three business days ahead (the page names only the kind of answer).
    const today = DateTime.fromJSDate(demo.clock.now(), { zone: 'Pacific/Auckland' }).toISODate()!;
    const calendar = { weekdays: [1, 2, 3, 4, 5], country: 'NZ', extraHolidays: [] };
    const promised = addBusinessDays(today, 3, calendar);
    const email = page.locator('#emails .email').first();
    await expect
      .poll(() => email.locator('summary').textContent(), { timeout: 20_000 })
      .toBe(reminder.subject);
    const replies = email.getByRole('group', { name: /Customer replies/ });
    expect(await replies.textContent()).toContain('Customer replies…');
    await replies.getByRole('button', { name: 'promises to pay' }).click();

    // The page opens the card's thread: the suggestion card, with the customer's date.
    const thread = page.locator('#thread');
    await expect.poll(() => thread.textContent(), { timeout: 30_000 }).toContain('Suggested from');
    expect(await thread.textContent()).toContain(`on ${promised}`);
    expect(await page.locator('#thread-drawer').isVisible()).toBe(true);
    await shot('demo-reply-suggestion.png');
    // A bookkeeper records the first invoice's payment in Xero while Accept is still being handled: the page runs
    // the two in turn and drops neither (it used to ignore a click made while another was in flight).
    const first = demo.xero.store.invoice(row.invoice_ids[0]!).number;
    const firstRow = page.locator('#xero tr', {
      has: page.locator('td', { hasText: new RegExp(`^${first}$`) }),
    });
    await expect.poll(() => firstRow.count(), { timeout: 20_000 }).toBe(1);
    await thread.getByRole('button', { name: 'Accept' }).click();
    await firstRow.getByRole('button', { name: 'Record payment' }).click();
    await expect.poll(() => thread.textContent(), { timeout: 30_000 }).toContain('accepted');
    await expect.poll(() => firstRow.count(), { timeout: 30_000 }).toBe(0);
    const org = (await listOrganisations(demo.ctx.database.db))[0]!;
    const promisesOf = () => listPaymentPromises(demo.ctx.database.db, org.id, { contactId: row.contact_id });
    const [promise] = await promisesOf();
    expect(promise).toMatchObject({ status: 'active', earliest: promised, latest: promised });
    await toThreadEnd();
    await shot('demo-promise-accepted.png');

    // The customer pays everything the promise covers, recorded in Xero (the sandbox plays Xero's own screens).
    const invoiceIds = promise!.invoiceIds.length ? promise!.invoiceIds : row.invoice_ids;
    for (const id of invoiceIds.filter((i) => demo.xero.store.invoice(i).status !== 'PAID')) {
      const number = demo.xero.store.invoice(id).number;
      const invoiceRow = page.locator('#xero tr', {
        has: page.locator('td', { hasText: new RegExp(`^${number}$`) }),
      });
      await expect.poll(() => invoiceRow.count(), { timeout: 20_000 }).toBe(1);
      await invoiceRow.getByRole('button', { name: 'Record payment' }).click();
      await expect.poll(() => invoiceRow.count(), { timeout: 30_000 }).toBe(0);
    }

    // Business days pass: after the promised day and a grace of two business days, the ledger judges it kept.
    const judgedAfter = addBusinessDays(promised, 2, calendar);
    for (let day = 0; day < 10; day++) {
      const label = await page.locator('#today').textContent();
      // The button stays disabled until the day's work is done: the morning's posts are paced per channel as Slack
      // requires (about one a second), and a Monday adds the weekly report and its charts. Wait for it.
      await page.getByRole('button', { name: /Next business day/ }).click({ timeout: 150_000 });
      await expect.poll(() => page.locator('#today').textContent(), { timeout: 60_000 }).not.toBe(label);
      const now = DateTime.fromJSDate(demo.clock.now(), { zone: 'Pacific/Auckland' }).toISODate()!;
      if (now > judgedAfter) break;
      expect(await thread.textContent()).not.toContain('kept their promise');
    }
    await expect.poll(() => thread.textContent(), { timeout: 30_000 }).toContain('kept their promise');
    await expect
      .poll(() => page.locator('#xero').textContent(), { timeout: 30_000 })
      .toMatch(new RegExp(`Promise to pay .* by ${promised} kept`));
    await toThreadEnd();
    await shot('demo-promise-kept.png');
    expect((await promisesOf()).find((p) => p.id === promise!.id)?.status).toBe('kept');
  }, 600_000);
  it('a customer who disputes, or says it is paid, gets a suggestion card of that kind', async () => {
    // The first email of the day (oldest in the outbox), answered twice.
    const email = page.locator('#emails .email').last();
    const thread = page.locator('#thread');
    const replies = email.getByRole('group', { name: /Customer replies/ });
    await replies.getByRole('button', { name: 'disputes' }).click();
    await expect.poll(() => thread.textContent(), { timeout: 30_000 }).toContain('reply: Dispute');
    expect(await thread.textContent()).toContain('Dispute reason: quality');
    await replies.getByRole('button', { name: "says it's paid" }).click();
    await expect
      .poll(() => thread.textContent(), { timeout: 30_000 })
      .toContain('reply: Says it is paid already');
    expect(await thread.textContent()).toMatch(/Paid on: \d{4}-\d{2}-\d{2}/);
    await toThreadEnd();
    await shot('demo-reply-paid.png');
  });
});
