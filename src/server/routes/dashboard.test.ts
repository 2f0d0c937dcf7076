/**
 * GET /dashboard draws a page in one request: names of projects, environments (in order) and a
 * project's tenants, who started each deployment; the whole space per project × environment with the
 * tenants counted; and the in-memory read model follows new deployments and state changes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startReleaseFixture, type ReleaseFixture } from '../../../test/kits/releases.js';
import { SPACE_URL } from '../../../test/kits/server-resources.js';
import { dashboardItems } from '../../store/dashboard.js';

interface Item {
  projectId: string;
  environmentId: string;
  tenantId?: string;
  deploymentId: string;
  releaseVersion: string;
  state: string;
  createdBy: string;
}
interface Answer {
  items: Item[];
  cells?: { projectId: string; environmentId: string; tenantStates: Record<string, number> }[];
  projects: { id: string; name: string; tenantedMode: string }[];
  environments: { id: string; name: string }[];
  tenants?: { id: string; name: string; tags: string[]; environmentIds: string[] }[];
}

describe('the dashboard route', () => {
  let f: ReleaseFixture;
  let releaseId = '';
  const post = async (url: string, payload: Record<string, unknown>) => {
    const res = await f.as('admin', { method: 'POST', url: `${SPACE_URL}${url}`, payload });
    assert.equal(res.statusCode, 201, res.body);
    return res.json<{ id: string; items: { id: string }[] }>();
  };
  const dashboard = async (query = '') => {
    const res = await f.as('admin', { method: 'GET', url: `${SPACE_URL}/dashboard${query}` });
    assert.equal(res.statusCode, 200, res.body);
    return res.json<Answer>();
  };
  before(async () => {
    f = await startReleaseFixture();
    releaseId = (await post('/releases', { project: 'web', version: '1.4.2', packages: ['web:1.2.0'] })).id;
  });
  after(async () => {
    await f.api.close();
  });

  it('answers names, environments in order, one item per kind per cell and the tenants counted', async () => {
    // Creating the release deployed it to Dev automatically (the lifecycle), untenanted and for Acme.
    const body = await dashboard();
    const web = f.examples.project!.id;
    assert.deepEqual(
      body.environments.map((e) => e.name),
      ['Dev', 'Prod'],
    );
    assert.deepEqual(
      body.projects.map((p) => [p.name, p.tenantedMode]),
      [['web', 'both']],
    );
    assert.deepEqual(
      body.items.map((i) => [i.environmentId, i.tenantId ?? '', i.state, i.releaseVersion, i.createdBy]),
      [
        [f.env.Dev, '', 'queued', '1.4.2', 'system (automatic)'],
        [f.env.Dev, f.examples.tenant!.id, 'queued', '1.4.2', 'system (automatic)'],
      ],
    );
    assert.deepEqual(body.cells, [{ projectId: web, environmentId: f.env.Dev, tenantStates: { queued: 1 } }]);
  });

  it('follows state changes and new deployments on the next read', async () => {
    const [untenanted, acme] = (await dashboard()).items.map((i) => i.deploymentId);
    await f.finish(untenanted!);
    await f.finish(acme!, 'failed');
    const finished = await dashboard();
    assert.deepEqual(
      finished.items.map((i) => i.state),
      ['success', 'failed'],
    );
    assert.deepEqual(finished.cells?.[0]?.tenantStates, { failed: 1 });
    const again = (await post('/deployments', { release: releaseId, environment: 'Dev', tenants: ['Acme'] }))
      .items[0]!.id;
    const next = await dashboard();
    assert.equal(next.items[1]?.deploymentId, again);
    assert.equal(next.items[1]?.createdBy, 'admin');
    assert.deepEqual(next.cells?.[0]?.tenantStates, { queued: 1 });
  });

  it('answers one project with its tenants, tags and environments, by name', async () => {
    const body = await dashboard('?project=web');
    assert.equal(body.cells, undefined);
    assert.deepEqual(body.tenants, [
      {
        id: f.examples.tenant!.id,
        name: 'Acme',
        tags: ['Tier/Gold'],
        environmentIds: [f.env.Dev, f.env.Prod],
      },
    ]);
    assert.equal(body.items.length, 2);
    assert.deepEqual(
      body.projects.map((p) => p.name),
      ['web'],
    );
  });

  it('agrees with a fresh read model after a redeploy (newest wins the group)', async () => {
    const again = (await post('/deployments', { release: releaseId, environment: 'Dev' })).items[0]!.id;
    const cached = await dashboardItems(f.api.store.db, f.examples.project!.spaceId as string);
    assert.ok(cached.some((i) => i.deploymentId === again && i.tenantId === undefined));
    assert.equal(cached.filter((i) => i.tenantId === undefined && i.environmentId === f.env.Dev).length, 1);
  });
});
