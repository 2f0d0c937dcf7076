import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyFeedForm, feedSource, feedToForm, formToFeed } from './feed-form.js';
import type { FeedJson } from './types.js';

const base = {
  id: 'Feeds-1',
  spaceId: 'Spaces-1',
  version: 1,
  createdAt: '',
  updatedAt: '',
  description: '',
};

describe('feed form', () => {
  const docker: FeedJson = {
    ...base,
    name: 'Hub',
    type: 'docker',
    url: 'https://r.example',
    username: 'ci',
    password: { set: true },
  };

  it('keeps a stored password unless it is replaced or cleared', () => {
    const form = feedToForm(docker);
    assert.equal(form.passwordAction, 'keep');
    assert.deepEqual(formToFeed(form), {
      name: 'Hub',
      description: '',
      type: 'docker',
      url: 'https://r.example',
      username: 'ci',
      password: { set: true },
    });
    assert.equal(
      (formToFeed({ ...form, passwordAction: 'replace', password: 's3cret' }) as { password: unknown })
        .password,
      's3cret',
    );
    assert.equal((formToFeed({ ...form, passwordAction: 'clear' }) as { password: unknown }).password, null);
    // Replace chosen but nothing typed: the stored one stays.
    assert.deepEqual((formToFeed({ ...form, passwordAction: 'replace' }) as { password: unknown }).password, {
      set: true,
    });
  });

  it('sends no password or username for an anonymous registry', () => {
    const form = { ...emptyFeedForm(), name: 'Anon', url: ' https://r.example ' };
    assert.deepEqual(formToFeed(form), {
      name: 'Anon',
      description: '',
      type: 'docker',
      url: 'https://r.example',
    });
  });

  it('writes an ECR feed with or without an AWS account', () => {
    const ecr: FeedJson = {
      ...base,
      name: 'ECR',
      type: 'ecr',
      region: 'eu-west-1',
      awsAccount: 'AwsAccounts-1',
    };
    assert.deepEqual(formToFeed(feedToForm(ecr)), {
      name: 'ECR',
      description: '',
      type: 'ecr',
      region: 'eu-west-1',
      awsAccount: 'AwsAccounts-1',
    });
    assert.deepEqual(formToFeed({ ...feedToForm(ecr), awsAccount: '' }), {
      name: 'ECR',
      description: '',
      type: 'ecr',
      region: 'eu-west-1',
    });
    assert.equal(feedSource(ecr, 'Sandbox'), 'Amazon ECR in eu-west-1 (Sandbox)');
    assert.equal(feedSource(docker), 'https://r.example');
  });
});
