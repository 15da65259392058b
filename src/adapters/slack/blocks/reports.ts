// Over 300 lines: the answers of /ar top, aging, forecast, kpis and help share their line formats and limits.
import {
  AGEING_BUCKET_LABELS,
  AGEING_BUCKETS,
  type AgeingReport,
  type CustomerAgeing,
} from '../../../domain/ageing.js';
import type { ArKpis } from '../../../domain/ar-kpis.js';
import type { CashForecast } from '../../../domain/cash-forecast.js';
import type { Contact } from '../../../domain/ledger.js';
import { type Decimal, sum } from '../../../domain/money.js';
import { hasSomethingOverdue, type PriorityList } from '../../../domain/priority.js';
import { customerLine } from './customer-line.js';
import { ACTION } from './ids.js';
import {
  actions,
  type Block,
  clip,
  context,
  divider,
  escapeMrkdwn,
  fields,
  header,
  money,
  percent,
  type SlackMessage,
  section,
} from './kit.js';
import { POLICY_EDIT_ACTION } from './policy-editor.js';

/** Invoices listed by number in one answer; the rest are counted. */
const INVOICES_LISTED = 15;

/**
 * What a list cut short leaves out, with its amount: a total printed beside a list is the sum of the lines
 * shown, the last of which may be this one.
 */
export function moreLine(
  rest: readonly { readonly amount: Decimal }[],
  currency: string,
  what = 'more',
): string | null {
  if (rest.length === 0) return null;
  return `…and ${rest.length} ${what}: ${money(sum(rest.map((r) => r.amount)).toFixed(), currency)}`;
}

/** An open invoice in base currency, with the document's own amount beside it when it is in another currency. */
export function openInvoiceLine(
  i: {
    readonly number: string | null;
    readonly invoiceId: string;
    readonly currency: string;
    readonly amountDue: Decimal;
    readonly baseAmountDue: Decimal;
    readonly daysOverdue: number;
    readonly dueDate: string;
    readonly partPaid: boolean;
  },
  currency: string,
): string {
  const late = i.daysOverdue > 0 ? `${i.daysOverdue}d overdue` : `due ${i.dueDate}`;
  const fx = i.currency !== currency ? ` (${money(i.amountDue, i.currency)})` : '';
  return `• ${escapeMrkdwn(i.number ?? i.invoiceId)} · ${money(i.baseAmountDue, currency)}${fx} · ${late}${i.partPaid ? ' · part-paid' : ''}`;
}

/** Whether an invoice of a customer is disputed (open dispute holds): ageing lists it, marked. */
export type IsDisputed = (contactId: string, invoiceId: string) => boolean;

function invoiceLines(c: CustomerAgeing, currency: string, disputed?: IsDisputed): string {
  const open = c.invoices.filter((i) => Number(i.amountDue) !== 0);
  const shown = open
    .slice(0, INVOICES_LISTED)
    .map(
      (i) =>
        `${openInvoiceLine(i, currency)}${disputed?.(c.contactId, i.invoiceId) ? ' · :warning: disputed' : ''}`,
    );
  const more = moreLine(
    open.slice(INVOICES_LISTED).map((i) => ({ amount: i.baseAmountDue })),
    currency,
  );
  return shown.length ? [...shown, ...(more ? [more] : [])].join('\n') : '_No open invoices._';
}

function bucketFields(amounts: CustomerAgeing['base'], currency: string): Block {
  return fields([
    ...AGEING_BUCKETS.map((b) => `*${AGEING_BUCKET_LABELS[b]}*\n${money(amounts[b], currency)}`),
    `*Total*\n${money(amounts.total, currency)}`,
  ]);
}

