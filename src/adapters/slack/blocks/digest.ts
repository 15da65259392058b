import { AGEING_BUCKET_LABELS, AGEING_BUCKETS, type BucketAmounts } from '../../../domain/ageing.js';
import type { FallThroughEntry } from '../../../domain/fall-through.js';
import type { IsoDate } from '../../../domain/ledger.js';
import { type LedgerAge, ledgerAgeWarning } from '../../../domain/ledger-freshness.js';
import { type Decimal, dec } from '../../../domain/money.js';
import type { CustomerPriority } from '../../../domain/priority.js';
import { customerLine } from './customer-line.js';
import { fallThroughMessage } from './fall-through.js';
import {
  type Block,
  context,
  divider,
  escapeMrkdwn,
  fields,
  header,
  MESSAGE_MAX_BLOCKS,
  MESSAGE_TEXT_BUDGET,
  money,
  moneyChange,
  plural,
  type SlackMessage,
  section,
  textLength,
} from './kit.js';

export interface DigestPromise {
  readonly contactName: string;
  readonly promisedDate: IsoDate;
  readonly amount: Decimal | null;
  readonly currency: string | null;
}

export interface DigestDispute {
  readonly contactName: string;
  readonly reason: string;
  readonly openedOn: IsoDate;
  readonly invoiceCount: number;
}

export interface DigestData {
  readonly orgId: string;
  readonly orgName: string;
  readonly asOf: IsoDate;
  /** Minutes since the last complete sync from Xero (null: unknown). */
  /** Since the last complete sync, and whether it is past the policy's limit. */
  readonly ledgerAge?: LedgerAge | null;
  readonly baseCurrency: string;
  readonly totalOverdue: Decimal;
  readonly overdueCount: number;
  readonly previous: { readonly asOf: IsoDate; readonly totalOverdue: Decimal } | null;
  /** Base-currency ageing of the whole ledger. */
  readonly ageing: BucketAmounts;
  /** Customers with something overdue, highest priority first. */
  readonly customers: readonly CustomerPriority[];
  readonly promisesDueToday: readonly DigestPromise[];
  readonly brokenPromises: readonly DigestPromise[];
  readonly openDisputes: readonly DigestDispute[];
  /** Customers with something overdue whom no reminder can reach today (listed in the thread). */
  readonly fallThrough?: readonly FallThroughEntry[];
}

export interface DigestMessages {
  /** Posted to the channel; its ts is the thread the rest continue in. */
  readonly header: SlackMessage;
  readonly thread: readonly SlackMessage[];
}

/** Customers shown in the header message; the next ones continue in its thread. */
export const DIGEST_HEADER_CUSTOMERS = 8;
/** Customers listed at all (header + thread); beyond them the digest summarises and points to /ar top. */
export const DIGEST_LISTED_CUSTOMERS = 100;
/** Promises and disputes listed by name per section. */
const SIGNALS_LISTED = 10;
/** Leave room below the 50-block limit for the part's own header and footer. */
const THREAD_BLOCK_BUDGET = MESSAGE_MAX_BLOCKS - 5;

function promiseLine(p: DigestPromise, fallbackCurrency: string): string {
  const amount = p.amount ? `${money(p.amount, p.currency ?? fallbackCurrency)} ` : '';
  return `• ${escapeMrkdwn(p.contactName)}: ${amount}promised for ${p.promisedDate}`;
}

function listSection(title: string, lines: readonly string[], empty: string): Block {
  if (lines.length === 0) return section(`*${title}*\n_${empty}_`);
  const shown = lines.slice(0, SIGNALS_LISTED);
  const more = lines.length > shown.length ? `\n…and ${lines.length - shown.length} more` : '';
  return section(`*${title}*\n${shown.join('\n')}${more}`);
}

/**
 * The daily digest as one header message plus thread replies. Every message stays within 50 blocks and our
 * 9k-character budget however large the ledger: the header summarises; the thread lists the next customers
 * in chunks; past DIGEST_LISTED_CUSTOMERS it only counts them.
 */
/** Figures older than a healthy ledger ever is say so, above everything else. */
export function ledgerAgeNote(age: LedgerAge | null): Block[] {
  const warning = ledgerAgeWarning(age);
  return warning ? [context(`:warning: ${warning}`)] : [];
}

