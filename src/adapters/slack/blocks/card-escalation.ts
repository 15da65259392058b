import type { ReminderCardFacts } from '../../../domain/reminder-card-facts.js';
import { clip, context, escapeMrkdwn, fields, header, money, type SlackMessage, section } from './kit.js';
import { cardTotal } from './reminder-card.js';

export interface CardEscalation {
  readonly facts: ReminderCardFacts;
  readonly reason: string | null;
  /** Who escalated (display name). */
  readonly by: string;
  /** Managers to mention: user ids (U…) and user groups (S…). */
  readonly managers: readonly string[];
  /** Where the approval card is, for a link back to it. */
  readonly card: { readonly channel: string; readonly ts: string } | null;
}

const mention = (id: string) => (id.startsWith('S') ? `<!subteam^${id}>` : `<@${id}>`);

/** A Slack archive link opens the message in any client (chat.getPermalink would cost a call per post). */
const cardLink = (c: { channel: string; ts: string }) =>
  `https://slack.com/archives/${c.channel}/p${c.ts.replace('.', '')}`;

/** Posted once to the escalation channel when a collector escalates an approval card. */
export function cardEscalationMessage(e: CardEscalation): SlackMessage {
  const f = e.facts;
  const overdue = f.invoices.filter((i) => i.daysOverdue > 0);
  const oldest = Math.max(0, ...f.invoices.map((i) => i.daysOverdue));
  const who = e.managers.length ? `${e.managers.map(mention).join(' ')} ` : '';
  // As the card shows it: the sum of the invoices, in their currencies (the base-currency figure beside).
  const owed = cardTotal(f);
  const text = `${e.by} escalated ${f.customerName} (${owed})`;
  return {
    text: escapeMrkdwn(text),
    blocks: [
      header(clip(`Escalated · ${f.customerName}`, 150)),
      section(
        `${who}*${escapeMrkdwn(e.by)}* escalated this customer from the approval queue.\n*Reason:* ${
          e.reason ? escapeMrkdwn(clip(e.reason, 500)) : '_none given_'
        }`,
      ),
      fields([
        `*Owed*\n${owed}`,
        `*Overdue invoices*\n${overdue.length} of ${f.invoices.length}`,
        `*Oldest overdue*\n${oldest} days`,
        `*Late-payment risk*\n${Math.round(f.risk * 100)}%`,
      ]),
      context(
        [
          f.invoices
            .slice(0, 8)
            .map((i) => `${escapeMrkdwn(i.number ?? i.invoiceId)} ${money(i.amountDue, i.currency)}`)
            .join(' · '),
          e.card ? `<${cardLink(e.card)}|Open the card>` : null,
        ]
          .filter(Boolean)
          .join('  |  '),
      ),
    ],
  };
}
