import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseInput } from '../parse.js';
import { EXAMPLES } from '../../../../test/kits/model-examples.js';
import { MAX_SCRIPT_BYTES } from './process-actions.js';
import { processKind } from './process.js';
import { badRows, itRejects, withValue } from '../../../../test/kits/model-schema.js';

const base = EXAMPLES.process;
const deploy = ['steps', 0] as const;
const update = [...deploy, 'action'] as const;
const approve = ['steps', 1, 'action'] as const;
const script = ['steps', 2, 'action'] as const;

describe('process: invalid steps', () => {
  itRejects(
    it,
    processKind,
    badRows('process', base, [
      ['steps that are not a list', ['steps'], {}, 'steps must be a list'],
      [
        'more than 200 steps',
        ['steps'],
        Array.from({ length: 201 }, () => ({})),
        'a process has at most 200 steps',
      ],
      ['a step without name', [...deploy, 'name'], undefined, 'name must be a string'],
      [
        'an unknown condition',
        [...deploy, 'condition'],
        'sometimes',
        'condition must be one of "success", "failure", "always", "variable"',
      ],
      ['an unknown start trigger', [...deploy, 'startTrigger'], 'before', 'startTrigger must be one of'],
      [
        'a role that is blank',
        [...deploy, 'roles'],
        [''],
        'a role must not be empty',
        [...deploy, 'roles', 0],
      ],
      [
        'a duplicate role',
        [...deploy, 'roles'],
        ['web', 'Web'],
        'role "Web" appears twice',
        [...deploy, 'roles', 1],
      ],
      ['environments not a list', [...deploy, 'environments'], 'Dev', 'environments must be a list'],
      [
        'an empty excluded environment',
        [...deploy, 'excludedEnvironments'],
        [''],
        'must not be empty',
        [...deploy, 'excludedEnvironments', 0],
      ],
      [
        'a channel that is not a string',
        [...deploy, 'channels'],
        [1],
        'each of channels must be a string',
        [...deploy, 'channels', 0],
      ],
      [
        'a bad tenant tag',
        [...deploy, 'tenantTags'],
        ['Gold'],
        'a tenant tag is written "Set/Tag"',
        [...deploy, 'tenantTags', 0],
      ],
      ['a non-boolean disabled', [...deploy, 'disabled'], 'no', 'disabled must be true or false'],
      ['a non-boolean required', [...deploy, 'required'], null, 'required must be true or false'],
      ['an unknown step field', [...deploy, 'target'], 'x', 'unknown field "target" in a step', [...deploy]],
      ['a missing action', [...deploy, 'action'], undefined, 'type must be one of'],
      [
        'an unknown action type',
        [...update, 'type'],
        'lambda-deploy',
        'type must be one of "ecs-update-service"',
      ],
      [
        'a variable condition without expression',
        [...deploy, 'condition'],
        'variable',
        'conditionExpression is required when condition is "variable"',
        [...deploy, 'conditionExpression'],
      ],
      [
        'an expression with another condition',
        [...deploy, 'conditionExpression'],
        '#{Run}',
        'conditionExpression is only for condition "variable"',
      ],
      [
        'two steps with the same name ignoring case',
        ['steps', 1, 'name'],
        'DEPLOY',
        'step name "DEPLOY" appears twice',
      ],
      [
        'a first step that starts with the previous one',
        [...deploy, 'startTrigger'],
        'with-previous',
        'the first step has no previous step',
      ],
      [
        'an environment both included and excluded',
        ['steps', 1, 'excludedEnvironments'],
        ['prod'],
        'environment "prod" is both in environments and excludedEnvironments',
        ['steps', 1, 'excludedEnvironments', 0],
      ],
      [
        'an ECS step without target roles',
        [...deploy, 'roles'],
        [],
        'a "ecs-update-service" step needs at least one target role',
      ],
    ]),
  );

  const variableStep = (expression: string) =>
    withValue(
      withValue(base, [...deploy, 'condition'], 'variable'),
      [...deploy, 'conditionExpression'],
      expression,
    );
  itRejects(it, processKind, [
    {
      what: 'a condition expression without #{...}',
      doc: variableStep('true'),
      field: 'process.steps[0].conditionExpression',
      message: 'conditionExpression must be a #{...} expression',
    },
    {
      what: 'a condition expression that does not parse',
      doc: variableStep('#{if Foo}true'),
      field: 'process.steps[0].conditionExpression',
      message: 'conditionExpression must be a #{...} expression',
    },
  ]);

  it('accepts a variable condition with an expression, and a later step starting with the previous one', () => {
    const doc = parseInput(
      processKind.schema,
      withValue(
        variableStep('#{if Octopus.Deployment.Error}true#{/if}'),
        ['steps', 1, 'startTrigger'],
        'with-previous',
      ),
      'process',
    );
    assert.equal(doc.steps[0]?.conditionExpression, '#{if Octopus.Deployment.Error}true#{/if}');
    assert.equal(doc.steps[1]?.startTrigger, 'with-previous');
  });

  it('accepts an empty process', () => {
    assert.deepEqual(parseInput(processKind.schema, {}, 'process'), { steps: [] });
  });
});

