import type { IsoDate } from '../../../domain/ledger.js';
import type { Decimal } from '../../../domain/money.js';
import type { CustomerPriority } from '../../../domain/priority.js';
import { customerLine } from './customer-line.js';
import {
  type Block,
  context,
  divider,
  escapeMrkdwn,
  fields,
  header,
  money,
  plural,
  section,
  VIEW_MAX_BLOCKS,
} from './kit.js';

export interface HomeApproval {
  readonly contactName: string;
  readonly status: string;
  readonly planDate: IsoDate;
  readonly tone: string;
  readonly invoiceCount: number;
  readonly permalink: string | null;
}

export interface HomeOrg {
  readonly orgId: string;
  readonly orgName: string;
  readonly asOf: IsoDate;
  readonly baseCurrency: string;
  readonly role: 'manager' | 'collector';
  readonly approvals: readonly HomeApproval[];
  readonly queue: readonly CustomerPriority[];
  readonly promisesDueToday: number;
  readonly escalationsOpen: number;
  readonly kpis: {
    readonly overdue: Decimal;
    readonly total: Decimal;
    readonly dsoDays: number;
    readonly ceiPercent: number | null;
    readonly averageDaysDelinquent: number;
  };
}

const APPROVALS_LISTED = 10;

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
      section(
        `*Waiting for your approval* (${o.approvals.length})\n${
          o.approvals.length
            ? o.approvals
                .slice(0, APPROVALS_LISTED)
                .map((a) => {
                  const name = escapeMrkdwn(a.contactName);
                  return `• ${a.permalink ? `<${a.permalink}|${name}>` : name}: ${a.tone} reminder, ${plural(a.invoiceCount, 'invoice')}, planned ${a.planDate}${a.status === 'escalated' ? ' (escalated)' : ''}`;
                })
                .join('\n')
            : '_Nothing waiting._'
        }`,
      ),
      section(
        `*Today*\n• ${plural(o.approvals.length, 'card')} to decide\n• ${plural(o.promisesDueToday, 'promise')} due today\n• ${plural(o.escalationsOpen, 'open escalation')}`,
      ),
      fields([
        `*Overdue*\n${money(o.kpis.overdue, cur)}`,
        `*Receivables*\n${money(o.kpis.total, cur)}`,
        `*DSO*\n${Math.round(o.kpis.dsoDays * 10) / 10} days`,
        `*CEI*\n${o.kpis.ceiPercent === null ? 'n/a' : `${Math.round(o.kpis.ceiPercent * 10) / 10}%`}`,
      ]),
      section('*Your queue* (highest priority first)'),
    ];
    const room = Math.max(0, perOrg - part.length - 1);
    const queue = o.queue.slice(0, room);
    part.push(...queue.map((c) => customerLine(o.orgId, c, cur, { reasons: 1 })));
    if (o.queue.length > queue.length)
      part.push(context(`…and ${o.queue.length - queue.length} more. \`/ar top 25\` lists more.`));
    else if (o.queue.length === 0) part.push(context('Nobody owes anything overdue.'));
    blocks.push(...part.slice(0, perOrg));
  }
  return { type: 'home', blocks: blocks.slice(0, VIEW_MAX_BLOCKS) };
}
