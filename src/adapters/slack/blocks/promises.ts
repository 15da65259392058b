import type { IsoDate } from '../../../domain/ledger.js';
import type { Decimal } from '../../../domain/money.js';
import { ACTION, packValue } from './ids.js';
import {
  actions,
  type Block,
  clip,
  context,
  escapeMrkdwn,
  MESSAGE_MAX_BLOCKS,
  MESSAGE_TEXT_BUDGET,
  money,
  type SlackMessage,
  section,
} from './kit.js';

/** A promise as the Slack surfaces show it. Customer names come from Xero: escaped and clipped here. */
export interface PromiseLine {
  readonly customerName: string;
  readonly earliest: IsoDate;
  readonly latest: IsoDate;
  /** Null: everything due on the covered invoices. */
  readonly amount: Decimal | null;
  readonly currency: string | null;
}

export function promiseWords(p: PromiseLine): string {
  const what = p.amount !== null && p.currency ? money(p.amount, p.currency) : 'everything due';
  const when = p.earliest === p.latest ? `by ${p.latest}` : `between ${p.earliest} and ${p.latest}`;
  return `${what} ${when}`;
}

const name = (n: string) => escapeMrkdwn(clip(n, 120));

/** The morning's verdict on one promise, in the customer's card thread (or the queue channel). */
export function promiseOutcomeMessage(o: {
  readonly orgId: string;
  readonly promiseId: number;
  readonly outcome: 'kept' | 'part_kept' | 'broken';
  readonly promise: PromiseLine;
  readonly currency: string;
  readonly paid: Decimal;
  readonly stillDue: Decimal;
}): SlackMessage {
  const who = name(o.promise.customerName);
  const promised = escapeMrkdwn(promiseWords(o.promise));
  switch (o.outcome) {
    case 'kept':
      return {
        text: `${who} kept their promise to pay`,
        blocks: [
          section(
            `:white_check_mark: *${who} kept their promise* to pay ${promised}: ${money(o.paid, o.currency)} received.`,
          ),
          actions(`promise_kept:${o.promiseId}`, [
            {
              text: 'Send thank-you',
              actionId: ACTION.promiseThankYou,
              value: packValue([o.orgId, String(o.promiseId)]),
            },
          ]),
        ],
      };
    case 'part_kept':
      return {
        text: `${who} part-kept their promise to pay`,
        blocks: [
          section(
            `:large_yellow_circle: *${who} part-kept their promise* to pay ${promised}: ${money(o.paid, o.currency)} received, ${money(o.stillDue, o.currency)} still due.`,
          ),
          context('Chasing resumes for what is still due.'),
        ],
      };
    case 'broken':
      return {
        text: `${who} broke their promise to pay`,
        blocks: [
          section(`:x: *${who} broke their promise* to pay ${promised}: nothing received.`),
          context('Chasing resumes; the next reminder cites the promise.'),
        ],
      };
  }
}

export function thankYouQueuedMessage(o: {
  readonly customerName: string;
  readonly by: string;
  readonly promise: PromiseLine;
}): SlackMessage {
  const who = name(o.customerName);
  return {
    text: `${who} kept their promise to pay; thank-you queued`,
    blocks: [
      section(
        `:white_check_mark: *${who} kept their promise* to pay ${escapeMrkdwn(promiseWords(o.promise))}.`,
      ),
      context(`:email: Thank-you email queued by ${escapeMrkdwn(clip(o.by, 80))}.`),
    ],
  };
}

export function brokenPromisesEscalation(o: {
  readonly customerName: string;
  readonly broken: number;
  readonly threshold: number;
  readonly promise: PromiseLine;
}): SlackMessage {
  const who = name(o.customerName);
  return {
    text: `${who} has broken ${o.broken} promises to pay`,
    blocks: [
      section(
        `:rotating_light: *${who} has broken ${o.broken} promises to pay*; the latest was ${escapeMrkdwn(promiseWords(o.promise))}.`,
      ),
      context(`The policy escalates at ${o.threshold} broken promises. Chasing has resumed.`),
    ],
  };
}

export interface PromiseListEntry extends PromiseLine {
  readonly status: 'active' | 'kept' | 'part_kept' | 'broken';
  /** What the list is sorted by (base currency), and shown when the promise names no amount. */
  readonly expectedBase: Decimal;
  readonly baseCurrency: string;
}

export interface DisputeListEntry {
  readonly customerName: string;
  readonly reason: string;
  readonly openedOn: IsoDate;
  readonly invoiceCount: number;
  readonly amountBase: Decimal;
  readonly baseCurrency: string;
}

/** Lines kept in one section (under Slack's 3,000-character section text). */
const LINES_PER_SECTION = 10;
const LIST_MAX = 60;

/** Ephemeral lists: largest first (the caller sorts), "and N more" past what one message carries. */
function listMessage(title: string, lines: readonly string[], empty: string): SlackMessage {
  if (lines.length === 0) return { text: `${title}: none`, blocks: [section(`*${title}*\n${empty}`)] };
  const shown = lines.slice(0, LIST_MAX);
  const blocks: Block[] = [section(`*${title}*`)];
  let chars = title.length;
  let used = 0;
  for (let i = 0; i < shown.length; i += LINES_PER_SECTION) {
    const chunk = shown.slice(i, i + LINES_PER_SECTION).map((l) => clip(l, 280));
    const text = chunk.join('\n');
    if (blocks.length >= MESSAGE_MAX_BLOCKS - 2 || chars + text.length > MESSAGE_TEXT_BUDGET - 200) break;
    blocks.push(section(text));
    chars += text.length;
    used += chunk.length;
  }
  if (used < lines.length) blocks.push(context(`…and ${lines.length - used} more.`));
  return { text: `${title}: ${lines.length}`, blocks };
}

const STATUS_WORD: Record<PromiseListEntry['status'], string> = {
  active: '',
  kept: ' — kept',
  part_kept: ' — part-kept',
  broken: ' — broken',
};

export function promisesListMessage(orgName: string, entries: readonly PromiseListEntry[]): SlackMessage {
  const lines = entries.map(
    (e) =>
      `• *${name(e.customerName)}*: ${escapeMrkdwn(promiseWords(e))}${e.amount === null ? ` (${money(e.expectedBase, e.baseCurrency)})` : ''}${STATUS_WORD[e.status]}`,
  );
  return listMessage(`Promises to pay — ${escapeMrkdwn(clip(orgName, 100))}`, lines, 'No active promises.');
}

export function disputesListMessage(orgName: string, entries: readonly DisputeListEntry[]): SlackMessage {
  const lines = entries.map(
    (e) =>
      `• *${name(e.customerName)}*: ${escapeMrkdwn(e.reason)}, ${money(e.amountBase, e.baseCurrency)} on ${e.invoiceCount} invoice${e.invoiceCount === 1 ? '' : 's'}, since ${e.openedOn}`,
  );
  return listMessage(`Open disputes — ${escapeMrkdwn(clip(orgName, 100))}`, lines, 'No open disputes.');
}
