import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/**
 * Kysely's view of the tables. Type parsers make both engines return the same JS values:
 * numeric → string, date → 'YYYY-MM-DD', int8 → number (or an error past 2^53), timestamptz → Date.
 */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T = unknown> = ColumnType<T, string, string>;
type BigSerial = ColumnType<number, never, never>;
type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

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

export interface DB {
  oauth_token_sets: OauthTokenSetsTable;
  organisations: OrganisationsTable;
  audit_events: AuditEventsTable;
  outbox: OutboxTable;
}

export type OrganisationRow = Selectable<OrganisationsTable>;
export type NewOrganisation = Insertable<OrganisationsTable>;
export type OutboxRow = Selectable<OutboxTable>;
