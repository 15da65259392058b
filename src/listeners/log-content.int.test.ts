import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EDIT_BLOCKS, VALUE_ACTION } from '../adapters/slack/blocks/reminder-modals.js';
import { REMINDER_ACTIONS, REMINDER_VIEWS } from '../domain/reminder-actions.js';
import { createLogger } from '../logger.js';
import { SANDBOX_DEFAULTS } from '../sandbox/slack/index.js';
import { signWebhookBody } from '../sandbox/xero/index.js';
import {
  DUNNING_APP_SMTP,
  DUNNING_APP_XERO_WEBHOOK_KEY,
  type DunningApp,
  startDunningApp,
} from '../testing/dunning-app.js';
import { HARNESS_SIGNING_SECRET } from '../testing/slack-harness.js';
import { useTestDatabase } from '../testing/test-database.js';

/**
 * The README promises that no log line carries an email body, a draft, a recipient, a token or a secret, at any
 * level. This runs the main flows at LOG_LEVEL=debug (commands, a card's Edit and Approve, the email through
 * SMTP with a login, the Xero note, a signed webhook) and scans every line, Bolt's and web-api's included.
 */
const { collector1 } = SANDBOX_DEFAULTS.users;
const QUEUE = SANDBOX_DEFAULTS.channels.queue.id;
const EDITED_BODY =
  'Kia ora Jo, our records show INV-A1 and INV-A2 are still open. Violet-Heron-Seventeen: please arrange payment soon.';
const EDITED_TO = 'pay-team@acme.example';

const database = useTestDatabase({ emptyBeforeEach: false });
let app: DunningApp;
const lines: string[] = [];

beforeAll(async () => {
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  app = await startDunningApp(database, { log: createLogger({ level: 'debug', destination }) });
});
afterAll(async () => {
  await app?.close();
});

describe('logs at LOG_LEVEL=debug', () => {
  it('carry no email body, draft, recipient, token or secret through the main flows', async () => {
    const { harness, sink } = app;
    const db = database.db;
    const reminders = await db
      .selectFrom('reminders')
      .select(['id', 'recipients', 'slack_channel', 'slack_ts'])
      .where('status', '=', 'proposed')
      .where('contact_id', '=', 'c-acme')
      .execute();
    // Acme's card: the edit below states its invoices (an edit is vouched against the card's ledger figures).
    const card = reminders.find((r) => r.slack_ts)!;
    const drafts = await db.selectFrom('reminder_drafts').select(['subject', 'body']).execute();

    for (const text of ['top', 'aging acme', 'customer beta', 'forecast', 'help']) {
      expect((await harness.slack.command({ text, userId: collector1.id, channelId: QUEUE })).status).toBe(
        200,
      );
    }
    const edit = await harness.slack.viewSubmission({
      userId: collector1.id,
      view: {
        id: 'V_EDIT',
        callback_id: REMINDER_VIEWS.edit,
        private_metadata: card.id,
        state: {
          values: {
            [EDIT_BLOCKS.subject]: { [VALUE_ACTION]: { type: 'plain_text_input', value: 'Invoice INV-A1' } },
            [EDIT_BLOCKS.body]: { [VALUE_ACTION]: { type: 'plain_text_input', value: EDITED_BODY } },
            [EDIT_BLOCKS.to]: { [VALUE_ACTION]: { type: 'plain_text_input', value: EDITED_TO } },
          },
        },
      },
    });
    expect(edit.status).toBe(200);
    await app.drain();
    const message = harness.sandbox.message(card.slack_channel!, card.slack_ts!)!;
    const actions = (message.blocks as { type: string; block_id: string }[]).find(
      (b) => b.type === 'actions',
    )!;
    const approve = await harness.slack.blockAction({
      userId: collector1.id,
      fromMessage: { channel: card.slack_channel!, ts: card.slack_ts! },
      actions: [
        { action_id: REMINDER_ACTIONS.approve, block_id: actions.block_id, type: 'button', value: card.id },
      ],
    });
    expect(approve.status).toBe(200);
    await app.drain();
    // The flows really ran: the edited email went out through SMTP (with a login), and Xero got its notes.
    expect(sink.messages.map((m) => m.to)).toContainEqual([EDITED_TO]);
    expect(app.notes.size).toBeGreaterThan(0);
    const body = JSON.stringify({ events: [], firstEventSequence: 1, lastEventSequence: 1, entropy: 'x' });
    await fetch(`${harness.url}/xero/webhooks`, {
      method: 'POST',
      headers: { 'x-xero-signature': signWebhookBody(body, DUNNING_APP_XERO_WEBHOOK_KEY) },
      body,
    });

    expect(lines.length).toBeGreaterThan(20);
    expect(lines.some((l) => l.includes('"level":20'))).toBe(true); // debug lines were written
    const secrets = [
      harness.sandbox.botToken,
      HARNESS_SIGNING_SECRET,
      DUNNING_APP_SMTP.password,
      DUNNING_APP_XERO_WEBHOOK_KEY,
      Buffer.alloc(32, 7).toString('base64'),
    ];
    const contents = [
      EDITED_BODY.slice(20, 60),
      'Violet-Heron-Seventeen',
      EDITED_TO,
      ...reminders.flatMap((r) => r.recipients),
      ...drafts.flatMap((d) => d.body.split('\n').filter((l) => l.length > 25)),
    ];
    const leaks = [...secrets, ...contents].flatMap((needle) =>
      lines.filter((l) => l.includes(needle)).map((l) => `${needle.slice(0, 30)} in ${l.slice(0, 200)}`),
    );
    expect(leaks).toEqual([]);
  });
});
