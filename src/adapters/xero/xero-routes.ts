// Over 300 lines: the three Xero HTTP routes (connect, callback, webhook) share their request parsing and the webhook's signed-batch handling.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { isUuid } from '../../domain/ids.js';
import { XERO_REFRESH_KIND } from '../../domain/outbox-kinds.js';
import { errorMessage } from '../../errors.js';
import { type HttpRoute, readRawBody, sendText } from '../../http/routes.js';
import { consumeOauthState } from '../db/oauth-state-uses.js';
import type { ScheduledJobStore } from '../db/scheduled-jobs.js';
import { recordWebhookEvents, type XeroWebhookEvent } from '../db/xero-webhook-events.js';
import { enqueueOutbox } from '../outbox/outbox-store.js';
import { issueState, STATE_TTL_MS, verifyState } from './oauth-state.js';
import { isValidWebhookSignature } from './webhook-signature.js';
import { completeXeroConnect } from './xero-connect.js';
import type { XeroServices } from './xero-services.js';

const NONCE_COOKIE = 'xero_oauth_nonce';
/** Xero's webhook bodies are small; anything much larger is not Xero. */
const MAX_WEBHOOK_BYTES = 1_000_000;

type RouteContext = Pick<AppContext, 'database' | 'clock' | 'log' | 'secrets' | 'config'> & {
  readonly xero: XeroServices;
  readonly jobStore: ScheduledJobStore;
};

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

function page(res: ServerResponse, status: number, title: string, body: string): void {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}</style></head>
<body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
  res.setHeader('cache-control', 'no-store');
  sendText(res, status, html, 'text/html; charset=utf-8');
}

function cookie(req: IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return null;
}

/** One event as Xero sends it: ids are GUIDs, the rest short tokens. Anything else is dropped, not stored. */
const WebhookEvent = z.object({
  resourceId: z.string().refine(isUuid),
  eventDateUtc: z.string().max(64),
  eventType: z.string().regex(/^[A-Z_]{1,32}$/i),
  eventCategory: z.string().regex(/^[A-Z_]{1,32}$/i),
  tenantId: z.string().refine(isUuid),
});
const WebhookBody = z.object({ events: z.array(z.unknown()).max(1_000).default([]) });

const REASONS: Record<string, string> = {
  malformed: 'The sign-in link was incomplete.',
  'bad-signature': 'The sign-in link was not issued by this app.',
  expired: 'The sign-in link expired (it is valid for 10 minutes).',
  'not-this-browser': 'The sign-in was started in another browser.',
  'already-used': 'This sign-in link was already used.',
};

