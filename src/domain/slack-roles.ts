/**
 * Who may do what in Slack. Collectors approve and edit reminders; managers also decide escalations (payment
 * plans, write-offs, stop-credit, agency) and change settings. Lists hold user ids (U…/W…) and user group ids
 * (S…); group members are looked up by the caller and passed in.
 */
export interface RoleLists {
  readonly managers: readonly string[];
  readonly collectors: readonly string[];
}

export interface Roles {
  readonly isManager: boolean;
  readonly isCollector: boolean;
}

export const isUserGroupId = (id: string): boolean => /^S[A-Z0-9_]+$/.test(id);

export function groupIdsOf(lists: RoleLists): string[] {
  return [...new Set([...lists.managers, ...lists.collectors].filter(isUserGroupId))];
}

export function rolesOf(
  userId: string,
  lists: RoleLists,
  groupMembers: ReadonlyMap<string, readonly string[]>,
): Roles {
  const inList = (list: readonly string[]) =>
    list.some((id) => id === userId || (isUserGroupId(id) && (groupMembers.get(id) ?? []).includes(userId)));
  const isManager = inList(lists.managers);
  // A manager can always do what a collector can.
  return { isManager, isCollector: isManager || inList(lists.collectors) };
}
