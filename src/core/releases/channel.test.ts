import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SlipwayError } from '../errors.js';
import { chooseChannel, type ChannelChoice, type PackageReference, type PackageRequest } from './index.js';

const WEB: PackageReference = { step: 'Deploy web', package: 'web', feedId: 'Feeds-1', image: 'acme/web' };
const WORKER: PackageReference = {
  step: 'Deploy worker',
  package: 'worker',
  feedId: 'Feeds-1',
  image: 'acme/worker',
};
const REFS = [WEB, WORKER];

const STABLE: ChannelChoice = {
  id: 'Channels-1',
  name: 'Stable',
  isDefault: true,
  rules: [
    { packages: [{ step: 'Deploy web', package: 'web' }], versionRange: '[1.0,2.0)', preReleaseTag: '^$' },
  ],
};
const BETA: ChannelChoice = {
  id: 'Channels-2',
  name: 'Beta',
  isDefault: false,
  rules: [
    {
      packages: [{ step: 'Deploy web', package: 'web' }],
      versionRange: '[2.0.0-0,3.0)',
      preReleaseTag: '^beta',
    },
  ],
};
const ANY: ChannelChoice = { id: 'Channels-3', name: 'Anything', isDefault: false, rules: [] };
const BROKEN: ChannelChoice = {
  id: 'Channels-4',
  name: 'Broken',
  isDefault: false,
  rules: [{ packages: [{ step: 'Deploy web', package: 'web' }], preReleaseTag: '(' }],
};

const web = (version: string): PackageRequest['explicit'] => [{ package: 'web', version }];

describe('chooseChannel', () => {
  // [what, channels, explicit, expected channel name]
  const cases: [string, ChannelChoice[], PackageRequest['explicit'], string][] = [
    ['the default when it accepts', [STABLE, BETA], web('1.4.2'), 'Stable'],
    ['the default without explicit versions', [BETA, STABLE], [], 'Stable'],
    ['the only other one that accepts', [STABLE, BETA], web('2.0.0-beta.3'), 'Beta'],
    ['by step', [STABLE, BETA], [{ step: 'deploy web', package: 'web', version: '2.1.0-beta' }], 'Beta'],
    [
      'versions of packages without rules do not matter',
      [STABLE, BETA],
      [{ package: 'worker', version: '9.0' }],
      'Stable',
    ],
    ['the default even when others accept too', [STABLE, ANY], web('1.0.0'), 'Stable'],
    ['one channel without rules', [{ ...ANY, isDefault: true }], web('anything'), 'Anything'],
    ['a broken channel refuses', [{ ...STABLE, isDefault: false }, BROKEN], web('1.0.0'), 'Stable'],
  ];
  for (const [what, channels, explicit, expected] of cases) {
    it(what, () => assert.equal(chooseChannel(channels, explicit, REFS).name, expected));
  }

  function refused(channels: ChannelChoice[], explicit: PackageRequest['explicit'], pattern: RegExp): void {
    assert.throws(
      () => chooseChannel(channels, explicit, REFS),
      (e: unknown) => e instanceof SlipwayError && e.code === 'INVALID_INPUT' && pattern.test(e.message),
    );
  }

  it('refuses when no channel accepts, saying why for each', () => {
    refused(
      [STABLE, BETA],
      web('3.0.0'),
      /No channel accepts these package versions \(Stable: 3\.0\.0 of package "web" of step "Deploy web" does not fit range \[1\.0,2\.0\) and pre-release tag matching \^\$; Beta: 3\.0\.0 .*does not fit range \[2\.0\.0-0,3\.0\)/,
    );
  });

  it('refuses when several non-default channels accept', () => {
    refused(
      [STABLE, BETA, ANY],
      web('2.0.0-beta.1'),
      /Several channels accept these package versions: Beta, Anything\. Name the channel/,
    );
  });

  it('refuses without channels', () => refused([], [], /no channel/));

  it('says when a channel rule is invalid', () =>
    refused([BROKEN], web('1.0'), /Broken: its rule .* is invalid/));
});
