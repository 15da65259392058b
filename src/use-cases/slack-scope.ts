import type { Kysely } from 'kysely';
import { findOrganisation, listOrganisations, type Organisation } from '../adapters/db/organisations.js';
import type { DB } from '../adapters/db/schema.js';
import { getSlackSettings, type SlackDefaults, type SlackSettings } from '../adapters/db/slack-settings.js';
import type { UserDirectory } from '../adapters/slack/user-directory.js';
import { groupIdsOf, rolesOf } from '../domain/slack-roles.js';
import type { Actor } from './decide-reminder.js';

/**
 * Which organisation a Slack request is about. The rule: `org:NAME` in the command wins (name, short code or
 * id, as the CLI's --org); otherwise the only connected organisation; otherwise the organisation whose digest,
 * queue or escalation channel is the channel the command came from. Anything else asks for `org:NAME`.
 */
export type OrgScope =
  | { readonly kind: 'found'; readonly organisation: Organisation; readonly settings: SlackSettings }
  | { readonly kind: 'none' }
  | { readonly kind: 'unknown'; readonly ref: string }
  | { readonly kind: 'ambiguous'; readonly names: readonly string[] };

export async function resolveSlackOrg(
  db: Kysely<DB>,
  defaults: SlackDefaults,
  request: { readonly orgRef?: string | null; readonly channelId?: string | null },
): Promise<OrgScope> {
  const found = async (organisation: Organisation): Promise<OrgScope> => ({
    kind: 'found',
    organisation,
    settings: await getSlackSettings(db, organisation.id, defaults),
  });
  if (request.orgRef) {
    const hit = await findOrganisation(db, request.orgRef);
    if (hit.kind === 'found') return found(hit.organisation);
    if (hit.kind === 'ambiguous') return { kind: 'ambiguous', names: hit.matches.map((o) => o.name) };
    return { kind: 'unknown', ref: request.orgRef };
  }
  const all = await listOrganisations(db);
  if (all.length === 0) return { kind: 'none' };
  if (all.length === 1) return found(all[0]!);
  if (request.channelId) {
    const mapped: { organisation: Organisation; settings: SlackSettings }[] = [];
    for (const organisation of all) {
      const settings = await getSlackSettings(db, organisation.id, defaults);
      const channels = [settings.digestChannel, settings.queueChannel, settings.escalationChannel];
      if (channels.includes(request.channelId)) mapped.push({ organisation, settings });
    }
    if (mapped.length === 1) return { kind: 'found', ...mapped[0]! };
  }
  return { kind: 'ambiguous', names: all.map((o) => o.name) };
}

/** The Slack user with their roles for this organisation, checked on every command and click. */
export async function actorFor(
  users: UserDirectory,
  settings: Pick<SlackSettings, 'managers' | 'collectors'>,
  userId: string,
): Promise<Actor> {
  const members = await users.groupMembers(groupIdsOf(settings));
  const roles = rolesOf(userId, settings, members);
  return { id: userId, name: await users.displayName(userId), ...roles };
}
