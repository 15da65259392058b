import type { CustomerPriority } from '../../../domain/priority.js';
import { ACTION, packValue } from './ids.js';
import { type Block, button, clip, escapeMrkdwn, money, plural } from './kit.js';

const TIER_LABEL = {
  high: ':red_circle: High',
  medium: ':large_orange_circle: Medium',
  low: ':white_circle: Low',
};

/** One customer as a section with their priority reasons and an "Open" button to their detail card. */
export function customerLine(
  orgId: string,
  c: CustomerPriority,
  currency: string,
  options: { reasons?: number } = {},
): Block {
  const reasons = c.reasons
    .slice(0, options.reasons ?? 2)
    .map((r) => `• ${escapeMrkdwn(clip(r, 220))}`)
    .join('\n');
  const oldest =
    c.oldestDaysOverdue !== null && c.oldestDaysOverdue > 0 ? ` · oldest ${c.oldestDaysOverdue}d late` : '';
  // A tier a manager set by hand says so (customer-overrides.ts).
  const setBy = c.tierOverride ? ` (set by ${escapeMrkdwn(clip(c.tierOverride.setByName, 60))})` : '';
  const paused = c.pausedUntil ? ` · paused until ${c.pausedUntil}` : '';
  // Disputed invoices stay in the customer's figures, marked (and are not chased: run-dunning.ts).
  const held = c.invoices.filter((i) => i.disputed);
  const disputed = held.length
    ? ` · :warning: disputed: ${held
        .slice(0, 3)
        .map((i) => escapeMrkdwn(i.invoiceNumber ?? i.invoiceId))
        .join(', ')}${held.length > 3 ? ` +${held.length - 3}` : ''}`
    : '';
  const text =
    `*${c.rank}. ${escapeMrkdwn(clip(c.contactName, 120))}* · ${TIER_LABEL[c.tier]}${setBy}\n` +
    `${money(c.overdueBase, currency)} overdue of ${money(c.balanceBase, currency)} · ${plural(c.overdueCount, 'overdue invoice')}${oldest}${paused}${disputed}` +
    (reasons ? `\n${reasons}` : '');
  return {
    type: 'section',
    text: { type: 'mrkdwn', text: clip(text, 3000) },
    accessory: button({
      text: 'Open',
      actionId: ACTION.openCustomer,
      value: packValue([orgId, c.contactId]),
    }),
  };
}
