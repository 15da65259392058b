/**
 * Approvals and what became of them: the cards a dunning run posted, an Approve click through Slack's signed
 * request, and the tally (delivered copies per Message-ID, the reminder's state, its History notes, its card).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SANDBOX_DEFAULTS as SLACK } from '../../src/sandbox/slack/index.js';
import type { ServiceProcess, Stack } from './stack.js';
import { waitFor } from './stack.js';

export interface Card {
  readonly reminderId: string;
  readonly messageId: string;
  readonly channel: string;
  readonly ts: string;
  readonly invoiceIds: readonly string[];
}

export interface Tally {
  readonly trials: number;
  /** Delivered exactly once and recorded as sent, with its History note. */
  readonly sentOnce: number;
  /** Left 'unconfirmed' for a person (Mark as sent / Resend on the card). */
  readonly asked: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly wrong: number;
  readonly details: string[];
}

/** Connects Xero through an instance, syncs, and runs the dunning (the CLI posts the cards). */
export async function postCards(stack: Stack, service: ServiceProcess): Promise<Card[]> {
  await stack.connectXero(service);
  await stack.cli('sync', '--json');
  // Every day is a sending day here, so the suite runs on weekends too.
  const policy = JSON.parse(await stack.cli('policy', 'show', '--json')) as {
    sendWindow: { weekdays: number[] };
  };
  policy.sendWindow.weekdays = [1, 2, 3, 4, 5, 6, 7];
  const file = join(mkdtempSync(join(tmpdir(), 'ar-policy-')), 'policy.json');
  writeFileSync(file, JSON.stringify(policy));
  await stack.cli('policy', 'set', '--file', file);
  await stack.cli('dunning', '--json');
  const { rows } = await stack.db.query<{
    id: string;
    message_id: string;
    slack_channel: string;
    slack_ts: string;
    invoice_ids: string[];
  }>(
    `select id, message_id, slack_channel, slack_ts, invoice_ids from reminders
     where status = 'proposed' and slack_ts is not null and mode <> 'shadow' order by created_at, id`,
  );
  return rows.map((r) => ({
    reminderId: r.id,
    messageId: r.message_id,
    channel: r.slack_channel,
    ts: r.slack_ts,
    invoiceIds: r.invoice_ids,
  }));
}

type Block = { type: string; block_id: string; elements?: { action_id: string; value?: string }[] };

export function cardButtons(stack: Stack, card: Card): { block: Block; actionIds: string[] } | null {
  const message = stack.slack.message(card.channel, card.ts);
  const block = (message?.blocks as Block[] | undefined)?.find((b) => b.type === 'actions');
  return block ? { block, actionIds: (block.elements ?? []).map((e) => e.action_id) } : null;
}

/** Clicks a button on the card as the manager (a collector too); resolves once the service answered. */
export async function click(
  stack: Stack,
  service: ServiceProcess,
  card: Card,
  actionId: string,
): Promise<number> {
  const buttons = cardButtons(stack, card);
  const element = buttons?.block.elements?.find((e) => e.action_id === actionId);
  if (!buttons || !element) throw new Error(`card ${card.reminderId} has no ${actionId} button`);
  const res = await stack.slackClient(service).blockAction({
    userId: SLACK.users.manager.id,
    fromMessage: { channel: card.channel, ts: card.ts },
    actions: [
      {
        action_id: actionId,
        block_id: buttons.block.block_id,
        type: 'button',
        ...(element.value ? { value: element.value } : {}),
      },
    ],
  });
  return res.status;
}

/**
 * Waits until every clicked card has been decided (a click the service never recorded stays 'proposed' and shows as
 * lost) and no send or History note is still to be done (dead ones count as done).
 */
export async function settle(stack: Stack, cards: readonly Card[], timeoutMs: number): Promise<boolean> {
  const ids = cards.map((c) => c.reminderId);
  const done = await waitFor(
    timeoutMs,
    async () => {
      const { rows } = await stack.db.query<{ n: string }>(
        `select count(*) as n from outbox where status in ('pending', 'running') and kind in ('reminder.send', 'xero.history_note')`,
      );
      const { rows: moving } = await stack.db.query<{ n: string }>(
        `select count(*) as n from reminders where id = any($1) and status in ('proposed', 'approved', 'sending')`,
        [ids],
      );
      return Number(rows[0]?.n) === 0 && Number(moving[0]?.n) === 0 ? true : null;
    },
    1_000,
  );
  return done === true;
}

export async function tally(stack: Stack, cards: readonly Card[]): Promise<Tally> {
  const details: string[] = [];
  let sentOnce = 0;
  let asked = 0;
  let lost = 0;
  let duplicated = 0;
  let wrong = 0;
  for (const card of cards) {
    const delivered = stack.mail.messages.filter((m) => m.messageId === card.messageId).length;
    const { rows } = await stack.db.query<{ status: string; last_error: string | null }>(
      'select status, last_error from reminders where id = $1',
      [card.reminderId],
    );
    const status = rows[0]?.status ?? 'missing';
    const notes = card.invoiceIds.flatMap((id) =>
      stack.xero.store
        .getHistory('Invoices', id)
        .filter((h) => h.details.includes('emailed to'))
        .map((h) => h.details),
    );
    const say = (what: string) =>
      details.push(`${card.reminderId}: ${what} (status ${status}, ${delivered} delivered)`);
    if (delivered > 1) {
      duplicated += delivered - 1;
      say('duplicated');
    }
    if (status === 'unconfirmed') {
      asked++;
      const buttons = cardButtons(stack, card)?.actionIds ?? [];
      if (!buttons.some((a) => /mark.*sent/i.test(a)) || !buttons.some((a) => /resend/i.test(a))) {
        wrong++;
        say(`unconfirmed without Mark as sent and Resend on its card (${buttons.join(', ')})`);
      }
      continue;
    }
    if (delivered === 0 && status !== 'sent') {
      lost++;
      say('never delivered, nobody told');
      continue;
    }
    if (status === 'sent' && delivered === 0) {
      wrong++;
      say('recorded as sent, never delivered');
    } else if (status !== 'sent') {
      wrong++;
      say(`delivered but recorded as ${status}: ${rows[0]?.last_error ?? ''}`);
    } else if (notes.length !== card.invoiceIds.length) {
      wrong++;
      say(`${notes.length} "emailed" History notes on ${card.invoiceIds.length} invoice(s)`);
    } else if (delivered === 1) {
      sentOnce++;
    }
  }
  return { trials: cards.length, sentOnce, asked, lost, duplicated, wrong, details };
}
