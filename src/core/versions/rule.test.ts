import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SlipwayError } from '../errors.js';
import {
  matchesChannelRule,
  matchingVersions,
  parseVersion,
  validateChannelRule,
  type ChannelRule,
  type Version,
} from './index.js';

function p(tag: string): Version {
  const v = parseVersion(tag);
  assert.ok(v, `${tag} should parse`);
  return v;
}

const STABLE_1X: ChannelRule = { versionRange: '[1.0,2.0)', preReleaseTag: '^$' };
const BETA_2X: ChannelRule = { versionRange: '[2.0,3.0)', preReleaseTag: '^beta' };
/** Every 2.x beta, 2.0.0's included: `2.0.0-0` and `3.0.0-0` are the lowest pre-releases of 2.0 and 3.0. */
const BETA_ALL_2X: ChannelRule = { versionRange: '[2.0.0-0,3.0.0-0)', preReleaseTag: '^beta' };
const RELEASES_ONLY: ChannelRule = { preReleaseTag: '^$' };

describe('matchesChannelRule', () => {
  // [rule name, rule, tag, matches?]
  const cases: [string, ChannelRule, string, boolean][] = [
    ['any', {}, '1.0.0', true],
    ['any', {}, '0.1.0-alpha', true],
    ['blank fields = any', { versionRange: '  ', preReleaseTag: '' }, '5.0.0-x', true],

    ['stable 1.x', STABLE_1X, '1.0.0', true],
    ['stable 1.x', STABLE_1X, '1.9.9.9', true],
    ['stable 1.x', STABLE_1X, 'v1.4+build.9', true], // metadata is not a pre-release
    ['stable 1.x', STABLE_1X, '1.5.0-beta', false], // in range, but a pre-release
    ['stable 1.x', STABLE_1X, '2.0.0-beta', false], // in range by NuGet's rule, but a pre-release
    ['stable 1.x', STABLE_1X, '2.0.0', false],
    ['stable 1.x', STABLE_1X, '0.9.0', false],
    ['stable 1.x', STABLE_1X, '1.27-alpine', false], // variant tags are pre-releases

    // NuGet's rule cuts both ways: 2.0.0-beta is below 2.0, so outside [2.0,3.0) (see BETA_ALL_2X).
    ['beta 2.x', BETA_2X, '2.0.0-beta', false],
    ['beta 2.x', BETA_2X, '2.0.0-beta.1', false],
    ['beta 2.x', BETA_2X, '2.0.1-beta.1', true],
    ['beta 2.x', BETA_2X, '2.3.0-beta2', true],
    ['beta 2.x', BETA_2X, '2.1.0-alpha.1', false],
    ['beta 2.x', BETA_2X, '2.0.0-rc.1', false],
    ['beta 2.x', BETA_2X, '2.0.0-Beta', false], // the regex is case-sensitive, as .NET's is by default
    ['beta 2.x', BETA_2X, '2.0.0', false], // no pre-release: '' does not match ^beta
    ['beta 2.x', BETA_2X, '3.0.0-beta', true], // NuGet: 3.0.0-beta is below 3.0, so inside [2.0,3.0)
    ['beta 2.x', BETA_2X, '1.9.0-beta', false],

    ['all 2.x betas', BETA_ALL_2X, '2.0.0-beta', true],
    ['all 2.x betas', BETA_ALL_2X, '2.0.0-beta.1', true],
    ['all 2.x betas', BETA_ALL_2X, '2.9.0-beta', true],
    ['all 2.x betas', BETA_ALL_2X, '3.0.0-beta', false],
    ['all 2.x betas', BETA_ALL_2X, '1.9.0-beta', false],

    ['releases only', RELEASES_ONLY, '7.0.0', true],
    ['releases only', RELEASES_ONLY, '7.0.0-rc.1', false],
    ['releases only', RELEASES_ONLY, '7.0.0+sha.abc', true],

    ['regex with a group', { preReleaseTag: '^(beta|rc)\\.' }, '1.0-rc.2', true],
    ['regex with a group', { preReleaseTag: '^(beta|rc)\\.' }, '1.0-rc', false],
    ['unanchored regex', { preReleaseTag: 'rc' }, '1.0.0-pre.rc.1', true],
    ['range only', { versionRange: '(,2.0]' }, '2.0.0-rc.1', true],
    ['range only', { versionRange: '(,2.0]' }, '2.0.1', false],
  ];
  for (const [name, rule, tag, expected] of cases) {
    it(`${name}: ${tag} ${expected ? 'matches' : 'does not match'}`, () =>
      assert.equal(matchesChannelRule(p(tag), rule), expected));
  }

  it('never throws: an invalid regex or range matches nothing', () => {
    for (const rule of [{ preReleaseTag: '(' }, { preReleaseTag: '[a-' }, { versionRange: '[2.0,1.0]' }]) {
      assert.equal(matchesChannelRule(p('1.0.0'), rule), false);
      assert.equal(matchesChannelRule(p('1.5.0-beta'), rule), false);
    }
  });
});