describe('process: package references', () => {
  itRejects(
    it,
    processKind,
    badRows('process', base, [
      ['packages not a list', [...update, 'packages'], {}, 'packages must be a list'],
      [
        'a package name with brackets',
        [...update, 'packages', 0, 'name'],
        'web[0]',
        'name must not contain "[" or "]"',
      ],
      ['a package without feed', [...update, 'packages', 0, 'feed'], undefined, 'feed is required'],
      ['an image with a tag', [...update, 'packages', 0, 'image'], 'hello-color:1.0', 'without a tag'],
      ['an image with a digest', [...update, 'packages', 0, 'image'], 'hello@sha256:abc', 'without a digest'],
      [
        'an image with a registry',
        [...update, 'packages', 0, 'image'],
        'registry.example.com/web',
        'leave out "registry.example.com/"',
      ],
      ['an image with capitals', [...update, 'packages', 0, 'image'], 'Hello', 'must be lower-case'],
      ['an empty image', [...update, 'packages', 0, 'image'], '', 'image must not be empty'],
      [
        'two package references with one name',
        [...update, 'packages', 1],
        { name: 'WEB', feed: 'Hub', image: 'other' },
        'package reference "WEB" appears twice',
        [...update, 'packages', 1, 'name'],
      ],
      [
        'a package on a script with a bad image',
        [...script, 'packages'],
        [{ name: 'x', feed: 'Hub', image: 'a//b' }],
        'empty path component',
        [...script, 'packages', 0, 'image'],
      ],
    ]),
  );
});

