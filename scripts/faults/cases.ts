// Over 300 lines: the fault suite's cases, each a scenario with its own trials and tallies.
import { DateTime } from 'luxon';
import { REMINDER_ACTIONS } from '../../src/domain/reminder-actions.js';
import { SANDBOX_DEFAULTS as SLACK } from '../../src/sandbox/slack/index.js';
import { click, postCards, settle, type Tally, tally } from './send-trials.js';
import { type ServiceProcess, type Stack, sleep, startStack, waitFor } from './stack.js';

export interface CaseResult {
  readonly name: string;
  readonly trials: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly wrong: number;
  readonly passed: boolean;
  readonly note: string;
  readonly details?: readonly string[];
}

export interface FaultCase {
  readonly name: string;
  readonly what: string;
  run(seed: number): Promise<CaseResult>;
}

/** mulberry32: a small seeded generator, so a failing run's kill moments can be replayed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function withStack<T>(
  options: Parameters<typeof startStack>[0],
  fn: (stack: Stack) => Promise<T>,
): Promise<T> {
  const stack = await startStack(options);
  try {
    return await fn(stack);
  } finally {
    await stack.close();
  }
}

async function stop(service: ServiceProcess, signal: NodeJS.Signals = 'SIGTERM') {
  if (service.child.exitCode === null && service.child.signalCode === null) service.child.kill(signal);
  return service.exited;
}

function fromTally(
  name: string,
  t: Tally,
  extra: { asked?: 'allowed' | 'refused'; note?: string } = {},
): CaseResult {
  const askedIsWrong = extra.asked === 'refused' ? t.asked : 0;
  const wrong = t.wrong + askedIsWrong;
  return {
    name,
    trials: t.trials,
    lost: t.lost,
    duplicated: t.duplicated,
    wrong,
    passed: t.lost === 0 && t.duplicated === 0 && wrong === 0,
    note: `${t.sentOnce} sent once, ${t.asked} left for a person${extra.note ? `; ${extra.note}` : ''}`,
    details: t.details,
  };
}

/**
 * Approve, wait 0–3 s, SIGKILL, start again: with a mail server taking 300 ms per reply, the kill lands before,
 * during and after the SMTP conversation and the recording.
 */
function killDuringSends(name: string, imap: boolean, trials: number): FaultCase {
  return {
    name,
    what: `SIGKILL 0–3 s after an Approve click, ${trials} trials, mail server 300 ms per reply, ${imap ? 'IMAP Sent folder (dovecot)' : 'no IMAP'}`,
    run: (seed) =>
      withStack({ name, imap, smtpReplyDelayMs: 300 }, async (stack) => {
        const random = seeded(seed);
        let service = await stack.start();
        const cards = (await postCards(stack, service)).slice(0, trials);
        if (cards.length < trials) throw new Error(`only ${cards.length} cards to approve`);
        const kills: number[] = [];
        for (const card of cards) {
          const status = await click(stack, service, card, REMINDER_ACTIONS.approve);
          if (status !== 200) throw new Error(`the Approve click answered ${status}`);
          // The decision is stored before Slack hears 200, so the kill clock starts at the answer.
          const { rows } = await stack.db.query<{ status: string }>(
            'select status from reminders where id = $1',
            [card.reminderId],
          );
          if (rows[0]?.status === 'proposed')
            throw new Error('the Approve click was answered 200 before it was recorded');
          const wait = Math.floor(random() * 3_000);
          kills.push(wait);
          await sleep(wait);
          await stop(service, 'SIGKILL');
          service = await stack.start();
        }
        // The lease of a killed item is a minute; a copy absent from Sent is sent again two minutes after its attempt.
        const settled = await settle(stack, cards, 6 * 60_000);
        const result = await tally(stack, cards);
        await stop(service);
        return fromTally(name, result, {
          asked: imap ? 'refused' : 'allowed',
          note: `kills at ${Math.min(...kills)}–${Math.max(...kills)} ms${settled ? '' : '; NOT SETTLED in 6 min'}`,
        });
      }),
  };
}

