import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatVersion, parseVersion, type Version } from './index.js';

function v(
  original: string,
  major: number,
  minor = 0,
  patch = 0,
  revision = 0,
  prerelease?: string,
  metadata?: string,
): Version {
  const out: Version = { major, minor, patch, revision, original };
  if (prerelease !== undefined) out.prerelease = prerelease;
  if (metadata !== undefined) out.metadata = metadata;
  return out;
}

describe('parseVersion: tags that are versions', () => {
  const cases: [string, Version][] = [
    ['1', v('1', 1)],
    ['1.2', v('1.2', 1, 2)],
    ['1.2.3', v('1.2.3', 1, 2, 3)],
    ['1.2.3.4', v('1.2.3.4', 1, 2, 3, 4)],
    ['v1', v('v1', 1)],
    ['v1.2.3', v('v1.2.3', 1, 2, 3)],
    ['V1.2.3.4', v('V1.2.3.4', 1, 2, 3, 4)],
    ['0.0.0', v('0.0.0', 0)],
    ['1.0.0-beta', v('1.0.0-beta', 1, 0, 0, 0, 'beta')],
    ['1.0.0-beta.1', v('1.0.0-beta.1', 1, 0, 0, 0, 'beta.1')],
    ['1.0.0-rc-1', v('1.0.0-rc-1', 1, 0, 0, 0, 'rc-1')],
    ['1.0.0--x', v('1.0.0--x', 1, 0, 0, 0, '-x')],
    ['2-alpha.0.x-y', v('2-alpha.0.x-y', 2, 0, 0, 0, 'alpha.0.x-y')],
    // Docker variant tags read as pre-releases: a `^$` channel rule keeps them out.
    ['1.27-alpine', v('1.27-alpine', 1, 27, 0, 0, 'alpine')],
    ['1.27.0-alpine3.20', v('1.27.0-alpine3.20', 1, 27, 0, 0, 'alpine3.20')],
    ['1.2.3.4-RC.2', v('1.2.3.4-RC.2', 1, 2, 3, 4, 'RC.2')],
    ['1.0.0+build.5', v('1.0.0+build.5', 1, 0, 0, 0, undefined, 'build.5')],
    ['1.0.0-beta+exp.sha.5114f85', v('1.0.0-beta+exp.sha.5114f85', 1, 0, 0, 0, 'beta', 'exp.sha.5114f85')],
    ['v3+20240501', v('v3+20240501', 3, 0, 0, 0, undefined, '20240501')],
    // Leading zeros are allowed and ignored, as NuGet does.
    ['1.01', v('1.01', 1, 1)],
    ['2024.05.01', v('2024.05.01', 2024, 5, 1)],
    ['007', v('007', 7)],
    ['20240501', v('20240501', 20240501)],
    [String(Number.MAX_SAFE_INTEGER), v(String(Number.MAX_SAFE_INTEGER), Number.MAX_SAFE_INTEGER)],
    ['1.0.0-01', v('1.0.0-01', 1, 0, 0, 0, '01')],
  ];
  for (const [tag, expected] of cases) {
    it(tag, () => assert.deepEqual(parseVersion(tag), expected));
  }
});

describe('parseVersion: tags that are not versions', () => {
  const cases = [
    'latest',
    'stable',
    'main',
    'main-abc123',
    'sha-5114f85',
    'sha256-abc',
    'abc123',
    '',
    'v',
    'V',
    'vv1',
    'version1',
    '1.2.3.4.5',
    '1.',
    '.1',
    '1..2',
    '1.2.',
    '1.0.0-',
    '1.0.0+',
    '1.0.0-beta..1',
    '1.0.0-beta.',
    '1.0.0-.beta',
    '1.0.0+build..1',
    '1.0.0-beta_1',
    '1.0_beta',
    '1.0.0-beta+',
    '1.0.0+meta-ok+again',
    '+1.0',
    '-1.0',
    '1.-2',
    '1.+2',
    ' 1.0',
    '1.0 ',
    '1.0\n',
    '1.2a',
    '1.2.3a',
    '１.２', // full-width digits
    '٣', // Arabic-Indic digit
    '1.0.0-bêta',
    '9007199254740992', // MAX_SAFE_INTEGER + 1
    '1.99999999999999999999',
    '1.0.0.' + '9'.repeat(400),
    'x'.repeat(10_000),
    '1.' + '0.'.repeat(5000) + '0',
    '1.0-' + 'a.'.repeat(5000),
  ];
  for (const tag of cases) {
    it(JSON.stringify(tag.length > 40 ? tag.slice(0, 40) + '…' : tag), () =>
      assert.equal(parseVersion(tag), undefined),
    );
  }

  it('does not throw on values that are not strings (untyped input)', () => {
    for (const odd of [undefined, null, 1, {}, []]) {
      assert.equal(parseVersion(odd as unknown as string), undefined);
    }
  });
});

describe('formatVersion', () => {
  const cases: [string, string][] = [
    ['1', '1.0.0'],
    ['v1.2', '1.2.0'],
    ['1.01.002', '1.1.2'],
    ['1.2.3.0', '1.2.3'],
    ['1.2.3.4', '1.2.3.4'],
    ['1.0-beta.1', '1.0.0-beta.1'],
    ['1.0+meta', '1.0.0+meta'],
    ['V2.0.0-rc+b.7', '2.0.0-rc+b.7'],
  ];
  for (const [tag, expected] of cases) {
    it(`${tag} → ${expected}`, () => {
      const parsed = parseVersion(tag);
      assert.ok(parsed);
      assert.equal(formatVersion(parsed), expected);
    });
  }
});
