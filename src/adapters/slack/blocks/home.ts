import type { CollectorNumbers } from '../../../domain/collector-numbers.js';
import type { FallThroughEntry } from '../../../domain/fall-through.js';
import type { IsoDate } from '../../../domain/ledger.js';
import type { LedgerAge } from '../../../domain/ledger-freshness.js';
import { type Decimal, dec } from '../../../domain/money.js';
import type { CustomerPriority } from '../../../domain/priority.js';
import { customerLine } from './customer-line.js';
import { ledgerAgeNote } from './digest.js';
import { callTaskBlocks, fallThroughBlocks } from './fall-through.js';
import {
  type Block,
  clip,
  context,
  divider,
  escapeMrkdwn,
  fields,
  header,
  money,
  percent,
  plural,
  section,
  VIEW_MAX_BLOCKS,
} from './kit.js';
import { type PromiseLine, promiseWords } from './promises.js';

export interface HomeApproval {
  readonly contactName: string;
  readonly status: string;
  readonly planDate: IsoDate;
  readonly tone: string;
  readonly invoiceCount: number;
  readonly permalink: string | null;
}

export interface HomePromise extends PromiseLine {
  readonly state: 'due' | 'broken';
}

export interface HomeOrg {
  readonly orgId: string;
  readonly orgName: string;
  readonly asOf: IsoDate;
  readonly baseCurrency: string;
  readonly role: 'manager' | 'collector';
  /** Customer replies waiting for a person: matched (customer paused until handled) and to triage. */
  readonly repliesWaiting: { readonly pending: number; readonly triage: number };
  /** Every card waiting for this user's decision, however many are listed. */
  readonly approvalsWaiting: number;
  /** The oldest of them. */
  readonly approvals: readonly HomeApproval[];
  readonly queue: readonly CustomerPriority[];
  /** Customers with something overdue whom no reminder can reach, largest first. */
  readonly fallThrough: readonly FallThroughEntry[];
  /** This user's open call tasks. */
  readonly calls: readonly { id: number; customerName: string; reason: string; createdAt: Date }[];
  readonly promisesDueToday: number;
  /** Promises due today and broken since yesterday, by customer (#18 part 4). */
  readonly promisesToday?: readonly HomePromise[];
  readonly escalationsOpen: number;
  /** How old the figures are (since the last complete sync); null when unknown. */
  readonly ledgerAge?: LedgerAge | null;
  /** The viewing user's own numbers over the last 30 days (#19 part 3). */
  readonly yourNumbers?: CollectorNumbers;
  readonly kpis: {
    readonly overdue: Decimal;
    readonly total: Decimal;
    readonly dsoDays: number;
    readonly ceiPercent: number | null;
    readonly averageDaysDelinquent: number;
  };
}

const APPROVALS_LISTED = 10;
const PROMISES_LISTED = 10;
const CALLS_LISTED = 10;
/** Up to three blocks each: leave the queue room. */
const FALL_THROUGH_LISTED = 8;

const DECISION_WORDS: Record<keyof CollectorNumbers['decisions'], string> = {
  approved: 'approved',
  edited: 'edited',
  snoozed: 'snoozed',
  escalated: 'escalated',
  skipped: 'skipped',
};

