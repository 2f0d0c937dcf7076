import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SlipwayError } from '../errors.js';
import {
  imageKey,
  selectPackageVersions,
  type ChannelRuleDoc,
  type PackageReference,
  type PackageRequest,
} from './index.js';

const WEB: PackageReference = { step: 'Deploy web', package: 'web', feedId: 'Feeds-1', image: 'acme/web' };
const WORKER: PackageReference = {
  step: 'Deploy worker',
  package: 'worker',
  feedId: 'Feeds-1',
  image: 'acme/worker',
};
/** Two steps using the same package name. */
const MIGRATE: PackageReference = { step: 'Migrate', package: 'web', feedId: 'Feeds-1', image: 'acme/web' };
const SIDECAR: PackageReference = {
  step: 'Deploy web',
  package: 'envoy',
  feedId: 'Feeds-2',
  image: 'envoyproxy/envoy',
};

const TAGS = new Map<string, readonly string[]>([
  [
    imageKey('Feeds-1', 'acme/web'),
    ['latest', '1.0.0', '1.4.2', '1.10.0', '2.0.0-beta.1', '2.0.0-beta.2', 'main-abc123'],
  ],
  [imageKey('Feeds-1', 'acme/worker'), ['0.9', '1.0.1', '1.1.0-rc.1']],
  [imageKey('Feeds-2', 'envoyproxy/envoy'), ['v1.27.0', 'v1.28.1', 'latest']],
]);

const STABLE_1X: ChannelRuleDoc = {
  packages: [{ step: 'Deploy web', package: 'web' }],
  versionRange: '[1.0,2.0)',
  preReleaseTag: '^$',
};
const BETA_2X: ChannelRuleDoc = {
  packages: [
    { step: 'deploy WEB', package: 'WEB' }, // steps and packages match ignoring case
    { step: 'Migrate', package: 'web' },
  ],
  versionRange: '[2.0.0-0,3.0)',
  preReleaseTag: '^beta',
};

function versions(
  refs: PackageReference[],
  rules: ChannelRuleDoc[],
  request: Partial<PackageRequest> = {},
): Record<string, string> {
  const chosen = selectPackageVersions(refs, rules, { explicit: [], ...request }, TAGS);
  return Object.fromEntries(chosen.map((p) => [`${p.step}:${p.package}`, p.version]));
}

function refused(
  refs: PackageReference[],
  rules: ChannelRuleDoc[],
  request: Partial<PackageRequest>,
  pattern: RegExp,
  tags: ReadonlyMap<string, readonly string[]> = TAGS,
): void {
  assert.throws(
    () => selectPackageVersions(refs, rules, { explicit: [], ...request }, tags),
    (e: unknown) => e instanceof SlipwayError && e.code === 'INVALID_INPUT' && pattern.test(e.message),
  );
}

