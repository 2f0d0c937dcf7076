import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { editContainers, type ContainerSettings } from './ecs-task-definition.js';

const base = {
  family: 'web',
  containerDefinitions: [
    {
      name: 'app',
      image: 'nginx:1',
      environment: [
        { name: 'A', value: '1' },
        { name: 'B', value: '2' },
      ],
      environmentFiles: [{ value: 'arn:aws:s3:::b/one.env', type: 's3' }],
    },
    { name: 'sidecar', image: 'envoy:1' },
  ],
};
const settings = (s: Partial<ContainerSettings>): ContainerSettings => ({
  name: 'app',
  environment: [],
  environmentMode: 'append',
  environmentFiles: [],
  ...s,
});
const images = (ref: string) => (ref === 'web' ? 'nginx:2' : undefined);

describe('editContainers', () => {
  it('append: overrides and adds variables, adds missing files, leaves other containers and the input alone', () => {
    const before = structuredClone(base);
    const td = editContainers(
      base,
      [
        settings({
          image: 'web',
          environment: [
            { name: 'B', value: '20' },
            { name: 'C', value: '3' },
          ],
          environmentFiles: [{ value: 'arn:aws:s3:::b/one.env' }, { value: 'arn:aws:s3:::b/two.env' }],
        }),
      ],
      images,
    );
    assert.deepEqual(base, before);
    const [app, sidecar] = td['containerDefinitions'] as Record<string, unknown>[];
    assert.equal(app!['image'], 'nginx:2');
    assert.deepEqual(app!['environment'], [
      { name: 'A', value: '1' },
      { name: 'B', value: '20' },
      { name: 'C', value: '3' },
    ]);
    assert.deepEqual(app!['environmentFiles'], [
      { value: 'arn:aws:s3:::b/one.env', type: 's3' },
      { value: 'arn:aws:s3:::b/two.env', type: 's3' },
    ]);
    assert.deepEqual(sidecar, base.containerDefinitions[1]);
  });

  it('replace: exactly the given variables and files; none given removes them', () => {
    const td = editContainers(base, [settings({ environmentMode: 'replace' })], images);
    const [app] = td['containerDefinitions'] as Record<string, unknown>[];
    assert.equal(app!['environment'], undefined);
    assert.equal(app!['environmentFiles'], undefined);
    assert.equal(app!['image'], 'nginx:1');
  });

  it('names a missing container and a package without an image', () => {
    assert.throws(
      () => editContainers(base, [settings({ name: 'db' })], images),
      (e: Error & { code?: string }) =>
        e.code === 'INVALID_INPUT' && /"db"/.test(e.message) && /"sidecar"/.test(e.message),
    );
    assert.throws(
      () => editContainers(base, [settings({ image: 'api' })], images),
      (e: Error & { code?: string }) => e.code === 'INVALID_INPUT' && /Package\[api\]\.Image/.test(e.message),
    );
  });
});