describe('process: ecs-update-service', () => {
  itRejects(
    it,
    processKind,
    badRows('process', base, [
      ['an empty service', [...update, 'service'], '', 'service must not be empty'],
      [
        'a bad template task definition',
        [...update, 'templateTaskDefinition'],
        'web:latest',
        'templateTaskDefinition must be a task definition family',
      ],
      [
        'a task definition ARN without revision',
        [...update, 'templateTaskDefinition'],
        'arn:aws:ecs:us-east-1:123456789012:task-definition/web',
        'templateTaskDefinition must be',
      ],
      ['containers not a list', [...update, 'containers'], {}, 'containers must be a list'],
      [
        'a container name with a space',
        [...update, 'containers', 0, 'name'],
        'my web',
        'name must be 1 to 255 letters',
      ],
      [
        'a duplicate container',
        [...update, 'containers', 1],
        { name: 'WEB' },
        'container "WEB" appears twice',
        [...update, 'containers', 1, 'name'],
      ],
      [
        'a container image that is no package reference',
        [...update, 'containers', 0, 'image'],
        'api',
        'image "api" is not a package reference of this step',
      ],
      [
        'an environment variable name with "="',
        [...update, 'containers', 0, 'environment', 0, 'name'],
        'A=B',
        'name must not contain "=" or whitespace',
      ],
      [
        'an environment variable without value',
        [...update, 'containers', 0, 'environment', 0, 'value'],
        undefined,
        'value must be a string',
      ],
      [
        'an environment variable set twice',
        [...update, 'containers', 0, 'environment', 1],
        { name: 'COLOUR', value: 'x' },
        '"COLOUR" is set twice',
        [...update, 'containers', 0, 'environment', 1, 'name'],
      ],
      [
        'an unknown environment mode',
        [...update, 'containers', 0, 'environmentMode'],
        'merge',
        'environmentMode must be one of "append", "replace"',
      ],
      [
        'an environment file that is not in S3',
        [...update, 'containers', 0, 'environmentFiles'],
        [{ value: 'https://x/y.env' }],
        'value must be the ARN of an S3 object',
        [...update, 'containers', 0, 'environmentFiles', 0, 'value'],
      ],
      [
        'an environment file without .env',
        [...update, 'containers', 0, 'environmentFiles'],
        [{ value: 'arn:aws:s3:::bucket/app.txt' }],
        'ending in .env',
        [...update, 'containers', 0, 'environmentFiles', 0, 'value'],
      ],
      [
        'more than 10 environment files',
        [...update, 'containers', 0, 'environmentFiles'],
        Array.from({ length: 11 }, () => ({ value: 'arn:aws:s3:::bucket/a.env' })),
        'at most 10 environment files',
      ],
      [
        'a non-boolean waitForDeployment',
        [...update, 'waitForDeployment'],
        'yes',
        'waitForDeployment must be true or false',
      ],
      ['a timeout of 0', [...update, 'timeoutMinutes'], 0, 'timeoutMinutes must be at least 1'],
      ['a timeout above a day', [...update, 'timeoutMinutes'], 1441, 'timeoutMinutes must be at most 1440'],
      [
        'a non-boolean forceNewDeployment',
        [...update, 'forceNewDeployment'],
        1,
        'forceNewDeployment must be true or false',
      ],
      [
        'more than 50 tags',
        [...update, 'tags'],
        Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, value: '' })),
        'at most 50 tags',
      ],
      [
        'a duplicate tag key',
        [...update, 'tags'],
        [
          { key: 'a', value: '1' },
          { key: 'a', value: '2' },
        ],
        'duplicate tag key "a"',
        [...update, 'tags', 1, 'key'],
      ],
      [
        'a reserved tag key',
        [...update, 'tags'],
        [{ key: 'aws:x', value: '1' }],
        'reserved by AWS',
        [...update, 'tags', 0, 'key'],
      ],
      [
        'a tag value over 256',
        [...update, 'tags'],
        [{ key: 'a', value: 'v'.repeat(257) }],
        'value must be at most 256',
        [...update, 'tags', 0, 'value'],
      ],
      [
        'an unknown field',
        [...update, 'cluster'],
        'x',
        'unknown field "cluster" in an "ecs-update-service" action',
        [...update],
      ],
    ]),
  );

  it('accepts templated and ARN task definitions and S3 environment files', () => {
    for (const td of [
      'web',
      'web:12',
      'arn:aws:ecs:us-east-1:123456789012:task-definition/web:3',
      '#{TaskDef}',
    ]) {
      parseInput(processKind.schema, withValue(base, [...update, 'templateTaskDefinition'], td), 'process');
    }
    parseInput(
      processKind.schema,
      withValue(
        base,
        [...update, 'containers', 0, 'environmentFiles'],
        [{ value: 'arn:aws:s3:::my.bucket/a/b.env' }],
      ),
      'process',
    );
  });
});

describe('process: run-script and manual-intervention', () => {
  itRejects(
    it,
    processKind,
    badRows('process', base, [
      ['an unknown syntax', [...script, 'syntax'], 'powershell', 'syntax must be one of "bash", "node"'],
      ['a missing syntax', [...script, 'syntax'], undefined, 'syntax must be one of'],
      ['an empty script', [...script, 'script'], '', 'script must not be empty'],
      [
        'a script over 1 MB',
        [...script, 'script'],
        'é'.repeat(MAX_SCRIPT_BYTES / 2 + 1),
        `script must be at most ${MAX_SCRIPT_BYTES} bytes`,
      ],
      [
        'ECS fields on a script',
        [...script, 'service'],
        'web',
        'unknown field "service" in a "run-script" action',
        [...script],
      ],
      ['empty instructions', [...approve, 'instructions'], '', 'instructions must not be empty'],
      [
        'responsible teams not a list',
        [...approve, 'responsibleTeams'],
        'Ops',
        'responsibleTeams must be a list',
      ],
      [
        'a responsible team twice',
        [...approve, 'responsibleTeams'],
        ['Ops', 'ops'],
        'reference "ops" appears twice',
        [...approve, 'responsibleTeams', 1],
      ],
    ]),
  );
});
