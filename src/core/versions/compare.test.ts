import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  comparePrecedence,
  comparePrerelease,
  compareVersions,
  parseVersion,
  type Version,
} from './index.js';

function p(tag: string): Version {
  const v = parseVersion(tag);
  assert.ok(v, `${tag} should parse`);
  return v;
}

/** A fixed permutation (not random) so failures are reproducible. */
function shuffled<T>(xs: readonly T[]): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = (i * 7919 + 13) % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describe('compareVersions: sorting a shuffled table', () => {
  // Ascending. Equal-precedence tags (1.0 / v1.0.0 / 1.0.0+b) sit in ordinal order of the original tag.
  const ascending = [
    '0.0.1',
    '0.9',
    '0.10',
    '1.0.0-0',
    '1.0.0-1',
    '1.0.0-2',
    '1.0.0-10',
    '1.0.0-alpha',
    '1.0.0-alpha.1',
    '1.0.0-alpha.beta',
    '1.0.0-beta',
    '1.0.0-beta.2',
    '1.0.0-beta.11',
    '1.0.0-rc.1',
    '1.0',
    '1.0.0',
    '1.0.0+build.1',
    'v1.0.0',
    '1.0.0.1-beta',
    '1.0.0.1',
    '1.0.1',
    '1.1',
    '1.2.3.4',
    '1.2.3.10',
    '1.9',
    '1.10',
    '1.10.1',
    '2.0.0-alpha',
    '2.0.0',
    '10.0.0',
    '2024.05.01',
    '2024.5.2',
    '20240501',
  ];

  it('sorts to the expected order from a shuffled input', () => {
    const input = shuffled(ascending);
    assert.notDeepEqual(input, ascending);
    const sorted = input
      .map(p)
      .sort(compareVersions)
      .map((v) => v.original);
    assert.deepEqual(sorted, ascending);
  });

  it('gives the same order from the reversed input (total, stable order)', () => {
    const sorted = [...ascending]
      .reverse()
      .map(p)
      .sort(compareVersions)
      .map((v) => v.original);
    assert.deepEqual(sorted, ascending);
  });

  it('is antisymmetric and consistent with itself over every pair', () => {
    const vs = ascending.map(p);
    for (let i = 0; i < vs.length; i++) {
      for (let j = 0; j < vs.length; j++) {
        const a = vs[i] as Version;
        const b = vs[j] as Version;
        const expected = Math.sign(i - j);
        assert.equal(Math.sign(compareVersions(a, b)), expected, `${a.original} vs ${b.original}`);
      }
    }
  });
});

describe('comparePrecedence: same version, different spelling', () => {
  const same: [string, string][] = [
    ['1', '1.0.0.0'],
    ['v1.2', '1.2.0'],
    ['1.01', '1.1'],
    ['1.0.0+a', '1.0.0+b'],
    ['1.0.0-beta+a', 'V1.0.0-beta'],
    // Case-insensitive like NuGet.
    ['1.0.0-RC.1', '1.0.0-rc.1'],
    ['1.0.0-Beta', '1.0.0-bEtA'],
    // Numeric identifiers compare by value.
    ['1.0.0-rc.01', '1.0.0-rc.1'],
  ];
  for (const [a, b] of same) {
    it(`${a} = ${b}`, () => {
      assert.equal(comparePrecedence(p(a), p(b)), 0);
      // compareVersions still separates them, by original tag, so sorting is total.
      assert.notEqual(compareVersions(p(a), p(b)), 0);
      assert.equal(Math.sign(compareVersions(p(a), p(b))), -Math.sign(compareVersions(p(b), p(a))));
    });
  }
});

describe('comparePrerelease', () => {
  const less: [string, string][] = [
    ['alpha', 'beta'],
    ['alpha', 'alpha.1'],
    ['alpha.1', 'alpha.beta'],
    ['1', 'alpha'],
    ['1', '1.1'],
    ['2', '10'],
    ['9', '10'],
    ['99999999999999999999998', '99999999999999999999999'], // beyond safe integers, still exact
    ['rc.2', 'rc.10'],
    ['ALPHA', 'beta'], // would be reversed if compared by ASCII case
    ['a-b', 'a-c'],
    ['-', 'a'],
  ];
  for (const [a, b] of less) {
    it(`${a} < ${b}`, () => {
      assert.equal(comparePrerelease(a, b), -1);
      assert.equal(comparePrerelease(b, a), 1);
    });
  }
  it('equal labels', () => {
    assert.equal(comparePrerelease('rc.1', 'rc.1'), 0);
    assert.equal(comparePrerelease('RC.001', 'rc.1'), 0);
    assert.equal(comparePrerelease('0', '000'), 0);
  });
});
