import { describe, it } from 'node:test';
import { EXAMPLES } from '../../../../test/kits/model-examples.js';
import { feedKind } from './feed.js';
import { badRows, itRejects } from '../../../../test/kits/model-schema.js';

const docker = EXAMPLES.feed;
const ecr = { name: 'ECR', type: 'ecr', region: 'eu-west-1', awsAccount: 'Prod account' };

describe('feed: invalid documents', () => {
  itRejects(it, feedKind, [
    ...badRows('feed', docker, [
      ['an unknown type', ['type'], 'npm', 'type must be "docker" or "ecr"'],
      ['a url that is not http(s)', ['url'], 'ftp://registry', 'url must be an http(s) URL'],
      ['a missing url', ['url'], undefined, 'url must be an http(s) URL'],
      ['a non-string username', ['username'], 1, 'username must be a string'],
      ['an empty password', ['password'], '', 'password must not be empty'],
      ['a password without username', ['username'], undefined, 'username is required with a password'],
      ['a bad description', ['description'], 1, 'description must be a string'],
      [
        'a url with a username and password',
        ['url'],
        'https://user:s3cret@registry.example.com',
        "url must not contain a username or password (https://user:password@...): put them in the feed's username and password fields",
      ],
      [
        'a url with a username only',
        ['url'],
        'https://user@registry.example.com/v2',
        'url must not contain a username or password',
      ],
      [
        'ECR fields on a Docker feed',
        ['region'],
        'eu-west-1',
        'unknown field "region" in a Docker registry feed',
        [],
      ],
    ]),
    ...badRows('feed', ecr, [
      ['a bad region', ['region'], 'eu', 'region must be an AWS region name'],
      ['an empty aws account', ['awsAccount'], '', 'awsAccount must not be empty'],
      ['a url on an ECR feed', ['url'], 'https://x', 'unknown field "url" in an ECR feed', []],
    ]),
  ]);
});
