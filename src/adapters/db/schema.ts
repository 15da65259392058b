// Over 300 lines: Kysely's view of every table, kept in one file so a migration and its type change together.
import type { ColumnType, Generated, Insertable, Kysely, Selectable, Transaction } from 'kysely';
import type { ReminderStatus } from '../../domain/reminder-status.js';
import type { ReplyMatchMethod } from '../../domain/reply-matching.js';
import type { XeroCallPurpose } from '../../domain/xero-call-budget.js';

/**
 * Kysely's view of the tables. Type parsers make both engines return the same JS values:
 * numeric → string, date → 'YYYY-MM-DD', int8 → number (or an error past 2^53), timestamptz → Date.
 */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T = unknown> = ColumnType<T, string, string>;
type BigSerial = ColumnType<number, never, never>;
type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

/** The database or a transaction on it: what a query function takes first. */
export type Queryable = Kysely<DB> | Transaction<DB>;

export interface OauthTokenSetsTable {
  id: Generated<string>;
  provider: string;
  subject: string;
  ciphertext: string;
  key_id: string;
  access_expires_at: Timestamp | null;
  status: Generated<'active' | 'invalid' | 'revoked'>;
  refreshed_at: Timestamp | null;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export type OrganisationStatus = 'active' | 'needs_reconnect' | 'disconnected';

export interface OrganisationsTable {
  id: Generated<string>;
  xero_tenant_id: string;
  xero_connection_id: string | null;
  token_set_id: string | null;
  name: string;
  base_currency: string | null;
  timezone: Generated<string>;
  short_code: string | null;
  status: Generated<OrganisationStatus>;
  status_reason: string | null;
  default_sales_terms: Json<{ day: number; type: string } | null> | null;
  xero_reminders_enabled: boolean | null;
  is_demo_company: Generated<boolean>;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface AuditEventsTable {
  id: BigSerial;
  org_id: string | null;
  occurred_at: Timestamp;
  actor_type: 'user' | 'system';
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  subject_type: string | null;
  subject_id: string | null;
  payload: Json<Record<string, unknown>>;
  recorded_at: GeneratedTimestamp;
}

export type OutboxStatus = 'pending' | 'running' | 'done' | 'dead';

export interface OutboxTable {
  id: BigSerial;
  org_id: string | null;
  kind: string;
  idempotency_key: string;
  payload: Json<Record<string, unknown>>;
  status: Generated<OutboxStatus>;
  attempts: Generated<number>;
  max_attempts: Generated<number>;
  next_attempt_at: Timestamp;
  locked_by: string | null;
  locked_until: Timestamp | null;
  last_error: string | null;
  result: Json<Record<string, unknown>> | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  completed_at: Timestamp | null;
}

/** Columns every synced Xero table has. */
interface SyncedRow {
  org_id: string;
  xero_updated_at: Timestamp | null;
  synced_at: Timestamp;
}

type Numeric = ColumnType<string, string, string>;
/** 'YYYY-MM-DD' (org-local calendar date). */
type CalendarDate = ColumnType<string, string, string>;

export interface XeroContactsTable extends SyncedRow {
  contact_id: string;
  name: string;
  status: string;
  account_number: string | null;
  contact_number: string | null;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  persons: Json<
    { firstName: string | null; lastName: string | null; email: string | null; includeInEmails: boolean }[]
  >;
  phones: Json<{ type: string; number: string }[]>;
  groups: Json<string[]>;
  sales_terms: Json<{ day: number; type: string } | null> | null;
  default_currency: string | null;
  merged_to_contact_id: string | null;
  is_customer: boolean;
}

export interface XeroInvoicesTable extends SyncedRow {
  invoice_id: string;
  number: string | null;
  reference: string | null;
  contact_id: string;
  status: string;
  date: CalendarDate;
  due_date: CalendarDate;
  currency: string;
  currency_rate: Numeric | null;
  total: Numeric;
  amount_due: Numeric;
  amount_paid: Numeric;
  amount_credited: Numeric;
  fully_paid_on_date: CalendarDate | null;
  expected_payment_date: CalendarDate | null;
  sent_to_contact: boolean;
  url: string | null;
}

export interface XeroPaymentsTable extends SyncedRow {
  payment_id: string;
  invoice_id: string | null;
  credit_id: string | null;
  payment_type: string;
  status: string;
  date: CalendarDate;
  amount: Numeric;
  currency_rate: Numeric | null;
  reference: string | null;
}

export interface XeroCreditsTable extends SyncedRow {
  credit_id: string;
  kind: 'credit_note' | 'overpayment' | 'prepayment';
  number: string | null;
  contact_id: string;
  status: string;
  date: CalendarDate;
  currency: string;
  currency_rate: Numeric | null;
  total: Numeric;
  remaining_credit: Numeric;
}

export interface XeroCreditAllocationsTable {
  org_id: string;
  allocation_id: string;
  credit_id: string;
  invoice_id: string;
  date: CalendarDate;
  amount: Numeric;
}

export interface DunningPoliciesTable {
  org_id: string;
  policy: Json<unknown>;
  templates: Json<Record<string, { subject: string; body: string }>>;
  updated_by: string | null;
  updated_at: Timestamp;
}

/** 'reply': a customer's reply waits for a collector (released when it is handled). */
export type HoldKind = 'pause' | 'dispute' | 'promise' | 'do_not_contact' | 'reply';

export interface CustomerHoldsTable {
  id: BigSerial;
  org_id: string;
  contact_id: string;
  kind: HoldKind;
  until: CalendarDate | null;
  amount: Numeric | null;
  reason: string | null;
  /** The invoices the hold is about (a dispute's); empty: the whole customer. */
  invoice_ids: ColumnType<string[], string[] | undefined, string[]>;
  created_by: string | null;
  created_by_name: string | null;
  created_at: Timestamp;
  released_at: Timestamp | null;
  released_by: string | null;
}

export type ReplyChannel = 'imap' | 'webhook' | 'slack';
export type { ReplyMatchMethod };
export type ReplyStatus = 'pending' | 'triage' | 'handled';

export interface CustomerRepliesTable {
  id: Generated<string>;
  org_id: string | null;
  contact_id: string | null;
  reminder_id: string | null;
  invoice_ids: Json<string[]>;
  channel: ReplyChannel;
  message_id: string;
  in_reply_to: string | null;
  from_address: string | null;
  from_name: string | null;
  subject: string | null;
  received_at: Timestamp;
  text: string;
  auto_reply: boolean;
  match_method: ReplyMatchMethod;
  match_note: string | null;
  status: ReplyStatus;
  hold_id: ColumnType<number | null, number | null | undefined, number | null>;
  handled_by: string | null;
  handled_at: Timestamp | null;
  created_at: Timestamp;
}

export interface ReplyReadingsTable {
  reply_id: string;
  source: 'rules' | 'claude';
  model: string;
  prompt_version: string;
  input_hash: string;
  reading: Json<Record<string, unknown>>;
  fallback_reason: string | null;
  created_at: Timestamp;
}

export type PaymentPromiseStatus = 'active' | 'kept' | 'part_kept' | 'broken' | 'rescheduled' | 'cancelled';
export type PaymentPromiseSource = 'reply' | 'collector' | 'plan';

export interface PaymentPromisesTable {
  id: BigSerial;
  org_id: string;
  contact_id: string;
  /** Empty: the customer's whole balance in the promise's currency. */
  invoice_ids: ColumnType<string[], string[] | undefined, string[]>;
  earliest: CalendarDate;
  latest: CalendarDate;
  made_on: CalendarDate;
  amount: Numeric | null;
  currency: string | null;
  source: PaymentPromiseSource;
  reply_id: string | null;
  plan_id: number | null;
  instalment: number | null;
  hold_id: number | null;
  accepted_by: string | null;
  accepted_by_name: string | null;
  created_at: Timestamp;
  status: ColumnType<PaymentPromiseStatus, PaymentPromiseStatus | undefined, PaymentPromiseStatus>;
  settled_at: Timestamp | null;
  paid_amount: Numeric | null;
  superseded_by: number | null;
  cited_in_reminder_id: string | null;
  thanked_by: string | null;
  thanked_at: Timestamp | null;
  thank_you_attempted_at: Timestamp | null;
  thank_you_outcome: string | null;
}

export type PaymentPlanStatus = 'proposed' | 'approved' | 'rejected' | 'completed' | 'broken' | 'cancelled';

export interface PaymentPlansTable {
  id: BigSerial;
  org_id: string;
  contact_id: string;
  invoice_ids: ColumnType<string[], string[] | undefined, string[]>;
  currency: string;
  balance: Numeric;
  /** `[{ due, amount }]`, rising dates, adding up to the balance. */
  instalments: Json<{ due: string; amount: string }[]>;
  status: ColumnType<PaymentPlanStatus, PaymentPlanStatus | undefined, PaymentPlanStatus>;
  reply_id: string | null;
  hold_id: number | null;
  proposed_by: string;
  proposed_by_name: string;
  proposed_at: Timestamp;
  decided_by: string | null;
  decided_by_name: string | null;
  decided_at: Timestamp | null;
  settled_at: Timestamp | null;
}

export interface ImapCursorsTable {
  mailbox: string;
  uidvalidity: string;
  last_uid: ColumnType<number, number | undefined, number>;
  leased_by: string | null;
  leased_until: Timestamp | null;
  last_polled_at: Timestamp | null;
  last_error: string | null;
  updated_at: Timestamp;
}

export interface CallTasksTable {
  id: BigSerial;
  org_id: string;
  contact_id: string;
  reason: string;
  assignee_id: string;
  assignee_name: string;
  status: Generated<'open' | 'done'>;
  outcome: string | null;
  created_at: Timestamp;
  done_by: string | null;
  done_by_name: string | null;
  done_at: Timestamp | null;
}

export type { ReminderStatus };

export interface RemindersTable {
  id: Generated<string>;
  org_id: string;
  contact_id: string;
  purpose: 'overdue' | 'upcoming';
  segment: string;
  step_index: number;
  step_count: number;
  tone: string;
  channel: string;
  mode: string;
  auto_send: Generated<boolean>;
  carrying_invoice_id: string;
  invoice_ids: Json<string[]>;
  plan_date: CalendarDate;
  reason: string;
  status: ReminderStatus;
  recipients: ColumnType<string[], string | undefined, string>;
  cc: ColumnType<string[], string | undefined, string>;
  message_id: string;
  draft_version: Generated<number>;
  decided_by: string | null;
  decided_by_name: string | null;
  decided_at: Timestamp | null;
  snoozed_until: CalendarDate | null;
  sent_at: Timestamp | null;
  last_error: string | null;
  /** A delivery status notification said the sent reminder bounced (#18): when, to whom, and the code. */
  bounced_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  bounced_recipients: ColumnType<string[] | null, string | null | undefined, string | null>;
  bounce_error: ColumnType<string | null, string | null | undefined, string | null>;
  slack_channel: string | null;
  slack_ts: string | null;
  /** Card facts snapshotted at planning time (adapters/db/reminder-cards.ts). */
  facts: ColumnType<unknown, string | undefined, string>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface DunningRecipientsTable {
  org_id: string;
  contact_id: string;
  recipients: ColumnType<string[], string, string>;
  cc: ColumnType<string[], string, string>;
  updated_by: string | null;
  updated_at: Timestamp;
}

export interface ReminderDraftsTable {
  reminder_id: string;
  version: number;
  subject: string;
  body: string;
  source: 'claude' | 'template' | 'human';
  model: string | null;
  prompt_version: string;
  inputs_hash: string;
  fallback_reason: string | null;
  author_id: string | null;
  author_name: string | null;
  created_at: Timestamp;
}

export interface EmailSendAttemptsTable {
  message_id: string;
  reminder_id: string;
  started_at: Timestamp;
  finished_at: Timestamp | null;
  outcome: string | null;
}

/** Xero's online-invoice link per invoice, fetched once (url null: Xero refused, see error). */
export interface XeroOnlineInvoicesTable {
  org_id: string;
  invoice_id: string;
  url: string | null;
  error: string | null;
  checked_at: Timestamp;
}

/** One row per reminder and invoice Xero is asked to email, keyed by the Idempotency-Key sent with it. */
export interface XeroInvoiceEmailsTable {
  idempotency_key: string;
  reminder_id: string;
  invoice_id: string;
  started_at: Timestamp;
  finished_at: Timestamp | null;
  /** null while the call is in flight (or was interrupted); 'sent', or 'refused: …'. */
  outcome: string | null;
}

export interface SlackSettingsTable {
  org_id: string;
  digest_channel: string | null;
  queue_channel: string | null;
  escalation_channel: string | null;
  managers: Json<string[]>;
  collectors: Json<string[]>;
  digest_time: Generated<string>;
  /** ISO weekday of the weekly report, Monday = 1. */
  weekly_report_day: Generated<number>;
  /** Local time of the weekly report, 'HH:MM'. */
  weekly_report_time: Generated<string>;
  updated_by: string | null;
  updated_at: Timestamp;
}

export interface SyncCursorsTable {
  org_id: string;
  resource: string;
  modified_since: Timestamp;
  updated_at: Timestamp;
}

export interface XeroWebhookEventsTable {
  id: BigSerial;
  tenant_id: string;
  resource_id: string;
  event_date_utc: Timestamp;
  event_type: string;
  event_category: string;
  org_id: string | null;
  received_at: Timestamp;
}

export interface ScheduledJobsTable {
  org_id: string;
  job: string;
  next_run_at: Timestamp;
  locked_by: string | null;
  locked_until: Timestamp | null;
  last_started_at: Timestamp | null;
  last_finished_at: Timestamp | null;
  last_error: string | null;
  scheduled_in_zone: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface XeroCallsTable {
  id: BigSerial;
  tenant_id: string;
  purpose: XeroCallPurpose;
  holder: string;
  started_at: Timestamp;
  finished_at: Timestamp | null;
  lapses_at: Timestamp;
}

export interface XeroTenantBudgetsTable {
  tenant_id: string;
  day_remaining: number | null;
  day_remaining_at: Timestamp | null;
  paused_until: Timestamp | null;
  updated_at: Timestamp;
}

export interface XeroSyncStateTable {
  org_id: string;
  holder: string | null;
  holder_label: string | null;
  run_kind: string | null;
  started_at: Timestamp | null;
  lease_until: Timestamp | null;
  requested_at: Timestamp | null;
  last_run_kind: string | null;
  last_started_at: Timestamp | null;
  last_finished_at: Timestamp | null;
  last_ok: boolean | null;
  last_error: string | null;
  last_report: Json<Record<string, unknown>> | null;
  last_complete_at: Timestamp | null;
  quiet_polls: ColumnType<number, number | undefined, number>;
  last_change_at: Timestamp | null;
}

export interface OauthStateUsesTable {
  nonce: string;
  used_at: Timestamp;
  expires_at: Timestamp;
}

export interface DigestSnapshotsTable {
  org_id: string;
  as_of: CalendarDate;
  base_currency: string;
  total_overdue: Numeric;
  overdue_count: number;
  created_at: Timestamp;
}

export interface SlackPostsTable {
  idempotency_key: string;
  org_id: string | null;
  channel: string;
  ts: string;
  thread_ts: string | null;
  posted_at: Timestamp;
}

export interface SlackChannelPacingTable {
  channel: string;
  last_post_at: Timestamp;
}

export interface EscalationStatesTable {
  org_id: string;
  contact_id: string;
  active: boolean;
  crossed_on: CalendarDate;
  reasons: Json<string[]>;
  updated_at: Timestamp;
}

/** #19 part 5: the priority tier last written to Xero as contact-group membership. */
export type ContactGroupTier = 'high' | 'medium' | 'low' | 'do_not_chase';

export interface ContactGroupTiersTable {
  org_id: string;
  contact_id: string;
  tier: ContactGroupTier;
  /** The Xero ContactGroupID the contact was added to. */
  group_id: string;
  written_at: Timestamp;
}

/** Calls spent writing contact groups on one local day (the budget's share; a run resumes the next day). */
export interface ContactGroupSyncsTable {
  org_id: string;
  day: CalendarDate;
  calls: ColumnType<number, number | undefined, number>;
  updated_at: Timestamp;
}

/** #19 part 4: a manager's priority tier for a customer, in place of the computed one until removed. */
export interface CustomerOverridesTable {
  id: BigSerial;
  org_id: string;
  contact_id: string;
  tier: 'high' | 'medium' | 'low';
  reason: string | null;
  set_by: string;
  set_by_name: string;
  set_at: Timestamp;
  removed_at: Timestamp | null;
  removed_by: string | null;
}

/** #19 part 1: the collections report as it was posted, one per organisation and period. */
export interface ReportSnapshotsTable {
  id: BigSerial;
  org_id: string;
  period_kind: 'week' | 'month';
  period_key: string;
  as_of: CalendarDate;
  report: Json<unknown>;
  created_at: Timestamp;
}

export interface DB {
  oauth_token_sets: OauthTokenSetsTable;
  organisations: OrganisationsTable;
  audit_events: AuditEventsTable;
  outbox: OutboxTable;
  xero_contacts: XeroContactsTable;
  xero_invoices: XeroInvoicesTable;
  xero_payments: XeroPaymentsTable;
  xero_credits: XeroCreditsTable;
  xero_credit_allocations: XeroCreditAllocationsTable;
  dunning_policies: DunningPoliciesTable;
  customer_holds: CustomerHoldsTable;
  call_tasks: CallTasksTable;
  customer_replies: CustomerRepliesTable;
  reply_readings: ReplyReadingsTable;
  payment_promises: PaymentPromisesTable;
  payment_plans: PaymentPlansTable;
  imap_cursors: ImapCursorsTable;
  reminders: RemindersTable;
  reminder_drafts: ReminderDraftsTable;
  email_send_attempts: EmailSendAttemptsTable;
  xero_invoice_emails: XeroInvoiceEmailsTable;
  xero_online_invoices: XeroOnlineInvoicesTable;
  slack_settings: SlackSettingsTable;
  sync_cursors: SyncCursorsTable;
  xero_webhook_events: XeroWebhookEventsTable;
  scheduled_jobs: ScheduledJobsTable;
  xero_calls: XeroCallsTable;
  xero_tenant_budgets: XeroTenantBudgetsTable;
  xero_sync_state: XeroSyncStateTable;
  oauth_state_uses: OauthStateUsesTable;
  dunning_recipients: DunningRecipientsTable;
  digest_snapshots: DigestSnapshotsTable;
  slack_posts: SlackPostsTable;
  slack_channel_pacing: SlackChannelPacingTable;
  escalation_states: EscalationStatesTable;
  contact_group_tiers: ContactGroupTiersTable;
  contact_group_syncs: ContactGroupSyncsTable;
  customer_overrides: CustomerOverridesTable;
  report_snapshots: ReportSnapshotsTable;
}

export type OrganisationRow = Selectable<OrganisationsTable>;
export type NewOrganisation = Insertable<OrganisationsTable>;
export type OutboxRow = Selectable<OutboxTable>;
