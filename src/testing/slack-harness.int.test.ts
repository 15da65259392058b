import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_DEFAULTS } from '../sandbox/slack/index.js';
import { type SlackHarness, startSlackHarness } from './slack-harness.js';

describe('startSlackHarness', () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await startSlackHarness({
      register: (app) => {
        app.command('/ar', async ({ ack, command, client }) => {
          await ack();
          await client.chat.postMessage({
            channel: command.channel_id,
            text: `help for <@${command.user_id}>`,
          });
        });
      },
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('wires the app, the sandbox and the signed client so a reply means the listener finished', async () => {
    const res = await h.slack.command({
      text: 'help',
      userId: SANDBOX_DEFAULTS.users.manager.id,
      channelId: SANDBOX_DEFAULTS.channels.digest.id,
    });
    expect(res.status).toBe(200);
    // No waiting: processBeforeResponse holds the HTTP reply until the listener's postMessage is done.
    expect(h.sandbox.lastMessage('C_DIGEST')?.text).toBe('help for <@U_MANAGER>');
    expect(h.bolt.identity.botUserId).toBe('U0ARBOT');
  });
});
