import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListRolePoliciesCommand,
  PutRolePolicyCommand,
  SimulatePrincipalPolicyCommand,
} from '@aws-sdk/client-iam';
import { startSandbox, type SandboxHandle } from '../index.js';

const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' },
  ],
});
const EXEC_POLICY = 'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy';
const READ_APP = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: ['ssm:GetParameters', 'secretsmanager:GetSecretValue'],
      Resource: 'arn:aws:*:*:*:*/app/*',
    },
    {
      Effect: 'Allow',
      Action: 'ssm:GetParameters',
      Resource: 'arn:aws:ssm:us-east-1:000000000000:parameter/shared*',
    },
  ],
});
const DENY_PROD = JSON.stringify({
  Version: '2012-10-17',
  Statement: { Effect: 'Deny', Action: 'ssm:*', Resource: 'arn:aws:ssm:*:*:parameter/app/prod/*' },
});

describe('IAM inline role policies and SimulatePrincipalPolicy', () => {
  let sb: SandboxHandle;
  let iam: IAMClient;
  const roleArn = 'arn:aws:iam::000000000000:role/exec';
  before(async () => {
    sb = await startSandbox({ port: 0, throttling: false });
    iam = new IAMClient({ endpoint: sb.endpoint, region: 'us-east-1', credentials: sb.credentials });
    await iam.send(new CreateRoleCommand({ RoleName: 'exec', AssumeRolePolicyDocument: TRUST }));
  });
  after(() => sb.close());

  it('puts, gets, lists and deletes inline policies; DeleteRole waits for them', async () => {
    await iam.send(
      new PutRolePolicyCommand({ RoleName: 'exec', PolicyName: 'read-app', PolicyDocument: READ_APP }),
    );
    await iam.send(
      new PutRolePolicyCommand({ RoleName: 'exec', PolicyName: 'deny-prod', PolicyDocument: DENY_PROD }),
    );
    const got = await iam.send(new GetRolePolicyCommand({ RoleName: 'exec', PolicyName: 'read-app' }));
    assert.deepEqual(JSON.parse(decodeURIComponent(got.PolicyDocument ?? '')), JSON.parse(READ_APP));
    const listed = await iam.send(new ListRolePoliciesCommand({ RoleName: 'exec' }));
    assert.deepEqual(listed.PolicyNames, ['deny-prod', 'read-app']);
    await assert.rejects(
      iam.send(new GetRolePolicyCommand({ RoleName: 'exec', PolicyName: 'nope' })),
      (e: Error) => e.name === 'NoSuchEntityException',
    );
    await assert.rejects(
      iam.send(
        new PutRolePolicyCommand({ RoleName: 'exec', PolicyName: 'bad', PolicyDocument: '{"Statement":[]}' }),
      ),
      (e: Error) => e.name === 'MalformedPolicyDocumentException',
    );
    await assert.rejects(
      iam.send(new PutRolePolicyCommand({ RoleName: 'ghost', PolicyName: 'p', PolicyDocument: READ_APP })),
      (e: Error) => e.name === 'NoSuchEntityException',
    );
    await iam.send(new CreateRoleCommand({ RoleName: 'temp', AssumeRolePolicyDocument: TRUST }));
    await iam.send(new PutRolePolicyCommand({ RoleName: 'temp', PolicyName: 'p', PolicyDocument: READ_APP }));
    await assert.rejects(
      iam.send(new DeleteRoleCommand({ RoleName: 'temp' })),
      (e: Error) => e.name === 'DeleteConflictException' && /delete policies first/.test(e.message),
    );
    await iam.send(new DeleteRolePolicyCommand({ RoleName: 'temp', PolicyName: 'p' }));
    await iam.send(new DeleteRoleCommand({ RoleName: 'temp' }));
  });

  it('simulates per action and resource: allowed, implicitDeny, explicitDeny', async () => {
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'exec', PolicyArn: EXEC_POLICY }));
    const prefix = 'arn:aws:ssm:us-east-1:000000000000:parameter';
    const r = await iam.send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: roleArn,
        ActionNames: ['ssm:GetParameters'],
        ResourceArns: [
          `${prefix}/app/dev/db`,
          `${prefix}/app/prod/db`,
          `${prefix}/other`,
          `${prefix}/shared-key`,
        ],
      }),
    );
    assert.deepEqual(
      r.EvaluationResults?.map((e) => [e.EvalResourceName, e.EvalDecision]),
      [
        [`${prefix}/app/dev/db`, 'allowed'],
        [`${prefix}/app/prod/db`, 'explicitDeny'],
        [`${prefix}/other`, 'implicitDeny'],
        [`${prefix}/shared-key`, 'allowed'],
      ],
    );
    assert.deepEqual(r.EvaluationResults?.[1]?.MatchedStatements?.[0]?.SourcePolicyId, 'deny-prod');
    const managed = await iam.send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: roleArn,
        ActionNames: ['ecr:BatchGetImage', 'logs:PutLogEvents', 'logs:CreateLogGroup'],
      }),
    );
    assert.deepEqual(
      managed.EvaluationResults?.map((e) => [e.EvalActionName, e.EvalResourceName, e.EvalDecision]),
      [
        ['ecr:BatchGetImage', '*', 'allowed'],
        ['logs:PutLogEvents', '*', 'allowed'],
        ['logs:CreateLogGroup', '*', 'implicitDeny'],
      ],
    );
    assert.deepEqual(managed.EvaluationResults?.[0]?.MatchedStatements?.[0], {
      SourcePolicyId: 'AmazonECSTaskExecutionRolePolicy',
      SourcePolicyType: 'aws-managed',
    });
    await assert.rejects(
      iam.send(
        new SimulatePrincipalPolicyCommand({
          PolicySourceArn: 'arn:aws:iam::000000000000:role/ghost',
          ActionNames: ['s3:*'],
        }),
      ),
      (e: Error) => e.name === 'NoSuchEntityException',
    );
  });
});