describe('validateChannelRule', () => {
  it('accepts valid and empty rules', () => {
    for (const rule of [
      {},
      STABLE_1X,
      BETA_2X,
      BETA_ALL_2X,
      RELEASES_ONLY,
      { versionRange: '', preReleaseTag: '' },
    ]) {
      assert.doesNotThrow(() => validateChannelRule(rule));
    }
  });

  const regexErrors = ['(', '[a-', '*beta', 'beta(?<n>', '\\', '(a)\\1', '^(?=beta)'];
  for (const tag of regexErrors) {
    it(`rejects the regex ${JSON.stringify(tag)}`, () => {
      assert.throws(
        () => validateChannelRule({ versionRange: '[1.0,2.0)', preReleaseTag: tag }),
        (e: unknown) => {
          assert.ok(e instanceof SlipwayError);
          assert.equal(e.code, 'INVALID_INPUT');
          assert.ok(
            e.message.startsWith(`Pre-release tag rule "${tag}" is not a usable regular expression (`),
          );
          assert.match(e.message, /\^\$ for no pre-release, \^beta for beta ones/);
          assert.deepEqual(e.data, { preReleaseTag: tag });
          return true;
        },
      );
    });
  }

  it('runs a pattern that backtracks catastrophically in JavaScript in linear time', () => {
    // (a|aa)+$ against 60 a's and a b takes minutes with a backtracking engine.
    const rule = { preReleaseTag: '^(a|aa)+$' };
    const version = (label: string) => parseVersion(`1.0.0-${label}`)!;
    assert.equal(matchesChannelRule(version('a'.repeat(60) + 'b'), rule), false);
    assert.equal(matchesChannelRule(version('aaaa'), rule), true);
  });

  it('rejects a bad range with the range error', () => {
    assert.throws(() => validateChannelRule({ versionRange: '[1.0,', preReleaseTag: '^$' }), {
      code: 'INVALID_INPUT',
      message: /^Version range "\[1\.0," is not valid: .*Valid forms:/,
    });
  });
});

