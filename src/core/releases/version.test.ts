import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { prng } from '../../../test/helpers/prng.js';
import { SlipwayError } from '../errors.js';
import { compareVersions, parseVersion, type Version } from '../versions/index.js';
import {
  nextReleaseVersion,
  parseVersionMask,
  versionTemplateVariables,
  type VersionContext,
} from './index.js';

const NOW = new Date('2026-03-05T07:08:09Z');

function next(template: string, previousVersions: string[], extra: Partial<VersionContext> = {}): string {
  return nextReleaseVersion(template, { previousVersions, now: NOW, ...extra });
}

function refused(
  template: string,
  previousVersions: string[],
  pattern: RegExp,
  extra: Partial<VersionContext> = {},
) {
  assert.throws(
    () => next(template, previousVersions, extra),
    (e: unknown) => e instanceof SlipwayError && e.code === 'INVALID_INPUT' && pattern.test(e.message),
  );
}

describe('nextReleaseVersion: masks', () => {
  // [template, previous versions, expected]
  const cases: [string, string[], string][] = [
    // no previous release: every i and c is 0 (Octopus)
    ['1.2.i', [], '1.2.0'],
    ['i.0', [], '0.0'],
    ['c.c.i', [], '0.0.0'],
    // i in each position
    ['i', ['4.5.6'], '5'],
    ['i.0', ['1.2.3'], '2.0'],
    ['1.i', ['1.2.3'], '1.3'],
    ['1.2.i', ['1.2.3'], '1.2.4'],
    ['1.2.3.i', ['1.2.3.4'], '1.2.3.5'],
    // c in each position
    ['c.i', ['3.4'], '3.5'],
    ['1.c.i', ['1.2.3'], '1.2.4'],
    ['1.2.c.i', ['1.2.3.4'], '1.2.3.5'],
    ['c.c.c.i', ['1.2.3'], '1.2.3.1'],
    // lower i/c after an incremented part reset to 0; numbers stay
    ['i.c.c', ['1.2.3'], '2.0.0'],
    ['i.i.i', ['1.2.3'], '2.0.0'],
    ['1.i.c', ['1.2.3'], '1.3.0'],
    ['c.i.5', ['1.2.3'], '1.3.5'],
    // the base is the highest version with the mask's leading numbers
    ['1.2.i', ['1.2.3', '2.0.0', '1.3.0'], '1.2.4'],
    ['1.c.i', ['1.2.9', '1.10.0', '2.5.0'], '1.10.1'],
    ['2.0.i', ['1.5.3'], '2.0.0'], // no 2.0.x yet
    ['c.c.i', ['1.2.3', '1.10.0', '1.9.99'], '1.10.1'], // numeric order, not text order
    // pre-releases count by version order; a suffix is kept as written
    ['1.2.i', ['1.2.3', '1.2.4-beta.1'], '1.2.5'],
    ['c.c.i', ['1.2.3', '1.2.3-rc.1'], '1.2.4'],
    ['1.2.i-beta', ['1.2.3'], '1.2.4-beta'],
    ['1.c.i-rc.1+build.7', ['1.4.0'], '1.4.1-rc.1+build.7'],
    // tags that are not versions are ignored
    ['1.0.i', ['latest', 'nightly', '1.0.2'], '1.0.3'],
    // a literal version is taken as written
    ['3.1.4', ['1.0.0'], '3.1.4'],
  ];
  for (const [template, previous, expected] of cases) {
    it(`${template} after [${previous.join(', ')}] → ${expected}`, () => {
      assert.equal(next(template, previous), expected);
    });
  }

  it('applies a mask the template rendered', () => {
    assert.equal(next('#{Line}.i', ['2.4.1', '2.5'], { variables: { Line: '2.4' } }), '2.4.2');
  });

  it('parseVersionMask tells masks from versions and text', () => {
    assert.deepEqual(parseVersionMask('1.c.i-beta'), { parts: [1, 'c', 'i'], suffix: '-beta' });
    assert.equal(parseVersionMask('1.2.3'), undefined);
    assert.equal(parseVersionMask('1.2.3.4.i'), undefined); // five parts
    assert.equal(parseVersionMask('x.i'), undefined);
    assert.equal(parseVersionMask('1.I'), undefined); // masks are lower case
  });
});

