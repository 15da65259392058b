import type { IsoDate } from '../../../domain/ledger.js';
import type { Decimal } from '../../../domain/money.js';
import { ACTION, packValue } from './ids.js';
import {
  actions,
  type Block,
  clip,
  context,
  escapeMrkdwn,
  fields,
  header,
  money,
  type SlackMessage,
  section,
} from './kit.js';

export interface EscalationFacts {
  readonly orgId: string;
  readonly orgName: string;
  readonly contactId: string;
  readonly customerName: string;
  readonly crossedOn: IsoDate;
  readonly baseCurrency: string;
  readonly overdueBase: Decimal;
  readonly balanceBase: Decimal;
  readonly oldestDaysOverdue: number;
  readonly maxRisk: number;
  readonly brokenPromises: number;
  readonly reasons: readonly string[];
}

/** What a decided escalation shows instead of its buttons. */
export interface EscalationOutcome {
  readonly by: string;
  readonly what: string;
}

/** Posted once per customer per crossing to the escalation channel; managers act on it. */
export function escalationMessage(e: EscalationFacts, outcome?: EscalationOutcome): SlackMessage {
  const cur = e.baseCurrency;
  const value = packValue([e.orgId, e.contactId, e.crossedOn]);
  const blocks: Block[] = [
    header(`Escalation · ${e.customerName}`),
    section(
      `*Why a manager should look*\n${e.reasons.map((r) => `• ${escapeMrkdwn(clip(r, 300))}`).join('\n')}`,
    ),
    fields([
      `*Overdue*\n${money(e.overdueBase, cur)}`,
      `*Balance*\n${money(e.balanceBase, cur)}`,
      `*Oldest overdue*\n${e.oldestDaysOverdue} days`,
      `*Risk of staying unpaid (30d)*\n${Math.round(e.maxRisk * 100)}%`,
      `*Broken promises*\n${e.brokenPromises}`,
    ]),
    context(`${escapeMrkdwn(e.orgName)} · crossed the escalation thresholds on ${e.crossedOn}`),
  ];
  if (outcome) {
    blocks.push(section(`:white_check_mark: ${escapeMrkdwn(outcome.what)} by ${escapeMrkdwn(outcome.by)}`));
  } else {
    blocks.push(
      actions(`esc_${e.contactId.slice(0, 60)}_${e.crossedOn}`, [
        { text: 'Acknowledge', actionId: ACTION.escalationAcknowledge, value, style: 'primary' },
        {
          text: 'Pause 14 days',
          actionId: ACTION.escalationPause,
          value,
          confirm: {
            title: 'Pause chasing?',
            text: `No reminders to ${clip(e.customerName, 200)} for 14 days.`,
            confirm: 'Pause',
            deny: 'Cancel',
          },
        },
        { text: 'Plan a call', actionId: ACTION.escalationPlanCall, value },
      ]),
    );
  }
  return {
    text: `Escalation: ${escapeMrkdwn(e.customerName)} owes ${money(e.overdueBase, cur)} overdue`,
    blocks,
  };
}

/** The posted escalation with its buttons replaced by what a manager decided (the facts stay as posted). */
export function resolvedEscalationBlocks(posted: readonly Block[], outcome: EscalationOutcome): Block[] {
  return [
    ...posted.filter((b) => b.type !== 'actions'),
    section(`:white_check_mark: ${escapeMrkdwn(outcome.what)} by ${escapeMrkdwn(outcome.by)}`),
  ];
}
