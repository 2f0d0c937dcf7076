import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EXAMPLES } from '../../test/kits/model-examples.js';
import { apiKeysRepository } from '../store/api-keys.js';
import {
  SPACE_URL,
  createExamples,
  expectError,
  startApi,
  type ApiUnderTest,
  type ResourceBody,
} from '../../test/kits/server-resources.js';

describe('resource routes check team grants in the scope they touch', () => {
  let api: ApiUnderTest;
  // alice: deployer on project web (EXAMPLES.team); bob: viewer of tenant Acme only; carol:
  // contributor to project web only.
  const keys: Record<string, string> = {};
  const as = (user: string, method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, payload?: object) =>
    api.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${keys[user]}`, 'if-match': '"1"' },
      payload,
    });
  const names = async (user: string, url: string) => {
    const res = await as(user, 'GET', url);
    assert.equal(res.statusCode, 200, res.body);
    return res.json<{ items: ResourceBody[] }>().items.map((r) => r.name);
  };

  before(async () => {
    api = await startApi();
    await createExamples(api);
    const create = (url: string, payload: object) =>
      api.call({ method: 'POST', url: `${SPACE_URL}/${url}`, payload }).then((res) => {
        assert.equal(res.statusCode, 201, res.body);
      });
    await create('projects', { ...EXAMPLES.project, name: 'api' });
    await create('tenants', { name: 'Globex' });
    const users = apiKeysRepository(api.store.db);
    await users.createUser({ name: 'bob' }, { actor: 'test' });
    await users.createUser({ name: 'carol' }, { actor: 'test' });
    await create('teams', {
      name: 'Acme viewers',
      members: ['bob'],
      grants: [{ role: 'viewer', tenants: ['Acme'] }],
    });
    await create('teams', {
      name: 'Web contributors',
      members: ['carol'],
      grants: [{ role: 'project-contributor', projects: ['web'] }],
    });
    for (const name of ['alice', 'bob', 'carol']) {
      const row = await api.store.db
        .selectFrom('users')
        .select('id')
        .where('name', '=', name)
        .executeTakeFirstOrThrow();
      keys[name] = (await users.createApiKey(row.id, { name: 'test' }, { actor: 'test' })).key;
    }
  });
  after(() => api.close());

  it('lists only the projects and tenants a user may see', async () => {
    assert.deepEqual(await names('alice', `${SPACE_URL}/projects`), ['web']);
    assert.deepEqual(await names('alice', `${SPACE_URL}/tenants`), ['Acme', 'Globex']);
    assert.deepEqual(await names('bob', `${SPACE_URL}/tenants`), ['Acme']);
    assert.deepEqual(await names('bob', `${SPACE_URL}/projects`), ['api', 'web']);
    // Kinds no grant is scoped by are listed whole.
    assert.deepEqual(await names('alice', `${SPACE_URL}/feeds`), ['Hub']);
  });

  it('resolves a project or tenant named in the path before checking the grant', async () => {
    assert.equal((await as('alice', 'GET', `${SPACE_URL}/projects/web`)).statusCode, 200);
    assert.equal((await as('alice', 'GET', `${SPACE_URL}/projects/web/channels/beta`)).statusCode, 200);
    assert.equal((await as('alice', 'GET', `${SPACE_URL}/projects/WEB/process`)).statusCode, 200);
    assert.equal((await as('alice', 'GET', `${SPACE_URL}/projects/web/variables`)).statusCode, 200);
    for (const url of [
      'projects/api',
      'projects/api/channels',
      'projects/api/process',
      'projects/api/variables',
    ]) {
      expectError(
        await as('alice', 'GET', `${SPACE_URL}/${url}`),
        403,
        'FORBIDDEN',
        /project\.view in project "api"/,
      );
    }
    assert.equal((await as('bob', 'GET', `${SPACE_URL}/tenants/acme/variables`)).statusCode, 200);
    expectError(
      await as('bob', 'GET', `${SPACE_URL}/tenants/Globex`),
      403,
      'FORBIDDEN',
      /tenant\.view in tenant "Globex"/,
    );
    expectError(
      await as('bob', 'GET', `${SPACE_URL}/tenants/Globex/variables`),
      403,
      'FORBIDDEN',
      /tenant "Globex"/,
    );
  });

  it('refuses changes without the edit permission', async () => {
    expectError(
      await as('alice', 'PUT', `${SPACE_URL}/projects/web`, EXAMPLES.project),
      403,
      'FORBIDDEN',
      /project\.edit/,
    );
    expectError(
      await as('alice', 'POST', `${SPACE_URL}/projects`, { name: 'new' }),
      403,
      'FORBIDDEN',
      /project\.edit/,
    );
    expectError(await as('alice', 'DELETE', `${SPACE_URL}/feeds/Hub`), 403, 'FORBIDDEN', /feed\.edit/);
    expectError(
      await as('bob', 'PUT', `${SPACE_URL}/tenants/Acme/variables`, []),
      403,
      'FORBIDDEN',
      /tenant\.edit/,
    );
    // A contributor limited to one project may change it, but not create another.
    const web = await as('carol', 'GET', `${SPACE_URL}/projects/web`);
    const changed = await api.app.inject({
      method: 'PUT',
      url: `${SPACE_URL}/projects/web`,
      headers: { authorization: `Bearer ${keys.carol}`, 'if-match': String(web.headers.etag) },
      payload: { ...web.json<ResourceBody>(), description: 'by carol' },
    });
    assert.equal(changed.statusCode, 200, changed.body);
    const payload = { ...EXAMPLES.project, name: 'carols' };
    expectError(
      await as('carol', 'POST', `${SPACE_URL}/projects`, payload),
      403,
      'FORBIDDEN',
      /project\.edit/,
    );
    expectError(
      await as('carol', 'PUT', `${SPACE_URL}/projects/api`, payload),
      403,
      'FORBIDDEN',
      /project "api"/,
    );
  });
});