describe('nextReleaseVersion: templates', () => {
  const LAST = '#{Octopus.Version.LastMajor}.#{Octopus.Version.LastMinor}';
  const cases: [string, string[], string][] = [
    [`${LAST}.#{Octopus.Version.NextPatch}`, [], '0.0.1'],
    [`${LAST}.#{Octopus.Version.NextPatch}`, ['1.2.3', '1.10.2', '1.9.0'], '1.10.3'],
    ['#{Octopus.Version.NextMajor}.0.0', ['1.2.3'], '2.0.0'],
    [`${LAST}.#{Octopus.Version.LastPatch}.#{Octopus.Version.NextBuild}`, ['1.2.3.4'], '1.2.3.5'],
    [`${LAST}.#{Octopus.Version.LastPatch}.#{Octopus.Version.NextRevision}`, ['1.2.3'], '1.2.3.1'],
    ['#{Octopus.Version.LastBuild}.#{Octopus.Version.LastRevision}.9', ['1.2.3.4'], '4.4.9'],
    // the highest version is a pre-release: Last* are its numbers, LastSuffix its label
    [
      `${LAST}.#{Octopus.Version.LastPatch}#{Octopus.Version.LastSuffix}.1`,
      ['1.0.0', '1.1.0-beta'],
      '1.1.0-beta.1',
    ],
    [`${LAST}.#{Octopus.Version.NextPatch}#{Octopus.Version.NextSuffix}`, ['1.0.0'], '1.0.1'],
    // clock (UTC), numbers not zero-padded
    ['#{Octopus.Date.Year}.#{Octopus.Date.Month}.#{Octopus.Date.Day}', [], '2026.3.5'],
    ['#{Octopus.Date.Year}.#{Octopus.Date.DayOfYear}', [], '2026.64'],
    ['1.0.#{Octopus.Date.Date}', [], '1.0.20260305'],
    ['#{Octopus.Time.Hour}.#{Octopus.Time.Minute}.#{Octopus.Time.Second}', [], '7.8.9'],
    ['#{ | NowDateUtc "yyyy.MM.dd"}', [], '2026.03.05'], // other formats through the clock
    // names are case-insensitive, surrounding spaces trimmed
    [' #{octopus.version.nextmajor}.0 ', ['1.0'], '2.0'],
  ];
  for (const [template, previous, expected] of cases) {
    it(`${template} after [${previous.join(', ')}] → ${expected}`, () => {
      assert.equal(next(template, previous), expected);
    });
  }

  it('gives project variables and package versions', () => {
    const variables = { Major: '4', 'Octopus.Action.Package[web].PackageVersion': '4.1.7' };
    assert.equal(next('#{Octopus.Action.Package[web].PackageVersion}', [], { variables }), '4.1.7');
    assert.equal(next('#{Major}.#{Octopus.Version.NextMinor}.0', ['4.2.0'], { variables }), '4.3.0');
  });

  it('Octopus variables win over project variables of the same name', () => {
    const variables = { 'Octopus.Version.NextMajor': '99' };
    assert.equal(next('#{Octopus.Version.NextMajor}.0', ['1.0'], { variables }), '2.0');
  });

  it('channel variables come from the channel versions, the others from all of the project', () => {
    const context = { channelVersions: ['1.4.2', '1.4.10'], channelName: 'Stable' };
    const previous = ['1.4.2', '1.4.10', '2.0.0-beta.3'];
    const template =
      '#{Octopus.Version.Channel.LastMajor}.#{Octopus.Version.Channel.LastMinor}.#{Octopus.Version.Channel.NextPatch}';
    assert.equal(next(template, previous, context), '1.4.11');
    assert.equal(
      next('#{Octopus.Version.NextMajor}.0.0-#{Octopus.Release.Channel.Name}', previous, context),
      '3.0.0-Stable',
    );
    assert.equal(next('#{Octopus.Version.Channel.NextMinor}.0', previous, { channelVersions: [] }), '1.0');
  });

  it('version variables are 0 (Next 1) without a previous version', () => {
    const vars = versionTemplateVariables({ previousVersions: ['latest'], now: NOW });
    assert.equal(vars['Octopus.Version.LastMajor'], '0');
    assert.equal(vars['Octopus.Version.NextMajor'], '1');
    assert.equal(vars['Octopus.Version.LastSuffix'], '');
    assert.equal(vars['Octopus.Version.Channel.LastMajor'], undefined);
  });
});

