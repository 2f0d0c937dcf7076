import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SlipwayError } from '../errors.js';
import { parseImageReference, resolveDeployImage } from '../images/reference.js';
import { applyEdits, type TaskDefinitionEdits, type TaskDefinitionJson } from './index.js';
import { deepFreeze } from './json.js';
import { ECR, SHA, code, container } from '../../../test/kits/taskdef.js';

/** A cleaned, frozen definition with these container images (names c0, c1, ...). */
function withImages(...images: unknown[]): TaskDefinitionJson {
  return deepFreeze({
    family: 'f',
    containerDefinitions: images.map((image, i) => ({ name: `c${i}`, image, essential: i === 0 })),
  });
}

function imagesAfter(td: TaskDefinitionJson, edits: TaskDefinitionEdits): unknown[] {
  const { taskDefinition } = applyEdits(td, edits);
  return (taskDefinition['containerDefinitions'] as Record<string, unknown>[]).map((c) => c['image']);
}

describe('applyEdits: -i replaces the image of exactly the same repository', () => {
  const cases: [string, string, unknown[], unknown[]][] = [
    ['repo/app:2', 'one match', ['repo/app:1', 'fluent/bit:1'], ['repo/app:2', 'fluent/bit:1']],
    // Each of these the script's substring match rewrote too.
    [
      'repo/app:2',
      'not a longer path',
      ['repo/app:1', 'sidecar/repo/app:5'],
      ['repo/app:2', 'sidecar/repo/app:5'],
    ],
    [
      'repo/app:2',
      'not a longer name',
      ['repo/app:1', 'repo/app-sidecar:5'],
      ['repo/app:2', 'repo/app-sidecar:5'],
    ],
    [
      'repo/app:2',
      'not another registry',
      ['repo/app:1', 'other.registry/repo/app:5'],
      ['repo/app:2', 'other.registry/repo/app:5'],
    ],
    [
      'localhost:5000/app:2',
      'not another port',
      ['localhost:5001/app:1', 'localhost:5000/app:1'],
      ['localhost:5001/app:1', 'localhost:5000/app:2'],
    ],
    [
      'repo/app:2',
      'every container of the repository',
      ['repo/app:1', 'repo/app:worker'],
      ['repo/app:2', 'repo/app:2'],
    ],
    [
      'docker.io/library/nginx:1.27',
      'Docker Hub spellings',
      ['nginx:1.25', 'redis:7'],
      ['docker.io/library/nginx:1.27', 'redis:7'],
    ],
    [`${ECR}/team/web@${SHA}`, 'a digest replaces a tag', [`${ECR}/team/web:1`], [`${ECR}/team/web@${SHA}`]],
    ['repo/app:2', 'replaces a digest reference', [`repo/app@${SHA}`], ['repo/app:2']],
    [
      'repo/app:2',
      'an image that does not parse is never matched',
      ['Not An/Image', 'repo/app:1', 42],
      ['Not An/Image', 'repo/app:2', 42],
    ],
  ];
  for (const [image, name, before, after] of cases) {
    it(`${name}: ${image}`, () => {
      assert.deepEqual(imagesAfter(withImages(...before), { image: parseImageReference(image) }), after);
    });
  }

  it('rewrites an "image" that is the last key of its object (the script\'s sed missed it)', () => {
    const text =
      '{"family":"f","containerDefinitions":[{"name":"web","essential":true,"image":"repo/app:1"}]}';
    const td = deepFreeze(JSON.parse(text) as TaskDefinitionJson);
    const { taskDefinition, changes } = applyEdits(td, { image: parseImageReference('repo/app:2') });
    assert.equal(container(taskDefinition, 'web')['image'], 'repo/app:2');
    assert.deepEqual(changes, [
      { container: 'web', field: 'image', before: 'repo/app:1', after: 'repo/app:2' },
    ]);
  });

  it('fails when no container uses the repository, listing containers and images', () => {
    const td = withImages('sidecar/repo/app:5', 'Bad Image');
    assert.throws(
      () => applyEdits(td, { image: parseImageReference('repo/app:2') }),
      (e: unknown) => {
        code('IMAGE_NOT_IN_TASK_DEFINITION')(e);
        assert.ok(e instanceof SlipwayError);
        assert.match(e.message, /"repo\/app:2"/);
        assert.match(e.message, /c0 → "sidecar\/repo\/app:5"/);
        assert.match(e.message, /c1 → "Bad Image"/);
        assert.deepEqual(e.data['containers'], [
          { name: 'c0', image: 'sidecar/repo/app:5' },
          { name: 'c1', image: 'Bad Image' },
        ]);
        return true;
      },
    );
  });
});

describe('applyEdits: --tag-only', () => {
  it('sets the tag on every image, keeping repositories and dropping digests', () => {
    const td = withImages('nginx', `${ECR}/team/web:1`, `repo@${SHA}`, `localhost:5000/app:1@${SHA}`);
    assert.deepEqual(imagesAfter(td, { tagOnly: 'v9' }), [
      'nginx:v9',
      `${ECR}/team/web:v9`,
      // Never `repo@sha256:v9`, which the script produced.
      'repo:v9',
      'localhost:5000/app:v9',
    ]);
  });

  it('with -i too, the tag wins everywhere (as the script documents)', () => {
    const td = withImages('repo/app:1', 'other/x:1');
    assert.deepEqual(imagesAfter(td, { image: resolveDeployImage('repo/app:2'), tagOnly: '3' }), [
      'repo/app:3',
      'other/x:3',
    ]);
  });

  it('refuses an image it cannot read instead of silently keeping it', () => {
    assert.throws(
      () => applyEdits(withImages('ok:1', 'Bad:1'), { tagOnly: 'v2' }),
      (e: unknown) => {
        code('IMAGE_REFERENCE_INVALID')(e);
        assert.match((e as Error).message, /container c1/);
        return true;
      },
    );
  });

  it('refuses an invalid tag', () => {
    assert.throws(
      () => applyEdits(withImages('ok:1'), { tagOnly: 'bad tag' }),
      code('IMAGE_REFERENCE_INVALID'),
    );
  });
});
