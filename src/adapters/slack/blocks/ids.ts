/** action_ids and callback_ids of the surfaces in this folder; listeners register on the same constants. */
export const ACTION = {
  openCustomer: 'ar_open_customer',
  pickCustomer: 'ar_pick_customer',
  openInXero: 'ar_open_in_xero',
  escalationAcknowledge: 'ar_escalation_ack',
  escalationPause: 'ar_escalation_pause',
  escalationPlanCall: 'ar_escalation_plan_call',
  addReminderAddress: 'ar_add_reminder_address',
  makeCallTask: 'ar_make_call_task',
  finishCallTask: 'ar_finish_call_task',
  replyAccept: 'ar_reply_accept',
  replyEdit: 'ar_reply_edit',
  replyReject: 'ar_reply_reject',
  replyUseAddress: 'ar_reply_use_address',
  promiseThankYou: 'ar_promise_thank_you',
  planPropose: 'ar_plan_propose',
  planApprove: 'ar_plan_approve',
  planReject: 'ar_plan_reject',
  reportShare: 'ar_report_share',
  customerSetTier: 'ar_customer_set_tier',
  customerExclude: 'ar_customer_exclude',
  customerResume: 'ar_customer_resume',
} as const;

export const VIEW = {
  setup: 'ar_setup',
  reminderAddress: 'ar_reminder_address',
  finishCallTask: 'ar_finish_call_task',
  replyEdit: 'ar_reply_edit',
  paymentPlan: 'ar_payment_plan',
  customerExclude: 'ar_customer_exclude',
} as const;

/** Button values: short, `|`-separated ids (no customer text: a value is visible to every client). */
export function packValue(parts: readonly string[]): string {
  return parts.map((p) => p.replace(/\|/g, '')).join('|');
}

export function unpackValue(value: string | undefined, count: number): string[] | null {
  const parts = (value ?? '').split('|');
  return parts.length === count && parts.every((p) => p.length > 0) ? parts : null;
}
