import type { KindHandler } from '../../adapters/outbox/outbox-worker.js';
import { sendPromiseThankYou, type ThankYouDeps } from '../../use-cases/promise-thank-you.js';

/** `promise.thank_you`: a kept promise's thank-you, through the same SMTP sender as reminders, one attempt. */
export function promiseThankYouHandler(deps: ThankYouDeps): KindHandler<'promise.thank_you'> {
  return (item) => sendPromiseThankYou(deps, item.payload.promiseId);
}
