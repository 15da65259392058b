import type { Kysely } from 'kysely';
import type { XeroCallLimits, XeroCallPurpose } from '../../domain/xero-call-budget.js';
import { AppError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { DB } from '../db/schema.js';
import { admitXeroCall, finishXeroCall, pauseXeroTenant } from '../db/xero-call-log.js';
import { acquireUnlessAborted, sleepUnlessAborted } from './abortable-wait.js';
import type { XeroRateLimiter } from './rate-limiter.js';

/** A call's place under Xero's limits; `release` with the response's headers (or null on failure). */
export interface XeroCallSlot {
  release(headers: Record<string, unknown> | null | undefined): Promise<void>;
}

/** What the gateway asks before every call to Xero. */
export interface XeroCallGate {
  /**
   * Waits for a slot. Rejects with `XERO_DAILY_BUDGET` when the day's budget is spent (for background work:
   * spent down to the reserve kept for interactive work).
   */
  /** `signal`: shutdown; a wait for the window ends with `SYNC_STOPPED` instead of holding the process. */
  acquire(tenantId: string, purpose: XeroCallPurpose, signal?: AbortSignal): Promise<XeroCallSlot>;
  /** After a 429: no process calls this tenant before Retry-After has passed. */
  pause(tenantId: string, ms: number): Promise<void>;
}

export interface SharedGateOptions {
  readonly db: Kysely<DB>;
  /** The in-process queue in front of the shared log. */
  readonly local: XeroRateLimiter;
  readonly limits: XeroCallLimits;
  /** Names this process in the log (host, pid). */
  readonly holder: string;
  readonly log: Logger;
  /** Wall-clock ms: limits are real time whatever the business clock says. */
  readonly nowMs?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** A slot whose process never reported back counts as in flight this long (the call timeout and a margin). */
  readonly lapseMs?: number;
}

/** Xero's remaining-calls header, lowercase as xero-node (axios) gives it. */
export function dayRemainingOf(headers: Record<string, unknown> | null | undefined): number | null {
  const raw = headers?.['x-daylimit-remaining'];
  if (raw === undefined || raw === null || raw === '') return null;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 0 ? n : null;
}

/**
 * Every instance and the CLI share Xero's limits through PostgreSQL (the call log in `xero-call-log.ts`), so two
 * processes syncing or writing notes at once stay inside 60 a minute and 5 in flight together, and a 429 is a
 * backstop rather than the mechanism. The in-process limiter stays in front: it orders this process's callers.
 */
export function createSharedXeroGate(o: SharedGateOptions): XeroCallGate {
  const nowMs = o.nowMs ?? Date.now;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const lapseMs = o.lapseMs ?? 60_000;
  return {
    async acquire(tenantId, purpose, signal) {
      const releaseLocal = await acquireUnlessAborted(o.local.acquire(tenantId), signal, (late) => late());
      try {
        for (;;) {
          const startedAtMs = nowMs();
          const admission = await admitXeroCall(o.db, {
            tenantId,
            purpose,
            holder: o.holder,
            limits: o.limits,
            nowMs: startedAtMs,
            lapseMs,
          });
          if (admission.kind === 'go') {
            let released = false;
            return {
              async release(headers) {
                if (released) return;
                released = true;
                releaseLocal();
                try {
                  await finishXeroCall(o.db, {
                    callId: admission.callId,
                    tenantId,
                    startedAtMs,
                    finishedAtMs: nowMs(),
                    dayRemaining: dayRemainingOf(headers),
                  });
                } catch (err) {
                  // The slot lapses on its own (lapseMs); the call itself succeeded or failed on its merits.
                  o.log.warn(
                    { err, code: 'XERO_CALL_LOG_FAILED', tenantId },
                    'could not record a finished xero call',
                  );
                }
              },
            };
          }
          if (admission.kind === 'refused') {
            throw new AppError(
              'XERO_DAILY_BUDGET',
              purpose === 'background'
                ? `Xero's daily call budget for this organisation is down to ${admission.remaining}, the ${admission.reserve} kept for interactive work; background syncing waits for the next day's budget`
                : `Xero's daily call budget for this organisation is spent (${admission.remaining} left); try again after Xero's daily reset`,
            );
          }
          await sleepUnlessAborted(admission.ms, signal, sleep);
        }
      } catch (err) {
        releaseLocal();
        throw err;
      }
    },
    async pause(tenantId, ms) {
      o.local.pause(tenantId, ms);
      const now = nowMs();
      try {
        await pauseXeroTenant(o.db, tenantId, now + ms, now);
      } catch (err) {
        o.log.warn(
          { err, code: 'XERO_CALL_LOG_FAILED', tenantId },
          'could not share a xero rate-limit pause',
        );
      }
    },
  };
}