/** The database goes away for 4 s at a random moment 0–2 s after each Approve click. */
function databaseCutDuringSends(trials: number): FaultCase {
  const name = 'database cut during sends';
  return {
    name,
    what: `PostgreSQL refuses and drops connections for 4 s, 0–2 s after an Approve click, ${trials} trials`,
    run: (seed) =>
      withStack({ name, imap: true, smtpReplyDelayMs: 300 }, async (stack) => {
        const random = seeded(seed);
        const service = await stack.start();
        const cards = (await postCards(stack, service)).slice(0, trials);
        for (const card of cards) {
          const status = await click(stack, service, card, REMINDER_ACTIONS.approve);
          if (status !== 200) throw new Error(`the Approve click answered ${status}`);
          await sleep(Math.floor(random() * 2_000));
          await stack.cutDatabase(4_000);
        }
        const settled = await settle(stack, cards, 6 * 60_000);
        const result = await tally(stack, cards);
        const alive = service.child.exitCode === null && service.child.signalCode === null;
        const exit = await stop(service);
        const crashed = alive ? 0 : 1;
        const r = fromTally(name, result, {
          asked: 'refused',
          note: `${alive ? 'the service stayed up' : 'THE SERVICE DIED'}, then exited ${exit.code} on SIGTERM${settled ? '' : '; NOT SETTLED'}`,
        });
        return { ...r, wrong: r.wrong + crashed, passed: r.passed && crashed === 0 && exit.code === 0 };
      }),
  };
}

/** The mail server accepts each message (files it in Sent) and then drops the connection instead of saying 250. */
function smtpAcceptThenDrop(trials: number): FaultCase {
  const name = 'SMTP accept-then-drop';
  return {
    name,
    what: `the mail server accepts, then drops the connection before its 250, ${trials} trials`,
    run: () =>
      withStack({ name, imap: true }, async (stack) => {
        const service = await stack.start();
        const cards = (await postCards(stack, service)).slice(0, trials);
        stack.mail.dropAfterAcceptNext(trials);
        for (const card of cards) {
          const status = await click(stack, service, card, REMINDER_ACTIONS.approve);
          if (status !== 200) throw new Error(`the Approve click answered ${status}`);
        }
        const said = stack.slack.ephemerals({ user: SLACK.users.manager.id }).map((e) => e.text);
        const settled = await settle(stack, cards, 4 * 60_000);
        const result = await tally(stack, cards);
        await stop(service);
        const r = fromTally(name, result, { asked: 'refused', note: settled ? 'settled' : 'NOT SETTLED' });
        return r.passed
          ? r
          : { ...r, details: [...(r.details ?? []), ...said.slice(-5).map((t) => `said: ${t}`)] };
      }),
  };
}

/** Slack posts each card and then answers 500: the outbox looks for its post before posting again. */
function slack500AfterPost(): FaultCase {
  const name = 'Slack 500-after-post';
  return {
    name,
    what: 'chat.postMessage takes effect and then answers HTTP 500, for the first 15 posts',
    run: () =>
      withStack({ name }, async (stack) => {
        const service = await stack.start();
        stack.slack.faults.httpStatusAfter('chat.postMessage', 500, 15);
        await postCards(stack, service);
        // Posts the CLI's run left for the outbox finish on the service.
        await cardsSettled(stack, 120_000);
        const { rows } = await stack.db.query<{ id: string; slack_ts: string | null }>(
          "select id, slack_ts from reminders where mode <> 'shadow'",
        );
        const posts = cardsByReminder(stack);
        let lost = 0;
        let duplicated = 0;
        let wrong = 0;
        const details: string[] = [];
        for (const r of rows) {
          const n = posts.get(r.id) ?? 0;
          if (n === 0) {
            lost++;
            details.push(`${r.id}: no card`);
          }
          if (n > 1) {
            duplicated += n - 1;
            details.push(`${r.id}: ${n} cards`);
          }
          if (n === 1 && !r.slack_ts) {
            wrong++;
            details.push(`${r.id}: posted but not recorded`);
          }
        }
        const faultsLeft = stack.slack.faults.pending('chat.postMessage');
        await stop(service);
        return {
          name,
          trials: rows.length,
          lost,
          duplicated,
          wrong,
          passed: lost + duplicated + wrong === 0 && rows.length > 0,
          note: `${rows.length} cards, ${15 - faultsLeft} answers of 500 after posting`,
          details,
        };
      }),
  };
}

