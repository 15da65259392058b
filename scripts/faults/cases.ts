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
        for (const card of cards) await click(stack, service, card, REMINDER_ACTIONS.approve);
        const settled = await settle(stack, cards, 4 * 60_000);
        const result = await tally(stack, cards);
        await stop(service);
        return fromTally(name, result, { asked: 'refused', note: settled ? 'settled' : 'NOT SETTLED' });
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
        await waitFor(120_000, async () => {
          const { rows } = await stack.db.query<{ n: string }>(
            "select count(*) as n from outbox where status = 'pending' and kind = 'slack.reminder_card'",
          );
          return Number(rows[0]?.n) === 0 ? true : null;
        });
        const { rows } = await stack.db.query<{ id: string; slack_ts: string | null }>(
          "select id, slack_ts from reminders where mode <> 'shadow'",
        );
        const channel = SLACK.channels.queue.id;
        const posts = new Map<string, number>();
        for (const m of stack.slack.messages(channel)) {
          const actions = (m.blocks as { type: string; elements?: { value?: string }[] }[] | undefined)?.find(
            (b) => b.type === 'actions',
          );
          const id = actions?.elements?.[0]?.value;
          if (id) posts.set(id, (posts.get(id) ?? 0) + 1);
        }
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

export const CASES: FaultCase[] = [
  killDuringSends('kill during sends, IMAP', true, 20),
  killDuringSends('kill during sends, no IMAP', false, 20),
  databaseCutDuringSends(10),
  smtpAcceptThenDrop(10),
  slack500AfterPost(),
];
