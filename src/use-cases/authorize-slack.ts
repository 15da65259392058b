import type { Kysely } from 'kysely';
import type { Organisation } from '../adapters/db/organisations.js';
import type { DB } from '../adapters/db/schema.js';
import type { SlackDefaults, SlackSettings } from '../adapters/db/slack-settings.js';
import type { UserDirectory } from '../adapters/slack/user-directory.js';
import type { Actor } from './decide-reminder.js';
import { recordAccessDenied } from './slack-admin.js';
import { actorFor, type OrgScope, resolveSlackOrg } from './slack-scope.js';

export interface AuthorizeDeps {
  readonly db: Kysely<DB>;
  readonly users: UserDirectory;
  readonly defaults: SlackDefaults;
  readonly now: () => Date;
}

export interface AuthorizeRequest {
  /** The organisation a button value, a modal or `org:NAME` names; absent: the channel decides (commands). */
  readonly orgRef?: string | null;
  readonly channelId?: string | null;
  readonly userId: string;
  /** The role the request needs there (a manager is also a collector). */
  readonly role: 'collector' | 'manager';
  /** What was attempted, for the audit of a refusal ("approve reminder", "set priority"). */
  readonly what: string;
}

export type Authorization =
  | {
      readonly kind: 'ok';
      readonly org: Organisation;
      readonly settings: SlackSettings;
      readonly actor: Actor;
    }
  | {
      readonly kind: 'refused';
      /** Why, as the user reads it: no organisation, or not on its AR team (the latter is audited). */
      readonly reason: 'no-organisation' | 'role';
      readonly message: string;
    };

/**
 * The one check behind every Slack command, click and submission: which organisation the request is about, and
 * whether this user holds the role it needs there (roles are read from Slack each time, so a removed collector
 * loses access at once). A refusal for the role is written to the audit log with what was attempted.
 */
export async function authorizeSlack(deps: AuthorizeDeps, request: AuthorizeRequest): Promise<Authorization> {
  const scope = await resolveSlackOrg(deps.db, deps.defaults, {
    orgRef: request.orgRef ?? null,
    channelId: request.channelId ?? null,
  });
  if (scope.kind !== 'found') {
    return {
      kind: 'refused',
      reason: 'no-organisation',
      // A click names its organisation: one that cannot be found was disconnected since the message was posted.
      message: request.orgRef && scope.kind === 'unknown' ? NO_LONGER_CONNECTED : scopeProblem(scope),
    };
  }
  const actor = await actorFor(deps.users, scope.settings, request.userId);
  const allowed = request.role === 'manager' ? actor.isManager : actor.isCollector;
  if (!allowed) {
    await recordAccessDenied(deps.db, {
      orgId: scope.organisation.id,
      actor,
      what: request.what,
      needed: request.role,
      now: deps.now(),
    });
    const name = scope.organisation.name;
    return {
      kind: 'refused',
      reason: 'role',
      message:
        request.role === 'manager'
          ? `Only a manager for ${name} can do that; this attempt was recorded.`
          : `You are not on the AR team for ${name}; this attempt was recorded.`,
    };
  }
  return { kind: 'ok', org: scope.organisation, settings: scope.settings, actor };
}

export const NO_LONGER_CONNECTED = 'That organisation is no longer connected.';

/** What a user is told when a request names no organisation that can be found. */
export function scopeProblem(scope: Exclude<OrgScope, { kind: 'found' }>): string {
  switch (scope.kind) {
    case 'none':
      return 'No Xero organisation is connected yet.';
    case 'unknown':
      return `No organisation matches "${scope.ref}".`;
    case 'ambiguous':
      return `Several organisations are connected; add org:NAME (one of: ${scope.names.join(', ')}), or map this channel in /ar setup.`;
  }
}
