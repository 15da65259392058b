// Over 300 lines: the demo starts the sandboxes, the service and the simulated day in one sequence.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { App } from '@slack/bolt';
import { DateTime } from 'luxon';
import { AnchoredClock } from '../../adapters/clock.js';
import { latestReminderWithCard, reminderCardMessage } from '../../adapters/db/customer-replies.js';
import { listOrganisations } from '../../adapters/db/organisations.js';
import type { OutboxHandler } from '../../adapters/outbox/outbox-worker.js';
import type { Config } from '../../config.js';
import { type AppContext, createContext } from '../../context.js';
import { nextBusinessDay } from '../../domain/business-calendar.js';
import { AppError } from '../../errors.js';
import {
  INBOUND_EMAIL_PATH,
  INBOUND_SIGNATURE_HEADER,
  signInboundEmail,
} from '../../http/inbound-email-route.js';
import type { Scheduler } from '../../jobs/scheduler.js';
import type { Logger } from '../../logger.js';
import { type RunningService, startService } from '../../service.js';
import { runXeroSync, syncRunDepsOf } from '../../use-cases/run-xero-sync.js';
import { runWeeklyReport } from '../../use-cases/weekly-report.js';
import { type SmtpSink, startSmtpSink } from '../mail/smtp-sink.js';
import { SANDBOX_DEFAULTS as SLACK, type SlackSandbox, startSlackSandbox } from '../slack/index.js';
import { createSlackRequestClient, type SlackRequestClient } from '../slack/signed-client.js';
import { startXeroSandbox, type XeroSandbox } from '../xero/index.js';
import { type CustomerSays, customerReplyMime, customerWords } from './demo-customer.js';
import { demoRoutes, type XeroPanel } from './demo-routes.js';

/**
 * Zero-config demo: with no Slack and no Xero configuration, `npm start` runs the whole copilot against a
 * generated Xero organisation and a Slack sandbox, through the same code paths as production (real OAuth,
 * real xero-node, real Bolt receiver, scheduler and outbox). Only the outside systems are simulated.
 */
export const DEMO_TIMEZONE = 'Pacific/Auckland';
export const DEMO_USER = SLACK.users.manager.id;
const DEMO_HOLIDAYS = { weekdays: [1, 2, 3, 4, 5], country: 'NZ', extraHolidays: [] as string[] };

export interface DemoHooks {
  /** Slack listeners (commands, actions, views, events). */
  registerSlackListeners?: (app: App, ctx: AppContext) => void;
  /** Outbox handlers (cards, sends, notes, digest posts). */
  outboxHandlers?: (ctx: AppContext) => ReadonlyMap<string, OutboxHandler>;
  /** Scheduled jobs beyond Xero sync (digest, dunning). */
  registerJobs?: (scheduler: Scheduler) => void;
  /** What a business morning does for an organisation: plan reminders, post the digest. */
  runMorning?: (ctx: AppContext, orgId: string, now: Date) => Promise<unknown>;
}

