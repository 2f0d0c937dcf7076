import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseInput } from '../parse.js';
import { ecsTargetKind } from './ecs-target.js';
import { EXAMPLES } from '../../../../test/kits/model-examples.js';
import { badRows, itRejects, withValue } from '../../../../test/kits/model-schema.js';

const base = EXAMPLES['ecs-target'];
const untenanted = withValue(
  withValue(base, ['tenantedParticipation'], 'untenanted'),
  ['tenants'],
  undefined,
);

describe('ecs-target: invalid documents', () => {
  itRejects(it, ecsTargetKind, [
    ...badRows('ecs-target', base, [
      ['an empty aws account', ['awsAccount'], '', 'awsAccount must not be empty'],
      ['a missing region', ['region'], undefined, 'region must be a string'],
      ['a bad region', ['region'], 'US-EAST-1', 'region must be an AWS region name'],
      ['a cluster with a slash', ['cluster'], 'a/b', 'cluster must be a cluster name'],
      ['a cluster name over 255', ['cluster'], 'c'.repeat(256), 'cluster must be a cluster name'],
      [
        'a cluster ARN of a service',
        ['cluster'],
        'arn:aws:ecs:us-east-1:123456789012:service/a/b',
        'or an ECS cluster ARN',
      ],
      [
        'an assumed role that is no role ARN',
        ['assumeRole'],
        { roleArn: 'deployer' },
        'roleArn must be an IAM role ARN',
        ['assumeRole', 'roleArn'],
      ],
      [
        'an assumed role with a short external id',
        ['assumeRole'],
        { roleArn: 'arn:aws:iam::123456789012:role/d', externalId: 'x' },
        'externalId must be 2 to 1224',
        ['assumeRole', 'externalId'],
      ],
      [
        'an assumed role with a long session',
        ['assumeRole'],
        { roleArn: 'arn:aws:iam::123456789012:role/d', sessionDurationSeconds: 50_000 },
        'sessionDurationSeconds must be at most 43200',
        ['assumeRole', 'sessionDurationSeconds'],
      ],
      [
        'an unknown assumeRole field',
        ['assumeRole'],
        { roleArn: 'arn:aws:iam::123456789012:role/d', region: 'x' },
        'unknown field "region" in assumeRole',
      ],
      ['no roles', ['roles'], [], 'roles must name at least one role'],
      ['missing roles', ['roles'], undefined, 'roles is required'],
      ['a duplicate role', ['roles', 1], 'WEB', 'role "WEB" appears twice'],
      ['no environments', ['environments'], [], 'environments must name at least one environment'],
      ['missing environments', ['environments'], undefined, 'environments is required'],
      [
        'an unknown participation',
        ['tenantedParticipation'],
        'some',
        'tenantedParticipation must be one of "untenanted", "tenanted", "both"',
      ],
      ['a bad tenant tag', ['tenantTags'], ['Gold'], 'a tenant tag is written "Set/Tag"', ['tenantTags', 0]],
      ['an empty tenant', ['tenants', 0], '', 'each of tenants must not be empty'],
    ]),
    ...badRows('ecs-target', untenanted, [
      [
        'tenants on an untenanted target',
        ['tenants'],
        ['Acme'],
        'tenants are only for tenantedParticipation "tenanted" or "both"',
      ],
      [
        'tenant tags on an untenanted target',
        ['tenantTags'],
        ['Tier/Gold'],
        'tenantTags are only for tenantedParticipation',
      ],
    ]),
  ]);

  it('accepts a cluster ARN, an assumed role, both participations and the ambient chain', () => {
    const doc = parseInput(
      ecsTargetKind.schema,
      {
        ...withValue(base, ['awsAccount'], undefined),
        cluster: 'arn:aws:ecs:us-east-1:123456789012:cluster/acme',
        assumeRole: {
          roleArn: 'arn:aws:iam::123456789012:role/d',
          externalId: 'acme-1',
          sessionDurationSeconds: 900,
        },
        tenantedParticipation: 'both',
        tenantTags: ['Tier/Gold'],
      },
      'ecs-target',
    );
    assert.equal(doc.awsAccount, undefined);
    parseInput(ecsTargetKind.schema, untenanted, 'ecs-target');
  });
});
