import { AppError } from '../../errors.js';

/**
 * Waits that shutdown can cut short: a sync waiting for Xero's minute window or a retry's backoff would
 * otherwise hold SIGTERM past the grace period (and its lease with it).
 */
function stopped(): AppError {
  return new AppError('SYNC_STOPPED', 'stopped for shutdown while waiting to call Xero');
}

export function sleepUnlessAborted(
  ms: number,
  signal: AbortSignal | undefined,
  sleep: (ms: number) => Promise<void>,
): Promise<void> {
  if (!signal) return sleep(ms);
  if (signal.aborted) return Promise.reject(stopped());
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(stopped());
    signal.addEventListener('abort', onAbort, { once: true });
    sleep(ms).then(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      (err) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

/**
 * A slot that arrives after the wait was abandoned is handed back at once (`release`), so abandoning never leaks
 * the in-process limiter's capacity.
 */
export function acquireUnlessAborted<T>(
  acquiring: Promise<T>,
  signal: AbortSignal | undefined,
  release: (late: T) => void,
): Promise<T> {
  if (!signal) return acquiring;
  return new Promise<T>((resolve, reject) => {
    let abandoned = false;
    const onAbort = () => {
      abandoned = true;
      reject(stopped());
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    acquiring.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        if (abandoned) release(value);
        else resolve(value);
      },
      (err) => {
        signal.removeEventListener('abort', onAbort);
        if (!abandoned) reject(err);
      },
    );
  });
}
