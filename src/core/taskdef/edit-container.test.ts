import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseImageReference } from '../images/reference.js';
import {
  applyEdits,
  cleanForRegister,
  formatChanges,
  type TaskDefinitionEdits,
  type TaskDefinitionJson,
} from './index.js';
import { deepFreeze } from './json.js';
import { ECR, code, container, described } from '../../../test/kits/taskdef.js';

describe('applyEdits: per-container edits', () => {
  const td = cleanForRegister(described());
  deepFreeze(td);

  const cases: [string, TaskDefinitionEdits, (out: TaskDefinitionJson) => void, string[]][] = [
    [
      'image',
      { containers: [{ container: 'envoy', image: 'public.ecr.aws/appmesh/aws-appmesh-envoy:v1.30' }] },
      (out) =>
        assert.equal(container(out, 'envoy')['image'], 'public.ecr.aws/appmesh/aws-appmesh-envoy:v1.30'),
      [
        'container envoy: image "public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29" → "public.ecr.aws/appmesh/aws-appmesh-envoy:v1.30"',
      ],
    ],
    [
      'environment set: update in place, append new',
      { containers: [{ container: 'web', setEnvironment: { LOG_LEVEL: 'debug', NEW: '1' } }] },
      (out) =>
        assert.deepEqual(container(out, 'web')['environment'], [
          { name: 'LOG_LEVEL', value: 'debug' },
          { name: 'PORT', value: '8080' },
          { name: 'NEW', value: '1' },
        ]),
      ['container web: environment LOG_LEVEL "info" → "debug"', 'container web: environment NEW added "1"'],
    ],
    [
      'environment on a container without any',
      { containers: [{ container: 'envoy', setEnvironment: { A: 'x' } }] },
      (out) => assert.deepEqual(container(out, 'envoy')['environment'], [{ name: 'A', value: 'x' }]),
      ['container envoy: environment A added "x"'],
    ],
    [
      'environment unset (absent names are fine)',
      { containers: [{ container: 'web', unsetEnvironment: ['PORT', 'NOT_THERE'] }] },
      (out) => assert.deepEqual(container(out, 'web')['environment'], [{ name: 'LOG_LEVEL', value: 'info' }]),
      ['container web: environment PORT removed (was "8080")'],
    ],
    [
      'unsetting every variable removes the field',
      { containers: [{ container: 'web', unsetEnvironment: ['PORT', 'LOG_LEVEL'] }] },
      (out) => assert.ok(!('environment' in container(out, 'web'))),
      [
        'container web: environment LOG_LEVEL removed (was "info")',
        'container web: environment PORT removed (was "8080")',
      ],
    ],
    [
      'secrets set and unset',
      {
        containers: [
          { container: 'web', setSecrets: { API_KEY: 'arn:sm:key' }, unsetSecrets: ['DB_PASSWORD'] },
        ],
      },
      (out) =>
        assert.deepEqual(container(out, 'web')['secrets'], [{ name: 'API_KEY', valueFrom: 'arn:sm:key' }]),
      [
        'container web: secrets DB_PASSWORD removed (was "arn:aws:ssm:eu-west-1:123456789012:parameter/db")',
        'container web: secrets API_KEY added "arn:sm:key"',
      ],
    ],
    [
      'command',
      { containers: [{ container: 'web', command: ['node', 'server.js', '--port', '8080'] }] },
      (out) => assert.deepEqual(container(out, 'web')['command'], ['node', 'server.js', '--port', '8080']),
      ['container web: command added ["node","server.js","--port","8080"]'],
    ],
    [
      'cpu, memory, memoryReservation',
      { containers: [{ container: 'web', cpu: 128, memory: 512, memoryReservation: 256 }] },
      (out) => {
        const web = container(out, 'web');
        assert.deepEqual([web['cpu'], web['memory'], web['memoryReservation']], [128, 512, 256]);
      },
      [
        'container web: cpu 0 → 128',
        'container web: memory added 512',
        'container web: memoryReservation added 256',
      ],
    ],
    [
      'dockerLabels merge',
      {
        containers: [
          { container: 'web', dockerLabels: { team: 'core' } },
          { container: 'web', dockerLabels: { tier: 'front' } },
        ],
      },
      (out) => assert.deepEqual(container(out, 'web')['dockerLabels'], { team: 'core', tier: 'front' }),
      ['container web: dockerLabels added {"team":"core","tier":"front"}'],
    ],
    [
      'exclusive environment and secrets: only what was given stays, in edited containers only',
      {
        containers: [{ container: 'web', setEnvironment: { PORT: '9090' }, setSecrets: { TOKEN: 'arn:t' } }],
        exclusiveEnvironment: true,
        exclusiveSecrets: true,
      },
      (out) => {
        assert.deepEqual(container(out, 'web')['environment'], [{ name: 'PORT', value: '9090' }]);
        assert.deepEqual(container(out, 'web')['secrets'], [{ name: 'TOKEN', valueFrom: 'arn:t' }]);
        assert.equal(container(out, 'envoy')['user'], '1337');
      },
      [
        'container web: environment LOG_LEVEL removed (was "info")',
        'container web: environment PORT "8080" → "9090"',
        'container web: secrets DB_PASSWORD removed (was "arn:aws:ssm:eu-west-1:123456789012:parameter/db")',
        'container web: secrets TOKEN added "arn:t"',
      ],
    ],
    [
      'exclusive environment with nothing given clears the edited container',
      { containers: [{ container: 'web', cpu: 0 }], exclusiveEnvironment: true },
      (out) => assert.ok(!('environment' in container(out, 'web'))),
      [
        'container web: environment LOG_LEVEL removed (was "info")',
        'container web: environment PORT removed (was "8080")',
      ],
    ],
    ['no edits: nothing changes', {}, (out) => assert.deepEqual(out, td), []],
  ];
  for (const [name, edits, check, lines] of cases) {
    it(name, () => {
      const { taskDefinition, changes } = applyEdits(td, deepFreeze(edits));
      check(taskDefinition);
      assert.deepEqual(formatChanges(changes), lines);
    });
  }

  it('collapses duplicate names of a variable it sets', () => {
    const dup = deepFreeze({
      family: 'f',
      containerDefinitions: [
        {
          name: 'a',
          image: 'x',
          environment: [
            { name: 'A', value: '1' },
            { name: 'B', value: '2' },
            { name: 'A', value: '3' },
          ],
        },
      ],
    });
    const { taskDefinition } = applyEdits(dup, {
      containers: [{ container: 'a', setEnvironment: { A: '9' } }],
    });
    assert.deepEqual(container(taskDefinition, 'a')['environment'], [
      { name: 'A', value: '9' },
      { name: 'B', value: '2' },
    ]);
  });

  const errors: [string, TaskDefinitionEdits, string, RegExp][] = [
    [
      'unknown container',
      { containers: [{ container: 'api', cpu: 1 }] },
      'INVALID_INPUT',
      /no container named "api".*"web", "envoy"/,
    ],
    [
      'set and unset together',
      { containers: [{ container: 'web', setEnvironment: { A: '1' }, unsetEnvironment: ['A'] }] },
      'INVALID_INPUT',
      /both set and unset/,
    ],
    [
      'empty variable name',
      { containers: [{ container: 'web', setSecrets: { '': 'arn' } }] },
      'INVALID_INPUT',
      /name is empty/,
    ],
    [
      'negative cpu',
      { containers: [{ container: 'web', cpu: -1 }] },
      'INVALID_INPUT',
      /cpu must be a whole number/,
    ],
    [
      'zero memory',
      { containers: [{ container: 'web', memory: 0 }] },
      'INVALID_INPUT',
      /memory must be a whole number of at least 1/,
    ],
    [
      'fractional memoryReservation',
      { containers: [{ container: 'web', memoryReservation: 1.5 }] },
      'INVALID_INPUT',
      /memoryReservation/,
    ],
    [
      'invalid container image',
      { containers: [{ container: 'web', image: 'Web:1' }] },
      'IMAGE_REFERENCE_INVALID',
      /lower-case/,
    ],
  ];
  for (const [name, edits, expected, message] of errors) {
    it(`error: ${name}`, () => {
      assert.throws(
        () => applyEdits(td, edits),
        (e: unknown) => {
          code(expected)(e);
          assert.match((e as Error).message, message);
          return true;
        },
      );
    });
  }

  it('error: a definition without containers', () => {
    assert.throws(() => applyEdits(deepFreeze({ family: 'f' }), { tagOnly: 'x' }), code('INVALID_INPUT'));
  });

  it('never mutates its input (frozen) and returns no shared objects', () => {
    const input = described();
    const snapshot = JSON.stringify(input);
    const { taskDefinition } = applyEdits(input, {
      image: parseImageReference(`${ECR}/team/web:2`),
      containers: [{ container: 'web', setEnvironment: { A: '1' }, dockerLabels: { x: 'y' } }],
      exclusiveSecrets: true,
    });
    container(taskDefinition, 'web')['image'] = 'changed';
    (container(taskDefinition, 'envoy') as { user: string }).user = 'root';
    assert.equal(JSON.stringify(input), snapshot);
  });

  it('accepts a described definition (read-only fields stay out of the changes)', () => {
    const { changes } = applyEdits(described(), { image: parseImageReference(`${ECR}/team/web:2`) });
    assert.deepEqual(formatChanges(changes), [
      `container web: image "${ECR}/team/web:1.1" → "${ECR}/team/web:2"`,
    ]);
  });
});
