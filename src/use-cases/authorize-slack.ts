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
  /**
   * A typed command names its organisation in words (`org:NAME`) that may match none; a click or a modal names one by
   * id, and one that is gone was disconnected since. Default: a click.
   */
  readonly typed?: boolean;
  /** The refusal for the role in this surface's own words, when it has them (default: `roleRefusal`). */
  readonly refusal?: (refused: RoleRefused) => string;
}

/** Who was refused the role, and where: what a refusal's text may name. */
export interface RoleRefused {
  readonly org: Organisation;
  readonly actor: Actor;
  readonly role: 'collector' | 'manager';
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
  // A click or a modal that names no organisation is stale, never "the only organisation" (a command's rule).
  if (!request.typed && !request.orgRef)
    return { kind: 'refused', reason: 'no-organisation', message: NO_LONGER_CONNECTED };
  const scope = await resolveSlackOrg(deps.db, deps.defaults, {
    orgRef: request.orgRef ?? null,
    channelId: request.channelId ?? null,
  });
  if (scope.kind !== 'found') {
    return {
      kind: 'refused',
      reason: 'no-organisation',
      // A click names its organisation: one that cannot be found was disconnected since the message was posted.
      message:
        request.orgRef && !request.typed && scope.kind === 'unknown'
          ? NO_LONGER_CONNECTED
          : scopeProblem(scope),
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
    const refused = { org: scope.organisation, actor, role: request.role, what: request.what };
    return { kind: 'refused', reason: 'role', message: (request.refusal ?? roleRefusal)(refused) };
  }
  return { kind: 'ok', org: scope.organisation, settings: scope.settings, actor };
}

/** What a user without the role is told: a manager's action names what it was, a collector's the organisation. */
export function roleRefusal(refused: RoleRefused): string {
  return refused.role === 'manager'
    ? onlyManagersCan(refused.what)(refused)
    : `You are not on the AR team for ${refused.org.name}; this attempt was recorded.`;
}

/** "Only AR managers can approve a payment plan. You are a collector; this attempt was recorded." */
export function onlyManagersCan(doing: string): (refused: RoleRefused) => string {
  return ({ actor }) =>
    `Only AR managers can ${doing}. You are ${actor.isCollector ? 'a collector' : 'not on the AR team'}; this attempt was recorded.`;
}

/**
 * A refusal a use-case decided after authorizeSlack let the request in, because it had to read something first
 * (a call task may be closed by its assignee or a manager): audited as authorizeSlack audits its own.
 */
export async function recordSlackRefusal(
  deps: AuthorizeDeps,
  input: { orgId: string; actor: Actor; what: string; needed: 'collector' | 'manager' },
): Promise<void> {
  await recordAccessDenied(deps.db, { ...input, now: deps.now() });
}

/**
 * A request from another Slack workspace (a valid signature proves the app, not the workspace): audited with who
 * and from which team, under no organisation, since nothing it names can be trusted.
 */
export async function recordOtherWorkspace(
  deps: AuthorizeDeps,
  input: {
    user: { readonly id: string; readonly name?: string };
    teamId: string | undefined;
    what: string;
    needed: 'collector' | 'manager';
  },
): Promise<void> {
  await recordAccessDenied(deps.db, {
    orgId: null,
    actor: {
      id: input.user.id,
      name: `${input.user.name ?? input.user.id} (team ${input.teamId ?? 'unknown'})`,
      isCollector: false,
      isManager: false,
    },
    what: `${input.what} from another workspace`,
    needed: input.needed,
    now: deps.now(),
  });
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
