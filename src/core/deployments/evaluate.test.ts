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

describe('evaluateAction: values derived from sensitive variables', () => {
  it('adds every value computed from a sensitive one to variables.sensitive, so the masker learns it', () => {
    const run = step('Run', {
      action: {
        type: 'run-script',
        packages: [],
        script:
          'echo #{Db.Password | ToLower}; echo #{Db.Password | Replace "(.)" "$1 "}; echo #{Conn | ToBase64}',
        note: 'plain #{Env | ToUpper}',
      },
    });
    const f = facts({ process: { steps: [run] } });
    const variables = stepVariables({
      facts: f,
      snapshot: [
        variable('1', 'Db.Password', 'Hunter2-Secret', {}, { type: 'sensitive' }),
        variable('2', 'Conn', 'Server=db;Password=#{Db.Password}'),
        variable('3', 'Env', 'prod'),
      ],
      tenantValues: {},
      prompted: {},
      outputs: {},
      step: planDeployment(f)[0]!,
    });
    assert.deepEqual(variables.sensitive, ['Hunter2-Secret']);
    evaluateAction(run.action, variables);
    assert.deepEqual(variables.sensitive, [
      'Hunter2-Secret',
      'hunter2-secret',
      'H u n t e r 2 - S e c r e t ',
      btoa('Server=db;Password=Hunter2-Secret'),
    ]);
  });

  it('keeps what it learned when a later property fails', () => {
    const variables: StepVariables = {
      values: { Secret: 'Hunter2-Secret', L: '1,2' },
      sensitive: ['Hunter2-Secret'],
    };
    assert.throws(() => evaluateAction(action({ a: '#{Secret | ToUpper}', b: '#{Missing}' }), variables));
    assert.deepEqual(variables.sensitive, ['Hunter2-Secret', 'HUNTER2-SECRET']);
  });

  it('holds the derived values of the whole action to maxSensitiveLength', () => {
    const variables: StepVariables = {
      values: { Secret: 'x'.repeat(30_000) },
      sensitive: ['x'.repeat(30_000)],
    };
    const props = Object.fromEntries(['a', 'b', 'c', 'd'].map((k) => [k, `#{Secret | Prepend "${k}"}`]));
    assert.throws(
      () => evaluateAction(action(props), variables),
      (e: unknown) =>
        e instanceof SlipwayError &&
        e.code === 'TEMPLATE_TOO_EXPENSIVE' &&
        e.data['budget'] === 'maxSensitiveLength',
    );
    assert.doesNotThrow(() =>
      evaluateAction(action({ a: props['a'], b: props['b'], c: props['c'] }), {
        ...variables,
        sensitive: [...variables.sensitive],
      }),
    );
  });

  it('ends a template over its budget with TEMPLATE_TOO_EXPENSIVE, not as a template that does not parse', () => {
    const items = Array.from({ length: 1000 }, (_, i) => i).join(',');
    const variables: StepVariables = { values: { L: items }, sensitive: [] };
    const script = '#{each a in L}#{each b in L}#{each c in L}#{a}#{b}#{c}#{/each}#{/each}#{/each}';
    assert.throws(
      () => evaluateAction(action({ script }), variables),
      (e: unknown) =>
        e instanceof SlipwayError && e.code === 'TEMPLATE_TOO_EXPENSIVE' && !/valid #\{/.test(e.message),
    );
  });
});
