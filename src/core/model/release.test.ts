import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SlipwayError } from '../errors.js';
import { parseInput } from './parse.js';
import { releaseCreateSchema, releaseVersionProblem } from './release.js';

describe('release versions (docs/releases.md)', () => {
  const versions: [string, boolean][] = [
    ['1.2.3', true],
    ['1.2', true],
    ['v1.2.3.4', true],
    ['1.2.3-beta.1+build.5', true],
    ['2026.3.5', true],
    ['../../x', false],
    ['not a version!!', false],
    ['1.2.3 ', false],
    ['1.2/3', false],
    ['latest', false],
    ['1.2.3-beta..1', false],
    [`1.0.0-${'a'.repeat(251)}`, false],
  ];
  for (const [text, ok] of versions) {
    it(`${ok ? 'accepts' : 'refuses'} ${JSON.stringify(text.length > 40 ? `${text.slice(0, 20)}…` : text)}`, () => {
      assert.equal(releaseVersionProblem(text) === undefined, ok);
    });
  }

  it('refuses a release request whose version is not a version, naming the field and the form', () => {
    assert.throws(
      () => parseInput(releaseCreateSchema, { project: 'web', version: '../../x' }, 'release'),
      (e: unknown) => {
        assert.ok(e instanceof SlipwayError && e.code === 'INVALID_INPUT');
        assert.match(
          e.message,
          /^Invalid release: release\.version: version must be a version such as 1\.2\.3/,
        );
        return true;
      },
    );
    assert.throws(
      () => parseInput(releaseCreateSchema, { project: 'web', version: 'x'.repeat(300) }, 'release'),
      /release\.version: version must be at most 256 characters/,
    );
    assert.equal(
      parseInput(releaseCreateSchema, { project: 'web', version: 'v1.4.2' }, 'release').version,
      'v1.4.2',
    );
  });
});
