/**
 * The buttons of an approval card and how a card's actions block names its reminder. Shared by the card
 * builder and the listeners, so a renamed action can never leave a button without a listener.
 */
export const REMINDER_ACTIONS = {
  approve: 'reminder_approve',
  edit: 'reminder_edit',
  snooze: 'reminder_snooze',
  escalate: 'reminder_escalate',
  skip: 'reminder_skip',
  /** An unconfirmed send: the collector found it in the Sent folder. */
  markSent: 'reminder_mark_sent',
  /** An unconfirmed send: the collector did not find it; send it again. */
  resend: 'reminder_resend',
} as const;

export const REMINDER_VIEWS = {
  edit: 'reminder_edit_view',
  escalate: 'reminder_escalate_view',
} as const;

export const ACTIONS_BLOCK_PREFIX = 'rem_act';

/** `rem_act|<reminder id>|<status>|<draft version>`: unique per card revision, as Slack asks of updates. */
export function actionsBlockId(reminderId: string, status: string, draftVersion: number): string {
  return `${ACTIONS_BLOCK_PREFIX}|${reminderId}|${status}|${draftVersion}`;
}

/** The reminder id of a card's actions block (the snooze date picker has no value of its own). */
export function reminderIdFromBlockId(blockId: string): string | null {
  const [prefix, id] = blockId.split('|');
  return prefix === ACTIONS_BLOCK_PREFIX && id ? id : null;
}
