/** AWS::IAM::Role's inline `Policies` become the role's inline policies (put, changed, removed). */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStacksCommand,
  UpdateStackCommand,
} from '@aws-sdk/client-cloudformation';
import {
  GetRolePolicyCommand,
  IAMClient,
  ListRolePoliciesCommand,
  SimulatePrincipalPolicyCommand,
} from '@aws-sdk/client-iam';
import { startSandbox, type SandboxHandle } from '../index.js';

function template(policies: Record<string, string[]>): string {
  return JSON.stringify({
    Resources: {
      ExecRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: 'stack-exec',
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { Service: 'ecs-tasks.amazonaws.com' },
                Action: 'sts:AssumeRole',
              },
            ],
          },
          Policies: Object.entries(policies).map(([name, actions]) => ({
            PolicyName: name,
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }],
            },
          })),
        },
      },
    },
  });
}

describe('AWS::IAM::Role inline Policies', () => {
  let sb: SandboxHandle;
  let cfn: CloudFormationClient;
  let iam: IAMClient;
  before(async () => {
    sb = await startSandbox({ port: 0, throttling: false, timeScale: 100 });
    const config = { endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials };
    cfn = new CloudFormationClient(config);
    iam = new IAMClient(config);
  });
  after(() => sb.close());

  async function settled(): Promise<string> {
    for (let i = 0; i < 100; i++) {
      sb.runtime.clock.advance(5_000);
      const s = (await cfn.send(new DescribeStacksCommand({ StackName: 'roles' }))).Stacks?.[0];
      if (s?.StackStatus && !s.StackStatus.endsWith('_IN_PROGRESS')) return s.StackStatus;
    }
    assert.fail('the stack did not settle');
  }

  async function decision(action: string): Promise<string | undefined> {
    const r = await iam.send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: 'arn:aws:iam::000000000000:role/stack-exec',
        ActionNames: [action],
      }),
    );
    return r.EvaluationResults?.[0]?.EvalDecision;
  }

  it('puts them on create, changes them on update and deletes them with the role', async () => {
    await cfn.send(
      new CreateStackCommand({
        StackName: 'roles',
        TemplateBody: template({ ssm: ['ssm:GetParameters'], asm: ['secretsmanager:GetSecretValue'] }),
        Capabilities: ['CAPABILITY_NAMED_IAM'],
      }),
    );
    assert.equal(await settled(), 'CREATE_COMPLETE');
    const names = await iam.send(new ListRolePoliciesCommand({ RoleName: 'stack-exec' }));
    assert.deepEqual(names.PolicyNames, ['asm', 'ssm']);
    const doc = await iam.send(new GetRolePolicyCommand({ RoleName: 'stack-exec', PolicyName: 'ssm' }));
    assert.deepEqual(JSON.parse(decodeURIComponent(doc.PolicyDocument ?? '')).Statement[0].Action, [
      'ssm:GetParameters',
    ]);
    assert.equal(await decision('ssm:GetParameters'), 'allowed');

    await cfn.send(
      new UpdateStackCommand({
        StackName: 'roles',
        TemplateBody: template({ asm: ['secretsmanager:*'] }),
        Capabilities: ['CAPABILITY_NAMED_IAM'],
      }),
    );
    assert.equal(await settled(), 'UPDATE_COMPLETE');
    assert.deepEqual((await iam.send(new ListRolePoliciesCommand({ RoleName: 'stack-exec' }))).PolicyNames, [
      'asm',
    ]);
    assert.equal(await decision('ssm:GetParameters'), 'implicitDeny');
    assert.equal(await decision('secretsmanager:DescribeSecret'), 'allowed');

    await cfn.send(new DeleteStackCommand({ StackName: 'roles' }));
    for (let i = 0; i < 50 && sb.runtime.world.accounts['000000000000']?.iam.roles['stack-exec']; i++) {
      sb.runtime.clock.advance(5_000);
      await new Promise((r) => setImmediate(r));
    }
    assert.equal(sb.runtime.world.accounts['000000000000']?.iam.roles['stack-exec'], undefined);
  });
});
