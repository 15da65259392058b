// Over 300 lines: the customer card with its sections and the manager's controls is one Block Kit builder.
import type { CustomerAgeing } from '../../../domain/ageing.js';
import {
  OVERRIDE_REASON_MAX,
  OVERRIDE_TIERS,
  type OverrideTier,
  TIER_NAMES,
  type TierOverrideMark,
  tierLabel,
} from '../../../domain/customer-overrides.js';
import type { IsoDate } from '../../../domain/ledger.js';
import { dec } from '../../../domain/money.js';
import { type CustomerPriority, hasSomethingOverdue } from '../../../domain/priority.js';
import { ACTION, packValue, VIEW } from './ids.js';
import {
  actions,
  type Block,
  button,
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
  /** A priority tier set by a manager, in force until cleared. */
  readonly tierOverride?: CustomerTierOverrideLine | null;
  /** A manager excluded the customer from chasing (a do-not-contact hold), until someone resumes. */
  readonly exclusion?: CustomerExclusionLine | null;
}

export interface CustomerTierOverrideLine {
  readonly tier: OverrideTier;
  readonly setByName: string;
  readonly setOn: IsoDate;
}

export interface CustomerExclusionLine {
  readonly byName: string | null;
  readonly since: IsoDate;
  readonly reason: string | null;
}

const INVOICES_LISTED = 15;
const TREND = {
  slower: 'paying slower lately',
  faster: 'paying faster lately',
  steady: 'steady',
  unknown: 'too little history',
};

/** The customer card: `/ar customer`, the digest's "Open" button and App Home all show this. */
export function customerMessage(c: CustomerDetail, options: { notice?: string } = {}): SlackMessage {
  const cur = c.baseCurrency;
  const p = c.priority;
  const a = c.ageing;
  const blocks: Block[] = [
    header(clip(c.contactName, 150)),
    // What the last click did (an override set, refused, already so), above the card it changed.
    ...(options.notice ? [section(`:information_source: ${escapeMrkdwn(clip(options.notice, 500))}`)] : []),
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
      `*Priority*\n${priorityText(p, c.tierOverride ?? null)}`,
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
  if (c.tierOverride) {
    const o = c.tierOverride;
    blocks.push(
      section(
        `*Priority set by hand*\n${TIER_NAMES[o.tier]}, by ${escapeMrkdwn(clip(o.setByName, 80))} on ${o.setOn}: planning and the contact groups in Xero use it until it is cleared.`,
      ),
    );
  }
  if (c.exclusion) {
    const x = c.exclusion;
    blocks.push(
      section(
        `*:no_entry: Excluded from chasing*\nSince ${x.since}${x.byName ? ` by ${escapeMrkdwn(clip(x.byName, 80))}` : ''}${x.reason ? `: ${escapeMrkdwn(clip(x.reason, OVERRIDE_REASON_MAX))}` : ''}. No reminders until someone resumes chasing.`,
      ),
    );
  }
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
  blocks.push(overrideActions(c));
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

function priorityText(p: CustomerPriority | null, o: CustomerTierOverrideLine | null): string {
  if (!p) return o ? `${tierLabel(o.tier, null)} (set by ${escapeMrkdwn(clip(o.setByName, 60))})` : '—';
  const mark: TierOverrideMark | null = p.tierOverride
    ? { ...p.tierOverride, setByName: escapeMrkdwn(clip(p.tierOverride.setByName, 60)) }
    : null;
  const tier = tierLabel(p.tier, mark);
  return hasSomethingOverdue(p) ? `#${p.rank} · ${tier}` : `${tier} · nothing overdue`;
}

/** The "clear" option of Set priority. */
export const CLEAR_TIER = 'clear';

/**
 * A manager's controls, offered to everyone (the click checks the role): Set priority (High, Medium, Low, or
 * Clear back to the computed tier) and Exclude from chasing / Resume chasing.
 */
function overrideActions(c: CustomerDetail): Block {
  const option = (value: string, text: string) => ({
    text: { type: 'plain_text', text, emoji: true },
    value: packValue([c.orgId, c.contactId, value]),
  });
  const options = [
    ...OVERRIDE_TIERS.map((t) => option(t, TIER_NAMES[t])),
    option(CLEAR_TIER, 'Clear (computed tier)'),
  ];
  const current = c.tierOverride?.tier;
  const value = packValue([c.orgId, c.contactId]);
  return {
    type: 'actions',
    block_id: 'ar_customer_overrides',
    elements: [
      {
        type: 'static_select',
        action_id: ACTION.customerSetTier,
        placeholder: { type: 'plain_text', text: 'Set priority' },
        options,
        ...(current ? { initial_option: option(current, TIER_NAMES[current]) } : {}),
      },
      c.exclusion
        ? button({ text: 'Resume chasing', actionId: ACTION.customerResume, value })
        : button({ text: 'Exclude from chasing', actionId: ACTION.customerExclude, value, style: 'danger' }),
    ],
  };
}

export const EXCLUDE_BLOCK = 'exclude_reason';
export const EXCLUDE_INPUT = 'exclude_reason_input';

/** "Exclude from chasing" asks why: the reason goes to the audit trail and the Xero contact's History. */
export function excludeModal(input: {
  orgId: string;
  contactId: string;
  customerName: string;
  /** The customer card's modal to refresh after, when the card is one. */
  cardViewId: string | null;
}): Record<string, unknown> {
  return {
    type: 'modal',
    callback_id: VIEW.customerExclude,
    private_metadata: JSON.stringify({
      orgId: input.orgId,
      contactId: input.contactId,
      ...(input.cardViewId ? { cardViewId: input.cardViewId } : {}),
    }),
    title: { type: 'plain_text', text: 'Exclude from chasing' },
    submit: { type: 'plain_text', text: 'Exclude' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      section(
        `No reminders go to *${escapeMrkdwn(clip(input.customerName, 120))}* until someone resumes chasing. The reason is kept in the audit trail and noted on the contact's History in Xero.`,
      ),
      {
        type: 'input',
        block_id: EXCLUDE_BLOCK,
        label: { type: 'plain_text', text: 'Reason' },
        element: {
          type: 'plain_text_input',
          action_id: EXCLUDE_INPUT,
          multiline: true,
          max_length: OVERRIDE_REASON_MAX,
        },
      },
    ],
  };
}

/** The customer card as a modal ("Open" from the digest, /ar top or App Home). */
export function customerModal(blocks: readonly Block[]): Record<string, unknown> {
  return {
    type: 'modal',
    callback_id: 'ar_customer_card',
    title: { type: 'plain_text', text: 'Customer' },
    close: { type: 'plain_text', text: 'Close' },
    blocks,
  };
}
