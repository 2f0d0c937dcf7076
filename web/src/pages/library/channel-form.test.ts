import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  channelToForm,
  describeRule,
  emptyChannelForm,
  formToChannel,
  newRule,
  packageReferences,
  referenceKey,
} from './channel-form.js';
import type { ChannelJson, ProcessJson } from './types.js';

const process: ProcessJson = {
  steps: [
    {
      name: 'Deploy',
      action: {
        type: 'ecs-update-service',
        packages: [{ name: 'hello-color', feed: 'Feeds-1', image: 'hello' }],
      },
    },
    { name: 'Approve', action: { type: 'manual-intervention' } },
  ],
};

const channel: ChannelJson = {
  id: 'Channels-1',
  spaceId: 'Spaces-1',
  projectId: 'Projects-1',
  name: 'Stable',
  version: 1,
  createdAt: '',
  updatedAt: '',
  description: 'releases only',
  lifecycle: 'Lifecycles-2',
  isDefault: true,
  tenantTags: ['Tier/Gold'],
  rules: [
    {
      packages: [{ step: 'Deploy', package: 'hello-color' }],
      versionRange: '[1.0,2.0)',
      preReleaseTag: '^$',
    },
  ],
};

describe('channel form', () => {
  it('lists the package references of the process', () => {
    assert.deepEqual(packageReferences(process), [
      { step: 'Deploy', package: 'hello-color', feed: 'Feeds-1', image: 'hello' },
    ]);
    assert.deepEqual(packageReferences(undefined), []);
  });

  it('round-trips a channel', () => {
    const refs = packageReferences(process);
    const doc = formToChannel(channelToForm(channel), refs);
    assert.deepEqual(doc, {
      name: 'Stable',
      description: 'releases only',
      lifecycle: 'Lifecycles-2',
      isDefault: true,
      tenantTags: ['Tier/Gold'],
      rules: channel.rules,
    });
  });

  it('leaves out blank rule parts and the lifecycle when it is the project’s', () => {
    const form = emptyChannelForm();
    form.name = ' Beta ';
    form.rules.push({
      ...newRule([referenceKey({ step: 'DEPLOY', package: 'Hello-Color' })]),
      versionRange: '  ',
    });
    const doc = formToChannel(form, packageReferences(process));
    assert.deepEqual(doc, {
      name: 'Beta',
      description: '',
      isDefault: false,
      tenantTags: [],
      rules: [{ packages: [{ step: 'Deploy', package: 'hello-color' }] }],
    });
  });

  it('describes a rule', () => {
    assert.equal(describeRule({}), 'any version');
    assert.equal(
      describeRule({ versionRange: '[1.0,2.0)', preReleaseTag: '^$' }),
      'range [1.0,2.0) and pre-release tag matching ^$',
    );
  });
});