describe('selectPackageVersions', () => {
  it('takes the newest version tag by version order (not text order, never "latest")', () => {
    assert.deepEqual(versions([WORKER, SIDECAR], []), {
      'Deploy worker:worker': '1.1.0-rc.1',
      'Deploy web:envoy': 'v1.28.1', // the tag as written
    });
  });

  it('applies the channel rule of each reference', () => {
    assert.deepEqual(versions([WEB, WORKER], [STABLE_1X]), {
      'Deploy web:web': '1.10.0',
      'Deploy worker:worker': '1.1.0-rc.1', // no rule for it
    });
    assert.deepEqual(versions([WEB, MIGRATE], [BETA_2X]), {
      'Deploy web:web': '2.0.0-beta.2',
      'Migrate:web': '2.0.0-beta.2',
    });
  });

  it('returns feed and image with each version, in the order of the references', () => {
    const chosen = selectPackageVersions([SIDECAR, WEB], [], { explicit: [] }, TAGS);
    assert.deepEqual(chosen, [
      { ...SIDECAR, version: 'v1.28.1' },
      { ...WEB, version: '2.0.0-beta.2' },
    ]);
  });

  it('explicit by package name applies to every step using that package', () => {
    assert.deepEqual(
      versions([WEB, MIGRATE, WORKER], [], { explicit: [{ package: 'web', version: '1.4.2' }] }),
      {
        'Deploy web:web': '1.4.2',
        'Migrate:web': '1.4.2',
        'Deploy worker:worker': '1.1.0-rc.1',
      },
    );
  });

  it('explicit by step wins over by package name', () => {
    const explicit = [
      { package: 'WEB', version: '1.4.2' },
      { step: 'migrate', package: 'web', version: '1.0.0' },
    ];
    assert.deepEqual(versions([WEB, MIGRATE], [], { explicit }), {
      'Deploy web:web': '1.4.2',
      'Migrate:web': '1.0.0',
    });
  });

  it('the default version applies to references without an explicit one', () => {
    assert.deepEqual(
      versions([WEB, WORKER], [], {
        explicit: [{ package: 'worker', version: '0.9' }],
        defaultVersion: '1.4.2',
      }),
      { 'Deploy web:web': '1.4.2', 'Deploy worker:worker': '0.9' },
    );
  });

  it('explicit versions need not be in the feed, and may be any tag without a rule', () => {
    assert.deepEqual(versions([WEB], [], { explicit: [{ package: 'web', version: 'main-abc123' }] }), {
      'Deploy web:web': 'main-abc123',
    });
    assert.deepEqual(versions([WEB], [STABLE_1X], { explicit: [{ package: 'web', version: '1.99.0' }] }), {
      'Deploy web:web': '1.99.0',
    });
  });

  it('ignoreChannelRules lets an explicit version break the rule', () => {
    const request = { explicit: [{ package: 'web', version: '2.0.0-beta.1' }], ignoreChannelRules: true };
    assert.deepEqual(versions([WEB], [STABLE_1X], request), { 'Deploy web:web': '2.0.0-beta.1' });
  });

  it('no references → nothing', () => {
    assert.deepEqual(selectPackageVersions([], [STABLE_1X], { explicit: [] }, new Map()), []);
  });

  describe('refusals', () => {
    const cases: [string, PackageReference[], ChannelRuleDoc[], Partial<PackageRequest>, RegExp][] = [
      [
        'explicit version breaks the rule',
        [WEB],
        [STABLE_1X],
        { explicit: [{ package: 'web', version: '2.0.0-beta.1' }] },
        /Version 2\.0\.0-beta\.1 of package "web" of step "Deploy web" breaks the channel's rule \(range \[1\.0,2\.0\) and pre-release tag matching \^\$\)/,
      ],
      [
        'a non-version tag breaks a rule',
        [WEB],
        [STABLE_1X],
        { explicit: [{ package: 'web', version: 'latest' }] },
        /Version latest .* breaks/,
      ],
      [
        'default version breaks the rule',
        [WEB],
        [BETA_2X],
        { defaultVersion: '1.4.2' },
        /Version 1\.4\.2 .*breaks/,
      ],
      [
        'no tag fits the rule: lists the newest tags',
        [WORKER],
        [{ packages: [{ step: 'Deploy worker', package: 'worker' }], versionRange: '[2.0,)' }],
        {},
        /No tag of image acme\/worker fits package "worker" of step "Deploy worker" under the channel's rule \(range \[2\.0,\)\) \(newest: 1\.1\.0-rc\.1, 1\.0\.1, 0\.9\)/,
      ],
      [
        'unknown package',
        [WEB],
        [],
        { explicit: [{ package: 'wbe', version: '1.0.0' }] },
        /No package reference of the process matches wbe\. Package references \(step:package\): Deploy web:web/,
      ],
      [
        'unknown step',
        [WEB],
        [],
        { explicit: [{ step: 'Nope', package: 'web', version: '1.0.0' }] },
        /matches Nope:web/,
      ],
      [
        'two versions for one reference',
        [WEB],
        [],
        {
          explicit: [
            { package: 'web', version: '1.0.0' },
            { package: 'web', version: '1.4.2' },
          ],
        },
        /several versions: 1\.0\.0, 1\.4\.2/,
      ],
      ['blank version', [WEB], [], { explicit: [{ package: 'web', version: ' ' }] }, /empty or has spaces/],
      [
        'invalid rule',
        [WEB],
        [{ packages: [{ step: 'Deploy web', package: 'web' }], versionRange: '[1.0' }],
        {},
        /Version range "\[1\.0" is not valid/,
      ],
    ];
    for (const [what, refs, rules, request, pattern] of cases) {
      it(what, () => refused(refs, rules, request, pattern));
    }

    it('tags not read for an image', () => {
      refused([WEB], [], {}, /tags of image acme\/web \(feed Feeds-1\) were not read/, new Map());
    });

    it('an image with no version tags', () => {
      const tags = new Map([[imageKey('Feeds-1', 'acme/web'), ['latest', 'main']]]);
      refused([WEB], [], {}, /no tag is a version \(e\.g\. latest, main\)/, tags);
      refused([WEB], [], {}, /the feed lists no tags/, new Map([[imageKey('Feeds-1', 'acme/web'), []]]));
    });

    it('shows only the newest five versions', () => {
      const many = Array.from({ length: 12 }, (_, i) => `1.0.${i}`);
      const tags = new Map([[imageKey('Feeds-1', 'acme/web'), [...many, 'latest']]]);
      refused(
        [WEB],
        [{ packages: [{ step: 'Deploy web', package: 'web' }], versionRange: '[5.0,)' }],
        {},
        /newest: 1\.0\.11, 1\.0\.10, 1\.0\.9, 1\.0\.8, 1\.0\.7, \.\.\. \(12 versions\); 1 tag is not a version/,
        tags,
      );
    });
  });
});
