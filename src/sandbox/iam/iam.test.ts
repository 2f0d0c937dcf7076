import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  DeleteRoleCommand,
  DetachRolePolicyCommand,
  GetRoleCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import { startSandbox, type SandboxHandle } from '../index.js';

const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' },
  ],
});
const EXEC_POLICY = 'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy';

describe('IAM roles', () => {
  let sb: SandboxHandle;
  let iam: IAMClient;
  before(async () => {
    sb = await startSandbox({ port: 0, throttling: false });
    iam = new IAMClient({ endpoint: sb.endpoint, region: 'us-east-1', credentials: sb.credentials });
  });
  after(() => sb.close());

  it('creates, reads, attaches the task execution policy, detaches and deletes a role', async () => {
    const created = await iam.send(
      new CreateRoleCommand({
        RoleName: 'ecsTaskExecutionRole',
        AssumeRolePolicyDocument: TRUST,
        Description: 'exec',
      }),
    );
    assert.equal(created.Role?.Arn, 'arn:aws:iam::000000000000:role/ecsTaskExecutionRole');
    assert.match(created.Role?.RoleId ?? '', /^AROA/);
    const got = await iam.send(new GetRoleCommand({ RoleName: 'ecsTaskExecutionRole' }));
    assert.equal(decodeURIComponent(got.Role?.AssumeRolePolicyDocument ?? ''), TRUST);
    assert.ok(got.Role?.CreateDate instanceof Date);

    await iam.send(new AttachRolePolicyCommand({ RoleName: 'ecsTaskExecutionRole', PolicyArn: EXEC_POLICY }));
    const attached = await iam.send(
      new ListAttachedRolePoliciesCommand({ RoleName: 'ecsTaskExecutionRole' }),
    );
    assert.deepEqual(attached.AttachedPolicies, [
      { PolicyName: 'AmazonECSTaskExecutionRolePolicy', PolicyArn: EXEC_POLICY },
    ]);

    await assert.rejects(
      iam.send(new DeleteRoleCommand({ RoleName: 'ecsTaskExecutionRole' })),
      (e: Error) => e.name === 'DeleteConflictException',
    );
    await iam.send(new DetachRolePolicyCommand({ RoleName: 'ecsTaskExecutionRole', PolicyArn: EXEC_POLICY }));
    await iam.send(new DeleteRoleCommand({ RoleName: 'ecsTaskExecutionRole' }));
    await assert.rejects(
      iam.send(new GetRoleCommand({ RoleName: 'ecsTaskExecutionRole' })),
      (e: Error) => e.name === 'NoSuchEntityException',
    );
  });

  it('refuses duplicates, bad policies and unknown managed policies', async () => {
    await iam.send(new CreateRoleCommand({ RoleName: 'dup', AssumeRolePolicyDocument: TRUST }));
    await assert.rejects(
      iam.send(new CreateRoleCommand({ RoleName: 'dup', AssumeRolePolicyDocument: TRUST })),
      (e: Error) => e.name === 'EntityAlreadyExistsException',
    );
    await assert.rejects(
      iam.send(new CreateRoleCommand({ RoleName: 'bad', AssumeRolePolicyDocument: '{not json' })),
      (e: Error) => e.name === 'MalformedPolicyDocumentException',
    );
    await assert.rejects(
      iam.send(new AttachRolePolicyCommand({ RoleName: 'dup', PolicyArn: 'arn:aws:iam::aws:policy/Nope' })),
      (e: Error) => e.name === 'NoSuchEntityException',
    );
  });
});
