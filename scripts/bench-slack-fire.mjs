/**
 * Child process of `npm run bench -- slack-ack`: the load generator, plain node on the compiled build (no
 * TypeScript loader in its way). Signs commands exactly as Slack does and fires them all at once at the app,
 * timing each request until its HTTP reply (Bolt's ack). Before a burst it opens the connections it will use
 * (concurrent `/ar help`, answered in the ack), as Slack's keep-alive connections would already be open.
 */
import { performance } from 'node:perf_hooks';
import { createSlackRequestClient } from '../dist/src/sandbox/slack/signed-client.js';

process.on('message', async (go) => {
  const client = createSlackRequestClient({ baseUrl: go.url, signingSecret: go.secret });
  const warm = await Promise.all(
    go.commands.map((c) => client.command({ text: 'help', userId: c.userId, channelId: c.channelId })),
  );
  if (warm.some((r) => r.status !== 200)) throw new Error('warm-up command refused');
  const latencies = await Promise.all(
    go.commands.map(async (c) => {
      const t0 = performance.now();
      const res = await client.command(c);
      if (res.status !== 200) throw new Error(`command answered ${res.status}`);
      return performance.now() - t0;
    }),
  );
  process.send?.({ latencies });
});
process.send?.({ ready: true });
