import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyEdits, cleanForRegister, sameContent, type TaskDefinitionJson } from './index.js';
import { deepFreeze } from './json.js';
import { described } from '../../../test/kits/taskdef.js';

const td = (containers: Record<string, unknown>[], extra: Record<string, unknown> = {}): TaskDefinitionJson =>
  deepFreeze({ family: 'web', cpu: '256', ...extra, containerDefinitions: containers });

const web = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  name: 'web',
  image: 'nginx:1.1',
  environment: [
    { name: 'A', value: '1' },
    { name: 'B', value: '2' },
  ],
  secrets: [
    { name: 'S1', valueFrom: 'arn:1' },
    { name: 'S2', valueFrom: 'arn:2' },
  ],
  ...extra,
});

describe('sameContent', () => {
  const same: [string, TaskDefinitionJson, TaskDefinitionJson][] = [
    ['identical', td([web()]), td([web()])],
    ['key order', td([web()]), deepFreeze({ containerDefinitions: [web()], cpu: '256', family: 'web' })],
    [
      'environment order',
      td([web()]),
      td([
        web({
          environment: [
            { name: 'B', value: '2' },
            { name: 'A', value: '1' },
          ],
        }),
      ]),
    ],
    [
      'secrets order',
      td([web()]),
      td([
        web({
          secrets: [
            { valueFrom: 'arn:2', name: 'S2' },
            { name: 'S1', valueFrom: 'arn:1' },
          ],
        }),
      ]),
    ],
    [
      'empty values',
      td([web()]),
      td([web({ mountPoints: [], command: null })], { volumes: [], taskRoleArn: '' }),
    ],
    [
      'read-only fields',
      td([web()]),
      td([web()], { revision: 3, status: 'ACTIVE', taskDefinitionArn: 'arn:td' }),
    ],
    ['the wrapped form', td([web()]), deepFreeze({ taskDefinition: td([web()]) })],
    ['a described definition and its cleaned copy', described(), cleanForRegister(described())],
  ];
  const different: [string, TaskDefinitionJson, TaskDefinitionJson][] = [
    ['image', td([web()]), td([web({ image: 'nginx:1.2' })])],
    [
      'environment value',
      td([web()]),
      td([
        web({
          environment: [
            { name: 'A', value: '1' },
            { name: 'B', value: '3' },
          ],
        }),
      ]),
    ],
    ['environment entry missing', td([web()]), td([web({ environment: [{ name: 'A', value: '1' }] })])],
    [
      'secret source',
      td([web()]),
      td([
        web({
          secrets: [
            { name: 'S1', valueFrom: 'arn:1' },
            { name: 'S2', valueFrom: 'arn:X' },
          ],
        }),
      ]),
    ],
    ['a task-level field', td([web()]), td([web()], { cpu: '512' })],
    ['an added unknown field', td([web()]), td([web()], { pidMode: 'task' })],
    ['0 is not absent', td([web()]), td([web({ cpu: 0 })])],
    ['false is not absent', td([web()]), td([web({ essential: false })])],
    ['"256" is not 256 (no guessing)', td([web()]), td([web()], { cpu: 256 })],
    ['order of a positional list', td([web({ command: ['a', 'b'] })]), td([web({ command: ['b', 'a'] })])],
    [
      'order of containers',
      td([web(), { name: 'log', image: 'x' }]),
      td([{ name: 'log', image: 'x' }, web()]),
    ],
    [
      'duplicate environment names',
      td([web()]),
      td([
        web({
          environment: [
            { name: 'A', value: '1' },
            { name: 'B', value: '2' },
            { name: 'A', value: '1' },
          ],
        }),
      ]),
    ],
  ];
  for (const [name, a, b] of same) {
    it(`same: ${name}`, () => {
      assert.equal(sameContent(a, b), true);
      assert.equal(sameContent(b, a), true);
    });
  }
  for (const [name, a, b] of different) {
    it(`different: ${name}`, () => {
      assert.equal(sameContent(a, b), false);
      assert.equal(sameContent(b, a), false);
    });
  }

  it('an edit that changes nothing leaves the content the same', () => {
    const running = described();
    const { taskDefinition, changes } = applyEdits(cleanForRegister(running), {
      containers: [{ container: 'web', setEnvironment: { LOG_LEVEL: 'info' } }],
    });
    assert.deepEqual(changes, []);
    assert.equal(sameContent(running, taskDefinition), true);
  });
});
