import type { WebClient } from '@slack/web-api';
import type { Clock } from '../clock.js';

/**
 * Slack user group members and display names, cached briefly: role checks run on every click, and
 * usergroups.users.list is rate-limited (Tier 2).
 */
export interface UserDirectory {
  groupMembers(groupIds: readonly string[]): Promise<Map<string, string[]>>;
  displayName(userId: string): Promise<string>;
}

export function createUserDirectory(client: WebClient, clock: Clock, ttlMs = 5 * 60_000): UserDirectory {
  const groups = new Map<string, { at: number; members: string[] }>();
  const names = new Map<string, { at: number; name: string }>();
  const fresh = (at: number) => clock.now().getTime() - at < ttlMs;
  return {
    async groupMembers(groupIds) {
      const out = new Map<string, string[]>();
      for (const id of groupIds) {
        const hit = groups.get(id);
        if (hit && fresh(hit.at)) {
          out.set(id, hit.members);
          continue;
        }
        try {
          const res = await client.usergroups.users.list({ usergroup: id });
          const members = (res.users ?? []) as string[];
          groups.set(id, { at: clock.now().getTime(), members });
          out.set(id, members);
        } catch {
          // An unknown or unreadable group grants nothing (fail closed), but a stale answer beats none.
          out.set(id, hit?.members ?? []);
        }
      }
      return out;
    },
    async displayName(userId) {
      const hit = names.get(userId);
      if (hit && fresh(hit.at)) return hit.name;
      try {
        const res = await client.users.info({ user: userId });
        const u = res.user;
        // Audit notes name people as colleagues know them: the full name first, the handle as a fallback.
        const name = u?.real_name || u?.profile?.real_name || u?.profile?.display_name || u?.name || userId;
        names.set(userId, { at: clock.now().getTime(), name });
        return name;
      } catch {
        return hit?.name ?? userId;
      }
    },
  };
}
