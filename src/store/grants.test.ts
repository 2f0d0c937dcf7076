/** Team grants per user and space, read from team documents in `resources`. */
import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { forEachBackend } from '../../test/helpers/postgres.js';
import { DEFAULT_SPACE_ID as SPACE } from '../core/model/space.js';
import type { Store } from './database.js';
import { grantsRepository, type GrantsRepository } from './grants.js';
import { environmentsRepository } from './environments.js';

const OTHER_SPACE = 'Spaces-ops';
// Ids that are prefixes of each other: membership must match whole ids.
const BOB = 'Users-1';
const BOBBY = 'Users-10';

forEachBackend('grants', (backend) => {
  let store: Store;
  let grants: GrantsRepository;
  let devId: string;

  // Team documents as the resources store keeps them: members and scopes as ids.
  const insert = async (id: string, kind: string, name: string, data: unknown, space = SPACE) => {
    await store.db
      .insertInto('resources')
      .values({ id, space_id: space, kind, name, data: JSON.stringify(data) })
      .execute();
  };

  before(async () => {
    store = await backend.open();
    grants = grantsRepository(store.db);
    await store.db.insertInto('spaces').values({ id: OTHER_SPACE, name: 'Ops' }).execute();
    devId = (await environmentsRepository(store.db).create(SPACE, { name: 'Dev' }, { actor: 'test' })).id;
    await insert('Projects-web', 'project', 'web', { name: 'web', members: [BOB] });
    await insert('Tenants-acme', 'tenant', 'Acme', { name: 'Acme' });
    await insert('Teams-b', 'team', 'b deployers', {
      name: 'b deployers',
      members: [BOBBY, BOB],
      grants: [
        { role: 'deployer', projects: ['Projects-web'], environments: [devId] },
        { role: 'viewer', tenants: ['Tenants-acme'], projects: [] },
      ],
    });
    await insert('Teams-a', 'team', 'A viewers', {
      name: 'A viewers',
      members: [BOB],
      grants: [{ role: 'viewer' }],
    });
    await insert('Teams-c', 'team', 'c bobby', {
      name: 'c bobby',
      members: [BOBBY],
      grants: [{ role: 'administrator' }],
    });
    await insert('Teams-d', 'team', 'd odd', {
      name: 'd odd',
      members: [BOB],
      // An unknown role grants nothing, and does not spoil the team's other grants.
      grants: [{ role: 'owner' }, { role: 'project-contributor', projects: ['Projects-web'] }],
    });
    await insert('Teams-e', 'team', 'e empty', { name: 'e empty', members: [BOB] });
    await insert(
      'Teams-ops',
      'team',
      'ops',
      { name: 'ops', members: [BOB], grants: [{ role: 'administrator' }] },
      OTHER_SPACE,
    );
  });

  it("finds the grants of the user's teams in a space, team by team in name order", async () => {
    const found = await grants.ofUser(SPACE, BOB);
    assert.deepEqual(found, [
      { role: 'viewer', team: { id: 'Teams-a', name: 'A viewers' } },
      {
        role: 'deployer',
        projectIds: ['Projects-web'],
        environmentIds: [devId],
        team: { id: 'Teams-b', name: 'b deployers' },
      },
      {
        role: 'viewer',
        projectIds: [],
        tenantIds: ['Tenants-acme'],
        team: { id: 'Teams-b', name: 'b deployers' },
      },
      { role: 'project-contributor', projectIds: ['Projects-web'], team: { id: 'Teams-d', name: 'd odd' } },
    ]);
  });

  it('matches whole member ids, and only teams', async () => {
    const bobby = await grants.ofUser(SPACE, BOBBY);
    assert.deepEqual(
      bobby.map((g) => `${g.team.name}:${g.role}`),
      ['b deployers:deployer', 'b deployers:viewer', 'c bobby:administrator'],
    );
    assert.deepEqual(await grants.ofUser(SPACE, 'Users-2'), []);
    assert.deepEqual(await grants.ofUser(SPACE, 'Users-'), []);
  });

  it('keeps spaces apart', async () => {
    assert.deepEqual(await grants.ofUser(OTHER_SPACE, BOB), [
      { role: 'administrator', team: { id: 'Teams-ops', name: 'ops' } },
    ]);
    const bySpace = await grants.ofUserBySpace(BOB);
    assert.deepEqual([...bySpace.keys()].sort(), [OTHER_SPACE, SPACE].sort());
    assert.deepEqual(bySpace.get(SPACE), await grants.ofUser(SPACE, BOB));
    assert.deepEqual((await grants.ofUserBySpace(BOBBY)).get(OTHER_SPACE), undefined);
  });

  it('names the things a scope refers to, keeping ids it cannot find', async () => {
    assert.deepEqual(
      await grants.scopeNames(SPACE, {
        projectId: 'Projects-web',
        environmentId: devId,
        tenantId: 'Tenants-acme',
      }),
      { project: 'web', environment: 'Dev', tenant: 'Acme' },
    );
    assert.deepEqual(
      await grants.scopeNames(SPACE, { projectId: 'Tenants-acme', environmentId: 'Environments-x' }),
      {
        project: 'Tenants-acme',
        environment: 'Environments-x',
      },
    );
    assert.deepEqual(await grants.scopeNames(OTHER_SPACE, { environmentId: devId }), { environment: devId });
    assert.deepEqual(await grants.scopeNames(SPACE, {}), {});
  });
});
