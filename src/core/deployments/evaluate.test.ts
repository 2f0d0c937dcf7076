import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SlipwayError } from '../errors.js';
import { evaluateAction, planDeployment, stepVariables } from './index.js';
import { facts, step, target, variable } from '../../../test/kits/deployment-plan.js';
import type { ProcessStep, StepVariables } from './types.js';

const VARS: StepVariables = {
  values: {
    Service: 'web-#{Octopus.Environment.Name | ToLower}',
    'Octopus.Environment.Name': 'Production',
    Port: '8080',
    Feed: 'Feeds-9',
  },
  sensitive: [],
};

function action(extra: Record<string, unknown>): ProcessStep['action'] {
  return { type: 'ecs-update-service', packages: [], ...extra };
}

function invalid(check: (message: string, data: Record<string, unknown>) => boolean) {
  return (e: unknown) => e instanceof SlipwayError && e.code === 'INVALID_INPUT' && check(e.message, e.data);
}

describe('evaluateAction', () => {
  it('evaluates every string, deeply, and keeps other values and literal fields as they are', () => {
    const result = evaluateAction(
      action({
        service: '#{Service}',
        desiredCount: 3,
        wait: true,
        packages: [{ name: '#{Feed}', feed: '#{Feed}', image: 'team/#{Service}' }],
        containers: [
          { name: 'app', environment: [{ name: 'PORT', value: '#{Port}' }], environmentMode: 'append' },
        ],
        nothing: null,
      }),
      VARS,
    );
    assert.deepEqual(result, {
      type: 'ecs-update-service',
      service: 'web-production',
      desiredCount: 3,
      wait: true,
      packages: [{ name: '#{Feed}', feed: '#{Feed}', image: 'team/web-production' }],
      containers: [
        { name: 'app', environment: [{ name: 'PORT', value: '8080' }], environmentMode: 'append' },
      ],
      nothing: null,
    });
  });

  it('does not evaluate the type', () => {
    const result = evaluateAction({ type: '#{Service}', packages: [] }, VARS);
    assert.equal(result.type, '#{Service}');
  });

  it('lists every missing reference with its property path', () => {
    assert.throws(
      () =>
        evaluateAction(
          action({
            service: '#{Unknown}',
            containers: [{ name: 'app', environment: [{ name: 'A', value: '#{Other} and #{Unknown}' }] }],
          }),
          VARS,
        ),
      invalid(
        (message, data) =>
          message.includes('action.service: #{Unknown}') &&
          message.includes('action.containers[0].environment[0].value: #{Other}') &&
          message.includes('action.containers[0].environment[0].value: #{Unknown}') &&
          Array.isArray(data.missing) &&
          data.missing.length === 3,
      ),
    );
  });

  it('reports a template that does not parse', () => {
    assert.throws(
      () => evaluateAction(action({ script: 'echo #{if X}' }), VARS),
      invalid((message) => message.includes('action.script:') && message.includes('##{')),
    );
  });

  it('a cycle throws TEMPLATE_CYCLE', () => {
    const cyclic: StepVariables = { values: { A: '#{B}', B: '#{A}' }, sensitive: [] };
    assert.throws(
      () => evaluateAction(action({ service: '#{A}' }), cyclic),
      (e: unknown) => e instanceof SlipwayError && e.code === 'TEMPLATE_CYCLE',
    );
  });

  it('works with a step × target dictionary: package image, tenant-free values', () => {
    const deploy = step('Deploy', {
      roles: ['web'],
      action: action({
        packages: [{ name: 'web', feed: 'Feeds-1', image: 'team/web' }],
        service: '#{Service.Name}',
        containers: [{ name: 'app', image: '#{Octopus.Action.Package[web].Image}' }],
      }),
    });
    const f = facts({
      process: { steps: [deploy] },
      targets: [target('Targets-1', ['web'])],
      packages: [{ step: 'Deploy', package: 'web', feedId: 'Feeds-1', image: 'team/web', version: '2.0.1' }],
      registries: { 'Feeds-1': 'registry.example.com' },
    });
    const planned = planDeployment(f)[0]!;
    const variables = stepVariables({
      facts: f,
      snapshot: [
        variable('1', 'Service.Name', 'web-#{Octopus.Machine.Name}'),
        variable('2', 'Service.Name', 'acme', { tenants: ['Tenants-1'] }),
      ],
      tenantValues: {},
      prompted: {},
      outputs: {},
      step: planned,
      target: f.targets[0]!,
    });
    const result = evaluateAction(deploy.action, variables);
    assert.equal(result.service, 'web-Cluster Targets-1');
    assert.deepEqual(result.containers, [{ name: 'app', image: 'registry.example.com/team/web:2.0.1' }]);
  });
});