/** `/ar aging` without a customer: the organisation's buckets and its largest balances. */
export function orgAgingMessage(orgName: string, report: AgeingReport, disputed?: IsDisputed): SlackMessage {
  const cur = report.baseCurrency;
  const owing = report.customers.filter((c) => Number(c.base.total) !== 0);
  const largest = owing.slice(0, 10).map((c) => {
    const late = c.oldestDaysOverdue ? ` · oldest ${c.oldestDaysOverdue}d late` : '';
    // Disputed invoices stay in the buckets and the balance, marked.
    const held = disputed
      ? c.invoices.filter((i) => Number(i.amountDue) !== 0 && disputed(c.contactId, i.invoiceId))
      : [];
    const mark = held.length
      ? ` · :warning: disputed: ${held
          .slice(0, 3)
          .map((i) => escapeMrkdwn(i.number ?? i.invoiceId))
          .join(', ')}${held.length > 3 ? ` +${held.length - 3}` : ''}`
      : '';
    return `• ${escapeMrkdwn(clip(c.contactName, 100))}: ${money(c.base.total, cur)}${late}${mark}`;
  });
  const more = moreLine(
    owing.slice(10).map((c) => ({ amount: c.base.total })),
    cur,
    'more customers',
  );
  if (more) largest.push(more);
  return {
    text: `Ageing for ${escapeMrkdwn(orgName)} as of ${report.asOf}: ${money(report.total.total, cur)} open`,
    blocks: [
      header(`Ageing · ${orgName} · ${report.asOf}`),
      bucketFields(report.total, cur),
      ...(Number(report.unappliedCreditsBase) !== 0
        ? [context(`Unapplied credits (not netted): ${money(report.unappliedCreditsBase, cur)}`)]
        : []),
      section(largest.length ? `*Largest balances*\n${largest.join('\n')}` : '_Nothing open._'),
      context('Buckets by due date, base currency. `/ar aging CUSTOMER` for one customer.'),
    ],
  };
}

/** `/ar aging CUSTOMER`. */
export function customerAgingMessage(
  orgName: string,
  asOf: string,
  currency: string,
  c: CustomerAgeing,
  disputed?: IsDisputed,
): SlackMessage {
  return {
    text: `Ageing for ${escapeMrkdwn(c.contactName)} as of ${asOf}: ${money(c.base.total, currency)} open`,
    blocks: [
      header(`Ageing · ${c.contactName}`),
      context(`${escapeMrkdwn(orgName)} · as of ${asOf} · base currency ${currency}`),
      bucketFields(c.base, currency),
      section(`*Open invoices*\n${invoiceLines(c, currency, disputed)}`),
      ...(Number(c.unappliedCreditsBase) !== 0
        ? [context(`Unapplied credits (not netted): ${money(c.unappliedCreditsBase, currency)}`)]
        : []),
    ],
  };
}

/**
 * `/ar top [N]`: the customers with something overdue, as the digest lists them (numbered 1..n by the priority
 * list, which ranks them first): someone with nothing overdue has nothing to chase yet.
 */
export function topMessage(orgId: string, orgName: string, list: PriorityList, n: number): SlackMessage {
  const overdue = list.customers.filter(hasSomethingOverdue);
  const shown = overdue.slice(0, n);
  const more = overdue.length - shown.length;
  return {
    text: `Top ${shown.length} customers to chase for ${escapeMrkdwn(orgName)}`,
    blocks: [
      header(`Top ${shown.length} to chase · ${orgName}`),
      ...(shown.length === 0
        ? [section('_Nothing overdue._')]
        : shown.map((c) => customerLine(orgId, c, list.baseCurrency))),
      context(
        `As of ${list.asOf}. ${more > 0 ? `${more} more ${more === 1 ? 'customer has' : 'customers have'} something overdue. ` : ''}Score = amount × risk of staying unpaid × age.`,
      ),
    ],
  };
}

