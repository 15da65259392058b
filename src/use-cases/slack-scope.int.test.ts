import { describe, expect, it } from 'vitest';
import { saveSlackSettings } from '../adapters/db/slack-settings.js';
import { LedgerBuilder } from '../testing/ledger-builders.js';
import { insertLedger } from '../testing/ledger-fixtures.js';
import { useTestDatabase } from '../testing/test-database.js';
import { createLedgerCache } from './ledger-cache.js';
import { actorFor, resolveSlackOrg } from './slack-scope.js';

const NZ = '00000000-0000-4000-8000-0000000000a1';
const AU = '00000000-0000-4000-8000-0000000000a2';
const defaults = {
  managers: ['U_BOSS'],
  collectors: ['S_TEAM'],
  digestChannel: null,
  queueChannel: null,
  escalationChannel: null,
};

describe('resolveSlackOrg: which organisation a Slack request is about', () => {
  const database = useTestDatabase();

  const org = (id: string, name: string, shortCode: string) =>
    insertLedger(database.db, id, new LedgerBuilder({ id, name, shortCode }).build());

  it('no organisation, then the only one implicitly', async () => {
    expect(await resolveSlackOrg(database.db, defaults, {})).toEqual({ kind: 'none' });
    await org(NZ, 'Kiwi Ltd', '!nz');
    const one = await resolveSlackOrg(database.db, defaults, { channelId: 'C_ANY' });
    expect(one.kind === 'found' && [one.organisation.id, one.settings.fromDefaults]).toEqual([NZ, true]);
  });

  it('with several: org:NAME wins, then the channel mapping, otherwise it asks', async () => {
    await org(NZ, 'Kiwi Ltd', '!nz');
    await org(AU, 'Roo Pty', '!au');
    await saveSlackSettings(
      database.db,
      {
        orgId: AU,
        digestChannel: 'C_AU',
        queueChannel: null,
        escalationChannel: 'C_AU_ESC',
        managers: ['U_BOSS'],
        collectors: [],
        digestTime: '08:00',
        updatedBy: 'U_BOSS',
      },
      new Date('2026-11-23T00:00:00Z'),
    );
    const byName = await resolveSlackOrg(database.db, defaults, { orgRef: 'kiwi ltd', channelId: 'C_AU' });
    expect(byName.kind === 'found' && byName.organisation.id).toBe(NZ);
    const byCode = await resolveSlackOrg(database.db, defaults, { orgRef: '!au' });
    expect(byCode.kind === 'found' && byCode.organisation.id).toBe(AU);
    const byChannel = await resolveSlackOrg(database.db, defaults, { channelId: 'C_AU_ESC' });
    expect(byChannel.kind === 'found' && [byChannel.organisation.id, byChannel.settings.digestTime]).toEqual([
      AU,
      '08:00',
    ]);
    expect(await resolveSlackOrg(database.db, defaults, { channelId: 'C_OTHER' })).toEqual({
      kind: 'ambiguous',
      names: ['Kiwi Ltd', 'Roo Pty'],
    });
    expect(await resolveSlackOrg(database.db, defaults, { orgRef: 'nope' })).toEqual({
      kind: 'unknown',
      ref: 'nope',
    });
  });

  it('actorFor resolves roles through user groups and names the user', async () => {
    const users = {
      groupMembers: async (ids: readonly string[]) =>
        new Map(ids.map((id) => [id, id === 'S_TEAM' ? ['U_C'] : []])),
      displayName: async (id: string) => `name-${id}`,
    };
    expect(await actorFor(users, defaults, 'U_C')).toEqual({
      id: 'U_C',
      name: 'name-U_C',
      isManager: false,
      isCollector: true,
    });
    expect(await actorFor(users, defaults, 'U_BOSS')).toMatchObject({ isManager: true, isCollector: true });
    expect(await actorFor(users, defaults, 'U_X')).toMatchObject({ isManager: false, isCollector: false });
  });

  it('the ledger cache shares one load per burst and reloads after its time-to-live', async () => {
    await org(NZ, 'Kiwi Ltd', '!nz');
    let now = 0;
    const load = createLedgerCache(database.db, () => now, 1_000);
    const [a, b] = await Promise.all([load(NZ), load(NZ)]);
    expect(a).toBe(b);
    now = 999;
    expect(await load(NZ)).toBe(a);
    now = 1_000;
    const fresh = await load(NZ);
    expect(fresh).not.toBe(a);
    expect(fresh.organisation.name).toBe('Kiwi Ltd');
    await expect(load('00000000-0000-4000-8000-0000000000ff')).rejects.toThrow();
  });
});
