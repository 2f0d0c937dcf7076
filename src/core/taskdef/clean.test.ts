import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SlipwayError } from '../errors.js';
import { READ_ONLY_FIELDS, cleanForRegister } from './index.js';
import { deepFreeze } from './json.js';
import { described } from '../../../test/kits/taskdef.js';

describe('cleanForRegister', () => {
  it('strips exactly the read-only fields and passes every other field through', () => {
    const input = described();
    const cleaned = cleanForRegister(input);
    for (const field of READ_ONLY_FIELDS) assert.ok(!(field in cleaned), `${field} stripped`);
    const kept = Object.keys(input).filter(
      (k) =>
        !(READ_ONLY_FIELDS as readonly string[]).includes(k) &&
        k !== 'volumes' &&
        k !== 'placementConstraints',
    );
    assert.deepEqual(Object.keys(cleaned), kept);
    for (const key of ['pidMode', 'ipcMode', 'ephemeralStorage', 'runtimePlatform', 'proxyConfiguration']) {
      assert.deepEqual(cleaned[key], input[key], key);
    }
    assert.equal(cleaned['enableFaultInjection'], false);
  });

  it('the read-only fields are exactly the eight ECS rejects', () => {
    assert.deepEqual([...READ_ONLY_FIELDS].sort(), [
      'compatibilities',
      'deregisteredAt',
      'registeredAt',
      'registeredBy',
      'requiresAttributes',
      'revision',
      'status',
      'taskDefinitionArn',
    ]);
  });

  it('keeps fields unknown to us, at the top and in containers', () => {
    const cleaned = cleanForRegister(
      deepFreeze({
        family: 'f',
        futureTaskField: { nested: [1, 'two', { three: true }] },
        containerDefinitions: [
          { name: 'a', image: 'nginx', futureContainerField: 'x', restartPolicy: { enabled: true } },
        ],
      }),
    );
    assert.deepEqual(cleaned, {
      family: 'f',
      futureTaskField: { nested: [1, 'two', { three: true }] },
      containerDefinitions: [
        { name: 'a', image: 'nginx', futureContainerField: 'x', restartPolicy: { enabled: true } },
      ],
    });
  });

  it('strips read-only names only at the top level', () => {
    const cleaned = cleanForRegister(
      deepFreeze({
        family: 'f',
        status: 'ACTIVE',
        containerDefinitions: [{ name: 'a', image: 'x', status: 'kept' }],
      }),
    );
    assert.deepEqual(cleaned, {
      family: 'f',
      containerDefinitions: [{ name: 'a', image: 'x', status: 'kept' }],
    });
  });

  it('accepts the {taskDefinition: {...}} form of a file (wrapper siblings are not the definition)', () => {
    const wrapped = deepFreeze({ taskDefinition: described(), tags: [{ key: 'team', value: 'core' }] });
    assert.deepEqual(cleanForRegister(wrapped), cleanForRegister(described()));
  });

  const empties: [string, Record<string, unknown>, Record<string, unknown>][] = [
    ['empty string', { family: 'f', taskRoleArn: '' }, { family: 'f' }],
    ['null', { family: 'f', taskRoleArn: null }, { family: 'f' }],
    ['empty array', { family: 'f', volumes: [] }, { family: 'f' }],
    ['empty object', { family: 'f', ephemeralStorage: {} }, { family: 'f' }],
    [
      'object emptied by its own empties',
      { family: 'f', runtimePlatform: { cpuArchitecture: '', os: null } },
      { family: 'f' },
    ],
    [
      'empties inside containers',
      {
        containerDefinitions: [
          { name: 'a', mountPoints: [], environment: [], command: null, dockerLabels: {} },
        ],
      },
      { containerDefinitions: [{ name: 'a' }] },
    ],
    [
      'deeply nested',
      {
        containerDefinitions: [
          { name: 'a', logConfiguration: { logDriver: 'awslogs', options: {}, secretOptions: [] } },
        ],
      },
      { containerDefinitions: [{ name: 'a', logConfiguration: { logDriver: 'awslogs' } }] },
    ],
    [
      'empty entries of a list',
      {
        volumes: [{}, null, { name: 'v', host: {} }],
        placementConstraints: [{ type: '', expression: null }],
      },
      { volumes: [{ name: 'v' }] },
    ],
    [
      'an environment value that is empty',
      { containerDefinitions: [{ name: 'a', environment: [{ name: 'X', value: '' }] }] },
      { containerDefinitions: [{ name: 'a', environment: [{ name: 'X' }] }] },
    ],
    [
      '0 and false are values, not empties',
      { containerDefinitions: [{ name: 'a', cpu: 0, essential: false, portMappings: [{ hostPort: 0 }] }] },
      { containerDefinitions: [{ name: 'a', cpu: 0, essential: false, portMappings: [{ hostPort: 0 }] }] },
    ],
    [
      'strings in a list are positional and stay, even ""',
      { containerDefinitions: [{ name: 'a', command: ['sh', '-c', ''], entryPoint: [''] }] },
      { containerDefinitions: [{ name: 'a', command: ['sh', '-c', ''], entryPoint: [''] }] },
    ],
  ];
  for (const [name, input, expected] of empties) {
    it(`drops empties: ${name}`, () => {
      assert.deepEqual(cleanForRegister(deepFreeze(input)), expected);
    });
  }

  it('never mutates its input, and its output shares no object with it', () => {
    const input = described();
    const snapshot = JSON.stringify(input);
    const cleaned = cleanForRegister(input);
    assert.equal(JSON.stringify(input), snapshot);
    const containers = cleaned['containerDefinitions'] as Record<string, unknown>[];
    containers[0]!['image'] = 'changed';
    (cleaned['runtimePlatform'] as Record<string, unknown>)['cpuArchitecture'] = 'X86_64';
    assert.equal(JSON.stringify(input), snapshot);
  });

  it('is idempotent', () => {
    const once = cleanForRegister(described());
    assert.deepEqual(cleanForRegister(deepFreeze(once)), once);
  });

  it('keeps a "__proto__" key from JSON as data, without touching prototypes', () => {
    const input = deepFreeze(
      JSON.parse('{"family":"f","__proto__":{"polluted":true},"x":{"__proto__":{"y":1}}}'),
    );
    const cleaned = cleanForRegister(input as Record<string, unknown>);
    assert.equal(Object.getPrototypeOf(cleaned), Object.prototype);
    assert.ok(Object.hasOwn(cleaned, '__proto__'));
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    assert.ok(Object.hasOwn(cleaned['x'] as object, '__proto__'));
  });

  it('rejects a value that is not an object', () => {
    assert.throws(
      () => cleanForRegister([] as unknown as Record<string, unknown>),
      (e: unknown) => e instanceof SlipwayError && e.code === 'INVALID_INPUT',
    );
  });
});