export interface DemoRuntime {
  readonly url: string;
  readonly service: RunningService;
  readonly ctx: AppContext;
  readonly xero: XeroSandbox;
  readonly slack: SlackSandbox;
  readonly mailbox: SmtpSink;
  readonly clock: AnchoredClock;
  /** The page's API token (the page reads it from its meta tag). */
  readonly token: string;
  advanceToNextBusinessDay(): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** 09:00 in Auckland on the next business day (weekends and NZ public holidays skipped). */
export function nextDemoMorning(now: Date): Date {
  const today = DateTime.fromJSDate(now, { zone: DEMO_TIMEZONE }).toISODate()!;
  const next = nextBusinessDay(today, DEMO_HOLIDAYS, false);
  return DateTime.fromISO(`${next}T09:00`, { zone: DEMO_TIMEZONE }).toJSDate();
}

export async function startDemo(base: Config, log: Logger, hooks: DemoHooks = {}): Promise<DemoRuntime> {
  // The demo keeps its own embedded database and starts fresh each time: the simulated organisation is
  // generated for today, so yesterday's synced copy would not match it.
  const dataDir = join(base.dataDir, 'demo');
  if (!base.databaseUrl) rmSync(dataDir, { recursive: true, force: true });
  const port = base.port === 0 ? await freePort() : base.port;
  const publicUrl =
    base.publicUrl === `http://localhost:${base.port}` ? `http://localhost:${port}` : base.publicUrl;

  // Start on a business morning so there is something to do on the first screen.
  const start = base.now ?? new Date();
  const startLocal = DateTime.fromJSDate(start, { zone: DEMO_TIMEZONE });
  const firstMorning =
    startLocal.hour < 9 || startLocal.weekday > 5
      ? nextDemoMorning(new Date(start.getTime() - 86_400_000))
      : start;
  const clock = new AnchoredClock(firstMorning);
  const today = DateTime.fromJSDate(clock.now(), { zone: DEMO_TIMEZONE }).toISODate()!;

  const xero = await startXeroSandbox({
    organisations: [
      { kind: 'demo', name: 'Harbour Foods Ltd', seed: 42, contacts: 60, invoices: 900, asOf: today },
    ],
    now: () => clock.now(),
    rateLimits: false,
  });
  const slack = await startSlackSandbox({ now: () => clock.now().getTime() });
  const mailbox = await startSmtpSink();
  const signingSecret = randomBytes(24).toString('hex');
  // The demo's customers answer through the signed inbound-email webhook, with a secret made for this run.
  const inboundSecret = randomBytes(24).toString('hex');

  const config: Config = Object.freeze({
    ...base,
    port,
    publicUrl,
    dataDir,
    slack: Object.freeze({
      botToken: slack.botToken,
      signingSecret,
      appToken: null,
      apiUrl: slack.apiUrl,
      defaults: Object.freeze({
        managers: [DEMO_USER, SLACK.usergroups.managers.id],
        collectors: [SLACK.usergroups.collectors.id],
        digestChannel: SLACK.channels.digest.id,
        queueChannel: SLACK.channels.queue.id,
        escalationChannel: SLACK.channels.escalations.id,
      }),
    }),
    xero: Object.freeze({
      ...base.xero,
      credentials: { clientId: xero.clientId, clientSecret: xero.clientSecret },
      webhookKey: xero.webhookKey,
      apiUrl: xero.apiBasePath,
      authorizeUrl: xero.authorizeUrl,
      tokenUrl: xero.tokenUrl,
      connectionsUrl: xero.connectionsUrl,
      redirectUri: `${publicUrl}/xero/callback`,
    }),
    // Demo mail always goes to the demo's own sink, whatever the environment says.
    mail: {
      smtpUrl: mailbox.url,
      from: 'Harbour Foods Accounts <accounts@harbourfoods.example>',
      replyTo: 'ar+demo@harbourfoods.example',
    },
    inboundEmail: Object.freeze({ secret: inboundSecret }),
  });

  const ctx = await createContext(config, { clock, log });
  let client: SlackRequestClient | null = null;
  const panel = () => xeroPanel(xero, clock, mailbox);
  const changes = new Set<() => void>();
  mailbox.onMessage(() => {
    for (const l of changes) l();
  });
  let service: RunningService | null = null;
  const runtime = {} as DemoRuntime;
  const pageToken = randomBytes(18).toString('base64url');
  const routes = demoRoutes({
    slack,
    get client() {
      if (!client) throw new AppError('DEMO_NOT_READY', 'the demo is still starting');
      return client;
    },
    userId: DEMO_USER,
    mailbox,
    orgName: () => xero.tenants[0]?.name ?? 'Demo organisation',
    timezone: DEMO_TIMEZONE,
    now: () => clock.now(),
    xeroPanel: panel,
    advance: () => runtime.advanceToNextBusinessDay(),
    onExternalChange: (l) => {
      changes.add(l);
      return () => changes.delete(l);
    },
    token: pageToken,
    customerReply: (messageId, say) => customerReply(messageId, say),
    recordPayment: (invoiceNumber) => recordPayment(invoiceNumber),
  });
  service = await startService(ctx, {
    port,
    // The demo's page drives a simulated workspace: it listens on this machine only unless HOST says otherwise.
    host: base.host ?? '127.0.0.1',
    extraRoutes: routes,
    ...(hooks.outboxHandlers ? { outboxHandlers: hooks.outboxHandlers(ctx) } : {}),
    ...(hooks.registerSlackListeners
      ? { registerSlackListeners: (app: App) => hooks.registerSlackListeners!(app, ctx) }
      : {}),
    ...(hooks.registerJobs ? { registerJobs: hooks.registerJobs } : {}),
  });
  const local = `http://127.0.0.1:${service.port}`;
  client = createSlackRequestClient({ baseUrl: local, signingSecret, teamId: slack.team.id, sandbox: slack });

  // Connect Xero the way a person would: /xero/connect → consent → callback, carrying the nonce cookie.
  await connectThroughOAuth(local);
  const running = service;
  const runDueWork = async (now: Date) => {
    await running.scheduler.tick(now);
    await running.outbox.drain();
    for (const l of changes) l();
  };
  const todayInDemo = () => DateTime.fromJSDate(clock.now(), { zone: DEMO_TIMEZONE }).toISODate()!;

  /** A customer answers one of the emails in the outbox (#18 part 7). */
  const customerReply = async (messageId: string, say: CustomerSays) => {
    const original = mailbox.messages.find((m) => m.messageId === messageId);
    if (!original) throw new AppError('DEMO_UNKNOWN_EMAIL', 'no email with that Message-ID in the outbox');
    const address = original.to[0];
    if (!address) throw new AppError('DEMO_UNKNOWN_EMAIL', 'that email has no recipient to answer it');
    const who = customerAt(xero, address);
    const words = customerWords(say, {
      today: todayInDemo(),
      zone: DEMO_TIMEZONE,
      calendar: DEMO_HOLIDAYS,
      signOff: who.person ?? who.contact ?? 'Accounts',
    });
    const raw = customerReplyMime({
      original,
      from: { address, name: who.person ?? who.contact },
      words: words.text,
      date: clock.now(),
    });
    // The sandbox plays the customer and their mail provider: the reply is signed with this run's secret and
    // POSTed to the service's own /inbound/email, the path a provider that forwards replies to a webhook uses.
    // Nothing is written to the database from here.
    const res = await fetch(`${local}${INBOUND_EMAIL_PATH}`, {
      method: 'POST',
      headers: {
        'content-type': 'message/rfc822',
        [INBOUND_SIGNATURE_HEADER]: signInboundEmail(inboundSecret, raw),
      },
      body: raw,
    });
    const answer = (await res.json().catch(() => ({}))) as { replyId?: string; reason?: string };
    if (!res.ok || !answer.replyId) {
      throw new AppError(
        'DEMO_REPLY_REFUSED',
        `the inbound-email route answered HTTP ${res.status}${answer.reason ? `: ${answer.reason}` : ''}`,
      );
    }
    // Read the reply and post the suggestion card now, as the worker would within seconds.
    await running.outbox.drain();
    for (const l of changes) l();
    const reply = await ctx.database.db
      .selectFrom('customer_replies')
      .select(['org_id', 'contact_id', 'reminder_id'])
      .where('id', '=', answer.replyId)
      .executeTakeFirst();
    const thread = reply?.reminder_id
      ? await reminderCardMessage(ctx.database.db, reply.reminder_id)
      : reply?.org_id && reply.contact_id
        ? await latestReminderWithCard(ctx.database.db, reply.org_id, reply.contact_id)
        : null;
    return { thread: thread ? { channel: thread.channel, ts: thread.ts } : null };
  };

  /**
   * The customer pays an invoice in full, as a bookkeeper would record it in Xero's own screens; then the service
   * syncs. The sandbox plays Xero here: the product itself never writes payments.
   */
  const recordPayment = async (invoiceNumber: string) => {
    const tenant = xero.tenants[0];
    const invoice = tenant
      ? [...xero.store.org(tenant.tenantId).invoices.values()].find(
          (i) => i.type === 'ACCREC' && i.number === invoiceNumber,
        )
      : undefined;
    if (!invoice)
      throw new AppError('DEMO_UNKNOWN_INVOICE', `no invoice ${invoiceNumber} in the demo organisation`);
    if (invoice.status !== 'AUTHORISED' || invoice.amountDueCents <= 0)
      throw new AppError('DEMO_NOTHING_DUE', `invoice ${invoiceNumber} has nothing left to pay`);
    xero.store.addPayment(invoice.id, {
      date: todayInDemo(),
      amount: (invoice.amountDueCents / 100).toFixed(2),
      reference: 'Bank transfer',
    });
    // Xero's screen shows the payment now; the app learns of it from the sync below, which may wait its turn
    // under Xero's rate limits.
    for (const l of changes) l();
    const org = (await listOrganisations(ctx.database.db))[0];
    const synced = org
      ? await runXeroSync(syncRunDepsOf(ctx, 'service'), org, {
          runKind: 'incremental',
          purpose: 'interactive',
        })
      : null;
    await running.outbox.drain();
    for (const l of changes) l();
    return { synced: synced?.kind ?? 'no organisation connected' };
  };
  // The first tick runs the initial sync and schedules each later morning; this first morning is run here,
  // because the demo starts after today's digest time. Later mornings come from the scheduler, as in production.
  await runDueWork(clock.now());
  for (const org of await listOrganisations(ctx.database.db))
    await hooks.runMorning?.(ctx, org.id, clock.now());
  // This week's collections report, as the weekly job posts it (Monday 09:00 unless /ar setup says otherwise; the
  // demo starts after it): the headline and ageing table in the escalation channel, the top debtors, the promises
  // due and the two charts (PNG through files.uploadV2) in its thread. Once per ISO week, so the job that runs next
  // Monday posts next week's.
  if (hooks.outboxHandlers) {
    for (const org of await listOrganisations(ctx.database.db)) {
      const { run } = await runWeeklyReport(ctx, org.id, clock.now());
      if (run.kind === 'skipped')
        log.info({ orgId: org.id, reason: run.reason }, 'demo: this week’s report not posted');
    }
  }
  await runDueWork(clock.now());

  Object.assign(runtime, {
    url: `${publicUrl}/demo`,
    service,
    ctx,
    xero,
    slack,
    mailbox,
    clock,
    token: pageToken,
    async advanceToNextBusinessDay() {
      const target = nextDemoMorning(clock.now());
      clock.advance(target.getTime() - clock.now().getTime());
      await runDueWork(clock.now());
    },
    async stop() {
      await running.stop();
      await Promise.all([xero.close(), slack.close(), mailbox.close()]);
    },
  } satisfies DemoRuntime);
  return runtime;
}

async function connectThroughOAuth(origin: string): Promise<void> {
  const start = await fetch(`${origin}/xero/connect`, { redirect: 'manual' });
  const consent = start.headers.get('location');
  const cookie = start.headers.get('set-cookie')?.split(';')[0];
  if (start.status !== 302 || !consent || !cookie) {
    throw new AppError('DEMO_CONNECT_FAILED', `/xero/connect answered ${start.status}`);
  }
  const approved = await fetch(consent, { redirect: 'manual' });
  const callback = approved.headers.get('location');
  if (approved.status !== 302 || !callback) {
    throw new AppError('DEMO_CONNECT_FAILED', `the sandbox consent page answered ${approved.status}`);
  }
  const done = await fetch(callback, { headers: { cookie } });
  if (done.status !== 200) {
    throw new AppError(
      'DEMO_CONNECT_FAILED',
      `the Xero callback answered ${done.status}: ${(await done.text()).slice(0, 300)}`,
    );
  }
}

/** Who a demo customer is, from the address the app wrote to: the contact and the person with that address. */
function customerAt(xero: XeroSandbox, address: string): { contact: string | null; person: string | null } {
  const tenant = xero.tenants[0];
  const want = address.toLowerCase();
  for (const c of tenant ? xero.store.org(tenant.tenantId).contacts.values() : []) {
    const person = c.persons.find((p) => p.email?.toLowerCase() === want);
    if (person) return { contact: c.name, person: `${person.firstName} ${person.lastName}`.trim() };
    if (c.email?.toLowerCase() === want)
      return { contact: c.name, person: [c.firstName, c.lastName].filter(Boolean).join(' ') || null };
  }
  return { contact: null, person: null };
}

/**
 * What the "Xero" panel shows: the organisation's open invoices (those of customers the app has emailed first,
 * so the demo can pay them) and every History note the app wrote.
 */
async function xeroPanel(xero: XeroSandbox, clock: AnchoredClock, mailbox: SmtpSink): Promise<XeroPanel> {
  const tenant = xero.tenants[0];
  if (!tenant) return { openCount: 0, invoices: [], notes: [] };
  const org = xero.store.org(tenant.tenantId);
  const today = DateTime.fromJSDate(clock.now(), { zone: DEMO_TIMEZONE }).toISODate()!;
  const open = [...org.invoices.values()].filter(
    (i) => i.type === 'ACCREC' && i.status === 'AUTHORISED' && i.amountDueCents > 0,
  );
  const daysOverdue = (due: string) =>
    Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${due}T00:00:00Z`)) / 86_400_000);
  const money = (cents: number, currency: string) =>
    new Intl.NumberFormat('en-NZ', { style: 'currency', currency }).format(cents / 100);
  const emailedTo = new Set(mailbox.messages.flatMap((m) => [...m.to, ...m.cc]).map((a) => a.toLowerCase()));
  const emailed = (c: (typeof open)[number]['contact']) =>
    [c.email, ...c.persons.map((p) => p.email)].some((a) => a && emailedTo.has(a.toLowerCase()));
  const invoices = open
    .map((i) => ({
      number: i.number,
      contact: i.contact.name,
      amountDue: money(i.amountDueCents, i.currency),
      dueDate: i.dueDate,
      status: i.status,
      daysOverdue: daysOverdue(i.dueDate),
      overdue: daysOverdue(i.dueDate) > 0,
      emailed: emailed(i.contact),
    }))
    .sort((a, b) => Number(b.emailed) - Number(a.emailed) || b.daysOverdue - a.daysOverdue)
    .slice(0, 60);
  // Notes the app wrote: everything but Xero's own "Created"/"Paid" entries.
  const notes: XeroPanel['notes'][number][] = [];
  for (const [key, records] of org.history) {
    const [kind, id] = key.split(':') as [string, string];
    const label =
      kind === 'Invoices'
        ? `Invoice ${org.invoices.get(id)?.number ?? id}`
        : kind === 'Contacts'
          ? `Contact ${org.contacts.get(id)?.name ?? id}`
          : `${kind} ${id}`;
    for (const r of records) {
      if (r.changes !== 'Note') continue;
      notes.push({
        document: label,
        date: new Date(r.dateMs).toISOString().slice(0, 16).replace('T', ' '),
        details: r.details,
      });
    }
  }
  notes.sort((a, b) => b.date.localeCompare(a.date));
  return { openCount: open.length, invoices, notes };
}