/** Every card's outbox item settled (posted, or dead). */
async function cardsSettled(stack: Stack, timeoutMs: number): Promise<boolean> {
  const done = await waitFor(
    timeoutMs,
    async () => {
      const { rows } = await stack.db.query<{ n: string }>(
        "select count(*) as n from outbox where status in ('pending', 'running') and kind = 'slack.reminder_card'",
      );
      return Number(rows[0]?.n) === 0 ? true : null;
    },
    1_000,
  );
  return done === true;
}

/** Cards per reminder in the queue channel (a card's first button carries its reminder id). */
function cardsByReminder(stack: Stack): Map<string, number> {
  const posts = new Map<string, number>();
  for (const m of stack.slack.messages(SLACK.channels.queue.id)) {
    const actions = (m.blocks as { type: string; elements?: { value?: string }[] }[] | undefined)?.find(
      (b) => b.type === 'actions',
    );
    const id = actions?.elements?.[0]?.value;
    if (id) posts.set(id, (posts.get(id) ?? 0) + 1);
  }
  return posts;
}

/**
 * 300 cards to post while Slack answers 429 (Retry-After 2 s) to the first 400 posts, with two instances and the
 * CLI posting at once: a rate limit is a wait, never a failed attempt, so nothing is dead-lettered or doubled.
 */
function rateLimitStorm(): FaultCase {
  const name = '429 storm over 300 cards';
  return {
    name,
    what: 'the first 400 chat.postMessage calls answer 429 (Retry-After 2 s); two instances and the CLI post 300 cards',
    run: () =>
      withStack(
        {
          name,
          xero: [{ kind: 'demo', name: 'Storm Traders Ltd', seed: 31, contacts: 1_800, invoices: 11_500 }],
        },
        async (stack) => {
          const a = await stack.start();
          stack.slack.faults.rateLimit('chat.postMessage', { times: 400, retryAfterSec: 2 });
          const b = await stack.start();
          const cards = await postCards(stack, a);
          const settled = await cardsSettled(stack, 15 * 60_000);
          const posts = cardsByReminder(stack);
          const { rows } = await stack.db.query<{ id: string; slack_ts: string | null }>(
            "select id, slack_ts from reminders where mode <> 'shadow'",
          );
          const { rows: dead } = await stack.db.query<{ n: string }>(
            "select count(*) as n from outbox where status = 'dead' and kind = 'slack.reminder_card'",
          );
          let lost = 0;
          let duplicated = 0;
          let wrong = Number(dead[0]?.n);
          const details: string[] = [];
          for (const r of rows) {
            const n = posts.get(r.id) ?? 0;
            if (n === 0) {
              lost++;
              if (details.length < 6) {
                const { rows: why } = await stack.db.query(
                  "select r.status, r.slack_ts, o.status as outbox, o.result, o.last_error from reminders r left join outbox o on o.payload->>'reminderId' = r.id::text and o.kind = 'slack.reminder_card' where r.id = $1",
                  [r.id],
                );
                details.push(`${r.id}: no card: ${JSON.stringify(why)}`);
              }
            }
            if (n > 1) duplicated += n - 1;
            if (n === 1 && !r.slack_ts) wrong++;
          }
          const limited = 400 - stack.slack.faults.pending('chat.postMessage');
          details.push(
            `${rows.length} reminders, ${cards.length} carded after the CLI's run; ${limited} answers of 429; ${dead[0]?.n} dead-lettered`,
          );
          await Promise.all([stop(a), stop(b)]);
          return {
            name,
            trials: rows.length,
            lost,
            duplicated,
            wrong,
            passed: settled && rows.length >= 300 && lost + duplicated + wrong === 0,
            note: `${limited} answers of 429 absorbed${settled ? '' : '; NOT SETTLED in 15 min'}`,
            details,
          };
        },
      ),
  };
}

