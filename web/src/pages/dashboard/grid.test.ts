/** The dashboards' grids, the tenant filter and its URL form, and the polling pace. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildSpaceGrid,
  buildTenantGrid,
  filterTenants,
  readFilter,
  tagGroups,
  tenantEnvironments,
  tenantSummary,
  writeFilter,
} from './grid.js';
import type { Dashboard, DashboardItem } from './types.js';

const item = (over: Partial<DashboardItem>): DashboardItem => ({
  projectId: 'P1',
  environmentId: 'E1',
  releaseId: 'R1',
  releaseVersion: '1.0.0',
  deploymentId: 'D1',
  state: 'success',
  createdAt: '2026-01-01T00:00:00.000Z',
  createdBy: 'alice',
  ...over,
});

const space: Dashboard = {
  projects: [
    { id: 'P1', name: 'web', tenantedMode: 'untenanted' },
    { id: 'P2', name: 'api', tenantedMode: 'tenanted' },
  ],
  environments: [
    { id: 'E1', name: 'Dev' },
    { id: 'E2', name: 'Prod' },
  ],
  items: [
    item({ tenantId: 'T1', deploymentId: 'D0', releaseVersion: '0.9' }),
    item({}),
    item({ projectId: 'P2', environmentId: 'E2', tenantId: 'T1', deploymentId: 'D2', state: 'executing' }),
  ],
  cells: [{ projectId: 'P2', environmentId: 'E2', tenantStates: { executing: 1, success: 3 } }],
};

describe('the space grid', () => {
  it('draws projects × environments in order, untenanted first, never-deployed cells empty', () => {
    const rows = buildSpaceGrid(space);
    assert.deepEqual(
      rows.map((r) => r.project.name),
      ['web', 'api'],
    );
    assert.deepEqual(
      rows[0]!.cells.map((c) => c.environmentId),
      ['E1', 'E2'],
    );
    assert.equal(rows[0]!.cells[0]!.item?.deploymentId, 'D1');
    assert.equal(rows[0]!.cells[1]!.item, undefined);
    assert.equal(rows[1]!.cells[1]!.item?.deploymentId, 'D2');
    assert.deepEqual(rows[1]!.cells[1]!.tenantStates, { executing: 1, success: 3 });
  });

  it('summarises tenant states most first', () => {
    assert.deepEqual(tenantSummary({ executing: 1, success: 3, failed: 0 }), [
      { state: 'success', count: 3 },
      { state: 'executing', count: 1 },
    ]);
  });
});

describe('the tenant grid and filter', () => {
  const project: Dashboard = {
    projects: [{ id: 'P1', name: 'web', tenantedMode: 'tenanted' }],
    environments: [
      { id: 'E1', name: 'Dev' },
      { id: 'E2', name: 'Test' },
      { id: 'E3', name: 'Prod' },
    ],
    tenants: [
      { id: 'T1', name: 'Acme', tags: ['Tier/Gold', 'Region/EU'], environmentIds: ['E1', 'E3'] },
      { id: 'T2', name: 'Globex', tags: ['Tier/Silver', 'Region/EU'], environmentIds: ['E1'] },
      { id: 'T3', name: 'Initech', tags: ['Tier/Gold', 'Region/US'], environmentIds: ['E1'] },
    ],
    items: [item({ tenantId: 'T1', environmentId: 'E3' }), item({ environmentId: 'E2' })],
  };

  it('keeps the environments tenants use, in order, and marks each cell', () => {
    assert.deepEqual(
      tenantEnvironments(project).map((e) => e.name),
      ['Dev', 'Prod'],
    );
    const rows = buildTenantGrid(project);
    assert.deepEqual(
      rows[0]!.cells.map((c) => c.kind),
      ['not-deployed', 'deployed'],
    );
    assert.deepEqual(
      rows[1]!.cells.map((c) => c.kind),
      ['not-deployed', 'not-connected'],
    );
  });

  it('filters by name (ignoring case) and by tags: any within a set, every set', () => {
    const rows = buildTenantGrid(project);
    const names = (search: string, tags: string[]) =>
      filterTenants(rows, { search, tags }).map((r) => r.tenant.name);
    assert.deepEqual(names('', []), ['Acme', 'Globex', 'Initech']);
    assert.deepEqual(names('GLOB', []), ['Globex']);
    assert.deepEqual(names('', ['Tier/Gold']), ['Acme', 'Initech']);
    assert.deepEqual(names('', ['Tier/Gold', 'Tier/Silver']), ['Acme', 'Globex', 'Initech']);
    assert.deepEqual(names('', ['Tier/Gold', 'Region/EU']), ['Acme']);
    assert.deepEqual(names('ini', ['Region/EU']), []);
  });

  it('groups the tags by set, and round-trips the filter through the URL', () => {
    assert.deepEqual(tagGroups(project.tenants!), [
      { set: 'Region', tags: ['Region/EU', 'Region/US'] },
      { set: 'Tier', tags: ['Tier/Gold', 'Tier/Silver'] },
    ]);
    const params = writeFilter(new URLSearchParams('other=1'), {
      search: 'ac',
      tags: ['Tier/Gold', 'Region/EU'],
    });
    assert.equal(params.toString(), 'other=1&q=ac&tag=Tier%2FGold&tag=Region%2FEU');
    assert.deepEqual(readFilter(params), { search: 'ac', tags: ['Tier/Gold', 'Region/EU'] });
    assert.equal(writeFilter(params, { search: ' ', tags: [] }).toString(), 'other=1');
  });
});
