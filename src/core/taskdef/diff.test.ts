import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffTaskDefinitions, formatChanges, type TaskDefinitionJson } from './index.js';
import { deepFreeze } from './json.js';
import { described } from '../../../test/kits/taskdef.js';

const base = (): TaskDefinitionJson =>
  deepFreeze({
    family: 'web',
    cpu: '256',
    memory: '512',
    containerDefinitions: [
      {
        name: 'web',
        image: 'nginx:1.1',
        environment: [
          { name: 'A', value: '1' },
          { name: 'B', value: '2' },
        ],
        logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/web' } },
        portMappings: [{ containerPort: 80 }],
      },
      { name: 'log', image: 'fluent/bit:1' },
    ],
  });

/** `base()` changed by `change` (on a copy). */
function edited(
  change: (td: Record<string, unknown> & { containerDefinitions: Record<string, unknown>[] }) => void,
) {
  const td = JSON.parse(JSON.stringify(base())) as Record<string, unknown> & {
    containerDefinitions: Record<string, unknown>[];
  };
  change(td);
  return deepFreeze(td);
}

describe('diffTaskDefinitions + formatChanges', () => {
  const cases: [string, TaskDefinitionJson, string[]][] = [
    ['identical', base(), []],
    [
      'image',
      edited((td) => (td.containerDefinitions[0]!['image'] = 'nginx:1.2')),
      ['container web: image "nginx:1.1" → "nginx:1.2"'],
    ],
    ['task-level cpu', edited((td) => (td['cpu'] = '512')), ['taskDefinition cpu "256" → "512"']],
    [
      'task-level field added and removed',
      edited((td) => {
        td['pidMode'] = 'task';
        delete td['memory'];
      }),
      ['taskDefinition memory removed (was "512")', 'taskDefinition pidMode added "task"'],
    ],
    [
      'environment added, changed, removed',
      edited(
        (td) =>
          (td.containerDefinitions[0]!['environment'] = [
            { name: 'B', value: '3' },
            { name: 'LOG_LEVEL', value: 'debug' },
          ]),
      ),
      [
        'container web: environment A removed (was "1")',
        'container web: environment B "2" → "3"',
        'container web: environment LOG_LEVEL added "debug"',
      ],
    ],
    [
      'environment order does not matter',
      edited(
        (td) =>
          (td.containerDefinitions[0]!['environment'] = [
            { name: 'B', value: '2' },
            { name: 'A', value: '1' },
          ]),
      ),
      [],
    ],
    [
      'secrets by name',
      edited((td) => (td.containerDefinitions[1]!['secrets'] = [{ name: 'TOKEN', valueFrom: 'arn:x' }])),
      ['container log: secrets TOKEN added "arn:x"'],
    ],
    [
      'nested object: the innermost field',
      edited(
        (td) =>
          ((td.containerDefinitions[0]!['logConfiguration'] as { options: Record<string, string> }).options[
            'awslogs-group'
          ] = '/ecs/web2'),
      ),
      ['container web: logConfiguration.options.awslogs-group "/ecs/web" → "/ecs/web2"'],
    ],
    [
      'arrays change as a whole',
      edited(
        (td) =>
          (td.containerDefinitions[0]!['portMappings'] = [{ containerPort: 80 }, { containerPort: 443 }]),
      ),
      ['container web: portMappings [{"containerPort":80}] → [{"containerPort":80},{"containerPort":443}]'],
    ],
    [
      'key order inside values does not matter',
      edited(
        (td) =>
          (td.containerDefinitions[0]!['logConfiguration'] = {
            options: { 'awslogs-group': '/ecs/web' },
            logDriver: 'awslogs',
          }),
      ),
      [],
    ],
    [
      'container added and removed (matched by name, not position)',
      edited((td) => {
        td.containerDefinitions.reverse();
        td.containerDefinitions[0] = { name: 'xray', image: 'amazon/aws-xray-daemon:3' };
      }),
      [
        'container xray: added (image "amazon/aws-xray-daemon:3")',
        'container log: removed (image "fluent/bit:1")',
      ],
    ],
    [
      'an empty value is no change',
      edited((td) => {
        td['taskRoleArn'] = '';
        td.containerDefinitions[1]!['mountPoints'] = [];
      }),
      [],
    ],
  ];
  for (const [name, after, lines] of cases) {
    it(name, () => {
      assert.deepEqual(formatChanges(diffTaskDefinitions(base(), after)), lines);
    });
  }

  it('gives structured changes', () => {
    const after = edited((td) => (td.containerDefinitions[0]!['image'] = 'nginx:1.2'));
    assert.deepEqual(diffTaskDefinitions(base(), after), [
      { container: 'web', field: 'image', before: 'nginx:1.1', after: 'nginx:1.2' },
    ]);
    assert.deepEqual(
      diffTaskDefinitions(
        base(),
        edited((td) => (td['cpu'] = '1024')),
      ),
      [{ field: 'cpu', before: '256', after: '1024' }],
    );
  });

  it('ignores read-only fields, so a described definition diffs clean against its cleaned self', () => {
    const { taskDefinitionArn: _arn, revision: _rev, status: _status, ...rest } = described();
    assert.deepEqual(diffTaskDefinitions(described(), deepFreeze(rest)), []);
  });

  it('shows an empty environment value as "" (ECS omits it)', () => {
    const after = edited(
      (td) =>
        (td.containerDefinitions[0]!['environment'] = [
          { name: 'A', value: '' },
          { name: 'B', value: '2' },
        ]),
    );
    assert.deepEqual(formatChanges(diffTaskDefinitions(base(), after)), [
      'container web: environment A "1" → ""',
    ]);
  });

  it('splits an environment name with dots only once', () => {
    const after = edited(
      (td) => (td.containerDefinitions[1]!['environment'] = [{ name: 'a.b', value: 'x' }]),
    );
    assert.deepEqual(formatChanges(diffTaskDefinitions(base(), after)), [
      'container log: environment a.b added "x"',
    ]);
  });
});
