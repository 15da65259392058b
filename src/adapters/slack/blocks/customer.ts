import type { CustomerAgeing } from '../../../domain/ageing.js';
import type { IsoDate } from '../../../domain/ledger.js';
import { dec } from '../../../domain/money.js';
import { type CustomerPriority, hasSomethingOverdue } from '../../../domain/priority.js';
import { ACTION, packValue } from './ids.js';
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
import { moreLine, openInvoiceLine } from './reports.js';

export interface CustomerContactLine {
  readonly when: IsoDate;
  readonly what: string;
}

export interface CustomerHoldLine {
  readonly kind: string;
  readonly until: IsoDate | null;
  readonly reason: string | null;
  readonly by: string | null;
}

export interface CustomerBehaviourLine {
  readonly paidCount: number;
  readonly lateShare: number;
  readonly meanDaysLate: number;
  readonly trend: 'slower' | 'faster' | 'steady' | 'unknown';
  readonly trendChangeDays: number | null;
}

export interface CustomerDetail {
  readonly orgId: string;
  readonly orgName: string;
  readonly asOf: IsoDate;
  readonly baseCurrency: string;
  readonly contactId: string;
  readonly contactName: string;
  readonly accountNumber: string | null;
  readonly email: string | null;
  readonly xeroUrl: string | null;
  readonly priority: CustomerPriority | null;
  readonly ageing: CustomerAgeing | null;
  readonly behaviour: CustomerBehaviourLine | null;
  readonly lastContacts: readonly CustomerContactLine[];
  readonly holds: readonly CustomerHoldLine[];
}

const INVOICES_LISTED = 15;
const TREND = {
  slower: 'paying slower lately',
  faster: 'paying faster lately',
  steady: 'steady',
  unknown: 'too little history',
};

/** The customer card: `/ar customer`, the digest's "Open" button and App Home all show this. */
export function customerMessage(c: CustomerDetail): SlackMessage {
  const cur = c.baseCurrency;
  const p = c.priority;
  const a = c.ageing;
  const blocks: Block[] = [
    header(clip(c.contactName, 150)),
    context(
      [
        escapeMrkdwn(c.orgName),
        c.accountNumber ? `account ${escapeMrkdwn(c.accountNumber)}` : null,
        c.email ? escapeMrkdwn(c.email) : null,
        `as of ${c.asOf}`,
      ]
        .filter(Boolean)
        .join(' · '),
    ),
    fields([
      `*Balance*\n${money(a?.base.total ?? p?.balanceBase ?? '0', cur)}`,
      `*Overdue*\n${money(p?.overdueBase ?? '0', cur)}`,
      `*Oldest overdue*\n${a?.oldestDaysOverdue ? `${a.oldestDaysOverdue} days` : '—'}`,
      // The number /ar top and the digest show; they list only customers with something overdue.
      `*Priority*\n${p ? (hasSomethingOverdue(p) ? `#${p.rank} · ${p.tier}` : `${p.tier} · nothing overdue`) : '—'}`,
      `*Cash at risk (30 days)*\n${money(p?.cashAtRiskBase ?? '0', cur)}`,
      `*Promises broken / disputes*\n${p ? `${p.brokenPromises} / ${p.openDisputes}` : '0 / 0'}`,
    ]),
  ];
  if (p?.reasons.length)
    blocks.push(section(`*Why*\n${p.reasons.map((r) => `• ${escapeMrkdwn(clip(r, 300))}`).join('\n')}`));
  if (a) {
    // In base currency, as the balance beside them (with the document's own amount when it is in another).
    const open = a.invoices.filter((i) => Number(i.amountDue) !== 0);
    const lines = open.slice(0, INVOICES_LISTED).map((i) => openInvoiceLine(i, cur));
    const more = moreLine(
      open.slice(INVOICES_LISTED).map((i) => ({ amount: i.baseAmountDue })),
      cur,
    );
    if (more) lines.push(more);
    blocks.push(section(`*Open invoices*\n${lines.join('\n') || '_None._'}`));
  }
  if (c.behaviour) {
    const b = c.behaviour;
    const trend =
      b.trendChangeDays !== null && b.trend !== 'unknown'
        ? `${TREND[b.trend]} (${b.trendChangeDays > 0 ? '+' : ''}${Math.round(b.trendChangeDays)}d)`
        : TREND[b.trend];
    blocks.push(
      section(
        `*Payment behaviour*\n${b.paidCount} invoices paid · ${percent(b.lateShare)} late · ${Math.round(b.meanDaysLate * 10) / 10} days late on average · ${trend}`,
      ),
    );
  }
  blocks.push(
    section(
      `*Last contacts*\n${c.lastContacts.length ? c.lastContacts.map((l) => `• ${l.when}: ${escapeMrkdwn(clip(l.what, 200))}`).join('\n') : '_No reminders sent yet._'}`,
    ),
  );
  if (c.holds.length) {
    blocks.push(
      section(
        `*On hold*\n${c.holds
          .map(
            (h) =>
              `• ${h.kind}${h.until ? ` until ${h.until}` : ''}${h.by ? ` by ${escapeMrkdwn(h.by)}` : ''}${h.reason ? `: ${escapeMrkdwn(clip(h.reason, 200))}` : ''}`,
          )
          .join('\n')}`,
      ),
    );
  }
  // A customer with something open can be offered a payment plan (a manager approves it); Xero opens beside it.
  const buttons = [
    ...(a && dec(a.base.total).gt(0)
      ? [
          {
            text: 'Propose a payment plan',
            actionId: ACTION.planPropose,
            value: packValue([c.orgId, c.contactId, '-']),
          },
        ]
      : []),
    ...(c.xeroUrl
      ? [
          {
            text: 'Open in Xero',
            actionId: ACTION.openInXero,
            value: packValue([c.orgId, c.contactId]),
            url: c.xeroUrl,
          },
        ]
      : []),
  ];
  if (buttons.length > 0) blocks.push(divider(), actions(undefined, buttons));
  return { text: `${escapeMrkdwn(c.contactName)}: ${money(a?.base.total ?? '0', cur)} open`, blocks };
}

/**
 * Xero's deep link to a contact: through the organisation login page, so it opens in the right organisation
 * even when the user last used another one.
 */
export function xeroContactUrl(shortCode: string | null, contactId: string): string | null {
  if (!shortCode) return null;
  return `https://go.xero.com/organisationlogin/default.aspx?shortcode=${encodeURIComponent(shortCode)}&redirecturl=/Contacts/View/${encodeURIComponent(contactId)}`;
}
