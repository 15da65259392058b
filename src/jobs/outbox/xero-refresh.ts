import type { KindHandler } from '../../adapters/outbox/outbox-worker.js';
import { refreshFromWebhook, type WebhookRefreshDeps } from '../../use-cases/webhook-refresh.js';

/** `xero.refresh`: the asynchronous half of a Xero webhook (use-cases/webhook-refresh.ts). */
export function xeroRefreshHandler(deps: WebhookRefreshDeps): KindHandler<'xero.refresh'> {
  return (item) => refreshFromWebhook(deps, item);
}
