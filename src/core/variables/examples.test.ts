// The worked examples of docs/variables.md, exactly as written there.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveVariables } from './index.js';
import { library, variable } from '../../../test/kits/variables.js';
import type { DeploymentContext, ScopedVariable } from './types.js';

function value(vars: ScopedVariable[], context: DeploymentContext, name: string): string | undefined {
  return resolveVariables(vars, context).values[name];
}

describe('docs/variables.md example 1: environments, roles and a library set', () => {
  const shared = { kind: 'library', setId: 'set-shared', setName: 'Shared' } as const;
  const vars = [
    variable('v1', 'Api.Url', 'https://api.example.com'),
    variable('v2', 'Api.Url', 'https://api.staging.example.com', { environments: ['Staging'] }),
    variable(
      'v3',
      'Api.Url',
      'https://api.prod.example.com',
      { environments: ['Production'] },
      { source: shared },
    ),
    variable('v4', 'Api.Url', 'http://localhost:8080', { roles: ['worker'] }),
  ];
  const ecs1 = { id: 'ecs-1', roles: ['web', 'worker'] };
  const ecs2 = { id: 'ecs-2', roles: ['web'] };
  const migrate = { id: 'migrate', roles: ['worker'] };
  const web = { id: 'web', roles: ['web'] };
  const cases: [string, DeploymentContext, string][] = [
    [
      'step role beats environment',
      { environment: 'Production', target: ecs1, step: migrate },
      'http://localhost:8080',
    ],
    [
      'target role beats environment',
      { environment: 'Production', target: ecs1, step: web },
      'http://localhost:8080',
    ],
    [
      'library environment value beats unscoped project value',
      { environment: 'Production', target: ecs2, step: web },
      'https://api.prod.example.com',
    ],
    [
      'only the unscoped value matches',
      { environment: 'Dev', target: ecs2, step: migrate },
      'https://api.example.com',
    ],
  ];
  for (const [title, context, expected] of cases) {
    it(title, () => assert.equal(value(vars, context, 'Api.Url'), expected));
  }
});

describe('docs/variables.md example 2: more dimensions beat a better single dimension', () => {
  const context = { environment: 'Production', channel: 'Stable', step: { id: 'canary', roles: [] } };
  it('environment + channel beats step', () => {
    const vars = [
      variable('s1', 'Replicas', '1', { steps: ['canary'] }),
      variable('s2', 'Replicas', '6', { environments: ['Production'], channels: ['Stable'] }),
    ];
    assert.equal(value(vars, context, 'Replicas'), '6');
  });
  it('step + environment beats environment + channel', () => {
    const vars = [
      variable('s1', 'Replicas', '1', { steps: ['canary'], environments: ['Production'] }),
      variable('s2', 'Replicas', '6', { environments: ['Production'], channels: ['Stable'] }),
    ];
    assert.equal(value(vars, context, 'Replicas'), '1');
  });
});

describe('docs/variables.md example 3: untenanted deployments', () => {
  const vars = [
    variable('t1', 'Schema', 'acme', { tenants: ['acme'] }),
    variable('t2', 'Schema', 'eu_shared', { tenantTags: ['Region/EU'] }),
    variable('t3', 'Banner', 'Welcome, EU customer', { tenantTags: ['Region/EU'] }),
  ];
  it('a tenant sees the tenant value over the tag value', () => {
    const r = resolveVariables(vars, {
      environment: 'Production',
      tenant: { id: 'acme', tags: ['Region/EU'] },
    });
    assert.deepEqual(r.values, { Schema: 'acme', Banner: 'Welcome, EU customer' });
  });
  it('an untenanted deployment sees neither', () => {
    assert.deepEqual(resolveVariables(vars, { environment: 'Production' }).values, {});
  });
});

describe('docs/variables.md example 4: ties', () => {
  const vars = [
    variable('l1', 'LogLevel', 'info', {}, { source: library('set-base', 0, 'Base') }),
    variable('l2', 'LogLevel', 'debug', {}, { source: library('set-debugging', 1, 'Debugging') }),
    variable('e2', 'Timeout', '30', { environments: ['Production', 'Staging'] }),
    variable('e1', 'Timeout', '60', { environments: ['Production'] }),
  ];
  it('the set included first, then the smaller id', () => {
    assert.deepEqual(resolveVariables(vars, { environment: 'Production' }).values, {
      LogLevel: 'info',
      Timeout: '60',
    });
  });
  it('the id decides, not the length of the lists', () => {
    const swapped = [
      variable('e1', 'Timeout', '60', { environments: ['Production', 'Staging'] }),
      variable('e2', 'Timeout', '30', { environments: ['Production'] }),
    ];
    assert.equal(value(swapped, { environment: 'Production' }, 'Timeout'), '60');
  });
});
