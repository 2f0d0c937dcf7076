import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseInput } from '../parse.js';
import { badRows, itRejects, withValue } from '../../../../test/kits/model-schema.js';
import { checkEvaluatedStackAction, MAX_TEMPLATE_BYTES } from './cloudformation.js';
import { processKind } from './process.js';

const TEMPLATE = '{"Resources":{"Logs":{"Type":"AWS::Logs::LogGroup"}}}';

/** A process with one cloudformation-deploy step and one cloudformation-delete step. */
const base = {
  steps: [
    {
      name: 'Stack',
      roles: ['web'],
      action: {
        type: 'cloudformation-deploy',
        stackName: 'web-#{Octopus.Environment.Name}',
        template: TEMPLATE,
        parameters: [{ key: 'Env', value: '#{Octopus.Environment.Name}' }],
        capabilities: ['CAPABILITY_IAM'],
        tags: [{ key: 'team', value: 'web' }],
      },
    },
    { name: 'Drop', roles: ['web'], action: { type: 'cloudformation-delete', stackName: 'old-stack' } },
  ],
};
const deploy = ['steps', 0, 'action'] as const;
const drop = ['steps', 1, 'action'] as const;

describe('cloudformation actions', () => {
  it('accepts both, with defaults', () => {
    const p = parseInput(processKind.schema, base, 'process');
    const [a, b] = p.steps.map((s) => s.action);
    assert.equal(a?.type, 'cloudformation-deploy');
    if (a?.type === 'cloudformation-deploy') {
      assert.equal(a.disableRollback, false);
      assert.deepEqual(a.wait, { mode: 'wait', timeoutMinutes: 30 });
      assert.deepEqual(a.capabilities, ['CAPABILITY_IAM']);
    }
    assert.equal(b?.type, 'cloudformation-delete');
    if (b?.type === 'cloudformation-delete') assert.deepEqual(b.wait, { mode: 'wait', timeoutMinutes: 30 });
  });

  it('needs target roles (it runs in the target’s account and region)', () => {
    assert.throws(
      () => parseInput(processKind.schema, withValue(base, ['steps', 1, 'roles'], []), 'process'),
      /process\.steps\[1\]\.roles: a "cloudformation-delete" step needs at least one target role/,
    );
  });

  itRejects(
    it,
    processKind,
    badRows('process', base, [
      [
        'a stack name starting with a digit',
        [...deploy, 'stackName'],
        '1web',
        'stackName must be a stack name',
      ],
      ['a stack name with "_"', [...drop, 'stackName'], 'my_stack', 'stackName must be a stack name'],
      ['a stack name longer than 128', [...deploy, 'stackName'], 'a'.repeat(129), 'at most 128 characters'],
      [
        'a stack name template that does not parse',
        [...deploy, 'stackName'],
        'web-#{Env',
        'not a valid template',
      ],
      ['a missing template', [...deploy, 'template'], undefined, 'template is required'],
      ['an empty template', [...deploy, 'template'], '', 'template must not be empty'],
      [
        'a template from a package',
        [...deploy, 'template'],
        { package: 'infra', path: 'stack.yaml' },
        'Templates from a package are not supported',
      ],
      [
        'a template over the body limit',
        [...deploy, 'template'],
        'x'.repeat(MAX_TEMPLATE_BYTES + 1),
        `template must be at most ${MAX_TEMPLATE_BYTES} bytes`,
      ],
      [
        'a parameter key with a dash',
        [...deploy, 'parameters', 0, 'key'],
        'my-key',
        'key must be a template parameter name',
      ],
      [
        'a parameter twice',
        [...deploy, 'parameters'],
        [
          { key: 'A', value: '1' },
          { key: 'A', value: '2' },
        ],
        'parameter "A" appears twice',
        [...deploy, 'parameters', 1, 'key'],
      ],
      [
        'an unknown capability',
        [...deploy, 'capabilities', 0],
        'CAPABILITY_ALL',
        'each capability must be one of',
      ],
      [
        'a capability twice',
        [...deploy, 'capabilities'],
        ['CAPABILITY_IAM', 'CAPABILITY_IAM'],
        'capability "CAPABILITY_IAM" appears twice',
        [...deploy, 'capabilities', 1],
      ],
      ['a reserved tag key', [...deploy, 'tags', 0, 'key'], 'aws:x', 'reserved by AWS'],
      [
        'disableRollback as a string',
        [...deploy, 'disableRollback'],
        'yes',
        'disableRollback must be true or false',
      ],
      ['another wait mode', [...deploy, 'wait'], { mode: 'forever' }, 'mode must be one of'],
      [
        'a zero timeout',
        [...drop, 'wait'],
        { timeoutMinutes: 0 },
        'timeoutMinutes must be at least 1',
        [...drop, 'wait', 'timeoutMinutes'],
      ],
      ['an unknown field', [...drop, 'template'], TEMPLATE, 'unknown field "template"', drop],
    ]).map((c) =>
      // `wait` rows name the field inside wait.
      c.what === 'another wait mode' ? { ...c, field: 'process.steps[0].action.wait.mode' } : c,
    ),
  );

  it('checks again what a template hid', () => {
    assert.deepEqual(
      checkEvaluatedStackAction({ stackName: 'web-prod', wait: { timeoutMinutes: '45' } }),
      [],
    );
    const problems = checkEvaluatedStackAction({ stackName: 'web_prod', wait: { timeoutMinutes: 'soon' } });
    assert.equal(problems.length, 2);
    assert.match(problems[0]!, /stackName "web_prod" must be a stack name/);
    assert.match(problems[1]!, /wait.timeoutMinutes "soon" must be a whole number from 1 to 1440/);
  });
});
