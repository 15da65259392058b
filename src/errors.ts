/**
 * Every code an AppError can carry: one list, so a caller that switches on `code` is checked by the compiler and
 * a typo is an error, not a branch that never runs. Grouped by where they arise.
 */
export const ERROR_CODES = [
  // configuration and secrets
  'ENCRYPTION_KEY_FILE_INVALID',
  'ENCRYPTION_KEY_INVALID',
  'SECRET_CORRUPT',
  'SECRET_UNREADABLE',
  'MIGRATION_FAILED',
  'POLICY_CORRUPT',
  // organisations and their ledgers
  'ORG_NOT_FOUND',
  'ORG_NOT_SYNCED',
  'LEDGER_STALE',
  'SYNC_STOPPED',
  // Xero
  'XERO_NOT_CONFIGURED',
  'XERO_NOT_CONNECTED',
  'XERO_CONNECTIONS_MALFORMED',
  'XERO_ORGANISATION_UNREADABLE',
  'XERO_CONTACT_GROUP_UNREADABLE',
  'XERO_IDENTITY_FAILED',
  'XERO_REFRESH_FAILED',
  'XERO_RECONNECT_REQUIRED',
  'XERO_UNAUTHORIZED',
  'XERO_DAILY_BUDGET',
  'XERO_SYNC_FAILED',
  // the outbox
  'OUTBOX_PAYLOAD_INVALID',
  // Slack
  'SLACK_NOT_CONFIGURED',
  'SLACK_AUTH_FAILED',
  'SLACK_UNREACHABLE',
  // the reply mailbox
  'IMAP_LEASE_LOST',
  // the report thread
  'REPORT_FAILED',
  // the demo
  'DEMO_CONNECT_FAILED',
  'DEMO_NOT_READY',
  'DEMO_NOTHING_DUE',
  'DEMO_REPLY_REFUSED',
  'DEMO_UNKNOWN_EMAIL',
  'DEMO_UNKNOWN_INVOICE',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * Unexpected failures carry a stable code (for logs, alerts and tests) and the cause.
 * Expected outcomes are return values, not exceptions.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AppError';
  }
}

/** Whether `err` is an AppError with this code (the one way callers test for an expected failure). */
export function isAppError(err: unknown, code: ErrorCode): err is AppError {
  return err instanceof AppError && err.code === code;
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'string') return err;
  try {
    return JSON.stringify(err);
  } catch {
    return String(err);
  }
}