/** `/ar forecast`. */
export function forecastMessage(
  orgName: string,
  f: CashForecast,
  names: ReadonlyMap<string, string>,
): SlackMessage {
  const cur = f.baseCurrency;
  const payers = f.byContact
    .slice(0, 8)
    .map((p) => `• ${escapeMrkdwn(names.get(p.contactId) ?? p.contactId)}: ${money(p.expected, cur)}`);
  const otherPayers = moreLine(
    f.byContact.slice(8).map((p) => ({ amount: p.expected })),
    cur,
    'more customers',
  );
  if (otherPayers) payers.push(otherPayers);
  // Weekly totals keep the answer short however long the horizon; they add up to the total (the days do).
  const weeks: { text: string; amount: Decimal }[] = [];
  for (let i = 0; i < f.days.length; i += 7) {
    const week = f.days.slice(i, i + 7);
    const amount = sum(week.map((d) => d.expected)).toFixed();
    weeks.push({
      text: `• ${week[0]!.date} – ${week[week.length - 1]!.date}: ~${money(amount, cur)}`,
      amount,
    });
  }
  const weekLines = weeks.slice(0, 10).map((w) => w.text);
  const laterWeeks = moreLine(weeks.slice(10), cur, 'more weeks');
  if (laterWeeks) weekLines.push(laterWeeks);
  return {
    text: `Cash forecast for ${escapeMrkdwn(orgName)}: ${money(f.total.expected, cur)} expected in ${f.horizonDays} days`,
    blocks: [
      header(`Cash forecast · ${orgName}`),
      fields([
        `*Next 7 days*\n${money(f.next7Days.expected, cur)}\n(${money(f.next7Days.low, cur)} – ${money(f.next7Days.high, cur)})`,
        `*Next ${f.horizonDays} days*\n${money(f.total.expected, cur)}\n(${money(f.total.low, cur)} – ${money(f.total.high, cur)})`,
        `*Open receivables*\n${money(f.openBase, cur)}`,
        `*Disputed, left out*\n${money(f.excludedDisputedBase, cur)}`,
      ]),
      section(`*By week*\n${weekLines.join('\n') || '_No days in the horizon._'}`),
      section(`*Largest expected payers*\n${payers.join('\n') || '_None expected._'}`),
      context(`As of ${f.asOf}. ${clip(f.method, 2500)}`),
    ],
  };
}

/**
 * The KPIs as of one day as mrkdwn fields. `/ar kpis` answers with `kpiTableMessage` (report.ts): a table of the
 * same measures against the period before.
 */
export function kpisMessage(orgName: string, k: ArKpis): SlackMessage {
  const cur = k.baseCurrency;
  const days = (r: { days: number; exhausted: boolean }) =>
    `${r.exhausted ? '≥ ' : ''}${Math.round(r.days * 10) / 10} days`;
  return {
    text: `AR KPIs for ${escapeMrkdwn(orgName)} as of ${k.asOf}`,
    blocks: [
      header(`AR KPIs · ${orgName}`),
      fields([
        `*Receivables*\n${money(k.ar.total, cur)}`,
        `*Overdue*\n${money(k.ar.overdue, cur)}`,
        `*DSO (countback)*\n${days(k.dso)}`,
        `*Best possible DSO*\n${days(k.bestPossibleDso)}`,
        `*Avg days delinquent*\n${Math.round(k.averageDaysDelinquent * 10) / 10} days`,
        `*CEI*\n${k.cei.percent === null ? 'n/a' : `${Math.round(k.cei.percent * 10) / 10}%`} (${k.cei.period.from} – ${k.cei.period.to})`,
        `*Over 60 days*\n${money(k.ar.over60, cur)} (${percent(k.shareOver60)})`,
        `*Over 90 days*\n${money(k.ar.over90, cur)} (${percent(k.shareOver90)})`,
      ]),
      context(`As of ${k.asOf}, base currency ${cur}. CEI uses the period's total credit sales.`),
    ],
  };
}

/** Several customers match: one button each; `valueFor` packs what to run on the chosen one. */
export function pickCustomerMessage(
  query: string,
  matches: readonly Contact[],
  valueFor: (c: Contact) => string,
): SlackMessage {
  return {
    text: `Several customers match "${escapeMrkdwn(query)}"`,
    blocks: [
      section(`Several customers match *${escapeMrkdwn(clip(query, 100))}*. Which one?`),
      actions(
        'ar_pick',
        matches.slice(0, 10).map((c, i) => ({
          text: c.accountNumber ? `${c.name} (${c.accountNumber})` : c.name,
          actionId: `${ACTION.pickCustomer}_${i}`,
          value: valueFor(c),
        })),
      ),
    ],
  };
}

