/**
 * Child process of `npm run bench -- slack-ack`: plays Slack. It runs the Slack sandbox (the Web API and the
 * response_url receiver the app answers to) and fires signed slash commands at the app, in its own process
 * so the load generator does not compete with the app for the app's event loop, as real Slack would not.
 */
import { performance } from 'node:perf_hooks';
import { startSlackSandbox } from '../src/sandbox/slack/index.js';
import { createSlackRequestClient } from '../src/sandbox/slack/signed-client.js';

interface Go {
  readonly url: string;
  readonly secret: string;
  readonly n: number;
  readonly commands: readonly string[];
}

const sandbox = await startSlackSandbox({ rateLimits: false });
process.send?.({ apiUrl: sandbox.apiUrl, botToken: sandbox.botToken });
process.once('message', async (go: Go) => {
  const client = createSlackRequestClient({ baseUrl: go.url, signingSecret: go.secret, sandbox });
  const fire = (i: number) =>
    client.command({ text: go.commands[i % go.commands.length]!, userId: 'U_MANAGER', channelId: 'C_QUEUE' });
  // Warm-up: one of each command (connections, JIT, caches), as in a service that has been running.
  for (let i = 0; i < go.commands.length; i++) {
    await fire(i);
    while (sandbox.ephemerals().filter((e) => e.source === 'response_url').length < i + 1) {
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  const answeredBefore = sandbox.ephemerals().filter((e) => e.source === 'response_url').length;
  const latencies = await Promise.all(
    Array.from({ length: go.n }, async (_, i) => {
      const t0 = performance.now();
      const res = await fire(i);
      if (res.status !== 200) throw new Error(`command ${i} answered ${res.status}`);
      return performance.now() - t0;
    }),
  );
  const answered = () =>
    sandbox.ephemerals().filter((e) => e.source === 'response_url').length - answeredBefore;
  const deadline = Date.now() + 60_000;
  while (answered() < go.n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  process.send?.({ latencies, answered: answered() }, undefined, {}, () => {
    void sandbox.close().then(() => process.exit(0));
  });
});