describe('nextReleaseVersion: refusals', () => {
  const cases: [string, string, string[], RegExp, Partial<VersionContext>?][] = [
    ['unknown variable', '#{Nope}.1', [], /"#\{Nope\}\.1" refers to #\{Nope\}.*not defined/],
    ['channel variables without channel versions', '1.#{Octopus.Version.Channel.NextMinor}', [], /channel/],
    ['renders empty', '#{Empty}', [], /gave "", which is not a version/, { variables: { Empty: '' } }],
    ['not a version', 'release-#{Octopus.Version.NextMajor}', [], /gave "release-1", which is not a version/],
    ['whitespace', '1.#{Gap}', [], /gave "1\.2 3"/, { variables: { Gap: '2 3' } }],
    ['does not parse', '#{if X}1.0', [], /does not parse/],
    ['five parts', '1.2.3.4.#{Octopus.Version.NextMajor}', [], /not a version/],
    ['a path', '../../#{Octopus.Version.NextMajor}', [], /gave "\.\.\/\.\.\/1", which is not a version/],
    // A version becomes an ECS tag value (at most 256 characters).
    ['too long for a tag', `1.0.0-${'a'.repeat(251)}`, [], /which is not a version/],
    ['already exists', '1.2.3', ['1.2.3'], /release 1\.2\.3 already exists.*Pass a version/],
    ['exists in another spelling', '1.2', ['v1.2.0'], /already exists/],
    [
      'mask gives an existing version',
      '1.2.c',
      ['1.2.3'],
      /gave 1\.2\.3, but a release 1\.2\.3 already exists/,
    ],
  ];
  for (const [what, template, previous, pattern, extra] of cases) {
    it(what, () => refused(template, previous, pattern, extra));
  }

  it('names the template and what it rendered in data', () => {
    try {
      next('x#{Octopus.Version.NextMajor}', []);
      assert.fail('should throw');
    } catch (e) {
      assert.ok(e instanceof SlipwayError);
      assert.deepEqual(e.data, { template: 'x#{Octopus.Version.NextMajor}', rendered: 'x1' });
    }
  });
});

describe('nextReleaseVersion: properties', () => {
  function randomVersion(rand: () => number): string {
    const n = (): number => Math.floor(rand() * 4);
    const pre = rand() < 0.3 ? `-beta.${n()}` : '';
    return `${n()}.${n()}.${n()}${pre}`;
  }

  it('c.c.i and the NextPatch template always give a new version above every previous one', () => {
    const rand = prng(20261122);
    for (let run = 0; run < 300; run++) {
      const previous = Array.from({ length: Math.floor(rand() * 6) }, () => randomVersion(rand));
      for (const template of [
        'c.c.i',
        '#{Octopus.Version.LastMajor}.#{Octopus.Version.LastMinor}.#{Octopus.Version.NextPatch}',
      ]) {
        const made = next(template, previous);
        const v = parseVersion(made) as Version;
        for (const p of previous) {
          assert.ok(
            compareVersions(v, parseVersion(p) as Version) > 0,
            `${template}: ${made} ≤ ${p} (${previous.join(' ')})`,
          );
        }
      }
    }
  });

  it('1.c.i stays on major 1 and above every previous 1.x', () => {
    const rand = prng(7);
    for (let run = 0; run < 300; run++) {
      const previous = Array.from({ length: Math.floor(rand() * 6) }, () => randomVersion(rand));
      const made = parseVersion(next('1.c.i', previous)) as Version;
      assert.equal(made.major, 1);
      for (const p of previous.map((x) => parseVersion(x) as Version).filter((x) => x.major === 1)) {
        assert.ok(compareVersions(made, p) > 0);
      }
    }
  });
});
