import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  emptyTenantForm,
  filterTenants,
  setConnection,
  tagChoices,
  tenantToForm,
  toggle,
} from './tenant-form.js';
import type { TagSetJson, TenantJson } from './types.js';

const base = { spaceId: 'Spaces-1', version: 1, createdAt: '', updatedAt: '', description: '' };

describe('tenant form', () => {
  it('connects a project environment by environment, dropping a project left without any', () => {
    let form = emptyTenantForm();
    form = setConnection(form, 'P1', 'E1', true);
    form = setConnection(form, 'P1', 'E2', true);
    assert.deepEqual(form.projects, [{ project: 'P1', environments: ['E1', 'E2'] }]);
    form = setConnection(form, 'P1', 'E1', false);
    assert.deepEqual(form.projects, [{ project: 'P1', environments: ['E2'] }]);
    form = setConnection(form, 'P1', 'E2', false);
    assert.deepEqual(form.projects, []);
  });

  it('reads a tenant into a form without sharing its lists', () => {
    const tenant: TenantJson = {
      ...base,
      id: 'T1',
      name: 'Acme',
      tags: ['Tier/Gold'],
      projects: [{ project: 'P1', environments: ['E1'] }],
    };
    const form = tenantToForm(tenant);
    form.tags.push('Region/EU');
    assert.deepEqual(tenant.tags, ['Tier/Gold']);
    assert.deepEqual(toggle(form.tags, 'Tier/Gold', false), ['Region/EU']);
  });

  it('offers each tag set’s tags as Set/Tag', () => {
    const sets: TagSetJson[] = [
      { ...base, id: 'S1', name: 'Tier', tags: [{ name: 'Gold', color: '#aa8800', description: '' }] },
    ];
    assert.deepEqual(tagChoices(sets), [
      { set: 'Tier', tags: [{ value: 'Tier/Gold', name: 'Gold', color: '#aa8800' }] },
    ]);
  });

  it('filters by name and by every chosen tag', () => {
    const tenants = [
      { name: 'Acme', tags: ['Tier/Gold', 'Region/EU'] },
      { name: 'Globex', tags: ['Tier/Silver'] },
    ];
    assert.deepEqual(
      filterTenants(tenants, 'glo', []).map((t) => t.name),
      ['Globex'],
    );
    assert.deepEqual(
      filterTenants(tenants, '', ['tier/gold', 'Region/EU']).map((t) => t.name),
      ['Acme'],
    );
    assert.deepEqual(filterTenants(tenants, 'acme', ['Tier/Silver']), []);
  });
});
