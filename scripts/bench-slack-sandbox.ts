/**
 * Child process of `npm run bench -- slack-ack`: plays Slack's side of the network. It runs the Slack sandbox (the
 * Web API and the response_url receiver the app answers to), hands out response URLs for the load generator's
 * commands, and counts the answers. The load itself comes from another process (`bench-slack-fire.ts`), so
 * neither competes with the app, nor with each other, for an event loop.
 */
import { startSlackSandbox } from '../src/sandbox/slack/index.js';

type Ask =
  | { kind: 'urls'; n: number; channel: string; user: string }
  | { kind: 'answered' }
  | { kind: 'stop' };

const sandbox = await startSlackSandbox({ rateLimits: false });
process.send?.({ apiUrl: sandbox.apiUrl, botToken: sandbox.botToken });
const answered = () => sandbox.ephemerals().filter((e) => e.source === 'response_url').length;
process.on('message', (ask: Ask) => {
  if (ask.kind === 'urls') {
    process.send?.({ urls: Array.from({ length: ask.n }, () => sandbox.responseUrl(ask.channel, ask.user)) });
  } else if (ask.kind === 'answered') {
    process.send?.({ answered: answered() });
  } else {
    void sandbox.close().then(() => process.exit(0));
  }
});
