import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseInput } from '../parse.js';
import { channelKind } from './channel.js';
import { EXAMPLES } from '../../../../test/kits/model-examples.js';
import { badRows, itRejects } from '../../../../test/kits/model-schema.js';

const base = EXAMPLES.channel;

describe('channel: invalid documents', () => {
  itRejects(
    it,
    channelKind,
    badRows('channel', base, [
      ['an empty lifecycle', ['lifecycle'], '', 'lifecycle must not be empty'],
      ['a non-boolean isDefault', ['isDefault'], 'yes', 'isDefault must be true or false'],
      ['rules not a list', ['rules'], {}, 'rules must be a list'],
      [
        'a rule without packages',
        ['rules', 0, 'packages'],
        [],
        'a rule applies to at least one package reference',
      ],
      [
        'a rule package without step',
        ['rules', 0, 'packages', 0, 'step'],
        undefined,
        'step must be a string',
      ],
      [
        'a rule package with an empty name',
        ['rules', 0, 'packages', 0, 'package'],
        '',
        'package must not be empty',
      ],
      [
        'an unknown rule package field',
        ['rules', 0, 'packages', 0, 'feed'],
        'Hub',
        'unknown field "feed"',
        ['rules', 0, 'packages', 0],
      ],
      [
        'a version range that does not parse',
        ['rules', 0, 'versionRange'],
        '[2.0,3.0',
        'Version range "[2.0,3.0" is not valid',
      ],
      ['an empty version range', ['rules', 0, 'versionRange'], '', 'it is empty'],
      ['a version range with a bad bound', ['rules', 0, 'versionRange'], '[x,3.0)', 'is not a version'],
      [
        'a pre-release tag that is not a regex',
        ['rules', 0, 'preReleaseTag'],
        '([a-z',
        'preReleaseTag is not a usable regular expression',
      ],
      [
        'a pre-release tag with a backreference',
        ['rules', 0, 'preReleaseTag'],
        '(beta)\\1',
        'preReleaseTag is not a usable regular expression (it uses a backreference',
      ],
      ['a non-string pre-release tag', ['rules', 0, 'preReleaseTag'], 1, 'preReleaseTag must be a string'],
      ['a tenant tag without a set', ['tenantTags', 0], 'Gold', 'a tenant tag is written "Set/Tag"'],
      [
        'a duplicate tenant tag',
        ['tenantTags'],
        ['Tier/Gold', 'tier/gold'],
        'tag "tier/gold" appears twice',
        ['tenantTags', 1],
      ],
      [
        'a package reference in two rules',
        ['rules', 1],
        { packages: [{ step: 'deploy', package: 'WEB' }], versionRange: '1.0' },
        'package "WEB" of step "deploy" is already in rules[0]',
        ['rules', 1, 'packages', 0],
      ],
    ]),
  );
});

describe('channel: accepts', () => {
  it('"no pre-release", a bare minimum version and the project\'s lifecycle', () => {
    const doc = parseInput(
      channelKind.schema,
      {
        name: 'Stable',
        isDefault: true,
        rules: [{ packages: [{ step: 'Deploy', package: 'web' }], versionRange: '1.0', preReleaseTag: '^$' }],
      },
      'channel',
    );
    assert.equal(doc.lifecycle, undefined);
    assert.equal(doc.rules[0]?.preReleaseTag, '^$');
  });
});