/** "Your numbers": one section, the figures that are not zero; one line when there is nothing to show. */
export function yourNumbersBlock(n: CollectorNumbers, currency: string): Block {
  const title = `*Your numbers* (last ${n.days} days, ${n.from} – ${n.to})`;
  if (n.empty)
    return section(`${title}\n_No cards decided, reminders sent or promises judged in that time._`);
  const lines: string[] = [];
  const kinds = Object.entries(n.decisions)
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${v.toLocaleString('en')} ${DECISION_WORDS[k as keyof typeof DECISION_WORDS]}`);
  lines.push(
    n.cardsDecided > 0
      ? `• ${plural(n.cardsDecided, 'card')} decided: ${kinds.join(', ')}`
      : '• No cards decided',
  );
  lines.push(`• ${plural(n.sent, 'reminder')} sent from your approvals`);
  const h = n.hitRate;
  if (h.reminders > 0) {
    const notYet = h.reminders - h.measured;
    const measured =
      h.share === null
        ? `not measured yet (a reminder is measured ${h.windowDays} days after it is sent)`
        : `${percent(h.share)} of the ${money(h.remindedAmount, currency)} overdue you reminded was paid within ${h.windowDays} days`;
    lines.push(
      `• Hit rate: ${measured}${h.share !== null && notYet > 0 ? ` (${plural(notYet, 'reminder')} under ${h.windowDays} days old not counted yet)` : ''}`,
    );
  }
  const p = n.promises;
  if (p.kept + p.partKept + p.broken + p.open > 0) {
    const verdicts = [
      p.kept ? `${p.kept.toLocaleString('en')} kept` : '',
      p.partKept ? `${p.partKept.toLocaleString('en')} part-kept` : '',
      p.broken ? `${p.broken.toLocaleString('en')} broken` : '',
    ].filter(Boolean);
    lines.push(
      `• Promises you accepted: ${verdicts.length ? verdicts.join(', ') : 'none judged yet'}${p.open ? ` (${p.open.toLocaleString('en')} still open)` : ''}`,
    );
  }
  return section(`${title}\n${lines.join('\n')}`);
}

/** The collector's App Home: their cards waiting for a decision, their queue, today's tasks, team KPIs. */
export function homeView(userName: string, orgs: readonly HomeOrg[]): { type: 'home'; blocks: Block[] } {
  const blocks: Block[] = [header(`AR Copilot · ${userName}`)];
  if (orgs.length === 0) {
    blocks.push(section('You are not on an AR team yet. A manager can add you with `/ar setup`.'));
    return { type: 'home', blocks };
  }
  // Share the 100 blocks between organisations; each always gets its approvals and tasks.
  const perOrg = Math.floor((VIEW_MAX_BLOCKS - 1) / orgs.length);
  for (const o of orgs) {
    const cur = o.baseCurrency;
    const part: Block[] = [
      divider(),
      section(`*${escapeMrkdwn(o.orgName)}* · ${o.role} · as of ${o.asOf}`),
      ...ledgerAgeNote(o.ledgerAge ?? null),
      section(
        `*Waiting for your approval* (${o.approvalsWaiting})\n${
          o.approvals.length
            ? o.approvals
                .slice(0, APPROVALS_LISTED)
                .map((a) => {
                  const name = escapeMrkdwn(a.contactName);
                  return `• ${a.permalink ? `<${a.permalink}|${name}>` : name}: ${a.tone} reminder, ${plural(a.invoiceCount, 'invoice')}, planned ${a.planDate}${a.status === 'escalated' ? ' (escalated)' : ''}`;
                })
                .join('\n')
            : '_Nothing waiting._'
        }${o.approvalsWaiting > Math.min(o.approvals.length, APPROVALS_LISTED) ? `\n…and ${o.approvalsWaiting - Math.min(o.approvals.length, APPROVALS_LISTED)} more, newer; their cards are in the queue channel.` : ''}`,
      ),
      section(
        `*Today*\n• ${plural(o.approvalsWaiting, 'card')} to decide\n• ${plural(o.calls.length, 'call')} to make\n• ${plural(o.repliesWaiting.pending, 'customer reply', 'customer replies')} to handle (their chasing is paused)${o.repliesWaiting.triage ? `, ${plural(o.repliesWaiting.triage, 'reply', 'replies')} to triage in the queue channel` : ''}\n• ${plural(o.promisesDueToday, 'promise')} due today\n• ${plural(o.escalationsOpen, 'open escalation')}`,
      ),
      fields([
        `*Overdue*\n${money(o.kpis.overdue, cur)}`,
        `*Receivables*\n${money(o.kpis.total, cur)}`,
        `*DSO*\n${Math.round(o.kpis.dsoDays * 10) / 10} days`,
        `*CEI*\n${o.kpis.ceiPercent === null ? 'n/a' : `${Math.round(o.kpis.ceiPercent * 10) / 10}%`}`,
      ]),
      ...(o.yourNumbers ? [yourNumbersBlock(o.yourNumbers, cur)] : []),
    ];
    const promises = o.promisesToday ?? [];
    if (promises.length > 0) {
      part.push(
        section(
          `*Promises today*\n${promises
            .slice(0, PROMISES_LISTED)
            .map(
              (p) =>
                `• ${escapeMrkdwn(clip(p.customerName, 120))}: ${escapeMrkdwn(promiseWords(p))}${p.state === 'broken' ? ' — *broken*, chasing resumed' : ' — due today'}`,
            )
            .join(
              '\n',
            )}${promises.length > PROMISES_LISTED ? `\n…and ${promises.length - PROMISES_LISTED} more (\`/ar promises\`).` : ''}`,
        ),
      );
    }
    if (o.calls.length > 0) {
      part.push(
        section(`*Your calls* (${o.calls.length})`),
        ...callTaskBlocks(o.orgId, o.calls.slice(0, CALLS_LISTED)),
      );
      if (o.calls.length > CALLS_LISTED) part.push(context(`…and ${o.calls.length - CALLS_LISTED} more.`));
    }
    // The customers nobody can email come before the queue: left alone, they are the ones that fall through.
    const left: Block[] = [];
    if (o.fallThrough.length > 0) {
      const owed = o.fallThrough.reduce((sum, f) => sum.plus(f.overdueBase), dec(0));
      left.push(
        section(
          `*Not chased by email* (${plural(o.fallThrough.length, 'customer')}, ${money(owed.toString(), cur)} overdue)`,
        ),
      );
      const shown = o.fallThrough.slice(0, FALL_THROUGH_LISTED);
      left.push(...shown.flatMap((f) => fallThroughBlocks(o.orgId, f, cur)));
      if (o.fallThrough.length > shown.length)
        left.push(context(`…and ${o.fallThrough.length - shown.length} more, smaller.`));
    }
    part.push(...left, section('*Your queue* (highest priority first)'));
    const room = Math.max(0, perOrg - part.length - 1);
    const queue = o.queue.slice(0, room);
    part.push(...queue.map((c) => customerLine(o.orgId, c, cur, { reasons: 1 })));
    if (o.queue.length > queue.length)
      part.push(context(`…and ${o.queue.length - queue.length} more. \`/ar top 25\` lists more.`));
    else if (o.queue.length === 0) part.push(context('Nobody else owes anything overdue.'));
    blocks.push(...part.slice(0, perOrg));
  }
  return { type: 'home', blocks: blocks.slice(0, VIEW_MAX_BLOCKS) };
}
