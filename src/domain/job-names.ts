/**
 * The scheduled jobs' names, as stored in `scheduled_jobs.job`: a contract with every running instance and with
 * the rows already in the database, so they never change.
 */
export const XERO_SYNC_JOB = 'xero.sync';
export const XERO_RECONCILE_JOB = 'xero.reconcile';
export const MORNING_JOB = 'collections.morning';
export const WEEKLY_REPORT_JOB = 'collections.weekly_report';
