import { describe, expect, it } from 'vitest';
import { groupIdsOf, rolesOf } from './slack-roles.js';

const lists = { managers: ['U_MGR', 'S_MANAGERS'], collectors: ['S_COLLECTORS', 'U_SOLO'] };
const groups = new Map([
  ['S_MANAGERS', ['U_BOSS']],
  ['S_COLLECTORS', ['U_C1', 'U_C2']],
]);

describe('rolesOf', () => {
  it.each([
    ['U_MGR', true, true],
    ['U_BOSS', true, true],
    ['U_C1', false, true],
    ['U_SOLO', false, true],
    ['U_STRANGER', false, false],
  ])('%s → manager %s, collector %s', (user, isManager, isCollector) => {
    expect(rolesOf(user, lists, groups)).toEqual({ isManager, isCollector });
  });

  it('treats an unknown group as empty rather than as everyone', () => {
    expect(rolesOf('U_C1', lists, new Map())).toEqual({ isManager: false, isCollector: false });
  });

  it('lists the groups to expand', () => {
    expect(groupIdsOf(lists)).toEqual(['S_MANAGERS', 'S_COLLECTORS']);
  });
});