describe('matchingVersions: picking from a realistic feed', () => {
  // As a registry lists them: lexical order, with moving tags, commit tags and variants mixed in.
  const tags = [
    '0.9.0',
    '1.0.0',
    '1.0.1',
    '1.1.0',
    '1.1.0-rc.1',
    '1.10.0',
    '1.2.0',
    '1.9.3',
    '1.9.3-alpine',
    '2.0.0-alpha.1',
    '2.0.0-beta',
    '2.0.0-beta.1',
    '2.0.0-beta.10',
    '2.0.0-beta.2',
    '2.0.0-rc.1',
    '2.1.0-beta.1',
    '3.0.0-beta.1',
    'latest',
    'main',
    'main-4f1c2ab',
    'sha-4f1c2ab',
    'sha256-9b2f',
    'stable',
    'v1.10.1',
  ];
  const originals = (vs: Version[]): string[] => vs.map((v) => v.original);

  it('stable 1.x: releases in [1.0,2.0), newest first', () => {
    assert.deepEqual(originals(matchingVersions(tags, STABLE_1X)), [
      'v1.10.1',
      '1.10.0',
      '1.9.3',
      '1.2.0',
      '1.1.0',
      '1.0.1',
      '1.0.0',
    ]);
  });

  it('beta 2.x, [2.0,3.0): NuGet puts 3.0.0-beta.1 inside and 2.0.0-beta* outside', () => {
    assert.deepEqual(originals(matchingVersions(tags, BETA_2X)), ['3.0.0-beta.1', '2.1.0-beta.1']);
  });

  it('all 2.x betas, [2.0.0-0,3.0.0-0): newest first', () => {
    assert.deepEqual(originals(matchingVersions(tags, BETA_ALL_2X)), [
      '2.1.0-beta.1',
      '2.0.0-beta.10',
      '2.0.0-beta.2',
      '2.0.0-beta.1',
      '2.0.0-beta',
    ]);
  });

  it('newest pick per channel', () => {
    const newest = (rule: ChannelRule): string | undefined => matchingVersions(tags, rule)[0]?.original;
    assert.equal(newest({}), '3.0.0-beta.1');
    assert.equal(newest(RELEASES_ONLY), 'v1.10.1');
    assert.equal(newest(STABLE_1X), 'v1.10.1');
    assert.equal(newest(BETA_2X), '3.0.0-beta.1');
    assert.equal(newest(BETA_ALL_2X), '2.1.0-beta.1');
    assert.equal(newest({ versionRange: '[2.0,3.0)', preReleaseTag: '^rc' }), undefined);
    assert.equal(newest({ versionRange: '[1.0,2.0)', preReleaseTag: '^rc' }), '2.0.0-rc.1');
    assert.equal(newest({ versionRange: '[1.0,1.10)', preReleaseTag: '^$' }), '1.9.3');
    assert.equal(newest({ versionRange: '[1.1]' }), '1.1.0');
    assert.equal(newest({ versionRange: '[5.0,)' }), undefined);
  });

  it('any rule: every version tag, and never latest, main, sha-… or stable', () => {
    const all = originals(matchingVersions(tags));
    assert.equal(all.length, 18);
    for (const notVersion of ['latest', 'main', 'main-4f1c2ab', 'sha-4f1c2ab', 'sha256-9b2f', 'stable']) {
      assert.ok(!all.includes(notVersion), notVersion);
    }
    assert.deepEqual(all.slice(0, 4), ['3.0.0-beta.1', '2.1.0-beta.1', '2.0.0-rc.1', '2.0.0-beta.10']);
    assert.equal(all.at(-1), '0.9.0');
  });

  it('the same result whatever order the feed lists tags in, duplicates once', () => {
    const reversed = [...tags].reverse();
    assert.deepEqual(
      originals(matchingVersions([...reversed, ...tags], STABLE_1X)),
      originals(matchingVersions(tags, STABLE_1X)),
    );
  });

  it('equal versions spelled differently are ordered deterministically', () => {
    const picked = originals(matchingVersions(['v1.2.0', '1.2', '1.2.0+b.1', '1.2.0'], RELEASES_ONLY));
    assert.deepEqual(picked, ['v1.2.0', '1.2.0+b.1', '1.2.0', '1.2']);
  });

  it('an invalid rule gives no versions instead of throwing', () => {
    assert.deepEqual(matchingVersions(tags, { preReleaseTag: '(' }), []);
    assert.deepEqual(matchingVersions(tags, { versionRange: 'x' }), []);
  });

  it('no tags, or none that are versions', () => {
    assert.deepEqual(matchingVersions([]), []);
    assert.deepEqual(matchingVersions(['latest', 'stable', 'sha-abc']), []);
  });
});
