import type { Server } from 'node:http';

/**
 * How many HTTP requests this process is in the middle of answering. Slack waits 3 seconds for an ack and Bolt
 * acks from the event loop, so slow work after an ack (scoring a ledger for `/ar top`) waits until no request
 * is being answered, or at most `maxWaitMs` so a steady stream cannot starve it.
 */
export interface RequestGauge {
  /** Counts the server's requests from their headers to the end of their reply. */
  track(server: Server): void;
  inFlight(): number;
  /**
   * Resolves once no request is in flight and none has arrived for `quietMs` (a burst's requests arrive over some
   * milliseconds), or after `maxWaitMs`.
   */
  idle(maxWaitMs: number, quietMs?: number): Promise<void>;
}

export function createRequestGauge(): RequestGauge {
  let inFlight = 0;
  let lastArrival = 0;
  const tracked = new WeakSet<Server>();
  return {
    track(server) {
      if (tracked.has(server)) return;
      tracked.add(server);
      server.on('request', (_req, res) => {
        inFlight++;
        lastArrival = Date.now();
        res.once('close', () => {
          inFlight--;
        });
      });
    },
    inFlight: () => inFlight,
    async idle(maxWaitMs, quietMs = 20) {
      const deadline = Date.now() + maxWaitMs;
      // setImmediate runs after the poll phase: requests whose bytes have arrived are parsed (and counted) first.
      await new Promise((resolve) => setImmediate(resolve));
      for (;;) {
        const now = Date.now();
        if (now >= deadline) return;
        const quietFor = now - lastArrival;
        if (inFlight === 0 && quietFor >= quietMs) return;
        await new Promise((resolve) =>
          inFlight > 0
            ? setImmediate(resolve)
            : setTimeout(resolve, Math.min(quietMs - quietFor, deadline - now)),
        );
      }
    },
  };
}
