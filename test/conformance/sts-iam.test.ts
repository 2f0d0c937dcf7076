/**
 * STS and IAM conformance: caller identity, roles and their policies, and AssumeRole.
 * The sandbox's default account is 000000000000, moto's 123456789012; the trust policy names the caller's.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  GetRoleCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { conformanceSuite, targetsOrSkip, type Recorder } from './harness.js';
import { clientConfig, errorName, operationDeclaresError, type Deviation, type Target } from './support.js';

const DEVIATIONS: readonly Deviation[] = [
  {
    call: 'CreateRole',
    path: 'Role.RoleLastUsed',
    side: 'motoOnly',
    follows: 'sandbox',
    reason: 'AWS CreateRole output (AWS CLI example) has no RoleLastUsed; moto returns an empty one',
  },
  {
    call: 'AssumeRole',
    path: 'PackedPolicySize',
    side: 'motoOnly',
    follows: 'sandbox',
    reason:
      'AssumeRoleResponse.PackedPolicySize is the size of the session policies and tags passed in the request; none are passed here, and AWS omits it. moto always returns 6',
  },
];
const VALUE_BUGS: Readonly<Record<string, string>> = {};

const POLICY_ARN = 'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy';

function trustPolicy(accountId: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: 'sts:AssumeRole' },
    ],
  });
}

async function iamRoles(r: Recorder): Promise<void> {
  const iam = new IAMClient(clientConfig(r.target));
  const created = await r.record(
    'CreateRole',
    'CreateRole',
    iam.send(
      new CreateRoleCommand({
        RoleName: 'deployer',
        Path: '/slipway/',
        AssumeRolePolicyDocument: trustPolicy(r.target.accountId),
        Description: 'conformance',
        Tags: [{ Key: 'team', Value: 'platform' }],
      }),
    ),
  );
  r.expect('role ARN', created.Role?.Arn, `arn:aws:iam::${r.target.accountId}:role/slipway/deployer`);
  r.expect('role id starts AROA', created.Role?.RoleId?.startsWith('AROA'), true);
  const got = await r.record('GetRole', 'GetRole', iam.send(new GetRoleCommand({ RoleName: 'deployer' })));
  const document = decodeURIComponent(got.Role?.AssumeRolePolicyDocument ?? '');
  r.expect(
    'GetRole returns the trust policy (URL-encoded JSON)',
    JSON.parse(document),
    JSON.parse(trustPolicy(r.target.accountId)),
  );
  r.expect('GetRole max session duration', got.Role?.MaxSessionDuration, 3600);
  await r.record(
    'AttachRolePolicy',
    'AttachRolePolicy',
    iam.send(new AttachRolePolicyCommand({ RoleName: 'deployer', PolicyArn: POLICY_ARN })),
  );
  const attached = await r.record(
    'ListAttachedRolePolicies',
    'ListAttachedRolePolicies',
    iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'deployer' })),
  );
  r.expect('attached policies', attached.AttachedPolicies, [
    { PolicyName: 'AmazonECSTaskExecutionRolePolicy', PolicyArn: POLICY_ARN },
  ]);
  r.expect('not truncated', attached.IsTruncated, false);
}

async function stsCalls(r: Recorder): Promise<void> {
  const sts = new STSClient(clientConfig(r.target));
  const iam = new IAMClient(clientConfig(r.target));
  const me = await r.record(
    'GetCallerIdentity',
    'GetCallerIdentity',
    sts.send(new GetCallerIdentityCommand({})),
  );
  r.expect('caller account', me.Account, r.target.accountId);
  await iam.send(
    new CreateRoleCommand({
      RoleName: 'assumable',
      AssumeRolePolicyDocument: trustPolicy(r.target.accountId),
    }),
  );
  const assumed = await r.record(
    'AssumeRole',
    'AssumeRole',
    sts.send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${r.target.accountId}:role/assumable`,
        RoleSessionName: 'conformance',
        DurationSeconds: 900,
      }),
    ),
  );
  r.expect(
    'assumed role ARN',
    assumed.AssumedRoleUser?.Arn,
    `arn:aws:sts::${r.target.accountId}:assumed-role/assumable/conformance`,
  );
  r.expect('temporary key starts ASIA', assumed.Credentials?.AccessKeyId?.startsWith('ASIA'), true);
  const expiry = assumed.Credentials?.Expiration;
  r.expect('expiration is a Date', expiry instanceof Date, true);
  const temporary = new STSClient({
    ...clientConfig(r.target),
    credentials: {
      accessKeyId: assumed.Credentials?.AccessKeyId ?? '',
      secretAccessKey: assumed.Credentials?.SecretAccessKey ?? '',
      sessionToken: assumed.Credentials?.SessionToken ?? '',
    },
  });
  const asRole = await r.record(
    'GetCallerIdentity(assumed)',
    'GetCallerIdentity',
    temporary.send(new GetCallerIdentityCommand({})),
  );
  r.expect(
    'identity of the session',
    asRole.Arn,
    `arn:aws:sts::${r.target.accountId}:assumed-role/assumable/conformance`,
  );
}

conformanceSuite({
  name: 'IAM: sandbox vs moto',
  service: 'iam',
  deviations: DEVIATIONS,
  valueBugs: VALUE_BUGS,
  scenarios: [{ title: 'roles: create, get, attach and list policies', run: iamRoles }],
  extra: (pair) => {
    it('error names match AWS on both sides', async (t) => {
      const targets = targetsOrSkip(t, pair());
      if (!targets) return;
      const names = async (target: Target): Promise<string[]> => {
        const iam = new IAMClient(clientConfig(target));
        return [await errorName(iam.send(new GetRoleCommand({ RoleName: 'no-such-role' })))];
      };
      const [sandbox, moto] = await Promise.all([names(targets.sandbox), names(targets.moto)]);
      assert.deepEqual(sandbox, ['NoSuchEntityException'], 'sandbox');
      assert.deepEqual(moto, ['NoSuchEntityException'], 'moto');
      const declared = operationDeclaresError('iam', 'GetRole', 'NoSuchEntityException');
      if (declared !== undefined) assert.ok(declared);
    });
  },
});

conformanceSuite({
  name: 'STS: sandbox vs moto',
  service: 'sts',
  deviations: DEVIATIONS.filter((d) => d.call === 'AssumeRole'),
  scenarios: [{ title: 'GetCallerIdentity, AssumeRole, GetCallerIdentity as the role', run: stsCalls }],
});
