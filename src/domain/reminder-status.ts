/** Where a reminder stands, from proposed to sent (or not): the reminders table stores it, the card shows it. */
export type ReminderStatus =
  | 'proposed'
  | 'approved'
  | 'sending'
  | 'sent'
  | 'skipped'
  | 'snoozed'
  | 'escalated'
  | 'shadowed'
  | 'failed'
  | 'superseded'
  /** An interrupted send nobody can confirm: a person marks it sent or resends it. */
  | 'unconfirmed';