export function xeroRoutes(ctx: RouteContext): HttpRoute[] {
  const log = ctx.log.child({ component: 'xero-routes' });
  const secure = ctx.config.publicUrl.startsWith('https://');

  const connect: HttpRoute = {
    path: '/xero/connect',
    method: 'GET',
    handler: (_req, res) => {
      if (!ctx.xero.config.credentials) {
        page(
          res,
          503,
          'Xero is not configured',
          '<p>Set XERO_CLIENT_ID and XERO_CLIENT_SECRET, then try again.</p>',
        );
        return;
      }
      const issued = issueState(ctx.xero.stateKey, ctx.clock.now());
      res.writeHead(302, {
        location: ctx.xero.oauth.authorizeUrl(issued.state),
        'set-cookie': `${NONCE_COOKIE}=${issued.nonce}; Path=/xero; Max-Age=${STATE_TTL_MS / 1000}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`,
        'cache-control': 'no-store',
      });
      res.end();
    },
  };

  const callback: HttpRoute = {
    path: '/xero/callback',
    method: 'GET',
    handler: (req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const q = url.searchParams;
      const state = q.get('state') ?? '';
      const check = verifyState(ctx.xero.stateKey, state, ctx.clock.now(), cookie(req, NONCE_COOKIE));
      const clear = `${NONCE_COOKIE}=; Path=/xero; Max-Age=0; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
      res.setHeader('set-cookie', clear);
      if (check.kind === 'rejected') {
        log.warn({ code: 'XERO_STATE_REJECTED', reason: check.reason }, 'xero callback with a bad state');
        page(
          res,
          400,
          'Connection refused',
          `<p>${escapeHtml(REASONS[check.reason] ?? 'Bad request.')} <a href="/xero/connect">Start again</a>.</p>`,
        );
        return;
      }
      const error = q.get('error');
      if (error) {
        const denied = error === 'access_denied';
        page(
          res,
          denied ? 403 : 400,
          denied ? 'Consent was not given' : 'Xero refused the connection',
          `<p>${denied ? 'Nothing was connected.' : `Xero said: ${escapeHtml(q.get('error_description') ?? error)}.`} <a href="/xero/connect">Try again</a>.</p>`,
        );
        return;
      }
      const code = q.get('code');
      if (!code) {
        page(
          res,
          400,
          'Connection refused',
          '<p>Xero sent no authorisation code. <a href="/xero/connect">Try again</a>.</p>',
        );
        return;
      }
      const now = ctx.clock.now();
      // One state, one connection: a replayed or doubled callback finds the nonce taken (any instance).
      consumeOauthState(ctx.database.db, { nonce: check.nonce, now, expiresAt: check.expiresAt })
        .then(async (first) => {
          if (!first) {
            log.warn(
              { code: 'XERO_STATE_REJECTED', reason: 'already-used' },
              'xero callback with a used state',
            );
            return { kind: 'used' as const };
          }
          return completeXeroConnect(
            { db: ctx.database.db, xero: ctx.xero, secrets: ctx.secrets, jobs: ctx.jobStore, log },
            code,
            now,
          );
        })
        .then(
          (outcome) => {
            if (outcome.kind === 'used') {
              page(
                res,
                400,
                'Connection refused',
                `<p>${escapeHtml(REASONS['already-used'] as string)} <a href="/xero/connect">Start again</a>.</p>`,
              );
              return;
            }
            if (outcome.kind === 'rejected') {
              page(
                res,
                502,
                'Xero connection failed',
                `<p>${escapeHtml(outcome.detail)}. <a href="/xero/connect">Try again</a>.</p>`,
              );
              return;
            }
            const items = outcome.organisations.map((o) => `<li>${escapeHtml(o.name)}</li>`).join('');
            page(
              res,
              200,
              'Xero connected',
              `<p>Connected ${outcome.organisations.length} organisation${outcome.organisations.length === 1 ? '' : 's'}:</p><ul>${items}</ul><p>The first sync starts within a minute. You can close this page.</p>`,
            );
          },
          (err) => {
            log.error({ err, code: 'XERO_CONNECT_FAILED' }, 'xero connect failed');
            page(
              res,
              502,
              'Xero connection failed',
              `<p>${escapeHtml(errorMessage(err))}. <a href="/xero/connect">Try again</a>.</p>`,
            );
          },
        );
    },
  };

  const webhooks: HttpRoute = {
    path: '/xero/webhooks',
    method: 'POST',
    handler: (req, res) => {
      const reply = (status: number) => {
        res.writeHead(status, { 'content-length': 0 });
        res.end();
      };
      readRawBody(req, MAX_WEBHOOK_BYTES)
        .then(async (raw) => {
          const key = ctx.xero.config.webhookKey;
          const signature = req.headers['x-xero-signature'];
          if (
            !raw ||
            !key ||
            !isValidWebhookSignature(key, raw, Array.isArray(signature) ? signature[0] : signature)
          ) {
            reply(401);
            return;
          }
          let parsed: z.infer<typeof WebhookBody>;
          try {
            parsed = WebhookBody.parse(JSON.parse(raw.toString('utf8')));
          } catch {
            // Correctly signed but unreadable: acknowledge, or Xero retries (and eventually disables us).
            log.warn({ code: 'XERO_WEBHOOK_UNREADABLE' }, 'signed xero webhook with an unreadable body');
            reply(200);
            return;
          }
          const events = parsed.events.flatMap((e) => {
            const one = WebhookEvent.safeParse(e);
            return one.success ? [one.data] : [];
          });
          if (events.length < parsed.events.length) {
            log.warn(
              { code: 'XERO_WEBHOOK_EVENTS_DROPPED', dropped: parsed.events.length - events.length },
              'signed xero webhook with malformed events; those were dropped',
            );
          }
          await storeAndEnqueue(ctx, events);
          reply(200);
        })
        .catch((err) => {
          log.error({ err, code: 'XERO_WEBHOOK_FAILED' }, 'xero webhook could not be stored');
          if (!res.headersSent) reply(500);
        });
    },
  };

  return [connect, callback, webhooks];
}

/** Stores new events and, in the same transaction, one outbox item per organisation for a targeted refresh. */
async function storeAndEnqueue(
  ctx: RouteContext,
  events: readonly z.infer<typeof WebhookEvent>[],
): Promise<number> {
  const now = ctx.clock.now();
  const valid: XeroWebhookEvent[] = events.flatMap((e) => {
    const d = new Date(e.eventDateUtc);
    return Number.isNaN(d.getTime())
      ? []
      : [
          {
            tenantId: e.tenantId,
            resourceId: e.resourceId,
            eventDateUtc: d,
            eventType: e.eventType,
            eventCategory: e.eventCategory.toUpperCase(),
          },
        ];
  });
  if (valid.length === 0) return 0;
  return ctx.database.db.transaction().execute(async (trx) => {
    const fresh = await recordWebhookEvents(trx, valid, now);
    const byOrg = new Map<
      string,
      { contacts: string[]; invoices: string[]; creditNotes: string[]; payments: string[]; keys: string[] }
    >();
    for (const e of fresh) {
      if (!e.orgId) continue; // an organisation we do not (or no longer) sync
      const g = byOrg.get(e.orgId) ?? { contacts: [], invoices: [], creditNotes: [], payments: [], keys: [] };
      if (e.eventCategory === 'CONTACT') g.contacts.push(e.resourceId);
      else if (e.eventCategory === 'INVOICE') g.invoices.push(e.resourceId);
      else if (e.eventCategory === 'CREDITNOTE') g.creditNotes.push(e.resourceId);
      // Payment events exist since Xero-OpenAPI 20.0.0; their payload is unconfirmed, so only the id is used.
      else if (e.eventCategory === 'PAYMENT') g.payments.push(e.resourceId);
      else continue;
      g.keys.push(`${e.resourceId}|${e.eventDateUtc.toISOString()}|${e.eventType}`);
      byOrg.set(e.orgId, g);
    }
    for (const [orgId, g] of byOrg) {
      const digest = createHash('sha256').update(g.keys.sort().join('\n')).digest('hex').slice(0, 32);
      await enqueueOutbox(trx, {
        orgId,
        kind: XERO_REFRESH_KIND,
        idempotencyKey: `${XERO_REFRESH_KIND}:${orgId}:${digest}`,
        payload: {
          orgId,
          contacts: g.contacts,
          invoices: g.invoices,
          creditNotes: g.creditNotes,
          payments: g.payments,
        },
        now,
      });
    }
    return fresh.length;
  });
}
