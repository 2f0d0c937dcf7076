/** The release, deployment, task log, interruption and dashboard routes, through inject. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RESOURCE_KINDS } from '../core/model/kinds/index.js';
import { startReleaseFixture, type ReleaseFixture } from '../../test/kits/releases.js';
import { apiKeysRepository } from '../store/api-keys.js';
import { deploymentsRepository } from '../store/deployments.js';
import { resourcesRepository } from '../store/resources.js';
import { expectError, SPACE_URL } from '../../test/kits/server-resources.js';

interface Item {
  id: string;
  [field: string]: unknown;
}

describe('release and deployment routes', () => {
  let f: ReleaseFixture;
  let releaseId = '';
  let devDeployment = '';
  before(async () => {
    f = await startReleaseFixture();
  });
  after(async () => {
    await f.api.close();
  });
  const post = (url: string, payload: Record<string, unknown>, user: 'admin' | 'alice' = 'admin') =>
    f.as(user, { method: 'POST', url: `${SPACE_URL}${url}`, payload });
  const get = (url: string, user: 'admin' | 'alice' = 'admin') =>
    f.as(user, { method: 'GET', url: `${SPACE_URL}${url}` });

  it('POST /releases creates a release (201, Location) and validates fields by name', async () => {
    const res = await post('/releases', {
      project: 'web',
      version: '1.4.2',
      packages: ['web:1.2.0'],
      notes: 'first',
    });
    assert.equal(res.statusCode, 201, res.body);
    const body = res.json<Item & { version: string; packages: { version: string }[]; createdAt: string }>();
    releaseId = body.id;
    assert.equal(res.headers.location, `/api/spaces/${f.examples.project!.spaceId}/releases/${body.id}`);
    assert.equal(body.version, '1.4.2');
    assert.equal(body.packages[0]?.version, '1.2.0');
    assert.ok(!Number.isNaN(Date.parse(body.createdAt)));
    expectError(await post('/releases', { project: 'web', packages: 7 }), 400, 'INVALID_INPUT', /packages/);
    expectError(await post('/releases', { project: 'web', version: '1.4.2' }), 409, 'ALREADY_EXISTS');
    expectError(await post('/releases', { project: 'nope' }), 404, 'NOT_FOUND', /nope/);
  });

  it('GET /releases lists, filters by project and channel, finds a version; GET /releases/{id} reads one', async () => {
    const list = await get('/releases?project=web');
    assert.equal(list.statusCode, 200, list.body);
    assert.ok(list.json<{ items: Item[] }>().items.some((r) => r.id === releaseId));
    const byVersion = await get('/releases?project=web&version=1.4.2');
    assert.deepEqual(
      byVersion.json<{ items: Item[] }>().items.map((r) => r.id),
      [releaseId],
    );
    const beta = await get('/releases?project=web&channel=Beta');
    assert.deepEqual(beta.json<{ items: Item[] }>().items, []);
    expectError(await get('/releases?colour=1'), 400, 'INVALID_INPUT', /colour/);
    const one = await get(`/releases/${releaseId}`);
    assert.equal(one.statusCode, 200);
    assert.equal(one.json<Item>().id, releaseId);
    expectError(await get('/releases/Releases-nope'), 404, 'NOT_FOUND');
  });

  it('POST /releases/{id}/snapshot-variables takes the snapshot again', async () => {
    const res = await post(`/releases/${releaseId}/snapshot-variables`, {});
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json<{ variablesSnapshotVersion: number }>().variablesSnapshotVersion, 2);
  });

  it('POST /deployments refuses Prod first (409 with the reason), deploys Dev (201 items)', async () => {
    expectError(
      await post('/deployments', { release: releaseId, environment: 'Prod' }),
      409,
      'LIFECYCLE_REFUSED',
      /^Prod is not allowed yet for release 1\.4\.2/,
    );
    const res = await post('/deployments', { release: releaseId, environment: 'Dev' });
    assert.equal(res.statusCode, 201, res.body);
    const items = res.json<{ items: (Item & { state: string })[] }>().items;
    assert.equal(items.length, 1);
    assert.equal(items[0]?.state, 'queued');
    devDeployment = items[0]!.id;
    expectError(
      await post('/deployments', { release: releaseId, environment: 'Dev', tenants: 3 }),
      400,
      'INVALID_INPUT',
      /tenants/,
    );
  });

  it('GET /releases/{id}/progression names phases and environments', async () => {
    const res = await get(`/releases/${releaseId}/progression`);
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json<{
      phases: { name: string; environments: { name: string; allowed: boolean; reason?: string }[] }[];
    }>();
    assert.deepEqual(
      body.phases.map((p) => p.name),
      ['Development', 'Production'],
    );
    const prod = body.phases[1]?.environments[0];
    assert.equal(prod?.name, 'Prod');
    assert.equal(prod?.allowed, false);
    assert.match(prod?.reason ?? '', /Development/);
    assert.equal((await get(`/releases/${releaseId}/progression?tenant=Acme`)).statusCode, 200);
    expectError(await get(`/releases/${releaseId}/progression?tenant=Nobody`), 404, 'NOT_FOUND');
  });

  it('a deployer scoped to Dev may deploy to Dev but not to Prod (403), even once Prod is allowed', async () => {
    await f.finish(devDeployment);
    const dev = await post('/deployments', { release: releaseId, environment: 'Dev' }, 'alice');
    assert.equal(dev.statusCode, 201, dev.body);
    expectError(
      await post('/deployments', { release: releaseId, environment: 'Prod' }, 'alice'),
      403,
      'FORBIDDEN',
      /Prod|Environments-/,
    );
    expectError(
      await post('/deployments/promote', { project: 'web', from: 'Dev', to: 'Prod' }, 'alice'),
      403,
      'FORBIDDEN',
    );
    const prod = await post('/deployments', { release: releaseId, environment: 'Prod' });
    assert.equal(prod.statusCode, 201, prod.body);
  });

  it('authorises each tenant of a deployment: a deployer limited to Acme may deploy to Acme only', async () => {
    const users = apiKeysRepository(f.api.store.db);
    const tina = await users.createUser({ name: 'tina' }, { actor: 'test' });
    const { key } = await users.createApiKey(tina.id, { name: 't' }, { actor: 'test' });
    const team = await post('/teams', {
      name: 'Acme deployers',
      members: ['tina'],
      grants: [{ role: 'deployer', tenants: ['Acme'] }],
    });
    assert.equal(team.statusCode, 201, team.body);
    const asTina = (payload: Record<string, unknown>) =>
      f.api.app.inject({
        method: 'POST',
        url: `${SPACE_URL}/deployments`,
        payload,
        headers: { authorization: `Bearer ${key}` },
      });
    expectError(await asTina({ release: releaseId, environment: 'Dev' }), 403, 'FORBIDDEN', /tina/);
    const ok = await asTina({ release: releaseId, environment: 'Dev', tenants: ['Acme'] });
    assert.equal(ok.statusCode, 201, ok.body);
    assert.equal(ok.json<{ items: { tenantId: string }[] }>().items[0]?.tenantId, f.examples.tenant!.id);
  });

  it('POST /deployments/promote deploys what Dev has to Prod', async () => {
    const res = await post('/deployments/promote', {
      project: 'web',
      from: 'Dev',
      to: 'Prod',
      comments: 'promoted from CI',
    });
    assert.equal(res.statusCode, 201, res.body);
    const [promoted] = res.json<{ items: { releaseId: string; comments: string }[] }>().items;
    assert.equal(promoted?.releaseId, releaseId);
    assert.equal(promoted?.comments, 'promoted from CI');
    expectError(
      await post('/deployments/promote', { project: 'web', from: 'Dev' }),
      400,
      'INVALID_INPUT',
      /to/,
    );
  });

  it('GET /deployments filters; GET /deployments/{id} reads one', async () => {
    const all = await get(`/deployments?project=web&environment=Dev&release=${releaseId}`);
    assert.equal(all.statusCode, 200, all.body);
    const items = all.json<{ items: (Item & { environmentId: string })[] }>().items;
    assert.ok(items.length >= 2);
    assert.ok(items.every((d) => d.environmentId === f.env.Dev));
    const done = await get('/deployments?state=success');
    assert.deepEqual(
      done.json<{ items: Item[] }>().items.map((d) => d.id),
      [devDeployment],
    );
    expectError(await get('/deployments?state=bogus'), 400, 'INVALID_INPUT', /bogus/);
    const one = await get(`/deployments/${devDeployment}`);
    assert.equal(one.json<{ state: string }>().state, 'success');
  });

  it('POST /deployments/{id}/cancel cancels a queued one (202), refuses a finished one (409) and a scope outside the grant (403)', async () => {
    expectError(await post(`/deployments/${devDeployment}/cancel`, {}), 409, 'CONFLICT', /already finished/);
    const queuedProd = (await get('/deployments?environment=Prod&state=queued')).json<{ items: Item[] }>()
      .items[0];
    assert.ok(queuedProd);
    expectError(await post(`/deployments/${queuedProd.id}/cancel`, {}, 'alice'), 403, 'FORBIDDEN');
    const res = await post(`/deployments/${queuedProd.id}/cancel`, {});
    assert.equal(res.statusCode, 202, res.body);
    assert.equal(res.json<{ state: string }>().state, 'canceled');
  });

  it('GET /deployments/{id}/log pages lines after a seq', async () => {
    const repo = deploymentsRepository(f.api.store.db, f.api.deps.secrets);
    await repo.appendLog(devDeployment, [
      { path: [], level: 'info', at: new Date(), message: 'one' },
      { path: ['Deploy'], level: 'warning', at: new Date(), message: 'two' },
      { path: ['Deploy'], level: 'info', at: new Date(), message: 'three' },
    ]);
    const first = await get(`/deployments/${devDeployment}/log?limit=2`);
    assert.equal(first.statusCode, 200, first.body);
    const page = first.json<{ items: { seq: number; message: string }[]; nextAfter: number }>();
    assert.deepEqual(
      page.items.map((l) => l.message),
      ['one', 'two'],
    );
    const rest = await get(`/deployments/${devDeployment}/log?after=${page.nextAfter}`);
    assert.deepEqual(
      rest.json<{ items: { message: string }[] }>().items.map((l) => l.message),
      ['three'],
    );
    expectError(await get(`/deployments/${devDeployment}/log?after=-1`), 400, 'INVALID_INPUT', /after/);
  });

  it('interruptions: listed per deployment; answered only in scope and by a responsible team (403 naming it)', async () => {
    const repo = deploymentsRepository(f.api.store.db, f.api.deps.secrets);
    const teams = resourcesRepository(f.api.store.db, f.api.deps.secrets, RESOURCE_KINDS.team);
    const other = await teams.create(
      f.examples.team!.spaceId,
      { name: 'Release managers', members: [], grants: [] },
      { actor: 'tester' },
    );
    const [running] = (await post('/deployments', { release: releaseId, environment: 'Dev' })).json<{
      items: Item[];
    }>().items;
    assert.ok(running);
    const approval = await repo.interrupt(running.id, {
      kind: 'manual-intervention',
      step: 'Approve',
      title: 'Approve the release',
      instructions: 'Check Dev first.',
      responsibleTeamIds: [other.id],
    });
    const list = await get(`/deployments/${running.id}/interruptions`);
    assert.equal(list.statusCode, 200, list.body);
    assert.deepEqual(
      list.json<{ items: Item[] }>().items.map((i) => i.id),
      [approval.id],
    );
    expectError(
      await post(`/interruptions/${approval.id}/answer`, { answer: 'proceed' }, 'alice'),
      403,
      'FORBIDDEN',
      /Release managers/,
    );
    expectError(
      await post(`/interruptions/${approval.id}/answer`, { answer: 'retry' }),
      400,
      'INVALID_INPUT',
      /proceed, abort/,
    );
    expectError(
      await post(`/interruptions/${approval.id}/answer`, { answer: 'maybe' }),
      400,
      'INVALID_INPUT',
      /answer/,
    );
    const ok = await post(`/interruptions/${approval.id}/answer`, { answer: 'proceed', notes: 'looks good' });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json<{ answer: string; answeredBy: string }>().answeredBy, 'admin');
    expectError(await post(`/interruptions/${approval.id}/answer`, { answer: 'proceed' }), 409, 'CONFLICT');
    // Anyone who may submit in the deployment's scope answers an interruption without teams.
    const open = await repo.interrupt(running.id, {
      kind: 'guided-failure',
      step: 'Deploy',
      title: 'Deploy failed',
      instructions: '',
      responsibleTeamIds: [],
    });
    const byAlice = await post(`/interruptions/${open.id}/answer`, { answer: 'retry' }, 'alice');
    assert.equal(byAlice.statusCode, 200, byAlice.body);
  });

  it('GET /dashboard shows the latest per environment, filtered to visible projects', async () => {
    const res = await get('/dashboard');
    assert.equal(res.statusCode, 200, res.body);
    const items = res.json<{
      items: { projectId: string; environmentId: string; releaseVersion: string }[];
    }>().items;
    assert.ok(items.some((i) => i.environmentId === f.env.Dev && i.releaseVersion === '1.4.2'));
    const alice = await get('/dashboard', 'alice');
    assert.equal(alice.statusCode, 200);
    assert.ok(
      alice
        .json<{ items: { projectId: string }[] }>()
        .items.every((i) => i.projectId === f.examples.project!.id),
    );
    // One project's page, by name; an unknown project or parameter is named.
    const one = await get('/dashboard?project=web');
    assert.equal(one.statusCode, 200, one.body);
    const mine = one.json<{ items: { projectId: string }[] }>().items;
    assert.ok(mine.length > 0 && mine.every((i) => i.projectId === f.examples.project!.id));
    const missing = await get('/dashboard?project=nope');
    assert.equal(missing.statusCode, 404);
    assert.match(missing.json<{ message: string }>().message, /no project "nope"/);
    const bad = await get('/dashboard?projects=web');
    assert.equal(bad.statusCode, 400);
  });

  it('documents every route in the OpenAPI document with named schemas', async () => {
    const doc = (await f.as('admin', { method: 'GET', url: '/api/openapi.json' })).json<{
      paths: Record<string, unknown>;
      components: { schemas: Record<string, unknown> };
    }>();
    for (const path of [
      '/api/spaces/{space}/releases',
      '/api/spaces/{space}/releases/{id}/progression',
      '/api/spaces/{space}/deployments',
      '/api/spaces/{space}/deployments/{id}/log/stream',
      '/api/spaces/{space}/interruptions/{id}/answer',
      '/api/spaces/{space}/dashboard',
    ]) {
      assert.ok(doc.paths[path], path);
    }
    for (const name of [
      'Release',
      'ReleaseCreate',
      'Deployment',
      'DeploymentCreate',
      'TaskLogPage',
      'Interruption',
      'Dashboard',
    ]) {
      assert.ok(doc.components.schemas[name], name);
    }
  });
});