export function buildDigestMessages(d: DigestData): DigestMessages {
  const cur = d.baseCurrency;
  const change = d.previous
    ? ` (${moneyChange(dec(d.totalOverdue).minus(d.previous.totalOverdue).toString(), cur)} since ${d.previous.asOf})`
    : '';
  const headline = `${money(d.totalOverdue, cur)} overdue across ${plural(d.overdueCount, 'invoice')}${change}`;
  const top = d.customers.slice(0, DIGEST_HEADER_CUSTOMERS);
  const rest = d.customers.slice(DIGEST_HEADER_CUSTOMERS, DIGEST_LISTED_CUSTOMERS);
  const unlisted = d.customers.slice(DIGEST_LISTED_CUSTOMERS);

  const headerBlocks: Block[] = [
    header(`AR digest · ${d.orgName} · ${d.asOf}`),
    ...ledgerAgeNote(d.ledgerAge ?? null),
    section(`*${headline}*`),
    fields(AGEING_BUCKETS.map((b) => `*${AGEING_BUCKET_LABELS[b]}*\n${money(d.ageing[b], cur)}`)),
    divider(),
    section(
      d.customers.length === 0
        ? '*Nothing overdue today.* :tada:'
        : `*Chase first* (${plural(d.customers.length, 'customer')} with overdue invoices)`,
    ),
    ...top.map((c) => customerLine(d.orgId, c, cur)),
    divider(),
    listSection(
      'Promises due today',
      d.promisesDueToday.map((p) => promiseLine(p, cur)),
      'No promises fall due today.',
    ),
    listSection(
      'Broken promises',
      d.brokenPromises.map((p) => promiseLine(p, cur)),
      'No broken promises.',
    ),
    listSection(
      'Open disputes',
      d.openDisputes.map(
        (x) =>
          `• ${escapeMrkdwn(x.contactName)}: ${x.reason.replace(/_/g, ' ')} since ${x.openedOn} (${plural(x.invoiceCount, 'invoice')})`,
      ),
      'No open disputes.',
    ),
  ];
  const left = d.fallThrough ?? [];
  if (left.length > 0) {
    const owed = left.reduce((s, f) => s.plus(f.overdueBase), dec(0));
    headerBlocks.push(
      context(
        `:warning: *${plural(left.length, 'customer')}* with ${money(owed.toString(), cur)} overdue cannot be chased by email (no address, refused, paused…): listed in the thread with a way forward.`,
      ),
    );
  }
  if (rest.length > 0 || unlisted.length > 0) {
    headerBlocks.push(
      context(`More customers in the thread :thread: · \`/ar top 25\` · \`/ar customer NAME\``),
    );
  }

  const thread: SlackMessage[] = [];
  let chunk: Block[] = [];
  let first = rest[0]?.rank ?? 0;
  let last = first;
  const flush = () => {
    if (chunk.length === 0) return;
    const title = `Customers ${first}–${last}`;
    thread.push({
      text: `${escapeMrkdwn(d.orgName)} digest ${d.asOf}: ${title}`,
      blocks: [section(`*${title}*`), ...chunk],
    });
    chunk = [];
  };
  for (const c of rest) {
    const line = customerLine(d.orgId, c, cur);
    if (
      chunk.length > 0 &&
      (chunk.length + 1 > THREAD_BLOCK_BUDGET || textLength([...chunk, line]) > MESSAGE_TEXT_BUDGET - 200)
    ) {
      flush();
      first = c.rank;
    }
    chunk.push(line);
    last = c.rank;
  }
  flush();
  if (unlisted.length > 0) {
    const owed = unlisted.reduce((s, c) => s.plus(c.overdueBase), dec(0));
    thread.push({
      text: `${escapeMrkdwn(d.orgName)} digest ${d.asOf}: ${unlisted.length} more customers`,
      blocks: [
        section(
          `…and *${plural(unlisted.length, 'more customer')}* with ${money(owed.toString(), cur)} overdue, lower in priority. Ask \`/ar customer NAME\` for any of them.`,
        ),
      ],
    });
  }
  const notChased = fallThroughMessage(d.orgId, d.orgName, d.asOf, left, cur);
  if (notChased) thread.push(notChased);
  return {
    header: { text: `AR digest ${escapeMrkdwn(d.orgName)} ${d.asOf}: ${headline}`, blocks: headerBlocks },
    thread,
  };
}
