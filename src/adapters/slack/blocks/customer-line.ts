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
  const paused = c.pausedUntil ? ` · paused until ${c.pausedUntil}` : '';
  const text =
    `*${c.rank}. ${escapeMrkdwn(clip(c.contactName, 120))}* · ${TIER_LABEL[c.tier]}\n` +
    `${money(c.overdueBase, currency)} overdue of ${money(c.balanceBase, currency)} · ${plural(c.overdueCount, 'overdue invoice')}${oldest}${paused}` +
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
