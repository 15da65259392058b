import type { Migration } from 'kysely';
import * as m20261121T140000000Z from './20261121T140000000Z-create-organisations.js';
import * as m20261121T140100000Z from './20261121T140100000Z-create-audit-events.js';
import * as m20261121T140200000Z from './20261121T140200000Z-create-outbox.js';
import * as m20261121T143400778Z from './20261121T143400778Z-create-ledger.js';
import * as m20261121T143802882Z from './20261121T143802882Z-xero-sync-state.js';
import * as m20261121T144307164Z from './20261121T144307164Z-create-dunning.js';
import * as m20261121T145903759Z from './20261121T145903759Z-create-slack-settings.js';
import * as m20261121T150158420Z from './20261121T150158420Z-reminder-card-facts.js';
import * as m20261121T150228052Z from './20261121T150228052Z-slack-surfaces.js';
import * as m20261205T072828966Z from './20261205T072828966Z-xero-shared-limits.js';
import * as m20261205T084813867Z from './20261205T084813867Z-oauth-state-uses.js';
import * as m20261205T090053235Z from './20261205T090053235Z-ledger-complete-backfill.js';
import * as m20261205T090432071Z from './20261205T090432071Z-scheduled-jobs-zone.js';
import * as m20261205T092325389Z from './20261205T092325389Z-outbox-time-budget.js';
import * as m20261205T101352694Z from './20261205T101352694Z-reminder-unconfirmed.js';
import * as m20261205T160107251Z from './20261205T160107251Z-call-tasks.js';
import * as m20261205T160321022Z from './20261205T160321022Z-payable-reminders.js';
import * as m20261205T163255171Z from './20261205T163255171Z-customer-replies.js';
import * as m20261205T170000000Z from './20261205T170000000Z-reply-readings.js';
import * as m20261205T185835514Z from './20261205T185835514Z-hold-invoices.js';
import * as m20261205T185913741Z from './20261205T185913741Z-payment-promises.js';
import * as m20261205T190103224Z from './20261205T190103224Z-payment-plans.js';
import * as m20261205T192320128Z from './20261205T192320128Z-reminder-card-lookup.js';
import * as m20261205T195318164Z from './20261205T195318164Z-contact-group-tiers.js';
import * as m20261205T201210024Z from './20261205T201210024Z-weekly-report-schedule.js';
import * as m20261205T220840491Z from './20261205T220840491Z-customer-overrides.js';
import * as m20261205T224144630Z from './20261205T224144630Z-report-snapshots.js';
import * as m20261205T225956449Z from './20261205T225956449Z-reminder-bounces.js';

// Ordered barrel: `npm run migration:create NAME` appends here. Keys are the file names.
export const migrations: Record<string, Migration> = {
  '20261121T140000000Z-create-organisations': m20261121T140000000Z,
  '20261121T140100000Z-create-audit-events': m20261121T140100000Z,
  '20261121T140200000Z-create-outbox': m20261121T140200000Z,
  '20261121T143400778Z-create-ledger': m20261121T143400778Z,
  '20261121T143802882Z-xero-sync-state': m20261121T143802882Z,
  '20261121T144307164Z-create-dunning': m20261121T144307164Z,
  '20261121T145903759Z-create-slack-settings': m20261121T145903759Z,
  '20261121T150158420Z-reminder-card-facts': m20261121T150158420Z,
  '20261121T150228052Z-slack-surfaces': m20261121T150228052Z,
  '20261205T072828966Z-xero-shared-limits': m20261205T072828966Z,
  '20261205T084813867Z-oauth-state-uses': m20261205T084813867Z,
  '20261205T090053235Z-ledger-complete-backfill': m20261205T090053235Z,
  '20261205T090432071Z-scheduled-jobs-zone': m20261205T090432071Z,
  '20261205T092325389Z-outbox-time-budget': m20261205T092325389Z,
  '20261205T101352694Z-reminder-unconfirmed': m20261205T101352694Z,
  '20261205T160107251Z-call-tasks': m20261205T160107251Z,
  '20261205T160321022Z-payable-reminders': m20261205T160321022Z,
  '20261205T163255171Z-customer-replies': m20261205T163255171Z,
  '20261205T170000000Z-reply-readings': m20261205T170000000Z,
  '20261205T185835514Z-hold-invoices': m20261205T185835514Z,
  '20261205T185913741Z-payment-promises': m20261205T185913741Z,
  '20261205T190103224Z-payment-plans': m20261205T190103224Z,
  '20261205T192320128Z-reminder-card-lookup': m20261205T192320128Z,
  '20261205T195318164Z-contact-group-tiers': m20261205T195318164Z,
  '20261205T201210024Z-weekly-report-schedule': m20261205T201210024Z,
  '20261205T220840491Z-customer-overrides': m20261205T220840491Z,
  '20261205T224144630Z-report-snapshots': m20261205T224144630Z,
  '20261205T225956449Z-reminder-bounces': m20261205T225956449Z,
};
