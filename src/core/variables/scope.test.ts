import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchScope, roleMatch, type RankedDimension } from './scope.js';
import { FULL, UNTENANTED } from '../../../test/kits/variables.js';
import type { DeploymentContext, VariableScope } from './types.js';

function dims(scope: VariableScope, context: DeploymentContext = FULL): RankedDimension[] | undefined {
  return matchScope(scope, context)?.dimensions.slice().sort();
}

describe('matchScope: the basic rules', () => {
  it('an unscoped value matches every context, with no dimensions', () => {
    assert.deepEqual(dims({}), []);
    assert.deepEqual(dims({}, { environment: 'Dev' }), []);
  });

  it('an empty list is the same as no list', () => {
    assert.deepEqual(dims({ environments: [], roles: [], tenants: [] }, { environment: 'Dev' }), []);
  });

  it('values OR within a dimension', () => {
    assert.deepEqual(dims({ environments: ['Staging', 'Production'] }), ['environment']);
    assert.equal(dims({ environments: ['Staging', 'Dev'] }), undefined);
  });

  it('dimensions AND across', () => {
    assert.deepEqual(dims({ environments: ['Production'], channels: ['Beta'] }), ['channel', 'environment']);
    assert.equal(dims({ environments: ['Production'], channels: ['Stable'] }), undefined);
    assert.equal(dims({ environments: ['Dev'], channels: ['Beta'] }), undefined);
  });

  it('each dimension matches its own field of the context', () => {
    const cases: [VariableScope, RankedDimension][] = [
      [{ steps: ['deploy'] }, 'step'],
      [{ targets: ['ecs-1'] }, 'target'],
      [{ tenants: ['tenant-acme'] }, 'tenant'],
      [{ tenantTags: ['Tier/Gold'] }, 'tenantTag'],
      [{ environments: ['Production'] }, 'environment'],
      [{ channels: ['Beta'] }, 'channel'],
      [{ processes: ['deployment'] }, 'process'],
    ];
    for (const [scope, dimension] of cases) assert.deepEqual(dims(scope), [dimension], JSON.stringify(scope));
  });

  it('a scoped dimension the context lacks never matches', () => {
    const bare: DeploymentContext = { environment: 'Production' };
    for (const scope of [
      { steps: ['deploy'] },
      { targets: ['ecs-1'] },
      { roles: ['web'] },
      { channels: ['Beta'] },
      { processes: ['deployment'] },
      { tenants: ['tenant-acme'] },
      { tenantTags: ['Tier/Gold'] },
    ]) {
      assert.equal(dims(scope, bare), undefined, JSON.stringify(scope));
    }
  });

  it('scope values compare case-insensitively', () => {
    assert.deepEqual(dims({ environments: ['PRODUCTION'], tenantTags: ['region/eu'], roles: ['WEB'] }), [
      'environment',
      'stepRole',
      'tenantTag',
    ]);
    assert.deepEqual(dims({ targets: ['ECS-1'], steps: ['Deploy'] }), ['step', 'target']);
  });
});

describe('matchScope: tenants', () => {
  it('untenanted deployments never match tenant or tenant-tag scopes', () => {
    assert.equal(dims({ tenants: ['tenant-acme'] }, UNTENANTED), undefined);
    assert.equal(dims({ tenantTags: ['Region/EU'] }, UNTENANTED), undefined);
    assert.equal(dims({ environments: ['Production'], tenantTags: ['Region/EU'] }, UNTENANTED), undefined);
    assert.deepEqual(dims({ environments: ['Production'] }, UNTENANTED), ['environment']);
  });

  it('a tenant tag matches when the tenant has any of the listed tags', () => {
    assert.deepEqual(dims({ tenantTags: ['Region/US', 'Tier/Gold'] }), ['tenantTag']);
    assert.equal(dims({ tenantTags: ['Region/US'] }), undefined);
  });

  it('another tenant does not match', () => {
    assert.equal(dims({ tenants: ['tenant-other'] }), undefined);
  });
});

describe('roleMatch', () => {
  const target = { id: 'ecs-1', roles: ['web', 'db'] };
  const step = { id: 'deploy', roles: ['web'] };
  const cases: [string, string[], DeploymentContext, RankedDimension | undefined][] = [
    ['target has it and the step targets it', ['web'], { environment: 'P', target, step }, 'stepRole'],
    ['target has it, step does not target it', ['db'], { environment: 'P', target, step }, 'targetRole'],
    [
      'one of the roles is a step role: the better rank',
      ['db', 'web'],
      { environment: 'P', target, step },
      'stepRole',
    ],
    ['target has it, no step', ['db'], { environment: 'P', target }, 'targetRole'],
    [
      'step targets it, target lacks it',
      ['api'],
      { environment: 'P', target, step: { id: 's', roles: ['api'] } },
      undefined,
    ],
    ['no target: the step targets it', ['web'], { environment: 'P', step }, 'targetRole'],
    ['no target: the step does not target it', ['db'], { environment: 'P', step }, undefined],
    ['neither target nor step', ['web'], { environment: 'P' }, undefined],
    ['case-insensitive', ['WEB'], { environment: 'P', target, step }, 'stepRole'],
  ];
  for (const [title, roles, context, expected] of cases) {
    it(title, () => assert.equal(roleMatch(roles, context), expected));
  }
});
