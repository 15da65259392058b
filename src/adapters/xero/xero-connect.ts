import type { Kysely } from 'kysely';
import { XERO_SYNC_JOB } from '../../domain/job-names.js';
import { AppError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Organisation } from '../db/organisations.js';
import { toOrganisation } from '../db/organisations.js';
import type { ScheduledJobStore } from '../db/scheduled-jobs.js';
import type { DB } from '../db/schema.js';
import type { XeroConnection, XeroTokenSet } from './oauth-client.js';
import { storeTokenSet, tokenSubject } from './token-store.js';
import type { XeroServices } from './xero-services.js';

export type ConnectOutcome =
  | { readonly kind: 'connected'; readonly organisations: Organisation[] }
  | {
      readonly kind: 'rejected';
      readonly reason: 'token-exchange-failed' | 'no-organisations';
      readonly detail: string;
    };

export interface ConnectDeps {
  readonly db: Kysely<DB>;
  readonly xero: XeroServices;
  readonly secrets: SecretBox;
  readonly jobs: ScheduledJobStore;
  readonly log: Logger;
}

/**
 * After consent: exchange the code, list the organisations this consent covers, and store them with the
 * token set (encrypted) in one transaction; then make their first sync due. Several organisations may come
 * from one consent; reconnecting an organisation re-activates its existing row (its ledger is kept).
 */
export async function completeXeroConnect(
  deps: ConnectDeps,
  code: string,
  now: Date,
): Promise<ConnectOutcome> {
  const { xero, log } = deps;
  const exchanged = await xero.oauth.exchangeCode(code, now);
  if (exchanged.kind !== 'ok') {
    const detail = exchanged.kind === 'invalid-grant' ? exchanged.description : exchanged.failure.message;
    log.warn({ code: 'XERO_TOKEN_EXCHANGE_FAILED', detail }, 'xero token exchange failed');
    return { kind: 'rejected', reason: 'token-exchange-failed', detail };
  }
  const tokens = exchanged.tokens;
  const connections = await xero.oauth.listConnections(tokens.accessToken);
  return storeXeroConnections(deps, tokens, connections, now);
}

/** Stores the token set and every organisation it reaches, then makes their first sync due. */
export async function storeXeroConnections(
  deps: ConnectDeps,
  tokens: XeroTokenSet,
  all: readonly XeroConnection[],
  now: Date,
): Promise<ConnectOutcome> {
  const { db, secrets, jobs, log } = deps;
  const connections = all.filter((c) => c.tenantType === 'ORGANISATION');
  if (connections.length === 0) {
    return {
      kind: 'rejected',
      reason: 'no-organisations',
      detail: 'the consent covered no Xero organisation',
    };
  }
  const subject = tokenSubject(tokens.accessToken, connections[0]?.authEventId ?? null);
  const organisations = await db.transaction().execute(async (trx) => {
    const tokenSetId = await storeTokenSet(trx, secrets, { subject, tokens, now });
    const out: Organisation[] = [];
    for (const c of connections) out.push(await upsertConnectedOrganisation(trx, c, tokenSetId, now));
    return out;
  });
  // The first sync runs on the next scheduler tick (no cursors yet → everything).
  for (const org of organisations) await jobs.runSoon(org.id, XERO_SYNC_JOB, now);
  log.info(
    { organisations: organisations.map((o) => ({ id: o.id, tenantId: o.xeroTenantId })) },
    'xero organisations connected',
  );
  return { kind: 'connected', organisations };
}

async function upsertConnectedOrganisation(
  trx: Kysely<DB>,
  c: XeroConnection,
  tokenSetId: string,
  now: Date,
): Promise<Organisation> {
  const row = await trx
    .insertInto('organisations')
    .values({
      xero_tenant_id: c.tenantId,
      xero_connection_id: c.id,
      token_set_id: tokenSetId,
      name: c.tenantName,
      status: 'active',
      status_reason: null,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc.column('xero_tenant_id').doUpdateSet({
        xero_connection_id: c.id,
        token_set_id: tokenSetId,
        name: c.tenantName,
        status: 'active',
        status_reason: null,
        updated_at: now,
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
  return toOrganisation(row);
}

/** Removes the app's connection to one organisation in Xero (DELETE /connections/{id}) and marks it here. */
export async function disconnectXeroOrganisation(
  deps: Pick<ConnectDeps, 'db' | 'xero' | 'log'>,
  org: Organisation,
  now: Date,
): Promise<void> {
  const { db, xero, log } = deps;
  if (org.tokenSetId && org.xeroConnectionId) {
    const token = await xero.tokens.accessToken(org.tokenSetId);
    if (token.kind === 'ok') {
      await xero.oauth.deleteConnection(token.accessToken, org.xeroConnectionId);
    } else {
      // The grant is already gone on Xero's side; there is nothing left to revoke there.
      log.warn({ orgId: org.id, reason: token.reason }, 'xero token unusable; disconnecting locally only');
    }
  } else if (!org.tokenSetId) {
    throw new AppError('XERO_NOT_CONNECTED', `${org.name} has no Xero connection to remove`);
  }
  await db
    .updateTable('organisations')
    .set({ status: 'disconnected', status_reason: 'disconnected by operator', updated_at: now })
    .where('id', '=', org.id)
    .execute();
  log.info({ orgId: org.id }, 'xero organisation disconnected');
}
