import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SlipwayError } from '../errors.js';
import {
  formatVersionRange,
  parseVersion,
  parseVersionRange,
  satisfiesRange,
  type Version,
} from './index.js';

function p(tag: string): Version {
  const v = parseVersion(tag);
  assert.ok(v, `${tag} should parse`);
  return v;
}

function inRange(tag: string, range: string): boolean {
  return satisfiesRange(p(tag), parseVersionRange(range));
}

describe('parseVersionRange: every form', () => {
  const cases: [string, string][] = [
    ['1.2', '[1.2.0, )'],
    ['v1.2', '[1.2.0, )'],
    ['[1.2]', '[1.2.0]'],
    ['[1.2,1.2]', '[1.2.0]'],
    ['[1.0,2.0)', '[1.0.0, 2.0.0)'],
    ['[1.0,2.0]', '[1.0.0, 2.0.0]'],
    ['(1.0,2.0)', '(1.0.0, 2.0.0)'],
    ['(1.0,2.0]', '(1.0.0, 2.0.0]'],
    ['(,3.0]', '(, 3.0.0]'],
    ['(,3.0)', '(, 3.0.0)'],
    ['[,3.0]', '(, 3.0.0]'], // an open end has no inclusiveness: either bracket is accepted
    ['[2.0,)', '[2.0.0, )'],
    ['[2.0,]', '[2.0.0, )'],
    ['(1.0,)', '(1.0.0, )'],
    ['[1.0.0-beta,2.0)', '[1.0.0-beta, 2.0.0)'],
    ['[1.0+meta, 2.0)', '[1.0.0+meta, 2.0.0)'],
    // Whitespace is tolerated around the range and each bound.
    ['  [ 1.0 , 2.0 )  ', '[1.0.0, 2.0.0)'],
    ['\t1.2\n', '[1.2.0, )'],
    ['( , 3.0 ]', '(, 3.0.0]'],
    ['[ 1.2 ]', '[1.2.0]'],
  ];
  for (const [range, normalized] of cases) {
    it(`${JSON.stringify(range)} → ${normalized}`, () => {
      const parsed = parseVersionRange(range);
      assert.equal(formatVersionRange(parsed), normalized);
      assert.equal(parsed.original, range);
    });
  }
});

describe('satisfiesRange: boundaries', () => {
  // [range, tag, inside?]
  const cases: [string, string, boolean][] = [
    // Bare version = inclusive minimum, no maximum.
    ['1.2', '1.1.9', false],
    ['1.2', '1.2', true],
    ['1.2', '1.2.0.0', true],
    ['1.2', '99.0', true],
    // Exact.
    ['[1.2]', '1.2.0', true],
    ['[1.2]', 'v1.2+build.7', true], // metadata ignored
    ['[1.2]', '1.2.0.1', false],
    ['[1.2]', '1.2.0-rc', false],
    ['[1.2]', '1.1.99', false],
    // Inclusive / exclusive minimum.
    ['[1.0,2.0)', '1.0', true],
    ['(1.0,2.0]', '1.0', false],
    ['(1.0,2.0]', '1.0.0.1', true],
    ['(1.0,)', '1.0.0', false],
    ['(1.0,)', '1.0.1', true],
    ['[2.0,)', '2.0', true],
    ['[2.0,)', '1.99', false],
    // Inclusive / exclusive maximum.
    ['[1.0,2.0)', '2.0', false],
    ['[1.0,2.0)', '1.999.999', true],
    ['(1.0,2.0]', '2.0', true],
    ['(1.0,2.0]', '2.0.0.1', false],
    ['(,3.0]', '3.0', true],
    ['(,3.0]', '0.0.0', true],
    ['(,3.0]', '3.0.0.1', false],
    ['(,3.0)', '3.0', false],
    ['(,3.0)', '2.99', true],
    // Pre-releases follow NuGet: plain precedence, a pre-release of X is just below X.
    ['[1.0,2.0)', '2.0.0-beta', true],
    ['[1.0,2.0)', '2.0.0-rc.1', true],
    ['[1.0,2.0)', '1.0.0-beta', false],
    ['[1.0,2.0)', '1.5.0-beta', true],
    ['[1.0,2.0]', '2.0.0-beta', true],
    ['[1.0,2.0]', '2.0.1-beta', false],
    ['(,2.0)', '2.0.0-alpha', true],
    ['[2.0,)', '2.0.0-beta', false],
    ['2.0', '2.0.0-beta', false],
    ['2.0', '2.0.1-beta', true],
    ['[2.0.0-beta,)', '2.0.0-alpha', false],
    ['[2.0.0-beta,)', '2.0.0-beta', true],
    ['[2.0.0-beta,)', '2.0.0-BETA', true], // pre-release labels compare case-insensitively
    ['[2.0.0-beta,)', '2.0.0-beta.1', true],
    ['(2.0.0-beta,)', '2.0.0-beta', false],
    ['[2.0.0-beta,)', '2.0.0', true],
  ];
  for (const [range, tag, inside] of cases) {
    it(`${tag} ${inside ? 'in' : 'not in'} ${range}`, () => assert.equal(inRange(tag, range), inside));
  }
});

