import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createRequestGauge } from './request-gauge.js';

const servers: ReturnType<typeof createServer>[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

/** A server whose replies wait until the test releases them. */
async function slowServer() {
  const pending: (() => void)[] = [];
  const server = createServer((_req, res) => {
    pending.push(() => res.end('ok'));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const releaseAll = () => {
    for (const release of pending.splice(0)) release();
  };
  return { server, url, releaseAll, pending };
}

describe('request gauge', () => {
  it('holds slow work until every request in flight has been answered and the burst has gone quiet', async () => {
    const { server, url, releaseAll, pending } = await slowServer();
    const gauge = createRequestGauge();
    gauge.track(server);
    const replies = [fetch(url), fetch(url)];
    while (pending.length < 2) await new Promise((r) => setTimeout(r, 5));
    expect(gauge.inFlight()).toBe(2);
    const order: string[] = [];
    const idle = gauge.idle(5_000, 20).then(() => order.push('work'));
    await new Promise((r) => setTimeout(r, 50));
    expect(order).toEqual([]);
    releaseAll();
    await Promise.all(replies.map(async (p) => (await p).text()));
    order.push('answered');
    await idle;
    expect(order).toEqual(['answered', 'work']);
    expect(gauge.inFlight()).toBe(0);
  });

  it('lets work start after at most maxWaitMs, so a steady stream cannot starve it', async () => {
    const { server, url, releaseAll, pending } = await slowServer();
    const gauge = createRequestGauge();
    gauge.track(server);
    const reply = fetch(url);
    while (pending.length < 1) await new Promise((r) => setTimeout(r, 5));
    const started = Date.now();
    await gauge.idle(60, 20);
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
    expect(gauge.inFlight()).toBe(1);
    releaseAll();
    await (await reply).text();
  });
});