/** A CLI command's outcome: exit code and what it printed (a failing command's output included). */
async function cliOutcome(stack: Stack, args: string[]): Promise<{ code: number; out: string }> {
  try {
    return { code: 0, out: await stack.cli(...args) };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

/**
 * The first full sync fails on /Payments (HTTP 500 every time): until it completes, nothing may show figures or
 * plan chases; once it completes, the figures are the ledger's.
 */
function firstSyncFailingOnOneResource(): FaultCase {
  const name = 'first sync failing on one resource';
  return {
    name,
    what: 'GET /Payments answers 500 on every try during the first sync; then Xero recovers',
    run: () =>
      withStack({ name }, async (stack) => {
        stack.xero.faults.inject({
          match: { path: /\/Payments/ },
          times: Number.POSITIVE_INFINITY,
          fault: { kind: 'status', status: 500 },
        });
        const service = await stack.start();
        await stack.connectXero(service);
        const sync = await cliOutcome(stack, ['sync', '--json']);
        const details: string[] = [`sync with payments failing: exit ${sync.code}`];
        let wrong = 0;
        let trials = 0;
        const surfaces: string[][] = [
          ['aging', '--json'],
          ['priorities', '--json'],
          ['forecast', '--json'],
          ['kpis', '--json'],
          ['digest', '--dry-run'],
          ['dunning', '--dry-run', '--json'],
        ];
        for (const args of surfaces) {
          trials++;
          const r = await cliOutcome(stack, args);
          const refused = r.code !== 0 && /payments/i.test(r.out) && /not synced|incomplete/i.test(r.out);
          if (!refused) wrong++;
          details.push(
            `${args.join(' ')}: exit ${r.code}, ${refused ? 'refused' : 'ANSWERED'}: ${r.out.trim().split('\n')[0]?.slice(0, 160)}`,
          );
        }
        for (const text of ['top', 'aging', 'forecast']) {
          trials++;
          const said = await slashReply(stack, service, text);
          const refused = /payments/i.test(said) && /not synced|incomplete/i.test(said);
          if (!refused) wrong++;
          details.push(`/ar ${text}: ${refused ? 'refused' : 'ANSWERED'}: ${said.slice(0, 160)}`);
        }
        const { rows: planned } = await stack.db.query<{ n: string }>('select count(*) as n from reminders');
        trials++;
        if (Number(planned[0]?.n) > 0) {
          wrong++;
          details.push(`${planned[0]?.n} reminders planned on half a ledger`);
        }
        // Xero recovers: the next sync completes and the figures are the ledger's.
        stack.xero.faults.clear();
        const healed = await cliOutcome(stack, ['sync', '--json']);
        const aging = await cliOutcome(stack, ['aging', '--json']);
        trials++;
        const tenant = stack.xero.tenants[0]!.tenantId;
        // The ledger is Xero's: every open invoice stored, with Xero's amount due to the cent.
        const open = stack.xero.store
          .sorted(tenant, 'Invoices')
          .filter((inv) => inv.type === 'ACCREC' && inv.status === 'AUTHORISED');
        const { rows: stored } = await stack.db.query<{ invoice_id: string; amount_due: string }>(
          "select invoice_id, amount_due from xero_invoices where status = 'AUTHORISED'",
        );
        const due = new Map(stored.map((r) => [r.invoice_id, Math.round(Number(r.amount_due) * 100)]));
        const mismatched = open.filter((inv) => due.get(inv.id) !== inv.amountDueCents).length;
        const total = aging.code === 0 ? ledgerTotal(aging.out) : null;
        const right = total !== null && mismatched === 0 && stored.length === open.length;
        if (!right) wrong++;
        details.push(
          `after recovery: sync exit ${healed.code}; aging answers (total ${total?.toFixed(2) ?? aging.out.slice(0, 200)}); ${stored.length} open invoices stored of Xero's ${open.length}, ${mismatched} with another amount due`,
        );
        await stop(service);
        return {
          name,
          trials,
          lost: 0,
          duplicated: 0,
          wrong,
          passed: wrong === 0,
          note: 'every surface refused until the ledger was complete; the figures matched Xero after',
          details,
        };
      }),
  };
}

/** The total outstanding of `aging --json` (`total.total`, in the base currency). */
function ledgerTotal(json: string): number | null {
  const data = JSON.parse(json) as { total?: { total?: string | number } };
  const v = data.total?.total;
  return v === undefined ? null : Number(v);
}

/** What an `/ar` command showed the user (its reply arrives as an ephemeral message). */
async function slashReply(stack: Stack, service: ServiceProcess, text: string): Promise<string> {
  const channel = SLACK.channels.queue.id;
  const before = stack.slack.ephemerals({ channel }).length;
  await stack.slackClient(service).command({ text, userId: SLACK.users.manager.id, channelId: channel });
  const reply = await waitFor(15_000, async () => stack.slack.ephemerals({ channel })[before] ?? null, 200);
  return reply ? `${reply.text ?? ''} ${JSON.stringify(reply.blocks ?? [])}` : '(no reply)';
}

interface SyncState {
  holder: string | null;
  lease_until: Date | null;
  last_complete_at: Date | null;
  last_error: string | null;
}

async function syncState(stack: Stack): Promise<SyncState | null> {
  const { rows } = await stack.db.query<SyncState>(
    'select holder, lease_until, last_complete_at, last_error from xero_sync_state limit 1',
  );
  return rows[0] ?? null;
}

/**
 * SIGTERM while the service's own sync of a large organisation runs: it exits 0 within the grace period, leaves
 * no lease behind, and the next start resumes the sync at once and completes it.
 */
function sigtermDuringLargeSync(trials: number): FaultCase {
  const name = 'SIGTERM during a large sync';
  return {
    name,
    what: `SIGTERM 0.5–5 s into the service's first sync of 40,000 invoices, ${trials} trials, then a restart`,
    run: (seed) =>
      withStack(
        {
          name,
          xero: [{ kind: 'demo', name: 'Large Ledger Ltd', seed: 5, contacts: 2_000, invoices: 40_000 }],
        },
        async (stack) => {
          const random = seeded(seed);
          const details: string[] = [];
          let wrong = 0;
          // Connected through a first instance that stops before its first tick reaches the organisation, so
          // each trial's sync is the service's own, started by its scheduler.
          let service = await stack.start();
          await stack.connectXero(service);
          await stop(service, 'SIGKILL');
          await stack.db.query('update xero_sync_state set holder = null, lease_until = null');
          for (let i = 0; i < trials; i++) {
            const startedAt = Date.now();
            service = await stack.start();
            const running = await waitFor(
              90_000,
              async () => ((await syncState(stack))?.holder ? Date.now() : null),
              100,
            );
            if (running === null) {
              wrong++;
              details.push(`trial ${i + 1}: the sync did not start within 90 s of the restart`);
              continue;
            }
            const resumedIn = running - startedAt;
            await sleep(500 + Math.floor(random() * 4_500));
            const termAt = Date.now();
            service.child.kill('SIGTERM');
            const exit = await service.exited;
            const after = await syncState(stack);
            const exitMs = exit.at - termAt;
            const leaseLeft =
              after?.holder !== null && after?.lease_until && after.lease_until.getTime() > Date.now();
            const ok = exit.code === 0 && exitMs < 30_000 && !leaseLeft && (i === 0 || resumedIn < 15_000);
            if (!ok) wrong++;
            details.push(
              `trial ${i + 1}: sync running ${(resumedIn / 1000).toFixed(1)} s after start; SIGTERM → exit ${exit.code ?? exit.signal} in ${(exitMs / 1000).toFixed(1)} s; lease ${leaseLeft ? 'LEFT HELD' : 'released'}${ok ? '' : ' — WRONG'}`,
            );
            if (!ok) details.push(...service.output().trim().split('\n').slice(-8));
          }
          // The last restart finishes the sync, and the ledger is Xero's.
          service = await stack.start();
          const complete = await waitFor(240_000, async () =>
            (await syncState(stack))?.last_complete_at ? true : null,
          );
          const tenant = stack.xero.tenants[0]!.tenantId;
          // We keep sales invoices (ACCREC) only.
          const xeroInvoices = stack.xero.store
            .sorted(tenant, 'Invoices')
            .filter((i) => i.type === 'ACCREC').length;
          const { rows } = await stack.db.query<{ n: string }>('select count(*) as n from xero_invoices');
          const stored = Number(rows[0]?.n);
          const lost = complete ? Math.max(0, xeroInvoices - stored) : xeroInvoices;
          details.push(
            `after the last restart: ${complete ? 'complete' : 'NOT COMPLETE in 4 min'}, ${stored} of ${xeroInvoices} invoices stored`,
          );
          const exit = await stop(service);
          if (exit.code !== 0) wrong++;
          return {
            name,
            trials,
            lost,
            duplicated: 0,
            wrong,
            passed: lost === 0 && wrong === 0 && complete === true,
            note: 'exit 0 within the grace period, no lease left, resumed at once, complete after',
            details,
          };
        },
      ),
  };
}

/**
 * Two instances on one database from the first connect, organisations in three time zones: every local-time job
 * row is computed in the organisation's own zone, at its local hour, whichever instance made it.
 */
function twoInstancesFromFirstConnect(): FaultCase {
  const name = 'two instances from the first connect';
  const zones = [
    { windows: 'Eastern Standard Time', iana: 'America/New_York', name: 'Hudson Supply Co' },
    { windows: 'New Zealand Standard Time', iana: 'Pacific/Auckland', name: 'Waitemata Foods Ltd' },
    { windows: 'GMT Standard Time', iana: 'Europe/London', name: 'Thames Fixings Ltd' },
  ];
  return {
    name,
    what: 'two instances start together on an empty database; three organisations in New York, Auckland and London connect',
    run: () =>
      withStack(
        {
          name,
          xero: zones.map((z, i) => ({
            kind: 'demo' as const,
            name: z.name,
            seed: 20 + i,
            contacts: 20,
            invoices: 150,
            timezone: z.windows,
          })),
        },
        async (stack) => {
          const [a, b] = await Promise.all([stack.start(), stack.start()]);
          await stack.connectXero(a!);
          const details: string[] = [];
          const expected = [
            { job: 'collections.morning', hour: 8, minute: 30 },
            { job: 'xero.reconcile', hour: 4, minute: 0 },
          ];
          // Both instances tick each minute; the rows exist once the first syncs have stored each zone.
          const rows = await waitFor(
            180_000,
            async () => {
              const { rows } = await stack.db.query<{
                name: string;
                timezone: string | null;
                job: string;
                next_run_at: Date;
                scheduled_in_zone: string | null;
                last_started_at: Date | null;
              }>(
                `select o.name, o.timezone, j.job, j.next_run_at, j.scheduled_in_zone, j.last_started_at
                 from scheduled_jobs j join organisations o on o.id = j.org_id
                 where j.job in ('collections.morning', 'xero.reconcile')`,
              );
              return rows.length === zones.length * expected.length ? rows : null;
            },
            2_000,
          );
          let wrong = 0;
          for (const zone of zones) {
            for (const e of expected) {
              const row = rows?.find((r) => r.name === zone.name && r.job === e.job);
              if (!row) {
                wrong++;
                details.push(`${zone.name} ${e.job}: no row`);
                continue;
              }
              const local = DateTime.fromJSDate(row.next_run_at).setZone(zone.iana);
              const ok =
                row.timezone === zone.iana &&
                row.scheduled_in_zone === zone.iana &&
                local.hour === e.hour &&
                local.minute === e.minute &&
                (e.job !== 'collections.morning' || local.weekday <= 5) &&
                row.last_started_at === null;
              if (!ok) wrong++;
              details.push(
                `${zone.name} ${e.job}: next ${local.toFormat('ccc yyyy-MM-dd HH:mm')} ${zone.iana} (computed in ${row.scheduled_in_zone})${row.last_started_at ? `, ran at ${row.last_started_at.toISOString()}` : ''}${ok ? '' : ' — WRONG'}`,
              );
            }
          }
          await Promise.all([stop(a!), stop(b!)]);
          return {
            name,
            trials: zones.length * expected.length,
            lost: 0,
            duplicated: 0,
            wrong,
            passed: wrong === 0,
            note: 'every local-time job row in its organisation’s zone, none run early',
            details,
          };
        },
      ),
  };
}

export const CASES: FaultCase[] = [
  killDuringSends('kill during sends, IMAP', true, 20),
  killDuringSends('kill during sends, no IMAP', false, 20),
  databaseCutDuringSends(10),
  smtpAcceptThenDrop(10),
  slack500AfterPost(),
  firstSyncFailingOnOneResource(),
  sigtermDuringLargeSync(3),
  twoInstancesFromFirstConnect(),
  rateLimitStorm(),
];