describe('parseVersionRange: invalid ranges', () => {
  const cases: [string, RegExp][] = [
    ['', /it is empty/],
    ['   ', /it is empty/],
    ['latest', /its version "latest" is not a version/],
    ['>=1.0', /its version ">=1.0" is not a version/],
    ['^1.2', /is not a version/],
    ['1.x', /is not a version/],
    ['1.0,2.0', /a range with two bounds needs brackets/],
    ['1.0]', /ends with "\]" but does not start with "\[" or "\("/],
    ['[1.0,2.0', /starts with "\[" but does not end with "\]" or "\)"/],
    ['[', /starts with "\[" but does not end/],
    ['(1.0', /starts with "\(" but does not end/],
    ['[]', /no version between the brackets/],
    ['( )', /no version between the brackets/],
    ['(1.0)', /an exact version is written with square brackets, e.g. \[1.0\]/],
    ['[1.0)', /an exact version is written with square brackets/],
    ['(,)', /neither a minimum nor a maximum/],
    ['[ , ]', /neither a minimum nor a maximum/],
    ['[1.0,2.0,3.0]', /more than two bounds/],
    ['[2.0,1.0]', /its minimum 2.0.0 is above its maximum 1.0.0/],
    ['[2.0.0,2.0.0-beta]', /its minimum 2.0.0 is above its maximum 2.0.0-beta/],
    ['[1.0,1.0)', /no version fits it \(write \[1.0\] for exactly 1.0.0\)/],
    ['(1.0,1.0]', /no version fits it/],
    ['[abc,2.0)', /its minimum "abc" is not a version/],
    ['[1.0,two)', /its maximum "two" is not a version/],
    ['[1.0 2.0]', /its version "1.0 2.0" is not a version/],
  ];
  for (const [range, reason] of cases) {
    it(`${JSON.stringify(range)} → ${reason.source}`, () => {
      assert.throws(
        () => parseVersionRange(range),
        (e: unknown) => {
          assert.ok(e instanceof SlipwayError);
          assert.equal(e.code, 'INVALID_INPUT');
          assert.equal(e.owner, 'user');
          assert.deepEqual(e.data, { range });
          // The message quotes the range, says what is wrong, and shows the valid forms.
          assert.ok(e.message.startsWith(`Version range "${range}" is not valid: `), e.message);
          assert.match(e.message, reason);
          assert.match(e.message, /Valid forms: 1\.0 \(≥ 1\.0\), \[1\.0\] \(exactly 1\.0\), \[1\.0,2\.0\)/);
          return true;
        },
      );
    });
  }

  it('shows a complete message for a typical mistake', () => {
    assert.throws(() => parseVersionRange('[1.0,2.0'), {
      message:
        'Version range "[1.0,2.0" is not valid: it starts with "[" but does not end with "]" or ")". ' +
        'Valid forms: 1.0 (≥ 1.0), [1.0] (exactly 1.0), [1.0,2.0) (≥ 1.0 and < 2.0), (1.0,2.0] (> 1.0 and ≤ 2.0), ' +
        '(,2.0] (≤ 2.0), (,2.0) (< 2.0), [1.0,) (≥ 1.0), (1.0,) (> 1.0).',
    });
  });
});