export const HELP_LINES: readonly (readonly [string, string])[] = [
  ['/ar help', 'this list'],
  ['/ar top [N]', 'the N customers to chase first, with reasons (default 10, at most 25)'],
  ['/ar aging [CUSTOMER]', 'ageing buckets for the organisation or one customer'],
  ['/ar customer CUSTOMER', 'balance, open invoices, payment behaviour, last contacts, Xero link'],
  ['/ar forecast', 'cash expected over the next 30 days'],
  [
    '/ar kpis [week|month]',
    'overdue, DSO, best possible DSO, days delinquent, CEI, hit rate, promises kept, this week (or month) against the one before; Share posts the report with its charts',
  ],
  [
    '/ar report [week|month]',
    'the collections report: headline figures, ageing over 12 periods, top debtors, promises due; Share posts it with its charts',
  ],
  ['/ar promises', "promises to pay: active ones, and this week's kept, part-kept and broken, largest first"],
  ['/ar disputes', 'open disputes with their reason and disputed balance, largest first'],
  [
    '/ar pause CUSTOMER [until YYYY-MM-DD] [reason…]',
    'stop chasing a customer (until a date, or until resumed)',
  ],
  ['/ar resume CUSTOMER', 'chase them again'],
  ['/ar sync', 'managers: fetch the latest from Xero now'],
  ['/ar setup', 'managers: channels, people and digest time'],
  ['/ar policy', 'the dunning policy in effect: sequences, send window, thresholds'],
];

export function helpMessage(problem?: string): SlackMessage {
  return {
    text: problem ? `${problem} Try /ar help.` : 'AR Copilot commands',
    blocks: [
      ...(problem ? [section(`:warning: ${escapeMrkdwn(problem)}`)] : []),
      section(`*AR Copilot commands*\n${HELP_LINES.map(([c, d]) => `\`${c}\` — ${d}`).join('\n')}`),
      context(
        'Answers are visible only to you; add `share` to post one in the channel. With several organisations add `org:NAME` (or map the channel in `/ar setup`).',
      ),
    ],
  };
}

/** `/ar policy`: the policy in effect, in words, and how a manager changes it. */
export function policyMessage(
  orgName: string,
  lines: readonly string[],
  saved: boolean,
  /** The organisation whose editor a manager may open from here; null: read only. */
  editOrgId: string | null = null,
): SlackMessage {
  const text = `Dunning policy of ${orgName}`;
  const body = lines.map((l) => `• ${escapeMrkdwn(l)}`).join('\n');
  const heading = section(
    `*${escapeMrkdwn(text)}*${saved ? '' : ' (the default: none saved yet)'}\n${clip(body, 2900)}`,
  );
  if (editOrgId === null) {
    return {
      text: escapeMrkdwn(text),
      blocks: [
        heading,
        context(
          'Managers change it here (`/ar policy` shows them an Edit button) or with `npm run cli -- policy set --file policy.json` (validated, audited).',
        ),
      ],
    };
  }
  return {
    text: escapeMrkdwn(text),
    blocks: [
      heading,
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            action_id: POLICY_EDIT_ACTION,
            text: { type: 'plain_text', text: 'Edit policy (JSON)' },
            value: editOrgId,
          },
        ],
      },
      context(
        'Edit opens it as JSON; every problem is listed before anything is saved. Or `npm run cli -- policy set --file policy.json`. Changes are audited.',
      ),
    ],
  };
}

/** A short answer (refusal, confirmation, apology) as a message. */
export function noticeMessage(text: string): SlackMessage {
  return { text, blocks: [section(escapeMrkdwn(text))] };
}

export { divider };
