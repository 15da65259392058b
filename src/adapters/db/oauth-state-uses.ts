import type { Queryable } from './schema.js';

/**
 * Records the first use of an OAuth state's nonce. True for the first caller only, across every instance: one
 * INSERT … ON CONFLICT DO NOTHING decides. States past their expiry are dropped on the way.
 */
export async function consumeOauthState(
  db: Queryable,
  input: { nonce: string; now: Date; expiresAt: Date },
): Promise<boolean> {
  await db.deleteFrom('oauth_state_uses').where('expires_at', '<', input.now).execute();
  const row = await db
    .insertInto('oauth_state_uses')
    .values({ nonce: input.nonce, used_at: input.now, expires_at: input.expiresAt })
    .onConflict((oc) => oc.column('nonce').doNothing())
    .returning('nonce')
    .executeTakeFirst();
  return row !== undefined;
}
