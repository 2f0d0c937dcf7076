import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseInput } from '../parse.js';
import { badRows, itRejects, withValue } from '../../../../test/kits/model-schema.js';
import { processKind } from './process.js';

/** A process: migrations from the Update step's revision, then that step (with keepRevisions). */
const base = {
  steps: [
    {
      name: 'Migrate',
      roles: ['web'],
      action: {
        type: 'ecs-run-task',
        fromStep: 'Deploy',
        containers: [{ name: 'app', command: ['./manage', 'migrate', '#{Db}'] }],
      },
    },
    {
      name: 'Deploy',
      roles: ['web'],
      action: { type: 'ecs-update-service', service: 'web', keepRevisions: 5 },
    },
  ],
};
const run = ['steps', 0, 'action'] as const;
const update = ['steps', 1, 'action'] as const;

describe('ecs-run-task action', () => {
  it('accepts fromStep or taskDefinition, with defaults', () => {
    const p = parseInput(processKind.schema, base, 'process');
    const [a, b] = p.steps.map((s) => s.action);
    assert.ok(a?.type === 'ecs-run-task');
    assert.equal(a.timeoutMinutes, 30);
    assert.deepEqual(a.containers, [
      { name: 'app', command: ['./manage', 'migrate', '#{Db}'], environment: [] },
    ]);
    assert.ok(b?.type === 'ecs-update-service');
    assert.equal(b.keepRevisions, 5);
    const byFamily = withValue(
      withValue(base, [...run, 'fromStep'], undefined),
      [...run, 'taskDefinition'],
      'db-migrate:3',
    );
    const q = parseInput(processKind.schema, byFamily, 'process');
    assert.ok(
      q.steps[0]?.action.type === 'ecs-run-task' && q.steps[0].action.taskDefinition === 'db-migrate:3',
    );
    // keepRevisions is optional: off by default.
    const plain = parseInput(
      processKind.schema,
      withValue(base, [...update, 'keepRevisions'], undefined),
      'process',
    );
    assert.ok(
      plain.steps[1]?.action.type === 'ecs-update-service' &&
        plain.steps[1].action.keepRevisions === undefined,
    );
  });

  it('needs target roles (it runs on the target’s cluster)', () => {
    assert.throws(
      () => parseInput(processKind.schema, withValue(base, ['steps', 0, 'roles'], []), 'process'),
      /a "ecs-run-task" step needs at least one target role/,
    );
  });

  it('needs exactly one of taskDefinition and fromStep, and no unknown field', () => {
    const parse = (doc: unknown) => () => parseInput(processKind.schema, doc, 'process');
    assert.throws(parse(withValue(base, [...run, 'fromStep'], undefined)), /action: give taskDefinition/);
    assert.throws(
      parse(withValue(base, [...run, 'taskDefinition'], 'web')),
      /action\.fromStep: give taskDefinition or fromStep, not both/,
    );
    assert.throws(
      parse(withValue(base, [...run, 'image'], 'x')),
      /unknown field "image" in an "ecs-run-task" action/,
    );
  });

  itRejects(
    it,
    processKind,
    badRows('process', base, [
      ['an empty command', [...run, 'containers', 0, 'command'], [], 'command must not be empty'],
      ['an unknown launch type', [...run, 'launchType'], 'LAMBDA', 'launchType must be one of'],
      ['a timeout of 0', [...run, 'timeoutMinutes'], 0, 'timeoutMinutes must be at least 1'],
      ['keepRevisions of 0', [...update, 'keepRevisions'], 0, 'keepRevisions must be at least 1'],
    ]),
  );
});
