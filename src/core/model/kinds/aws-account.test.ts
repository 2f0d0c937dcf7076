import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseInput } from '../parse.js';
import { awsAccountKind } from './aws-account.js';
import { EXAMPLES } from '../../../../test/kits/model-examples.js';
import { bad, itRejects } from '../../../../test/kits/model-schema.js';

const keys = EXAMPLES['aws-account'];
const role = { name: 'Deployer', mode: 'role', roleArn: 'arn:aws:iam::123456789012:role/deploy/deployer' };
type Path = (string | number)[];
const k = (what: string, path: Path, value: unknown, message: string, field?: Path) =>
  bad('aws-account', keys, what, path, value, message, field);
const r = (what: string, path: Path, value: unknown, message: string, field?: Path) =>
  bad('aws-account', role, what, path, value, message, field);

describe('aws-account: invalid documents', () => {
  itRejects(it, awsAccountKind, [
    k('an unknown mode', ['mode'], 'sso', 'mode must be "keys", "role" or "ambient"'),
    k('a missing mode', ['mode'], undefined, 'mode must be "keys", "role" or "ambient"'),
    k('an empty name', ['name'], '', 'name must not be empty'),
    k('a non-string description', ['description'], 3, 'description must be a string'),
    k(
      'an access key id without AKIA/ASIA',
      ['accessKeyId'],
      'XKIAEXAMPLE000000001',
      'accessKeyId must be an AWS access key id',
    ),
    k('a short access key id', ['accessKeyId'], 'AKIA123', 'accessKeyId must be an AWS access key id'),
    k(
      'a lower-case access key id',
      ['accessKeyId'],
      'AKIAexample000000001',
      'accessKeyId must be an AWS access key id',
    ),
    k('a missing secret', ['secretAccessKey'], undefined, 'secretAccessKey must be a string'),
    k('an empty secret', ['secretAccessKey'], '', 'secretAccessKey must not be empty'),
    k('a null secret in mode keys', ['secretAccessKey'], null, 'secretAccessKey is required in mode "keys"'),
    k('a bad region', ['region'], 'Europe', 'region must be an AWS region name'),
    k('environments that are not a list', ['environments'], 'Dev', 'environments must be a list'),
    k('an empty environment reference', ['environments'], [''], 'each of environments must not be empty', [
      'environments',
      0,
    ]),
    k('a duplicate environment', ['environments'], ['Dev', 'dev'], 'reference "dev" appears twice', [
      'environments',
      1,
    ]),
    k('a tenant that is not a string', ['tenants'], [3], 'each of tenants must be a string', ['tenants', 0]),
    k(
      'a role field in mode keys',
      ['roleArn'],
      'arn:aws:iam::123456789012:role/x',
      'unknown field "roleArn"',
      [],
    ),
    r(
      'a role ARN of a user',
      ['roleArn'],
      'arn:aws:iam::123456789012:user/bob',
      'roleArn must be an IAM role ARN',
    ),
    r(
      'a role ARN with a short account',
      ['roleArn'],
      'arn:aws:iam::1234:role/x',
      'roleArn must be an IAM role ARN',
    ),
    r('a one-character external id', ['externalId'], 'x', 'externalId must be 2 to 1224'),
    r('an external id with a space', ['externalId'], 'a b', 'externalId must be 2 to 1224'),
    r(
      'a session shorter than 900 s',
      ['sessionDurationSeconds'],
      600,
      'sessionDurationSeconds must be at least 900',
    ),
    r(
      'a session longer than 12 h',
      ['sessionDurationSeconds'],
      43_201,
      'sessionDurationSeconds must be at most 43200',
    ),
    r(
      'a fractional session',
      ['sessionDurationSeconds'],
      1000.5,
      'sessionDurationSeconds must be a whole number',
    ),
    r('an empty source account', ['sourceAccount'], '', 'sourceAccount must not be empty'),
    r('itself as source account', ['sourceAccount'], 'deployer', 'sourceAccount must be another account'),
    r('keys in mode role', ['accessKeyId'], 'AKIAEXAMPLE000000001', 'unknown field "accessKeyId"', []),
    bad(
      'aws-account',
      { name: 'A', mode: 'ambient' },
      'keys in mode ambient',
      ['secretAccessKey'],
      'x',
      'unknown field "secretAccessKey"',
      [],
    ),
  ]);
});

describe('aws-account: accepts', () => {
  it('a role with a path, external id, duration and source account, and a temporary key id', () => {
    const doc = parseInput(
      awsAccountKind.schema,
      { ...role, externalId: 'tenant:acme/1', sessionDurationSeconds: 900, sourceAccount: 'Prod account' },
      'aws-account',
    );
    assert.equal(doc.mode, 'role');
    parseInput(awsAccountKind.schema, { ...keys, accessKeyId: 'ASIA0123456789ABCDEF' }, 'aws-account');
    parseInput(
      awsAccountKind.schema,
      { ...role, roleArn: 'arn:aws-us-gov:iam::123456789012:role/x' },
      'aws-account',
    );
  });
});
